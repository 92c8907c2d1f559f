"""POST /export: a query's lists and Series as CSV or NDJSON, value for value the GraphQL answer."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

from gridql.adapters.model import ISO
from gridql.graph.access import add_key
from gridql.graph.export import MAX_HEADER_BYTES, ROWS_PER_CHUNK, extensions_header

from .conftest import Lines
from .sandbox_app import Stack

# PJM keeps 5-minute prices per node for 186 days: a month that ended a month ago.
FIRST_DAY = date.today() - timedelta(days=62)
MONTH = f"""{{ node(id: "PJM:51288") {{
  priceSeries(run: REAL_TIME_5_MIN, date: "{FIRST_DAY}", days: 31) {{ start end lmp energy congestion loss version }}
}} }}"""
EASTERN = ZoneInfo("America/New_York")
# 8,928 intervals, 12 more or fewer when the month holds a DST change
INTERVALS = (
    datetime.combine(FIRST_DAY + timedelta(days=31), time(), EASTERN).astimezone(UTC)
    - datetime.combine(FIRST_DAY, time(), EASTERN).astimezone(UTC)
) // timedelta(minutes=5)
MONTH_COLUMNS = ["start", "end", "lmp", "energy", "congestion", "loss", "version"]
TWO_NODES = """query ($run: MarketRun!) { nodes(ids: ["PJM:51288", "NYISO:61761"]) {
  id name prices(run: $run, date: "2025-03-09") { start end lmp congestion }
} }"""
TWO_LISTS = """{ node(id: "NYISO:61761") { id
  dayAhead: prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { start lmp }
  realTime: priceSeries(run: REAL_TIME_5_MIN, date: "2025-03-09") { start lmp }
} }"""


async def export(stack: Stack, format: str, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
    async with stack.client() as client:
        return await client.post(f"/export?format={format}", json={"query": query, "variables": variables or {}})


def csv_rows(response: httpx.Response) -> tuple[list[str], list[list[str]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    return header, rows


def cell(value: Any) -> str:
    """What a JSON value reads as in the CSV: the number parsed back must be the same float."""
    return "" if value is None else str(value)


def error(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json"
    first: dict[str, Any] = response.json()["errors"][0]
    return first


async def test_a_month_of_5_minute_columns_exports_as_csv_with_the_graphql_answers_numbers() -> None:
    stack = Stack()
    answer: Any = (await stack.query(MONTH))["data"]
    series = answer["node"]["priceSeries"]
    assert len(series["start"]) == INTERVALS
    header, rows = csv_rows(await export(stack, "csv", MONTH))
    assert header == [f"node.priceSeries.{name}" for name in MONTH_COLUMNS]
    assert len(rows) == INTERVALS
    for i, row in enumerate(rows):
        assert row[:2] == [series["start"][i], series["end"][i]]
        for name, text in zip(MONTH_COLUMNS[2:6], row[2:6], strict=True):
            expected = series[name][i]
            assert (None if text == "" else float(text)) == expected, (i, name)
        assert row[6] == cell(series["version"][i])
    assert rows[0][0] == datetime.combine(FIRST_DAY, time(), EASTERN).isoformat()
    assert rows[-1][1] == datetime.combine(FIRST_DAY + timedelta(days=31), time(), EASTERN).isoformat()


async def test_the_same_month_exports_as_ndjson_one_object_per_interval() -> None:
    stack = Stack()
    series = (await stack.query(MONTH))["data"]["node"]["priceSeries"]  # type: ignore[index]
    response = await export(stack, "ndjson", MONTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.content.splitlines()
    assert len(lines) == INTERVALS
    for i, line in enumerate(lines):
        assert orjson.loads(line) == {f"node.priceSeries.{name}": series[name][i] for name in MONTH_COLUMNS}


async def test_a_large_export_is_written_as_it_is_made_in_chunks_of_rows() -> None:
    """At the ASGI level: the body leaves in many messages, not as one string built whole."""
    stack = Stack()
    bodies: list[bytes] = []
    started: dict[str, Any] = {}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            bodies.append(message.get("body", b""))

    request = orjson.dumps({"query": MONTH})
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:  # the client stays to read the whole answer
            await asyncio.Event().wait()
        received = True
        return {"type": "http.request", "body": request, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/export",
        "raw_path": b"/export",
        "query_string": b"format=csv",
        "headers": [(b"content-type", b"application/json"), (b"host", b"gridql.test")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("gridql.test", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
    }
    await stack.app(scope, receive, send)  # type: ignore[arg-type]
    assert started["status"] == 200
    chunks = [body for body in bodies if body]
    assert len(chunks) >= INTERVALS // ROWS_PER_CHUNK
    assert b"".join(chunks).count(b"\r\n") == INTERVALS + 1


async def test_typed_lists_give_one_row_per_interval_with_each_nodes_fields_repeated() -> None:
    stack = Stack()
    variables = {"run": "DAY_AHEAD_HOURLY"}
    nodes: Any = (await stack.query(TWO_NODES, variables))["data"]["nodes"]  # type: ignore[index]
    header, rows = csv_rows(await export(stack, "csv", TWO_NODES, variables))
    prices = [f"nodes.prices.{name}" for name in ("start", "end", "lmp", "congestion")]
    assert header == ["nodes.id", "nodes.name", *prices]
    expected = [
        [node["id"], node["name"], p["start"], p["end"], cell(p["lmp"]), cell(p["congestion"])]
        for node in nodes
        for p in node["prices"]
    ]
    assert len(expected) == 2 * 23  # the spring-forward day
    assert [row[:4] for row in rows] == [row[:4] for row in expected]
    assert [[float(v) for v in row[4:]] for row in rows] == [[float(v) for v in row[4:]] for row in expected]
    assert {row[0] for row in rows} == {"PJM:51288", "NYISO:61761"}


async def test_a_query_without_lists_is_one_row() -> None:
    header, rows = csv_rows(await export(Stack(), "csv", '{ node(id: "NYISO:61761") { id name market { iso } } }'))
    assert header == ["node.id", "node.name", "node.market.iso"]
    assert rows == [["NYISO:61761", "N.Y.C.", "NYISO"]]


async def test_several_lists_are_tables_ndjson_names_each_rows_table() -> None:
    stack = Stack()
    answer: Any = (await stack.query(TWO_LISTS))["data"]
    response = await export(stack, "ndjson", TWO_LISTS)
    assert response.status_code == 200
    rows = [orjson.loads(line) for line in response.content.splitlines()]
    day_ahead = [row for row in rows if row["table"] == "node.dayAhead"]
    real_time = [row for row in rows if row["table"] == "node.realTime"]
    assert rows == day_ahead + real_time  # one table after the other
    assert len(day_ahead) == 23 and len(real_time) == 23 * 12
    assert day_ahead[1] == {
        "table": "node.dayAhead",
        "node.id": "NYISO:61761",
        "node.dayAhead.start": answer["node"]["dayAhead"][1]["start"],
        "node.dayAhead.lmp": answer["node"]["dayAhead"][1]["lmp"],
    }
    assert [row["node.realTime.lmp"] for row in real_time] == answer["node"]["realTime"]["lmp"]


async def test_csv_refuses_several_tables_before_any_upstream_request() -> None:
    stack = Stack()
    response = await export(stack, "csv", TWO_LISTS)
    assert response.status_code == 400
    failure = error(response)
    assert failure["extensions"]["code"] == "BAD_REQUEST"
    assert "2 tables (node.dayAhead, node.realTime)" in failure["message"] and "ndjson" in failure["message"]
    assert sum(stack.counts.values()) == 0


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/export?format=xlsx", 400, "format=csv or format=ndjson; got format='xlsx'"),
        ("/export", 400, "got no format"),
        ("/export?format=csv&format=ndjson", 400, "format=csv or format=ndjson"),
    ],
)
async def test_a_bad_format_is_a_coded_error(url: str, status: int, message: str) -> None:
    stack = Stack()
    async with stack.client() as client:
        response = await client.post(url, json={"query": MONTH})
    assert response.status_code == status
    failure = error(response)
    assert failure["extensions"]["code"] == "BAD_REQUEST" and message in failure["message"]
    assert sum(stack.counts.values()) == 0


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("{ node(id: ", 400, "GRAPHQL_PARSE_FAILED"),
        ('{ node(id: "PJM:51288") { lmp } }', 400, "GRAPHQL_VALIDATION_FAILED"),
        (
            '{ node(id: "NYISO:61761") { prices(run: HOUR_AHEAD_15_MIN, date: "2025-03-09") { lmp } } }',
            400,
            "BAD_USER_INPUT",
        ),
        ('{ node(id: "NYISO:no-such-node") { id } }', 404, "NOT_FOUND"),
        ('{ nodes(ids: ["NYISO:61761"]) { prices(run: REAL_TIME_5_MIN, days: 366) { lmp } } }', 400, "BAD_USER_INPUT"),
        (
            '{ node(id: "NYISO:61761") { prices(run: REAL_TIME_5_MIN, date: "2025-01-01", days: 366) { start lmp } } }',
            400,
            "QUERY_TOO_EXPENSIVE",
        ),
    ],
)
async def test_a_bad_query_is_a_json_error_with_its_code_and_status(query: str, status: int, code: str) -> None:
    response = await export(Stack(), "csv", query)
    assert response.status_code == status, response.text
    assert error(response)["extensions"]["code"] == code


async def test_an_upstream_failure_refuses_the_export_rather_than_leave_its_rows_out() -> None:
    stack = Stack(faults="PJM=503", retries=1)
    response = await export(stack, "ndjson", TWO_NODES, {"run": "DAY_AHEAD_HOURLY"})
    assert response.status_code == 502
    failure = error(response)
    assert failure["extensions"]["code"] == "UPSTREAM_UNAVAILABLE" and failure["extensions"]["iso"] == "PJM"
    assert failure["path"][:2] == ["nodes", 0]


async def test_export_needs_a_key_as_graphql_does(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "partner", None)
    stack = Stack(api_keys_file=str(keys))
    refused = await export(stack, "csv", MONTH)
    assert refused.status_code == 401 and error(refused)["extensions"]["code"] == "UNAUTHENTICATED"
    async with stack.client() as client:
        response = await client.post(
            "/export?format=csv", json={"query": MONTH}, headers={"Authorization": f"Bearer {key}"}
        )
    assert response.status_code == 200 and len(response.text.splitlines()) == INTERVALS + 1
    assert stack.counts[ISO.PJM] == 1


async def test_the_answers_extensions_travel_in_a_header() -> None:
    response = await export(Stack(), "csv", MONTH)
    report = orjson.loads(response.headers["x-gridql-extensions"])
    assert report["sandbox"] is True
    assert report["upstream"]["PJM"]["requests"] == 1
    assert report["cost"]["estimated"] > 0
    assert response.headers["content-disposition"] == 'attachment; filename="gridql.csv"'


async def test_a_get_carries_the_request_in_the_url_as_graphql_does() -> None:
    """What a spreadsheet's import-from-URL sends."""
    stack = Stack()
    query = 'query ($run: MarketRun!) { node(id: "NYISO:61761") { prices(run: $run, date: "2025-03-09") { lmp } } }'
    answer: Any = (await stack.query(query, {"run": "DAY_AHEAD_HOURLY"}))["data"]
    params = {"format": "csv", "query": query, "variables": '{"run": "DAY_AHEAD_HOURLY"}'}
    async with stack.client() as client:
        response = await client.get("/export", params=params, headers={"accept": "text/html,*/*"})
    header, rows = csv_rows(response)
    assert header == ["node.prices.lmp"]
    assert [float(row[0]) for row in rows] == [p["lmp"] for p in answer["node"]["prices"]]


