"""The API end to end over the sandboxed stack: shapes, DST, batching, failures, errors, caching."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from bench.workloads import dashboard_day
from gridql.adapters.model import ISO

from .sandbox_app import Stack

HUBS = ["PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"]
FIVE_PER_ISO = {
    ISO.PJM: ["PJM:51288", "PJM:51217", "PJM:51287", "PJM:4669664", "PJM:35010337"],
    ISO.ERCOT: ["ERCOT:HB_HOUSTON", "ERCOT:HB_NORTH", "ERCOT:HB_SOUTH", "ERCOT:HB_WEST", "ERCOT:LZ_NORTH"],
    ISO.CAISO: [
        "CAISO:TH_NP15_GEN-APND",
        "CAISO:TH_SP15_GEN-APND",
        "CAISO:TH_ZP26_GEN-APND",
        "CAISO:DLAP_PGAE-APND",
        "CAISO:DLAP_SCE-APND",
    ],
    ISO.NYISO: ["NYISO:61761", "NYISO:61757", "NYISO:61752", "NYISO:61762", "NYISO:61758"],
}
LOCAL_MIDNIGHT_OFFSET = {"PJM": "-05:00", "ERCOT": "-06:00", "CAISO": "-08:00", "NYISO": "-05:00"}

PRICES = """
query($ids: [ID!]!, $run: MarketRun!, $date: Date, $start: DateTime, $end: DateTime, $days: Int) {
  nodes(ids: $ids) {
    id iso name type
    prices(run: $run, date: $date, start: $start, end: $end, days: $days) {
      start end lmp energy congestion loss
    }
  }
}
"""


def gridql(body: dict[str, Any]) -> dict[str, Any]:
    extensions: dict[str, Any] = body["extensions"]["gridql"]
    return extensions


def errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body.get("errors") or [])


async def test_cross_market_spring_forward_day() -> None:
    stack = Stack()
    body = await stack.query(
        '{ nodes(ids: ["PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"]) '
        '{ id name prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { start end lmp } } }'
    )
    assert errors(body) == []
    nodes = body["data"]["nodes"]  # type: ignore[index]
    assert [n["id"] for n in nodes] == HUBS
    for node in nodes:
        prices = node["prices"]
        assert len(prices) == 23, node["id"]
        iso = node["id"].split(":")[0]
        assert prices[0]["start"] == f"2025-03-09T00:00:00{LOCAL_MIDNIGHT_OFFSET[iso]}"
        starts = [datetime.fromisoformat(p["start"]) for p in prices]
        ends = [datetime.fromisoformat(p["end"]) for p in prices]
        assert all(e - s == timedelta(hours=1) for s, e in zip(starts, ends, strict=True))
        assert all(a < b and e == b for a, b, e in zip(starts, starts[1:], ends, strict=False))
    # One upstream request per ISO for the one run and window, as counted at the transport.
    report = gridql(body)
    assert report["sandbox"] is True
    assert {iso: s["requests"] for iso, s in report["upstream"].items()} == {iso.value: 1 for iso in ISO}
    assert dict(stack.counts) == {iso: 1 for iso in ISO}
    assert stack.transports[ISO.ERCOT].sign_ins == report["upstream"]["ERCOT"]["authRequests"] == 1


async def test_fall_back_day_has_25_hours_everywhere() -> None:
    stack = Stack()
    body = await stack.query(PRICES, {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-11-02"})
    assert errors(body) == []
    for node in body["data"]["nodes"]:  # type: ignore[index]
        starts = [datetime.fromisoformat(p["start"]) for p in node["prices"]]
        assert len(starts) == 25, node["id"]
        assert len({s.timestamp() for s in starts}) == 25
        # The repeated 01:00 shows twice, once per offset.
        assert sum(1 for s in starts if s.hour == 1) == 2


async def test_twenty_nodes_two_runs_take_one_request_per_iso_and_run_but_ercot_real_time() -> None:
    """ERCOT's SCED report holds about 317,000 rows a day over 4 pages: five points asked one at a
    time (5 requests of 288 rows) beat reading the whole report; every other ISO takes 1 a run."""
    stack = Stack()
    ids = [node_id for ids in FIVE_PER_ISO.values() for node_id in ids]
    body = await stack.query(
        """query($ids: [ID!]!, $date: Date!) { nodes(ids: $ids) { id
             da: prices(run: DAY_AHEAD_HOURLY, date: $date) { start lmp }
             rt: prices(run: REAL_TIME_5_MIN, date: $date) { start lmp } } }""",
        {"ids": ids, "date": dashboard_day().isoformat()},
    )
    assert errors(body) == []
    nodes = body["data"]["nodes"]  # type: ignore[index]
    assert len(nodes) == 20
    assert all(len(n["da"]) == 24 and len(n["rt"]) == 288 for n in nodes)
    assert dict(stack.counts) == {ISO.PJM: 2, ISO.ERCOT: 6, ISO.CAISO: 2, ISO.NYISO: 2}
    assert gridql(body)["cost"]["readUpstream"] < 200_000


async def test_a_repeat_query_is_served_from_cache() -> None:
    stack = Stack()
    variables = {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}
    await stack.query(PRICES, variables)
    before = sum(stack.counts.values())
    body = await stack.query(PRICES, variables)
    assert sum(stack.counts.values()) == before
    for stats in gridql(body)["upstream"].values():
        assert stats["requests"] == 0 and stats["cacheHits"] >= 1


async def test_one_failing_iso_fails_only_its_part() -> None:
    stack = Stack(failing={ISO.ERCOT: lambda request: httpx.Response(503, text="Service Unavailable")})
    body = await stack.query(PRICES, {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"})
    nodes = body["data"]["nodes"]  # type: ignore[index]
    assert nodes[1] is None
    assert [len(n["prices"]) for i, n in enumerate(nodes) if i != 1] == [24, 24, 24]
    [error] = errors(body)
    assert error["path"] == ["nodes", 1, "prices"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["iso"] == "ERCOT"
    assert "ERCOT" in error["message"]
    # Here the sign-in already fails: tried twice (retries=2), then given up, no data request sent.
    assert (stack.transports[ISO.ERCOT].sign_ins, stack.counts[ISO.ERCOT]) == (2, 0)


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        ({"ids": ["NYISO:99999"], "date": "2025-07-01"}, "NOT_FOUND", "Unknown node id 'NYISO:99999'"),
        ({"ids": ["MISO:123"], "date": "2025-07-01"}, "BAD_USER_INPUT", "not of the form '<ISO>:<node>'"),
        (
            {"ids": ["NYISO:61761"], "start": "2025-07-02T00:00:00Z", "end": "2025-07-01T00:00:00Z"},
            "BAD_USER_INPUT",
            "must be after `start`",
        ),
        (
            {"ids": ["NYISO:61761"], "start": "2025-07-01T00:00:00", "end": "2025-07-02T00:00:00Z"},
            "BAD_USER_INPUT",
            "has no UTC offset",
        ),
        ({"ids": ["NYISO:61761"], "date": "2025-07-01", "days": 400}, "BAD_USER_INPUT", "between 1 and 366"),
        (
            {"ids": ["NYISO:61761"], "date": "2025-07-01", "start": "2025-07-01T00:00:00Z"},
            "BAD_USER_INPUT",
            "not both",
        ),
        ({"ids": ["NYISO:61761"]}, "BAD_USER_INPUT", "Give a time selection"),
        (
            {"ids": ["NYISO:61761"], "run": "REAL_TIME_15_MIN", "date": "2025-07-01"},
            "BAD_USER_INPUT",
            "NYISO does not publish REAL_TIME_15_MIN",
        ),
        ({"ids": ["NYISO:61761"], "date": "2025-13-45"}, "BAD_USER_INPUT", "Date"),
    ],
)
async def test_bad_input_gets_a_coded_error(variables: dict[str, object], code: str, message: str) -> None:
    stack = Stack()
    body = await stack.query(PRICES, {"run": "DAY_AHEAD_HOURLY", **variables})
    [error] = errors(body)
    assert error["extensions"]["code"] == code
    assert message in error["message"]


async def test_unknown_ids_are_null_entries_with_an_error_each() -> None:
    stack = Stack()
    body = await stack.query('{ nodes(ids: ["NYISO:61761", "NYISO:1", "PJM:2"]) { id } }')
    assert body["data"] == {"nodes": [{"id": "NYISO:61761"}, None, None]}
    assert sorted((e["path"][1], e["extensions"]["code"]) for e in errors(body)) == [(1, "NOT_FOUND"), (2, "NOT_FOUND")]


async def test_markets_and_node_paging() -> None:
    stack = Stack()
    body = await stack.query("{ markets { iso timezone runs } }")
    markets = {m["iso"]: m for m in body["data"]["markets"]}  # type: ignore[index]
    assert markets["CAISO"]["timezone"] == "America/Los_Angeles"
    assert markets["NYISO"]["runs"] == ["DAY_AHEAD_HOURLY", "REAL_TIME_5_MIN", "REAL_TIME_HOURLY"]
    seen: list[str] = []
    after = None
    while True:
        page = await stack.query(
            "query($after: String) { market(iso: NYISO) { nodes(first: 20, after: $after) "
            "{ totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }",
            {"after": after},
        )
        connection = page["data"]["market"]["nodes"]  # type: ignore[index]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert len(seen) == connection["totalCount"] >= 50
    assert len(set(seen)) == len(seen)
    found = await stack.query(
        '{ market(iso: NYISO) { nodes(search: "n.y.c", type: ZONE) { edges { node { id type } } } } }'
    )
    edges = found["data"]["market"]["nodes"]["edges"]  # type: ignore[index]
    assert edges == [{"node": {"id": "NYISO:61761", "type": "ZONE"}}]
    bad = await stack.query('{ market(iso: NYISO) { nodes(after: "not-a-cursor") { totalCount } } }')
    assert errors(bad)[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_market_lists_50_nodes_with_its_hubs() -> None:
    stack = Stack()
    body = await stack.query("{ markets { iso nodes(first: 1000) { totalCount edges { node { id } } } } }")
    assert errors(body) == []
    for market in body["data"]["markets"]:  # type: ignore[index]
        ids = {edge["node"]["id"] for edge in market["nodes"]["edges"]}
        assert market["nodes"]["totalCount"] >= 50
        assert set(FIVE_PER_ISO[ISO(market["iso"])]) <= ids


async def test_health_and_get_queries() -> None:
    # GraphiQL, at the same address for a browser, is tests/test_graphiql.py's and test_graphiql_browser.py's.
    stack = Stack()
    async with stack.client() as client:
        health = await client.get("/healthz")
        assert health.json()["status"] == "ok"
        answer = await client.get("/graphql", params={"query": "{ market(iso: PJM) { name timezone } }"})
        assert answer.json()["data"]["market"]["timezone"] == "America/New_York"


async def test_syntax_errors_are_coded() -> None:
    stack = Stack()
    body = await stack.query("{ markets { iso ")
    assert errors(body)[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    body = await stack.query("{ markets { nope } }")
    assert errors(body)[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_an_expensive_query_is_refused_before_it_runs() -> None:
    stack = Stack()
    ids = [node_id for ids in FIVE_PER_ISO.values() for node_id in ids]
    body = await stack.query(PRICES, {"ids": ids, "run": "REAL_TIME_5_MIN", "date": "2025-01-01", "days": 31})
    assert body["data"] is None
    [error] = errors(body)
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    assert "the limit is 2,000,000" in error["message"]
    # 20 nodes x (31 days x 288 intervals x 6 fields, typed: x10, + id iso name type)
    assert gridql(body)["cost"] == {"estimated": 20 * (31 * 288 * 6 * 10 + 4), "readUpstream": 0, "limit": 2_000_000}
    assert sum(stack.counts.values()) == 0  # refused before any upstream request


async def test_the_cost_of_an_allowed_query_is_reported() -> None:
    body = await Stack().query(
        '{ node(id: "NYISO:61761") { priceSeries(run: REAL_TIME_5_MIN, date: "2025-07-01") { start lmp } } }'
    )
    assert errors(body) == []
    assert gridql(body)["cost"]["estimated"] == 288 * 2


async def test_deep_and_alias_heavy_queries_are_refused() -> None:
    stack = Stack()
    deep = (
        '{ node(id: "NYISO:61761") { '
        + "market { nodes(first: 1) { edges { node { " * 3
        + "id"
        + " } } } }" * 3
        + " } }"
    )
    body = await stack.query(deep)
    assert errors(body)[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "exceeds maximum operation depth" in errors(body)[0]["message"]
    aliases = "{ " + " ".join(f"m{i}: markets {{ iso }}" for i in range(101)) + " }"
    body = await stack.query(aliases)
    assert "aliases found" in errors(body)[0]["message"]


async def test_a_request_past_its_deadline_is_answered_with_a_code() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    stack = Stack(failing={ISO.NYISO: slow}, request_deadline=0.3)
    began = time.monotonic()
    body = await stack.query(PRICES, {"ids": ["NYISO:61761"], "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"})
    assert time.monotonic() - began < 3
    assert body["data"] is None
    assert errors(body)[0]["extensions"]["code"] == "DEADLINE_EXCEEDED"


async def test_an_oversized_body_is_refused() -> None:
    stack = Stack(max_body_bytes=1000)
    async with stack.client() as client:
        response = await client.post("/graphql", json={"query": "{ markets { iso } }", "variables": {"x": "y" * 2000}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        (
            {"method": "POST", "content": b"{nope", "headers": {"content-type": "application/json"}},
            400,
            "not valid JSON",
        ),
        ({"method": "POST", "content": b"q=1", "headers": {"content-type": "text/plain"}}, 400, "content type"),
        ({"method": "GET", "params": {"query": "mutation { x }"}}, 400, "mutations are not allowed"),
        ({"method": "POST", "json": {"query": "{ markets { iso } }", "variables": [1]}}, 400, "variables"),
        ({"method": "PUT", "json": {"query": "{ markets { iso } }"}}, 405, "GET and POST"),
    ],
)
async def test_malformed_requests_get_a_json_4xx(request_args: dict[str, Any], status: int, message: str) -> None:
    async with Stack().client() as client:
        response = await client.request(url="/graphql", **request_args)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and message in error["message"]
