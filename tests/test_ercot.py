"""ERCOT: the recorded SCED posting parses to its exact values; the adapter signs in, pages, batches
and caches like the public API needs; DST days come out right through the sandbox."""

from __future__ import annotations

import asyncio
import io
import itertools
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

from adapters.config import Secret, Settings
from adapters.ercot import FEEDS, MARKET, client, create, sandbox
from adapters.ercot.auth import CLIENT_ID, TOKEN_URL, IdToken
from adapters.errors import UnsupportedRun, UpstreamBadResponse, UpstreamError, UpstreamUnavailable
from adapters.http import RetryPolicy, Upstream
from adapters.model import ISO, MarketRun, NodeType, PriceRecord, Window

CENTRAL = ZoneInfo("America/Chicago")
SCED_SAMPLE = "ercot/mis_np6-788-cd_LMPSROSNODENP6788_20260625_004018_trimmed.csv"
DAM = next(f for f in FEEDS if f.name == "NP4-190-CD")
RT15 = next(f for f in FEEDS if f.name == "NP6-905-CD")
SCED = next(f for f in FEEDS if f.name == "NP6-788-CD")
POINTS = next(f for f in FEEDS if f.name == "NP4-160-SG")

KEY, USER, PASSWORD = "sub-key-7f3a9c51", "trader@example.com", "pw-s3cr3t-91"
SANDBOX_TOKEN = "Bearer sbx."  # the sandbox's id tokens look like sbx.<8 hex>


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "retries": 1,
        "ercot_api_key": Secret(KEY),
        "ercot_username": Secret(USER),
        "ercot_password": Secret(PASSWORD),
    }
    values.update(overrides)
    return Settings(**values)


def day(d: date) -> Window:
    return Window.days(d, 1, CENTRAL)


def api_page(fields: list[str], rows: list[list[Any]], pages: int = 1, page: int = 1) -> bytes:
    return orjson.dumps(
        {
            "_meta": {"totalRecords": len(rows), "pageSize": 100000, "totalPages": pages, "currentPage": page},
            "fields": [{"name": name, "label": name} for name in fields],
            "data": rows,
        }
    )