async def test_other_methods_are_refused_with_a_coded_error() -> None:
    async with Stack().client() as client:
        response = await client.put("/export?format=csv", json={"query": MONTH})
    assert response.status_code == 405 and error(response)["extensions"]["code"] == "BAD_REQUEST"


async def test_notices_saying_why_rows_are_missing_travel_in_the_header_as_ascii() -> None:
    later = date.today() + timedelta(days=30)
    query = f'{{ node(id: "NYISO:61761") {{ priceSeries(run: DAY_AHEAD_HOURLY, date: "{later}") {{ start lmp }} }} }}'
    response = await export(Stack(), "csv", query)
    assert response.status_code == 200 and response.text.splitlines() == ["node.priceSeries.start,node.priceSeries.lmp"]
    header = response.headers["x-gridql-extensions"]
    assert header.isascii()
    [notice] = orjson.loads(header)["notices"]
    assert notice["code"] == "NOT_YET_PUBLISHED" and notice["path"] == ["node", "priceSeries"]


def test_the_extensions_header_is_ascii_and_cut_to_fit() -> None:
    notice = {"iso": "PJM", "path": ["nodes", 0, "prices"], "code": "PARTIAL", "message": "PJM prices: 0.5 € — partial"}
    text = extensions_header({"gridql": {"sandbox": False, "notices": [notice] * 200}})
    assert text.isascii() and len(text) <= MAX_HEADER_BYTES
    report = orjson.loads(text)
    assert report["notices"][0] == notice and report["notices"][0]["message"].endswith("€ — partial")
    assert 0 < len(report["notices"]) < 200 and report["noticesOmitted"] == 200 - len(report["notices"])