def assert_ordered_and_disjoint(records: list[PriceRecord]) -> None:
    for before, after in itertools.pairwise(records):
        assert before.start < after.start, (before, after)
        assert before.end <= after.start, (before, after)


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to the sandbox, keeping each one."""

    def __init__(self) -> None:
        self.inner = sandbox.transport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def reports(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "api.ercot.com"]

    def sign_ins(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "ercotb2c.b2clogin.com"]


def handler_transport(data: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Signs in like ERCOT, answers every report query with `data`."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "ercotb2c.b2clogin.com":
            return httpx.Response(200, json={"id_token": "tok-abc123", "token_type": "Bearer"})
        return data

    return httpx.MockTransport(handler), seen


# --- parsers against the recorded SCED posting -------------------------------------------------


def test_sced_sample_parses_to_its_exact_values(samples: Path) -> None:
    records = SCED.parse((samples / SCED_SAMPLE).read_bytes())
    assert len(records) == 42
    # 06/25/2026 00:40:18 CDT = 05:40:18Z; one run in the file, so each interval gets the nominal 5 min.
    assert records[0] == PriceRecord(
        "7RNCHSLR_ALL", z("2026-06-25T05:40:18"), z("2026-06-25T05:45:18"), 27.04, None, None, None
    )
    assert records[-1] == PriceRecord(
        "LZ_WEST", z("2026-06-25T05:40:18"), z("2026-06-25T05:45:18"), 28.90, None, None, None
    )
    lmp = {r.node: r.lmp for r in records}
    assert lmp["HB_HOUSTON"] == 27.15
    assert lmp["HB_BUSAVG"] == 27.36 and lmp["HB_PAN"] == 27.87 and lmp["HB_WEST"] == 28.20
    assert lmp["LZ_HOUSTON"] == 27.14 and lmp["LZ_RAYBN"] == 27.51 and lmp["LZ_SOUTH"] == 26.18
    assert lmp["APPALOSA_ALL"] == -38.25  # negative prices survive the right-aligned padding
    assert sorted(n for n in lmp if n.startswith("HB_")) == [
        "HB_BUSAVG", "HB_HOUSTON", "HB_HUBAVG", "HB_NORTH", "HB_PAN", "HB_SOUTH", "HB_WEST",
    ]  # fmt: skip
    assert len([n for n in lmp if n.startswith("LZ_")]) == 8
    assert {r.start for r in records} == {z("2026-06-25T05:40:18")}


def test_sced_sample_inside_its_mis_zip_parses_the_same(samples: Path) -> None:
    body = (samples / SCED_SAMPLE).read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("cdr.00012300.0000000000000000.20260625.004020.LMPSROSNODENP6788_20260625_004018.csv", body)
    assert SCED.parse(archive.getvalue()) == SCED.parse(body)


def test_sced_intervals_run_to_the_next_stamp_and_the_repeated_hour_is_flagged() -> None:
    body = (
        b"SCEDTimestamp,RepeatedHourFlag,SettlementPoint,LMP\n"
        b"11/02/2025 01:57:12,N,HB_NORTH,       30.00\n"
        b"11/02/2025 01:02:15,Y,HB_NORTH,       31.50\n"
        b"11/02/2025 01:06:40,Y,HB_NORTH,       29.25\n"
    )
    north = SCED.parse(body)
    # 01:57:12 CDT = 06:57:12Z; the second pass 01:02:15 CST = 07:02:15Z
    assert [(r.start, r.end, r.lmp) for r in north] == [
        (z("2025-11-02T06:57:12"), z("2025-11-02T07:02:15"), 30.00),
        (z("2025-11-02T07:02:15"), z("2025-11-02T07:06:40"), 31.50),
        (z("2025-11-02T07:06:40"), z("2025-11-02T07:11:40"), 29.25),
    ]


def test_sced_api_page_with_boolean_flags() -> None:
    body = api_page(
        ["SCEDTimestamp", "repeatHourFlag", "settlementPoint", "LMP"],
        [
            ["2025-07-01T14:00:14", False, "HB_WEST", 41.5],
            ["2025-07-01T14:00:14", False, "LZ_WEST", 42.25],
            ["2025-07-01T14:05:16", False, "HB_WEST", "43.00"],
        ],
    )
    records = SCED.parse(body)
    west = [r for r in records if r.node == "HB_WEST"]
    assert [(r.start, r.end, r.lmp) for r in west] == [
        (z("2025-07-01T19:00:14"), z("2025-07-01T19:05:16"), 41.5),
        (z("2025-07-01T19:05:16"), z("2025-07-01T19:10:16"), 43.0),
    ]
    assert [r.lmp for r in records if r.node == "LZ_WEST"] == [42.25]


def test_dam_mis_csv_fall_back_day_has_25_hours() -> None:
    lines = ["DeliveryDate,HourEnding,SettlementPoint,SettlementPointPrice,DSTFlag"]
    hours = [1, 2, 2, *range(3, 25)]
    for n, ending in enumerate(hours):
        flag = "Y" if n == 2 else "N"
        lines.append(f"11/02/2025,{ending:02d}:00,HB_HOUSTON,{20 + n}.50,{flag}")
    records = DAM.parse("\n".join(lines).encode())
    assert len(records) == 25
    assert records[0] == PriceRecord("HB_HOUSTON", z("2025-11-02T05:00"), z("2025-11-02T06:00"), 20.5, None, None, None)
    # HE 02:00 twice: [01:00, 02:00) CDT = 06:00Z, then the DSTFlag=Y pass in CST = 07:00Z
    assert (records[1].start, records[1].lmp) == (z("2025-11-02T06:00"), 21.5)
    assert (records[2].start, records[2].lmp) == (z("2025-11-02T07:00"), 22.5)
    assert (records[-1].start, records[-1].end) == (z("2025-11-03T05:00"), z("2025-11-03T06:00"))
    assert_ordered_and_disjoint(records)


def test_dam_api_spring_forward_day_has_23_hours() -> None:
    rows = [["2025-03-09", f"{h:02d}:00", "HB_NORTH", 30 + h, False] for h in range(1, 25) if h != 3]
    records = DAM.parse(
        api_page(["deliveryDate", "hourEnding", "settlementPoint", "settlementPointPrice", "DSTFlag"], rows)
    )
    assert len(records) == 23
    assert [r.start for r in records[:3]] == [z("2025-03-09T06:00"), z("2025-03-09T07:00"), z("2025-03-09T08:00")]
    assert records[2].lmp == 34.0  # hour ending 04:00 = [03:00, 04:00) CDT
    assert records[-1].end == z("2025-03-10T05:00")  # hour ending 24:00 ends at the next midnight
    assert_ordered_and_disjoint(records)


def test_dam_hour_inside_the_spring_gap_is_rejected() -> None:
    body = b"DeliveryDate,HourEnding,SettlementPoint,SettlementPointPrice,DSTFlag\n03/09/2025,03:00,HB_NORTH,30,N\n"
    with pytest.raises(UpstreamBadResponse, match="row 1: 03/09/2025 02:00 does not exist"):
        DAM.parse(body)


def test_rt_15_min_keeps_the_plain_load_zone_price() -> None:
    body = (
        b"DeliveryDate,DeliveryHour,DeliveryInterval,SettlementPointName,SettlementPointType,"
        b"SettlementPointPrice,DSTFlag\n"
        b"07/01/2025,1,4,LZ_WEST,LZ,30.00,N\n"
        b"07/01/2025,1,4,LZ_WEST,LZEW,31.00,N\n"
        b"07/01/2025,24,4,HB_NORTH,HU,25.75,N\n"
    )
    records = RT15.parse(body)
    assert records == [
        # hour ending 1, interval 4 = [00:45, 01:00) CDT
        PriceRecord("LZ_WEST", z("2025-07-01T05:45"), z("2025-07-01T06:00"), 30.0, None, None, None),
        PriceRecord("HB_NORTH", z("2025-07-02T04:45"), z("2025-07-02T05:00"), 25.75, None, None, None),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Service Unavailable</body></html>", "answered HTML"),
        (b"DeliveryDate,SettlementPoint,SettlementPointPrice,DSTFlag\n07/01/2025,HB_NORTH,3,N\n", "no hourEnding"),
        (
            b"DeliveryDate,HourEnding,SettlementPoint,SettlementPointPrice,DSTFlag\n07/01/2025,01:00,HB_NORTH,n/a,N\n",
            "row 1: could not convert",
        ),
        (
            b'{"timestamp":"2025-07-01T10:00:00","code":400,"status":"Bad Request","message":"Invalid date"}',
            "not a report page: Invalid date",
        ),
        (
            b'{"fields":[{"name":"deliveryDate"},{"name":"hourEnding"},{"name":"settlementPoint"},'
            b'{"name":"settlementPointPrice"},{"name":"DSTFlag"}],"data":[{"deliveryDate":"2025-07-01"}]}',
            "row 1 is not a list of column values",
        ),
        (b"", "empty CSV"),
        (b"PK\x03\x04garbage", "not a readable zip"),
    ],
)
def test_bad_bodies_are_rejected(body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        DAM.parse(body)


def test_settlement_point_list_from_its_mis_zip() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("Resource_Node_to_Unit_07012025_181241.csv", "RESOURCE_NODE,UNIT_SUBSTATION,UNIT_NAME\nX,Y,Z\n")
        bundle.writestr(
            "Settlement_Points_07012025_181241.csv",
            "ELECTRICAL_BUS,NODE_NAME,PSSE_BUS_NAME,VOLTAGE_LEVEL,SUBSTATION,SETTLEMENT_LOAD_ZONE,"
            "RESOURCE_NODE,HUB_BUS_NAME,HUB,PSSE_BUS_NUMBER\n"
            "0001,0001,L_BUCKRA8_1Y,138,BUBORA,LZ_SOUTH,,,,7103\n"
            "AJAX_G1,AJAX_G1,AJAX_G1,34.5,AJAX,LZ_WEST,AJAXWIND_RN,,,110001\n"
            "AJAX_G2,AJAX_G2,AJAX_G2,34.5,AJAX,LZ_WEST,AJAXWIND_RN,,,110002\n"
            "ALVIN_G1,ALVIN_G1,ALVIN_G1,138,ALVIN,LZ_HOUSTON,ALVIN_RN,,,110003\n",
        )
    nodes = POINTS.parse(archive.getvalue())
    by_code = {n.code: n for n in nodes}
    assert len(by_code) == len(nodes) == 19 + 2  # hubs, zones and DC ties, then two resource nodes
    assert by_code["HB_HOUSTON"].type is NodeType.HUB and by_code["HB_HOUSTON"].name == "Houston 345 kV Hub"
    assert by_code["LZ_SOUTH"].type is NodeType.ZONE
    assert by_code["DC_L"].type is NodeType.INTERFACE
    assert by_code["AJAXWIND_RN"].type is NodeType.GENERATOR and by_code["AJAXWIND_RN"].id == "ERCOT:AJAXWIND_RN"
    assert "X" not in by_code  # the unit mapping file is not the settlement point list


# --- adapter: requests, auth, paging, batching, caching ----------------------------------------


async def test_request_carries_key_token_and_filters() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_HOUSTON"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len(result["HB_HOUSTON"]) == 24

    (sign_in,) = recorder.sign_ins()
    assert sign_in.method == "POST" and str(sign_in.url) == TOKEN_URL
    form = dict(httpx.QueryParams(sign_in.content.decode()))
    assert form == {
        "grant_type": "password",
        "username": USER,
        "password": PASSWORD,
        "scope": f"openid {CLIENT_ID} offline_access",
        "client_id": CLIENT_ID,
        "response_type": "id_token",
    }
    (query,) = recorder.reports()
    assert query.url.path == "/api/public-reports/np4-190-cd/dam_stlmnt_pnt_prices"
    assert dict(query.url.params) == {
        "deliveryDateFrom": "2025-07-01",
        "deliveryDateTo": "2025-07-01",
        "settlementPoint": "HB_HOUSTON",
        "size": str(client.PAGE_SIZE),
        "page": "1",
    }
    assert query.headers["Ocp-Apim-Subscription-Key"] == KEY
    assert query.headers["Authorization"].startswith(SANDBOX_TOKEN)


async def test_sced_query_asks_for_whole_central_days() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    window = Window(z("2025-07-01T19:00"), z("2025-07-01T20:00"))
    result = await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["HB_WEST", "LZ_WEST"], window)
    await adapter.aclose()
    (query,) = recorder.reports()
    assert query.url.path == "/api/public-reports/np6-788-cd/lmp_node_zone_hub"
    assert query.url.params["SCEDTimestampFrom"] == "2025-07-01T00:00:00"
    assert query.url.params["SCEDTimestampTo"] == "2025-07-02T00:00:00"
    for records in result.values():
        assert len(records) == 12  # an hour of 5-minute runs, only those starting in the window
        assert all(window.contains(r.start) for r in records)
        assert all(r.end == nxt.start for r, nxt in itertools.pairwise(records))


async def test_a_batch_of_nodes_is_one_query_without_a_point_filter() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    codes = ["HB_HOUSTON", "LZ_WEST", "AMADEUS_ALL", "NOT_A_POINT"]
    window = Window.days(date(2025, 7, 1), 2, CENTRAL)
    result = await adapter.prices(MarketRun.REAL_TIME_15_MIN, codes, window)
    await adapter.aclose()
    (query,) = recorder.reports()
    assert "settlementPoint" not in query.url.params
    assert (query.url.params["deliveryDateFrom"], query.url.params["deliveryDateTo"]) == ("2025-07-01", "2025-07-02")
    assert {code: len(records) for code, records in result.items()} == {
        "HB_HOUSTON": 192,
        "LZ_WEST": 192,
        "AMADEUS_ALL": 192,
        "NOT_A_POINT": 0,
    }


async def test_paging_is_followed_to_the_last_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "PAGE_SIZE", 500)
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH", "QUAIL_RUN_RN"], day(date(2025, 7, 1)))
    await adapter.aclose()
    rows = 24 * len(sandbox.POINTS)
    pages = -(-rows // 500)
    assert pages >= 3
    assert [r.url.params["page"] for r in recorder.reports()] == [str(p) for p in range(1, pages + 1)]
    assert {r.url.params["size"] for r in recorder.reports()} == {"500"}
    assert len(result["HB_NORTH"]) == len(result["QUAIL_RUN_RN"]) == 24  # QUAIL_RUN_RN is on the last page
    assert len(recorder.sign_ins()) == 1


async def test_a_repeat_query_is_served_from_cache() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    first = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH", "HB_SOUTH"], day(date(2025, 7, 1)))
    before = len(recorder.requests)
    again = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_SOUTH", "HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len(recorder.requests) == before == 2  # sign-in + one query, nothing more
    assert again == first


async def test_concurrent_queries_share_one_sign_in() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    window = day(date(2025, 7, 1))
    results = await asyncio.gather(*(adapter.prices(run, ["HB_NORTH", "HB_WEST"], window) for run in MARKET.runs))
    await adapter.aclose()
    assert len(recorder.sign_ins()) == 1
    assert len(recorder.reports()) == 3
    assert [len(r["HB_NORTH"]) for r in results] == [24, 96, 288]


async def test_the_token_is_renewed_a_few_minutes_before_it_expires() -> None:
    posts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts
        posts += 1
        return httpx.Response(200, json={"id_token": f"token-{posts}"})

    now = [0.0]
    transport = httpx.MockTransport(handler)
    upstream = Upstream(ISO.ERCOT, min_interval=0, retry=RetryPolicy(attempts=1), transport=transport)
    token = IdToken(upstream, Secret(USER), Secret(PASSWORD), clock=lambda: now[0])
    assert await token.get() == "token-1"
    now[0] = 3299.0  # 55 min: still good
    assert await token.get() == "token-1"
    now[0] = 3300.0  # 5 minutes before the hour is up: renew
    assert await token.get() == "token-2"
    assert posts == 2
    await upstream.aclose()


async def test_a_failed_sign_in_is_shared_and_tells_nothing_secret() -> None:
    posts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal posts
        posts += 1
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": "AADB2C90225"})

    adapter = create(settings(), httpx.MockTransport(handler), min_interval=0)
    window = day(date(2025, 7, 1))
    failures = await asyncio.gather(
        adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], window),
        adapter.prices(MarketRun.REAL_TIME_15_MIN, ["HB_NORTH"], window),
        return_exceptions=True,
    )
    await adapter.aclose()
    assert posts == 1
    for failure in failures:
        assert isinstance(failure, UpstreamBadResponse)
        assert "HTTP 400" in str(failure)
        assert KEY not in str(failure) and PASSWORD not in str(failure) and USER not in str(failure)


@pytest.mark.parametrize("status", [403, 500])
async def test_upstream_errors_never_show_the_key_or_token(status: int) -> None:
    transport, seen = handler_transport(httpx.Response(status, text="denied"))
    adapter = create(settings(retries=2), transport, min_interval=0)
    with pytest.raises(UpstreamError) as caught:
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    message = str(caught.value)
    assert f"HTTP {status}" in message and "api.ercot.com" in message
    for secret in (KEY, PASSWORD, USER, "tok-abc123"):
        assert secret not in message
    assert seen[-1].headers["Authorization"] == "Bearer tok-abc123"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"ercot_api_key": Secret("")}, "GRIDQL_ERCOT_API_KEY is not set"),
        ({"ercot_password": Secret("")}, "GRIDQL_ERCOT_USERNAME / GRIDQL_ERCOT_PASSWORD are not set"),
    ],
)
async def test_missing_credentials_fail_at_request_time(missing: dict[str, Secret], message: str) -> None:
    recorder = Recorder()
    adapter = create(settings(**missing), recorder, min_interval=0)  # creating it is fine
    with pytest.raises(UpstreamUnavailable, match=message):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert recorder.requests == []


async def test_a_bad_body_is_an_error_and_is_not_cached() -> None:
    transport, seen = handler_transport(httpx.Response(200, text="<html>Maintenance</html>"))
    adapter = create(settings(), transport, min_interval=0)
    for _ in range(2):
        with pytest.raises(UpstreamBadResponse, match="NP6-905-CD: body is not JSON"):
            await adapter.prices(MarketRun.REAL_TIME_15_MIN, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len([r for r in seen if r.url.host == "api.ercot.com"]) == 2


async def test_a_page_without_paging_metadata_is_rejected() -> None:
    body = orjson.dumps({"fields": [{"name": "deliveryDate"}], "data": []})
    transport, _ = handler_transport(httpx.Response(200, content=body))
    adapter = create(settings(), transport, min_interval=0)
    with pytest.raises(UpstreamBadResponse, match=r"without _meta\.totalPages"):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()


async def test_unsupported_run() -> None:
    adapter = create(settings(), Recorder(), min_interval=0)
    with pytest.raises(UnsupportedRun) as caught:
        await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert str(caught.value) == (
        "ERCOT does not publish REAL_TIME_HOURLY; it publishes: DAY_AHEAD_HOURLY, REAL_TIME_15_MIN, REAL_TIME_5_MIN"
    )


async def test_only_intervals_starting_in_the_window_are_returned() -> None:
    adapter = create(settings(), Recorder(), min_interval=0)
    window = Window(z("2025-07-01T06:30"), z("2025-07-01T09:00"))
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], window)
    assert await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [], window) == {}
    await adapter.aclose()
    assert [r.start for r in result["HB_NORTH"]] == [z("2025-07-01T07:00"), z("2025-07-01T08:00")]


# --- sandbox -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "d", "count"),
    [
        (MarketRun.DAY_AHEAD_HOURLY, date(2025, 3, 9), 23),
        (MarketRun.DAY_AHEAD_HOURLY, date(2025, 11, 2), 25),
        (MarketRun.REAL_TIME_15_MIN, date(2025, 3, 9), 92),
        (MarketRun.REAL_TIME_15_MIN, date(2025, 11, 2), 100),
        (MarketRun.REAL_TIME_5_MIN, date(2025, 3, 9), 276),
        (MarketRun.REAL_TIME_5_MIN, date(2025, 11, 2), 300),
    ],
)
async def test_sandbox_dst_days(run: MarketRun, d: date, count: int) -> None:
    adapter = create(Settings(sandbox=True, retries=1), min_interval=0)  # no credentials configured
    window = day(d)
    result = await adapter.prices(run, ["HB_HOUSTON"], window)
    await adapter.aclose()
    records = result["HB_HOUSTON"]
    assert len(records) == count
    assert_ordered_and_disjoint(records)
    assert all(window.contains(r.start) for r in records)
    assert len({r.start for r in records}) == count
    assert all(r.energy is r.congestion is r.loss is None for r in records)


async def test_sandbox_fall_back_day_repeats_hour_ending_2() -> None:
    adapter = create(Settings(sandbox=True, retries=1), min_interval=0)
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_HOUSTON"], day(date(2025, 11, 2)))
    await adapter.aclose()
    starts = [r.start for r in result["HB_HOUSTON"]]
    assert starts[:4] == [z("2025-11-02T05:00"), z("2025-11-02T06:00"), z("2025-11-02T07:00"), z("2025-11-02T08:00")]
    assert [s - e for s, e in zip(starts[1:], starts, strict=False)] == [timedelta(hours=1)] * 24


async def test_sandbox_nodes_are_real_hubs_and_zones_and_padded() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0)
    nodes = await adapter.nodes()
    again = await adapter.nodes()
    await adapter.aclose()
    assert again == nodes
    assert len(recorder.requests) == 2  # document list + the newest zip, once
    assert recorder.requests[1].url.params["doclookupId"] == "1101744518"
    assert len(nodes) >= 50
    kinds = {n.code: n.type for n in nodes}
    for hub in ("HB_HOUSTON", "HB_NORTH", "HB_SOUTH", "HB_WEST", "HB_PAN", "HB_BUSAVG", "HB_HUBAVG"):
        assert kinds[hub] is NodeType.HUB
    for zone in ("LZ_HOUSTON", "LZ_NORTH", "LZ_SOUTH", "LZ_WEST", "LZ_AEN", "LZ_CPS", "LZ_LCRA", "LZ_RAYBN"):
        assert kinds[zone] is NodeType.ZONE
    assert kinds["7RNCHSLR_ALL"] is NodeType.GENERATOR
    assert all(n.iso is ISO.ERCOT for n in nodes)


def test_fixed_nodes_are_the_hubs_zones_and_dc_ties_of_the_node_list() -> None:
    adapter = create(settings(), Recorder(), min_interval=0)
    fixed = {n.code: n.type for n in adapter.fixed_nodes}
    assert len(fixed) == 19
    assert (
        fixed["HB_HUBAVG"] is NodeType.HUB and fixed["LZ_AEN"] is NodeType.ZONE and fixed["DC_R"] is NodeType.INTERFACE
    )
    listed = POINTS.parse(b"ELECTRICAL_BUS,SETTLEMENT_LOAD_ZONE,RESOURCE_NODE\nB1,LZ_WEST,ADL_RN\n")
    assert list(adapter.fixed_nodes) == listed[:19] and listed[19].code == "ADL_RN"


async def test_sandbox_is_deterministic_and_knows_its_paths() -> None:
    async with httpx.AsyncClient(transport=sandbox.transport()) as http:
        headers = {"Ocp-Apim-Subscription-Key": "k", "Authorization": "Bearer sbx.0123abcd"}
        url = "https://api.ercot.com/api/public-reports/np6-905-cd/spp_node_zone_hub"
        params = {"deliveryDateFrom": "2025-07-01", "deliveryDateTo": "2025-07-01", "size": "50", "page": "2"}
        first = await http.get(url, params=params, headers=headers)
        second = await http.get(url, params=params, headers=headers)
        unknown = await http.get("https://api.ercot.com/api/public-reports/np9-999-cd/nothing", headers=headers)
        no_key = await http.get(url, params=params, headers={"Authorization": headers["Authorization"]})
    assert first.status_code == 200 and first.content == second.content
    page = first.json()
    assert page["_meta"]["currentPage"] == 2 and len(page["data"]) == 50
    assert [f["name"] for f in page["fields"]][:3] == ["deliveryDate", "deliveryHour", "deliveryInterval"]
    assert unknown.status_code == 404 and unknown.json()["status"] == "Not Found"
    assert no_key.status_code == 401