async def test_fragments_aliases_and_skipped_fields_shape_the_columns() -> None:
    query = """query ($withName: Boolean!) {
      hub: node(id: "NYISO:61761") {
        ...who prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { ... on PriceInterval { at: start } lmp }
      }
    }
    fragment who on Node { id name @include(if: $withName) market { zone: timezone } }"""
    stack = Stack()
    answer: Any = (await stack.query(query, {"withName": False}))["data"]
    header, rows = csv_rows(await export(stack, "csv", query, {"withName": False}))
    assert header == ["hub.id", "hub.market.zone", "hub.prices.at", "hub.prices.lmp"]
    assert rows[0][:3] == ["NYISO:61761", "America/New_York", answer["hub"]["prices"][0]["at"]]
    assert len(rows) == 23
    header, _ = csv_rows(await export(stack, "csv", query, {"withName": True}))
    assert header == ["hub.id", "hub.name", "hub.market.zone", "hub.prices.at", "hub.prices.lmp"]


async def test_a_key_over_its_budget_is_throttled_with_retry_after(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "small", 100_000)
    stack = Stack(api_keys_file=str(keys))
    async with stack.client() as client:
        first = await client.post(
            "/export?format=csv", json={"query": MONTH}, headers={"Authorization": f"Bearer {key}"}
        )
        assert first.status_code == 200
        second = await client.post(
            "/export?format=csv", json={"query": MONTH}, headers={"Authorization": f"Bearer {key}"}
        )
    assert second.status_code == 429
    assert error(second)["extensions"]["code"] == "THROTTLED"
    assert int(second.headers["retry-after"]) >= 1


async def test_an_export_is_logged_and_timed_as_graphql_requests_are(lines: Lines) -> None:
    async with Stack().client() as client:
        response = await client.post("/export?format=csv", json={"query": MONTH}, headers={"x-request-id": "r-1"})
    assert response.status_code == 200 and response.headers["x-request-id"] == "r-1"
    [line] = lines.requests()
    assert line["path"] == "/export" and line["status"] == 200 and line["requestId"] == "r-1"
    assert line["cost"] > 0 and line["upstream"]["PJM"]["requests"] == 1


async def test_the_apps_lifespan_still_starts_and_stops() -> None:
    """Middleware that looks at a request's path must let a lifespan scope, which has none, through."""
    events = [{"type": "lifespan.shutdown"}, {"type": "lifespan.startup"}]
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        return events.pop()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    await Stack().app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)  # type: ignore[arg-type]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
