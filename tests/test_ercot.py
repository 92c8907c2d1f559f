"""ERCOT: the recorded SCED posting parses to its exact values; the adapter signs in, pages, batches
and caches like the public API needs; DST days come out right through the sandbox."""

from __future__ import annotations

import asyncio
import io
import itertools
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

from gridql.adapters import sandbox as sandboxes
from gridql.adapters.config import Secret, Settings
from gridql.adapters.ercot import FEEDS, MARKET, create, feeds, parse
from gridql.adapters.ercot.auth import CLIENT_ID, TOKEN_URL, IdToken
from gridql.adapters.ercot.parse_datasets import ClearedAncillaryRecord
from gridql.adapters.errors import (
    CredentialsMissing,
    CredentialsRejected,
    UnsupportedDataset,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamThrottled,
    UpstreamTooSlow,
)
from gridql.adapters.http import RetryPolicy, Upstream
from gridql.adapters.model import (
    ISO,
    AncillaryPriceRecord,
    ConstraintRecord,
    DatasetKind,
    LoadForecastRecord,
    LoadRecord,
    MarketRun,
    NodeType,
    PriceRecord,
    RenewableRecord,
    SeriesRequest,
    Window,
)
from gridql.adapters.pipeline import Ask, FeedAdapter, latest_vintages
from gridql.adapters.sandbox import ercot as sandbox
from gridql.adapters.sandbox.ercot import reports as sandbox_reports
from tests.helpers import Recording, assert_contiguous, recorded, z
from tests.sandbox_app import Stack

CENTRAL = ZoneInfo("America/Chicago")
SCED_SAMPLE = "ercot/mis_np6-788-cd_LMPSROSNODENP6788_20260625_004018_trimmed.csv"
DAM = next(f for f in FEEDS if f.name == "NP4-190-CD")
RT15 = next(f for f in FEEDS if f.name == "NP6-905-CD")
SCED = next(f for f in FEEDS if f.name == "NP6-788-CD")
POINTS = next(f for f in FEEDS if f.name == "NP4-160-SG")

KEY, USER, PASSWORD = "sub-key-7f3a9c51", "trader@example.com", "pw-s3cr3t-91"
# The adapters' now: 2025-07-01 is a recent day, 2024 is archived.
NOW = datetime(2025, 7, 2, 12, tzinfo=UTC)


def CLOCK() -> datetime:
    return NOW


SANDBOX_TOKEN = "Bearer sbx."  # the sandbox's id tokens look like sbx.<8 hex>


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


def sandboxed(faults: str = "") -> FeedAdapter:
    """The adapter as sandbox mode builds it: stand-in credentials, the sandbox behind it."""
    mode = Settings(sandbox=True, retries=1, faults=faults)
    return create(sandboxes.credentials(mode), sandboxes.transport(ISO.ERCOT, mode), min_interval=0)


class Recorder(Recording):
    """The sandbox, keeping each request."""

    def __init__(self) -> None:
        super().__init__(sandbox.transport())

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


def test_sced_sample_parses_to_its_exact_values() -> None:
    records = SCED.parse(recorded(SCED_SAMPLE))
    assert len(records) == 42
    # 06/25/2026 00:40:18 CDT = 05:40:18Z; one run in the file, so each interval gets the nominal 5 min.
    assert records[0] == PriceRecord(
        "7RNCHSLR_ALL", z("2026-06-25T05:40:18Z"), z("2026-06-25T05:45:18Z"), 27.04, None, None, None
    )
    assert records[-1] == PriceRecord(
        "LZ_WEST", z("2026-06-25T05:40:18Z"), z("2026-06-25T05:45:18Z"), 28.90, None, None, None
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
    assert {r.start for r in records} == {z("2026-06-25T05:40:18Z")}


def test_sced_sample_inside_its_mis_zip_parses_the_same() -> None:
    body = recorded(SCED_SAMPLE)
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
        (z("2025-11-02T06:57:12Z"), z("2025-11-02T07:02:15Z"), 30.00),
        (z("2025-11-02T07:02:15Z"), z("2025-11-02T07:06:40Z"), 31.50),
        (z("2025-11-02T07:06:40Z"), z("2025-11-02T07:11:40Z"), 29.25),
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
        (z("2025-07-01T19:00:14Z"), z("2025-07-01T19:05:16Z"), 41.5),
        (z("2025-07-01T19:05:16Z"), z("2025-07-01T19:10:16Z"), 43.0),
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
    assert records[0] == PriceRecord(
        "HB_HOUSTON", z("2025-11-02T05:00Z"), z("2025-11-02T06:00Z"), 20.5, None, None, None
    )
    # HE 02:00 twice: [01:00, 02:00) CDT = 06:00Z, then the DSTFlag=Y pass in CST = 07:00Z
    assert (records[1].start, records[1].lmp) == (z("2025-11-02T06:00Z"), 21.5)
    assert (records[2].start, records[2].lmp) == (z("2025-11-02T07:00Z"), 22.5)
    assert (records[-1].start, records[-1].end) == (z("2025-11-03T05:00Z"), z("2025-11-03T06:00Z"))
    assert_contiguous(records)


def test_dam_api_spring_forward_day_has_23_hours() -> None:
    rows = [["2025-03-09", f"{h:02d}:00", "HB_NORTH", 30 + h, False] for h in range(1, 25) if h != 3]
    records = DAM.parse(
        api_page(["deliveryDate", "hourEnding", "settlementPoint", "settlementPointPrice", "DSTFlag"], rows)
    )
    assert len(records) == 23
    assert [r.start for r in records[:3]] == [z("2025-03-09T06:00Z"), z("2025-03-09T07:00Z"), z("2025-03-09T08:00Z")]
    assert records[2].lmp == 34.0  # hour ending 04:00 = [03:00, 04:00) CDT
    assert records[-1].end == z("2025-03-10T05:00Z")  # hour ending 24:00 ends at the next midnight
    assert_contiguous(records)


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
        PriceRecord("LZ_WEST", z("2025-07-01T05:45Z"), z("2025-07-01T06:00Z"), 30.0, None, None, None),
        PriceRecord("HB_NORTH", z("2025-07-02T04:45Z"), z("2025-07-02T05:00Z"), 25.75, None, None, None),
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
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
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
        "size": str(feeds.PAGE_SIZE),
        "page": "1",
    }
    assert query.headers["Ocp-Apim-Subscription-Key"] == KEY
    assert query.headers["Authorization"].startswith(SANDBOX_TOKEN)


async def test_sced_query_asks_for_whole_central_days() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    window = Window(z("2025-07-01T19:00Z"), z("2025-07-01T20:00Z"))
    result = await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["HB_WEST", "LZ_WEST"], window)
    await adapter.aclose()
    # two points: a query each (288 rows a day) beats the all-points report (some 300,000 rows a day)
    queries = recorder.reports()
    assert sorted(q.url.params["settlementPoint"] for q in queries) == ["HB_WEST", "LZ_WEST"]
    for query in queries:
        assert query.url.path == "/api/public-reports/np6-788-cd/lmp_node_zone_hub"
        assert query.url.params["SCEDTimestampFrom"] == "2025-07-01T00:00:00"
        assert query.url.params["SCEDTimestampTo"] == "2025-07-02T00:00:00"
    for records in result.values():
        assert len(records) == 12  # an hour of 5-minute runs, only those starting in the window
        assert all(window.contains(r.start) for r in records)
        assert all(r.end == nxt.start for r, nxt in itertools.pairwise(records))


async def test_a_batch_of_nodes_is_one_query_without_a_point_filter() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    # Two days of the all-points report are 3 pages; 7 points one at a time would be 7 requests.
    codes = ["HB_HOUSTON", "HB_NORTH", "HB_SOUTH", "HB_WEST", "LZ_WEST", "AMADEUS_ALL", "NOT_A_POINT"]
    window = Window.days(date(2025, 7, 1), 2, CENTRAL)
    result = await adapter.prices(MarketRun.REAL_TIME_15_MIN, codes, window)
    await adapter.aclose()
    (query,) = recorder.reports()
    assert "settlementPoint" not in query.url.params
    assert (query.url.params["deliveryDateFrom"], query.url.params["deliveryDateTo"]) == ("2025-07-01", "2025-07-02")
    assert {code: len(records) for code, records in result.items()} == {
        "HB_HOUSTON": 192,
        "HB_NORTH": 192,
        "HB_SOUTH": 192,
        "HB_WEST": 192,
        "LZ_WEST": 192,
        "AMADEUS_ALL": 192,
        "NOT_A_POINT": 0,
    }


async def test_paging_is_followed_to_the_last_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox's 57 points fill 3 pages this small; the plan expects ERCOT's 1,100 points in
    # 58 pages, so only over 116 points asked is the all-points report the cheaper way (pages
    # this small also take it past the deadline: allow for it).
    rows = 24 * len(sandbox.POINTS)
    size = rows // 3
    monkeypatch.setattr(feeds, "PAGE_SIZE", size)
    recorder = Recorder()
    adapter = create(settings(request_deadline=1_000.0), recorder, min_interval=0, clock=CLOCK)
    every = [*sandbox.POINTS, *(f"NOT_A_POINT_{i}" for i in range(60))]
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, every, day(date(2025, 7, 1)))
    await adapter.aclose()
    pages = -(-rows // size)
    assert pages >= 3
    assert [r.url.params["page"] for r in recorder.reports()] == [str(p) for p in range(1, pages + 1)]
    assert {r.url.params["size"] for r in recorder.reports()} == {str(size)}
    assert len(result["HB_NORTH"]) == len(result["QUAIL_RUN_RN"]) == 24  # QUAIL_RUN_RN is on the last page
    assert len(recorder.sign_ins()) == 1


async def test_pages_are_read_as_one_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCED intervals run to the next run and hours average their quarters across page seams."""
    window = day(date(2025, 7, 1))
    whole = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
    expected = {run: await whole.prices(run, ["HB_NORTH", "LZ_WEST"], window) for run in MARKET.runs}
    await whole.aclose()
    monkeypatch.setattr(feeds, "PAGE_SIZE", 50)
    recorder = Recorder()
    paged = create(settings(), recorder, min_interval=0, clock=CLOCK)
    for run in MARKET.runs:
        assert await paged.prices(run, ["HB_NORTH", "LZ_WEST"], window) == expected[run], run
    await paged.aclose()
    assert len(recorder.reports()) > 4 * 3


async def test_a_sced_row_from_2099_is_refused_and_not_cached() -> None:
    mode = Settings(sandbox=True, retries=1, faults="ERCOT=out-of-window")
    recording = Recording(sandboxes.transport(ISO.ERCOT, mode))
    adapter = create(sandboxes.credentials(mode), recording, min_interval=0, clock=CLOCK)
    for _ in range(2):
        # the day's last run would hold until the stray one: no SCED price lasts that long
        with pytest.raises(UpstreamBadResponse, match=r"NP6-788-CD: a record lasts 27027 days, .* longer than the"):
            await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["HB_HOUSTON"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len([r for r in recording.requests if r.url.host == "api.ercot.com"]) == 2  # asked again


async def test_a_repeat_query_is_served_from_cache() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    first = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH", "HB_SOUTH"], day(date(2025, 7, 1)))
    before = len(recorder.requests)
    again = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_SOUTH", "HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len(recorder.requests) == before == 2  # sign-in + one query, nothing more
    assert again == first


async def test_concurrent_queries_share_one_sign_in() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    window = day(date(2025, 7, 1))
    results = await asyncio.gather(*(adapter.prices(run, ["HB_NORTH", "HB_WEST"], window) for run in MARKET.runs))
    await adapter.aclose()
    assert len(recorder.sign_ins()) == 1
    # the hourly real-time prices are their own feed: they ask NP6-905-CD for themselves. Day-ahead
    # is one all-points page; the 15-minute (2 pages whole), hourly and SCED (4 pages) reports are
    # asked point by point: 1 + 2 + 2 + 2
    assert len(recorder.reports()) == 7
    assert [len(r["HB_NORTH"]) for r in results] == [24, 96, 288, 24]


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

    adapter = create(settings(), httpx.MockTransport(handler), min_interval=0, clock=CLOCK)
    window = day(date(2025, 7, 1))
    failures = await asyncio.gather(
        adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], window),
        adapter.prices(MarketRun.REAL_TIME_15_MIN, ["HB_NORTH"], window),
        return_exceptions=True,
    )
    await adapter.aclose()
    assert posts == 1
    for failure in failures:
        assert isinstance(failure, CredentialsRejected) and failure.code == "UPSTREAM_KEY_REJECTED"
        assert "HTTP 400" in str(failure)
        assert KEY not in str(failure) and PASSWORD not in str(failure) and USER not in str(failure)


@pytest.mark.parametrize("status", [403, 500])
async def test_upstream_errors_never_show_the_key_or_token(status: int) -> None:
    transport, seen = handler_transport(httpx.Response(status, text="denied"))
    adapter = create(settings(retries=2), transport, min_interval=0, clock=CLOCK)
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
    adapter = create(settings(**missing), recorder, min_interval=0, clock=CLOCK)  # creating it is fine
    with pytest.raises(CredentialsMissing, match=message):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert recorder.requests == []


async def test_a_bad_body_is_an_error_and_is_not_cached() -> None:
    transport, seen = handler_transport(httpx.Response(200, text="<html>Maintenance</html>"))
    adapter = create(settings(), transport, min_interval=0, clock=CLOCK)
    for _ in range(2):
        with pytest.raises(UpstreamBadResponse, match="NP6-905-CD: body is not JSON"):
            await adapter.prices(MarketRun.REAL_TIME_15_MIN, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()
    assert len([r for r in seen if r.url.host == "api.ercot.com"]) == 2


async def test_a_page_without_paging_metadata_is_rejected() -> None:
    body = orjson.dumps({"fields": [{"name": "deliveryDate"}], "data": []})
    transport, _ = handler_transport(httpx.Response(200, content=body))
    adapter = create(settings(), transport, min_interval=0, clock=CLOCK)
    with pytest.raises(UpstreamBadResponse, match=r"without _meta\.totalPages"):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], day(date(2025, 7, 1)))
    await adapter.aclose()


async def test_real_time_hourly_is_the_average_of_the_four_15_minute_prices() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    window = day(date(2025, 7, 1))
    hourly = (await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["HB_NORTH"], window))["HB_NORTH"]
    quarters = (await adapter.prices(MarketRun.REAL_TIME_15_MIN, ["HB_NORTH"], window))["HB_NORTH"]
    await adapter.aclose()
    assert len(recorder.reports()) == 2  # one NP6-905-CD query per run, each cached apart
    assert len(hourly) == 24 and len(quarters) == 96
    for hour, four in zip(hourly, [quarters[i : i + 4] for i in range(0, 96, 4)], strict=True):
        assert (hour.start, hour.end) == (four[0].start, four[-1].end)
        assert hour.lmp == sum(q.lmp for q in four) / 4


def test_hourly_average_leaves_out_an_incomplete_hour() -> None:
    body = (
        b"DeliveryDate,DeliveryHour,DeliveryInterval,SettlementPointName,SettlementPointType,"
        b"SettlementPointPrice,DSTFlag\n"
        + b"".join(f"07/01/2025,1,{q},HB_WEST,HU,{20 + q}.25,N\n".encode() for q in (1, 2, 3, 4))
        + b"07/01/2025,2,1,HB_WEST,HU,99,N\n"
    )
    assert feed("NP6-905-CD-HOURLY").parse(body) == [
        PriceRecord("HB_WEST", z("2025-07-01T05:00Z"), z("2025-07-01T06:00Z"), 22.75, None, None, None)
    ]


async def test_only_intervals_starting_in_the_window_are_returned() -> None:
    adapter = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
    window = Window(z("2025-07-01T06:30Z"), z("2025-07-01T09:00Z"))
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], window)
    assert await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [], window) == {}
    await adapter.aclose()
    assert [r.start for r in result["HB_NORTH"]] == [z("2025-07-01T07:00Z"), z("2025-07-01T08:00Z")]


# --- sandbox -----------------------------------------------------------------------------------


async def test_sandbox_fall_back_day_repeats_hour_ending_2() -> None:
    adapter = sandboxed()
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_HOUSTON"], day(date(2025, 11, 2)))
    await adapter.aclose()
    starts = [r.start for r in result["HB_HOUSTON"]]
    assert starts[:4] == [
        z("2025-11-02T05:00Z"),
        z("2025-11-02T06:00Z"),
        z("2025-11-02T07:00Z"),
        z("2025-11-02T08:00Z"),
    ]
    assert [s - e for s, e in zip(starts[1:], starts, strict=False)] == [timedelta(hours=1)] * 24


async def test_sandbox_nodes_are_real_hubs_and_zones_and_padded() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
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
    adapter = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
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


# --- market-wide reports: parsers --------------------------------------------------------------

FUEL_MIX_URL = "https://www.ercot.com/api/1/services/read/dashboards/fuel-mix.json"
AS_ZIP = "ercot/api_np3-911-er_2_Day_AS_Disclosure_20241018.zip"
AS_REGUP = "ercot/api_np3-911-er_2d_Cleared_DAM_AS_REGUP-18-OCT-24.csv"
AS_LISTING = "ercot/api_archive_np3-911-er_listing_2024-10-18.json"


def feed(name: str) -> Any:
    return next(f for f in FEEDS if f.name == name)


def test_cleared_regup_sample_parses_to_its_exact_values() -> None:
    records = feed("NP3-911-ER").parse(recorded(AS_REGUP))
    assert len(records) == 24
    # operating day 10/16/2024 (CDT): hour ending 1 = [00:00, 01:00) = 05:00Z
    assert records[0] == ClearedAncillaryRecord("RegUp", z("2024-10-16T05:00Z"), z("2024-10-16T06:00Z"), 195.0)
    assert records[-1] == ClearedAncillaryRecord("RegUp", z("2024-10-17T04:00Z"), z("2024-10-17T05:00Z"), 163.2)
    assert [r.mw for r in records[16:19]] == [589.7, 849.0, 884.0]
    assert round(sum(r.mw for r in records), 1) == 9533.1
    assert_contiguous(records)


def test_as_disclosure_zip_yields_each_cleared_member() -> None:
    body = recorded(AS_ZIP)
    records = feed("NP3-911-ER").parse(body)
    assert len(records) == 8 * 24  # eight 2d_Cleared_DAM_AS_* members of 26; offers/self-arranged left out
    first_hour = {r.product: r.mw for r in records if r.start == z("2024-10-16T05:00Z")}
    assert first_hour == {
        "ECRSM": 192.7, "ECRSS": 925.3, "NonSpin": 1634.1, "RRSFFR": 209.3,
        "RRSPFR": 1184.9, "RRSUFR": 932.2, "RegDown": 358.7, "RegUp": 195.0,
    }  # fmt: skip
    last_hour = {r.product: r.mw for r in records if r.start == z("2024-10-17T04:00Z")}
    assert last_hour["NonSpin"] == 1916.0 and last_hour["RegDown"] == 416.3 and last_hour["ECRSS"] == 1062.0
    # the member on its own parses to the same records as inside the zip
    assert [r for r in records if r.product == "RegUp"] == feed("NP3-911-ER").parse(recorded(AS_REGUP))


def test_zip_members_are_read_one_at_a_time_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    original = zipfile.ZipFile.read

    def counting(self: zipfile.ZipFile, name: Any, pwd: bytes | None = None) -> bytes:
        reads.append(getattr(name, "filename", name))
        return original(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", counting)
    monkeypatch.setattr(zipfile.ZipFile, "extract", None)  # nothing ever goes to disk
    monkeypatch.setattr(zipfile.ZipFile, "extractall", None)
    members = parse.zip_tables(recorded(AS_ZIP), "NP3-911-ER", lambda n: "Cleared" in n)
    name, data = next(members)
    assert reads == [name] and data.startswith(b"Delivery Date,Hour Ending,Total Cleared AS - ")
    assert len(list(members)) == 7 and len(reads) == 8  # only wanted members are decompressed


def test_truncated_zip_is_rejected() -> None:
    body = recorded(AS_ZIP)
    with pytest.raises(UpstreamBadResponse, match="NP3-911-ER: not a readable zip"):
        feed("NP3-911-ER").parse(body[: len(body) // 2])
    with pytest.raises(UpstreamBadResponse, match="holds no 2d_Cleared_DAM_AS_"):
        empty = io.BytesIO()
        with zipfile.ZipFile(empty, "w") as bundle:
            bundle.writestr("2d_Agg_AS_Offers_REGUP-18-OCT-24.csv", "Delivery Date,Hour Ending,MW Offered\n")
        feed("NP3-911-ER").parse(empty.getvalue())


def test_archive_listing_sample() -> None:
    found = parse.listing(recorded(AS_LISTING), "NP3-911-ER")
    assert found.pages == 1
    assert found.postings == [parse.Posting("1045038225", datetime(2024, 10, 18, 3, 13, 31), "2_Day_AS_Disclosure")]
    with pytest.raises(UpstreamBadResponse, match="not an archive listing: Invalid"):
        parse.listing(b'{"code":400,"message":"Invalid postDatetimeFrom"}', "NP3-911-ER")
    with pytest.raises(UpstreamBadResponse, match="archive entry 1 is unreadable"):
        parse.listing(b'{"_meta":{"totalPages":1},"archives":[{"docId":"x1","postDatetime":"2024"}]}', "NP3-911-ER")


LOAD_FIELDS = ["operatingDay", "hourEnding", "coast", "east", "farWest", "north", "northC", "southern", "southC",
               "west", "total", "DSTFlag"]  # fmt: skip


def test_weather_zone_load_fall_back_day_keeps_both_hours_ending_2() -> None:
    hours = ["01:00", "02:00", "02:00", *(f"{h:02d}:00" for h in range(3, 25))]
    rows = [["2025-11-02", he, 10_000 + n, 1, 2, 3, 4, 5, 6, 7, 10_028 + n, n == 2] for n, he in enumerate(hours)]
    records = feed("NP6-345-CD").parse(api_page(LOAD_FIELDS, rows))
    assert len(records) == 25 * 9
    coast = [r for r in records if r.area == "COAST"]
    assert [(r.start, r.mw) for r in coast[1:3]] == [
        (z("2025-11-02T06:00Z"), 10_001.0),
        (z("2025-11-02T07:00Z"), 10_002.0),
    ]
    assert (coast[-1].start, coast[-1].end) == (z("2025-11-03T05:00Z"), z("2025-11-03T06:00Z"))
    assert [r.area for r in records[:9]] == [
        "COAST", "EAST", "ERCOT", "FAR_WEST", "NORTH", "NORTH_C", "SOUTHERN", "SOUTH_C", "WEST",
    ]  # fmt: skip
    assert next(r.mw for r in records if r.area == "ERCOT" and r.start == z("2025-11-02T07:00Z")) == 10_030.0
    assert_contiguous(coast)


def test_load_archive_csv_headers_read_like_the_api() -> None:
    body = (
        b"OperDay,HourEnding,COAST,EAST,FAR_WEST,NORTH,NORTH_C,SOUTHERN,SOUTH_C,WEST,TOTAL,DSTFlag\r\n"
        b"03/09/2025,02:00,11000.5,1,2,3,4,5,6,7,11028.5,N\r\n"
        b"03/09/2025,04:00,11100.25,1,2,3,4,5,6,7,11128.25,N\r\n"
    )
    coast = [r for r in feed("NP6-345-CD").parse(body) if r.area == "COAST"]
    # spring forward: hour ending 04:00 follows 02:00 and is [03:00, 04:00) CDT = 08:00Z
    assert coast == [
        LoadRecord("COAST", z("2025-03-09T07:00Z"), z("2025-03-09T08:00Z"), 11000.5),
        LoadRecord("COAST", z("2025-03-09T08:00Z"), z("2025-03-09T09:00Z"), 11100.25),
    ]


def test_forecast_zone_load_is_prefixed_and_has_no_second_total() -> None:
    fields = ["operatingDay", "hourEnding", "north", "south", "west", "houston", "total", "DSTFlag"]
    records = feed("NP6-346-CD").parse(api_page(fields, [["2025-07-01", "14:00", 20990.43, 16579.17, 9673.39,
                                                          15638.65, 62881.63, False]]))  # fmt: skip
    assert records == [
        LoadRecord("FZ_HOUSTON", z("2025-07-01T18:00Z"), z("2025-07-01T19:00Z"), 15638.65),
        LoadRecord("FZ_NORTH", z("2025-07-01T18:00Z"), z("2025-07-01T19:00Z"), 20990.43),
        LoadRecord("FZ_SOUTH", z("2025-07-01T18:00Z"), z("2025-07-01T19:00Z"), 16579.17),
        LoadRecord("FZ_WEST", z("2025-07-01T18:00Z"), z("2025-07-01T19:00Z"), 9673.39),
    ]


FORECAST_FIELDS = ["postedDatetime", "deliveryDate", "hourEnding", "coast", "east", "farWest", "north",
                   "northCentral", "southern", "southCentral", "west", "systemTotal", "model", "inUseFlag",
                   "DSTFlag"]  # fmt: skip


def forecast_row(posted: str, he: str, total: float, model: str = "E1", in_use: bool = True) -> list[Any]:
    return [posted, "2025-07-02", he, 1, 2, 3, 4, 5, 6, 7, 8, total, model, in_use, False]


def test_load_forecast_keeps_the_in_use_model_and_every_vintage() -> None:
    rows = [
        forecast_row("2025-07-01T06:30:00", "1:00", 50_000.0),
        forecast_row("2025-07-01T06:30:00", "1:00", 51_000.0, model="X", in_use=False),
        forecast_row("2025-07-01T12:30:00", "1:00", 50_500.0),
    ]
    records = [r for r in feed("NP3-565-CD").parse(api_page(FORECAST_FIELDS, rows)) if r.area == "ERCOT"]
    hour = (z("2025-07-02T05:00Z"), z("2025-07-02T06:00Z"))  # hour ending "1:00" of 07/02
    assert records == [  # posted 06:30 CDT = 11:30Z; the X model is not in use and left out
        LoadForecastRecord("ERCOT", *hour, 50_000.0, z("2025-07-01T11:30Z"), "E1"),
        LoadForecastRecord("ERCOT", *hour, 50_500.0, z("2025-07-01T17:30Z"), "E1"),
    ]
    assert latest_vintages(records, z("2025-07-01T17:30Z"))[0].mw == 50_000.0
    assert latest_vintages(records, None)[0].mw == 50_500.0
    assert latest_vintages(records, z("2025-07-01T11:30Z")) == []


WIND_FIELDS = ["postedDatetime", "deliveryDate", "hourEnding", "genSystemWide", "COPHSLSystemWide",
               "STWPFSystemWide", "WGRPPSystemWide", "genLoadZoneSouthHouston", "COPHSLLoadZoneSouthHouston",
               "STWPFLoadZoneSouthHouston", "WGRPPLoadZoneSouthHouston", "genLoadZoneWest", "COPHSLLoadZoneWest",
               "STWPFLoadZoneWest", "WGRPPLoadZoneWest", "genLoadZoneNorth", "COPHSLLoadZoneNorth",
               "STWPFLoadZoneNorth", "WGRPPLoadZoneNorth", "HSLSystemWide", "DSTFlag"]  # fmt: skip


def test_wind_actuals_come_from_the_latest_posting_and_forecasts_keep_their_vintage() -> None:
    early = [
        "2026-06-12T00:55:32",
        "2026-06-12",
        1,
        None,
        18194.8,
        18525.3,
        18400.0,
        None,
        4100.2,
        4062.2,
        4062.2,
        None,
        12182.5,
        12586.7,
        12586.7,
        None,
        1912.1,
        1876.4,
        1876.4,
        None,
        False,
    ]
    late = ["2026-06-13T12:55:32", "2026-06-12", 1, 18905.79, 18194.8, 18600.0, 18500.0,
            4368.21, 4100.2, 4062.2, 4062.2, 12562.53, 12182.5, 12586.7, 12586.7, 1975.05, 1912.1, 1876.4, 1876.4,
            19719.58, False]  # fmt: skip
    records = feed("NP4-732-CD").parse(api_page(WIND_FIELDS, [early, late]))
    hour = (z("2026-06-12T05:00Z"), z("2026-06-12T06:00Z"))
    actual = [r for r in records if not r.forecast]
    assert actual == [
        RenewableRecord("WIND", None, *hour, 18905.79, False),
        RenewableRecord("WIND", "LZ_NORTH", *hour, 1975.05, False),
        RenewableRecord("WIND", "LZ_SOUTH_HOUSTON", *hour, 4368.21, False),
        RenewableRecord("WIND", "LZ_WEST", *hour, 12562.53, False),
    ]
    system = [(r.model, r.published_at, r.mw) for r in records if r.forecast and r.area is None]
    assert system == [
        ("STWPF", z("2026-06-12T05:55:32Z"), 18525.3),
        ("STWPF", z("2026-06-13T17:55:32Z"), 18600.0),
        ("WGRPP", z("2026-06-12T05:55:32Z"), 18400.0),
        ("WGRPP", z("2026-06-13T17:55:32Z"), 18500.0),
    ]
    assert len(records) == 4 + 2 * 4 * 2


def test_solar_forecast_products() -> None:
    fields = ["postedDatetime", "deliveryDate", "hourEnding", "genSystemWide", "COPHSLSystemWide", "STPPFSystemWide",
              "PVGRPPSystemWide", "HSLSystemWide", "DSTFlag"]  # fmt: skip
    row = ["2025-11-02T01:55:30", "2025-11-02", 2, 0.0, 0.0, 1.5, 2.5, 2.9, True]
    records = feed("NP4-737-CD").parse(api_page(fields, [row]))
    # hour ending 2 with DSTFlag: the second (CST) pass through 01:00 = 07:00Z; the posting stamp
    # has no flag and is read as the first pass (CDT)
    hour = (z("2025-11-02T07:00Z"), z("2025-11-02T08:00Z"))
    assert records == [
        RenewableRecord("SOLAR", None, *hour, 0.0, False),
        RenewableRecord("SOLAR", None, *hour, 2.5, True, z("2025-11-02T06:55:30Z"), "PVGRPP"),
        RenewableRecord("SOLAR", None, *hour, 1.5, True, z("2025-11-02T06:55:30Z"), "STPPF"),
    ]


def test_dam_ancillary_prices() -> None:
    fields = ["deliveryDate", "hourEnding", "ancillaryType", "MCPC", "DSTFlag"]
    rows = [["2026-09-26", "14:00", "REGUP", 23.5, False], ["2026-09-26", "14:00", "ECRS", "3.10", False]]
    assert feed("NP4-188-CD").parse(api_page(fields, rows)) == [
        AncillaryPriceRecord("ECRS", None, z("2026-09-26T18:00Z"), z("2026-09-26T19:00Z"), 3.1),
        AncillaryPriceRecord("REGUP", None, z("2026-09-26T18:00Z"), z("2026-09-26T19:00Z"), 23.5),
    ]
    csv_body = b"DeliveryDate,HourEnding,AncillaryType,MCPC,DSTFlag\r\n09/26/2026,14:00,NSPIN,1.25,N\r\n"
    assert feed("NP4-188-CD").parse(csv_body)[0].product == "NSPIN"


SCED_SHADOW_FIELDS = ["SCEDTimestamp", "repeatedHourFlag", "constraintID", "constraintName", "contingencyName",
                      "shadowPrice", "maxShadowPrice", "limit", "value", "violatedMW", "fromStation", "toStation",
                      "fromStationkV", "toStationkV", "CCTStatus"]  # fmt: skip


def test_sced_constraints_hold_until_the_next_run_at_most_five_minutes() -> None:
    def row(stamp: str, repeat: bool, name: str, price: float) -> list[Any]:
        return [stamp, repeat, 1, name, "SCELSAN8", price, 5000.0, 214.0, 215.5, 1.5, "A", "B", 138.0, 138.0, "DC_E"]

    rows = [
        row("2025-11-02T01:57:12", False, "6437__A", 12.5),
        row("2025-11-02T01:02:15", True, "6437__A", 40.0),
        row("2025-11-02T01:02:15", True, "PNHNDL", 3.0),
        row("2025-11-02T01:20:00", True, "PNHNDL", 4.0),
    ]
    records = feed("NP6-86-CD").parse(api_page(SCED_SHADOW_FIELDS, rows))
    assert [(r.name, r.start, r.end, r.shadow_price) for r in records] == [
        ("6437__A / SCELSAN8", z("2025-11-02T06:57:12Z"), z("2025-11-02T07:02:12Z"), 12.5),
        ("6437__A / SCELSAN8", z("2025-11-02T07:02:15Z"), z("2025-11-02T07:07:15Z"), 40.0),
        ("PNHNDL / SCELSAN8", z("2025-11-02T07:02:15Z"), z("2025-11-02T07:07:15Z"), 3.0),
        ("PNHNDL / SCELSAN8", z("2025-11-02T07:20Z"), z("2025-11-02T07:25Z"), 4.0),
    ]
    assert (records[0].limit_mw, records[0].flow_mw) == (214.0, 215.5)


def test_sced_run_stamps_cap_the_interval() -> None:
    rows = [
        [*("2025-07-01T14:00:14", False, 1, "A", "BASE CASE", 1.0), 0, 10, 9, 0, "", "", 0, 0, ""],
        [*("2025-07-01T14:02:30", False, 2, "B", "BASE CASE", 2.0), 0, 10, 9, 0, "", "", 0, 0, ""],
    ]
    first = feed("NP6-86-CD").parse(api_page(SCED_SHADOW_FIELDS, rows))[0]
    assert (first.start, first.end) == (z("2025-07-01T19:00:14Z"), z("2025-07-01T19:02:30Z"))


def test_dam_constraints() -> None:
    fields = ["deliveryDate", "hourEnding", "constraintId", "constraintName", "contingencyName", "constraintLimit",
              "constraintValue", "violationAmount", "shadowPrice", "fromStation", "toStation", "fromStationkV",
              "toStationkV", "deliveryTime", "DSTFlag"]  # fmt: skip
    rows = [["2025-03-09", "04:00", 7, "PNHNDL", "BASE CASE", 6500, 6500, 0, 12.34, "", "", 0, 0,
             "2025-03-09T04:00:00", False]]  # fmt: skip
    assert feed("NP4-191-CD").parse(api_page(fields, rows)) == [
        ConstraintRecord("PNHNDL / BASE CASE", z("2025-03-09T08:00Z"), z("2025-03-09T09:00Z"), 12.34, 6500.0, 6500.0)
    ]


def test_fuel_mix_dashboard_across_the_fall_back_hour() -> None:
    body = orjson.dumps(
        {
            "lastUpdated": "2025-11-02 01:09:57-0600",
            "data": {
                "2025-11-02": {
                    "2025-11-02 01:54:57-0500": {"Wind": {"gen": 9370.08}, "Solar": {"gen": 0}},
                    "2025-11-02 01:04:57-0600": {"Wind": {"gen": 9400.5}, "Solar": {"gen": 0}},
                    "2025-11-02 01:10:00-0600": {"Wind": {"gen": 9410.0}, "Solar": {"gen": 0}},
                }
            },
        }
    )
    records = feed("fuel-mix").parse(body)
    # a stamp closes the 5-minute average ending at the next 5-minute mark
    assert [(r.fuel, r.start, r.end, r.mw) for r in records if r.fuel == "Wind"] == [
        ("Wind", z("2025-11-02T06:50Z"), z("2025-11-02T06:55Z"), 9370.08),
        ("Wind", z("2025-11-02T07:00Z"), z("2025-11-02T07:05Z"), 9400.5),
        ("Wind", z("2025-11-02T07:05Z"), z("2025-11-02T07:10Z"), 9410.0),
    ]
    assert [r.fuel for r in records[:2]] == ["Solar", "Wind"]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("NP6-345-CD", api_page(LOAD_FIELDS[:-2], []), "no total column"),
        ("NP6-345-CD", b"<html>Service Unavailable</html>", "answered HTML"),
        ("NP4-188-CD", b"DeliveryDate,HourEnding,AncillaryType,MCPC,DSTFlag\n07/01/2025,01:00,REGUP,n/a,N\n", "row 1"),
        ("NP4-188-CD", b"DeliveryDate,HourEnding,AncillaryType,MCPC,DSTFlag\n07/01/2025,25:00,REGUP,1,N\n", "row 1"),
        (
            "fuel-mix",
            b'{"data": {"2025-07-01": {"2025-07-01 10:04:57-0500": {"Wind": 3}}}}',
            "Wind: 3 is not an object with a `gen`",
        ),
        ("fuel-mix", b'{"lastUpdated": "x"}', "no `data` object"),
        ("NP3-911-ER", b"Delivery Date,Hour Ending,Total Cleared AS - RegUp\n03/09/2025,24,1\n", "out of range"),
    ],
)
def test_bad_report_bodies_are_rejected(name: str, body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        feed(name).parse(body)


# --- market-wide reports: requests, archive, credentials ---------------------------------------


def request_of(kind: DatasetKind, d: date, run: MarketRun | None = None, days: int = 1) -> SeriesRequest:
    return SeriesRequest(kind, Window.days(d, days, CENTRAL), run)


async def test_each_dataset_asks_its_report_once_per_window() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    asked = [
        (DatasetKind.LOAD, None),
        (DatasetKind.LOAD_FORECAST, None),
        (DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        (DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN),
        (DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        (DatasetKind.RENEWABLES, None),
    ]
    for kind, run in asked:
        await adapter.series(request_of(kind, date(2025, 7, 1), run, days=2))
    again = await adapter.series(request_of(DatasetKind.LOAD, date(2025, 7, 1), days=2))
    await adapter.aclose()
    queries = {r.url.path.removeprefix("/api/public-reports/"): dict(r.url.params) for r in recorder.reports()}
    assert len(recorder.reports()) == len(queries) == 8  # the repeat came from the cache
    days = {"deliveryDateFrom": "2025-07-01", "deliveryDateTo": "2025-07-02"}
    paging = {"size": str(feeds.PAGE_SIZE), "page": "1"}
    operating = {"operatingDayFrom": "2025-07-01", "operatingDayTo": "2025-07-02", **paging}
    sced = {"SCEDTimestampFrom": "2025-07-01T00:00:00", "SCEDTimestampTo": "2025-07-03T00:00:00", **paging}
    assert queries == {
        "np6-345-cd/act_sys_load_by_wzn": operating,
        "np6-346-cd/act_sys_load_by_fzn": operating,
        "np3-565-cd/lf_by_model_weather_zone": {**days, "inUseFlag": "true", **paging},
        "np4-188-cd/dam_clear_price_for_cap": {**days, **paging},
        "np6-86-cd/shdw_prices_bnd_trns_const": sced,
        "np4-191-cd/dam_shadow_prices": {**days, **paging},
        "np4-732-cd/wpp_hrly_avrg_actl_fcast": {**days, **paging},
        "np4-737-cd/spp_hrly_avrg_actl_fcast": {**days, **paging},
    }
    assert len(again) == 48 * 13 and len(recorder.sign_ins()) == 1


async def test_fuel_mix_comes_from_the_dashboard_without_credentials() -> None:
    noon = datetime(2025, 11, 2, 12, 0, tzinfo=UTC)  # 06:00 CST on the fall-back day
    seen: list[httpx.Request] = []
    inner = sandbox.transport(clock=lambda: noon)

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await inner.handle_async_request(request)

    adapter = create(
        Settings(retries=1), httpx.MockTransport(handler), min_interval=0, clock=lambda: noon
    )  # no credentials
    today = await adapter.series(request_of(DatasetKind.FUEL_MIX, date(2025, 11, 2)))
    yesterday = await adapter.series(request_of(DatasetKind.FUEL_MIX, date(2025, 11, 1)))
    earlier = await adapter.series(request_of(DatasetKind.FUEL_MIX, date(2025, 10, 31)))
    await adapter.aclose()
    assert [str(r.url) for r in seen] == [FUEL_MIX_URL]  # one document, cached
    assert "Authorization" not in seen[0].headers
    wind = [r for r in today if r.fuel == "Wind"]
    # midnight CDT (05:00Z) to noon UTC, through both passes of 01:00: 7 hours of 5-minute points
    assert len(wind) == 84 and len({r.start for r in wind}) == 84
    assert (wind[0].start, wind[-1].end) == (z("2025-11-02T05:00Z"), noon)
    assert len(today) == 84 * 8 and len(yesterday) == 288 * 8 and earlier == []
    assert {r.fuel for r in today} == {
        "Coal and Lignite", "Hydro", "Natural Gas", "Nuclear", "Other", "Power Storage", "Solar", "Wind",
    }  # fmt: skip


async def test_old_daily_reports_come_from_the_archive() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    old = await adapter.series(request_of(DatasetKind.LOAD, date(2024, 7, 1)))
    prices = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH", "HB_WEST"], day(date(2024, 7, 1)))
    await adapter.aclose()
    calls = [
        (r.method, r.url.path.removeprefix("/api/public-reports/"), dict(r.url.params)) for r in recorder.reports()
    ]
    wzn = [c for c in calls if "345" in c[1]]
    assert wzn[0][:2] == ("GET", "np6-345-cd/act_sys_load_by_wzn")  # live first: nothing for 2024
    assert wzn[1] == (  # load is posted the day after the operating day
        "GET",
        "archive/np6-345-cd",
        {"postDatetimeFrom": "2024-07-02T00:00:00", "postDatetimeTo": "2024-07-03T00:00:00", "size": "1000",
         "page": "1"},
    )  # fmt: skip
    assert wzn[2] == ("POST", "archive/np6-345-cd/download", {})  # one bulk download, not a GET per posting
    (download,) = [r for r in recorder.reports() if r.method == "POST" and "345" in r.url.path]
    assert download.headers["Content-Type"] == "application/json"
    assert download.headers["Ocp-Apim-Subscription-Key"] == KEY
    (doc_id,) = orjson.loads(download.content)["docIds"]
    assert isinstance(doc_id, int)  # ERCOT's spec: docIds are int64
    dam = [c for c in calls if "190" in c[1]]
    assert dam[1][2]["postDatetimeFrom"] == "2024-06-30T00:00:00"  # DAM is posted the day before
    assert len(old) == 24 * 13 and len(prices["HB_NORTH"]) == 24
    # the archive CSV (MM/DD/YYYY, Y/N, UPPER_SNAKE headers) parses to what the live API would give
    sandbox_from = sandbox.LIVE_FROM
    try:
        sandbox.LIVE_FROM = date(2000, 1, 1)
        live = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
        assert await live.series(request_of(DatasetKind.LOAD, date(2024, 7, 1))) == old
        assert await live.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH", "HB_WEST"], day(date(2024, 7, 1))) == prices
        await live.aclose()
    finally:
        sandbox.LIVE_FROM = sandbox_from


async def test_a_window_across_the_live_horizon_takes_only_the_missing_days_from_the_archive() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    records = await adapter.series(
        request_of(DatasetKind.ANCILLARY_PRICES, date(2024, 12, 31), MarketRun.DAY_AHEAD_HOURLY, days=2)
    )
    await adapter.aclose()
    listing = [r for r in recorder.reports() if r.url.path.endswith("/archive/np4-188-cd")]
    assert [r.url.params["postDatetimeFrom"] for r in listing] == ["2024-12-30T00:00:00"]
    assert [r.url.params["postDatetimeTo"] for r in listing] == ["2024-12-31T00:00:00"]  # 12/31 only
    assert len(records) == 48 * 5 and len({r.start for r in records}) == 48
    assert [r.start for r in records] == sorted(r.start for r in records)


async def test_an_expired_token_is_renewed_once_and_the_query_retried() -> None:
    tokens: list[str] = []
    answers = iter([httpx.Response(401, json={"statusCode": 401, "message": "Unauthorized"})])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "ercotb2c.b2clogin.com":
            tokens.append(f"tok-{len(tokens) + 1}")
            return httpx.Response(200, json={"id_token": tokens[-1]})
        seen.append(request.headers["Authorization"])
        return next(answers, httpx.Response(200, content=api_page(["deliveryDate"], [])))

    seen: list[str] = []
    adapter = create(settings(), httpx.MockTransport(handler), min_interval=0, clock=CLOCK)
    records = await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 7, 1), MarketRun.REAL_TIME_5_MIN))
    await adapter.aclose()
    assert records == []  # an empty report is no data, not an error
    assert tokens == ["tok-1", "tok-2"] and seen == ["Bearer tok-1", "Bearer tok-2"]


async def test_a_key_refused_with_a_fresh_token_fails_clearly_without_secrets() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "ercotb2c.b2clogin.com":
            return httpx.Response(200, json={"id_token": "tok-abc123"})
        return httpx.Response(
            401, json={"statusCode": 401, "message": "Access denied due to invalid subscription key."}
        )

    transport = httpx.MockTransport(handler)
    adapter = create(settings(), transport, min_interval=0, clock=CLOCK)
    with pytest.raises(CredentialsRejected) as caught:
        await adapter.series(request_of(DatasetKind.LOAD, date(2025, 7, 1)))
    await adapter.aclose()
    message = str(caught.value)
    assert "HTTP 401 with a fresh id token" in message and "GRIDQL_ERCOT_API_KEY" in message
    for secret in (KEY, PASSWORD, USER, "tok-abc123"):
        assert secret not in message


async def test_wrong_password_is_named_without_echoing_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": f"AADB2C90225 {USER}"})

    adapter = create(settings(), httpx.MockTransport(handler), min_interval=0, clock=CLOCK)
    with pytest.raises(CredentialsRejected) as caught:
        await adapter.series(request_of(DatasetKind.LOAD, date(2025, 7, 1)))
    await adapter.aclose()
    assert "sign-in refused the account (HTTP 400)" in str(caught.value)
    assert USER not in str(caught.value) and PASSWORD not in str(caught.value)


async def test_throttling_is_retried_then_reported(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        if request.url.host == "ercotb2c.b2clogin.com":
            return httpx.Response(200, json={"id_token": "tok-abc123"})
        calls += 1
        if calls == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"statusCode": 429})
        if calls == 2:
            return httpx.Response(200, content=api_page(["deliveryDate"], []))
        return httpx.Response(429, headers={"Retry-After": "120"}, json={"statusCode": 429})

    adapter = create(settings(retries=3), httpx.MockTransport(handler), min_interval=0, clock=CLOCK)
    assert await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 7, 1), MarketRun.REAL_TIME_5_MIN)) == []
    with pytest.raises(UpstreamThrottled, match="asks to wait 120 s") as caught:
        await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 7, 2), MarketRun.REAL_TIME_5_MIN))
    await adapter.aclose()
    assert calls == 3
    for secret in (KEY, "tok-abc123"):
        assert secret not in str(caught.value) and secret not in caplog.text


async def test_an_empty_daily_report_with_nothing_archived_is_empty() -> None:
    seen: list[str] = []
    listing = {"_meta": {"totalPages": 0}, "archives": []}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "ercotb2c.b2clogin.com":
            return httpx.Response(200, json={"id_token": "tok"})
        seen.append(f"{request.method} {request.url.path}")
        if "archive" in request.url.path:
            return httpx.Response(200, json=listing)
        return httpx.Response(200, content=api_page(["deliveryDate"], []))

    adapter = create(settings(), httpx.MockTransport(handler), min_interval=0, clock=CLOCK)
    request = request_of(DatasetKind.ANCILLARY_PRICES, date(2011, 1, 1), MarketRun.DAY_AHEAD_HOURLY)
    assert await adapter.series(request) == []
    await adapter.aclose()
    # nothing listed: nothing to download
    assert seen == [
        "GET /api/public-reports/np4-188-cd/dam_clear_price_for_cap",
        "GET /api/public-reports/archive/np4-188-cd",
    ]


def bundle(members: dict[str, bytes]) -> bytes:
    """A bulk download's answer: a zip of the documents' zips."""
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return outer.getvalue()


def archive_handler(
    entries: list[dict[str, Any]], download: Any, live: bytes | None = None
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """ERCOT with an empty live report, an archive listing `entries`, and `download(request)` for
    bulk downloads."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "ercotb2c.b2clogin.com":
            return httpx.Response(200, json={"id_token": "tok"})
        seen.append(request)
        if request.method == "POST":
            return download(request)  # type: ignore[no-any-return]
        if "archive" in request.url.path:
            return httpx.Response(200, json={"_meta": {"totalPages": 1}, "archives": entries})
        return httpx.Response(200, content=live or api_page(["deliveryDate"], []))

    return httpx.MockTransport(handler), seen


async def test_a_broken_archive_document_is_an_error_and_not_cached() -> None:
    entry = {"docId": 42, "postDatetime": "2024-06-30T13:00:05.000", "friendlyName": "DAMCPCNP4188"}
    answers = [
        bundle({"42.cdr.00012329.0000000000000000.20240630.130005.DAMCPCNP4188.zip": b"PK\x03\x04\x14\x00cut"}),
        b"PK\x03\x04\x14\x00truncated outer zip",
        bundle({}),  # the document asked for is missing
    ]
    messages = [
        "NP4-188-CD archive document 42: not a readable zip",
        "NP4-188-CD archive download: not a readable zip",
        "NP4-188-CD archive download: no document 42",
    ]
    for answer, message in zip(answers, messages, strict=True):
        transport, seen = archive_handler([entry], lambda request, body=answer: httpx.Response(200, content=body))
        adapter = create(settings(), transport, min_interval=0, clock=CLOCK)
        for _ in range(2):
            with pytest.raises(UpstreamBadResponse, match=message):
                await adapter.series(
                    request_of(DatasetKind.ANCILLARY_PRICES, date(2024, 7, 1), MarketRun.DAY_AHEAD_HOURLY)
                )
        await adapter.aclose()
        assert len([r for r in seen if r.method == "POST"]) == 2  # asked again: never cached


async def test_unserved_datasets_and_runs() -> None:
    adapter = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
    for kind in (DatasetKind.INTERFACE_FLOWS, DatasetKind.CAPACITY_PRICES):
        with pytest.raises(UnsupportedDataset, match=f"does not serve {kind.value}"):
            await adapter.series(request_of(kind, date(2025, 7, 1)))
    with pytest.raises(UnsupportedDataset) as refused:
        await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 7, 1), MarketRun.REAL_TIME_15_MIN))
    assert str(refused.value) == (
        "ERCOT does not serve constraints for REAL_TIME_15_MIN; it serves it for REAL_TIME_5_MIN, DAY_AHEAD_HOURLY"
    )
    await adapter.aclose()
    assert {d.kind for d in adapter.datasets} == {
        DatasetKind.LOAD, DatasetKind.LOAD_FORECAST, DatasetKind.FUEL_MIX, DatasetKind.ANCILLARY_PRICES,
        DatasetKind.CONSTRAINTS, DatasetKind.RENEWABLES, DatasetKind.SYSTEM_LAMBDA, DatasetKind.TRANSMISSION_RIGHTS,
    }  # fmt: skip


# --- market-wide reports: sandbox --------------------------------------------------------------


@pytest.mark.parametrize(("d", "hours"), [(date(2025, 3, 9), 23), (date(2025, 11, 2), 25), (date(2025, 7, 1), 24)])
async def test_sandbox_hourly_datasets_on_dst_days(d: date, hours: int) -> None:
    adapter = sandboxed()
    window = day(d)
    load = await adapter.series(request_of(DatasetKind.LOAD, d))
    forecast = await adapter.series(request_of(DatasetKind.LOAD_FORECAST, d))
    prices = await adapter.series(request_of(DatasetKind.ANCILLARY_PRICES, d, MarketRun.DAY_AHEAD_HOURLY))
    renewables = await adapter.series(request_of(DatasetKind.RENEWABLES, d))
    old_load = await adapter.series(request_of(DatasetKind.LOAD, d.replace(year=2024)))  # from the archive
    await adapter.aclose()
    for records, per_hour in ((load, 13), (forecast, 9), (prices, 5), (renewables, 15)):
        assert len(records) == hours * per_hour
        starts = sorted({r.start for r in records})
        assert len(starts) == hours and starts[0] == window.start and starts[-1] + HOUR_DELTA == window.end
        assert [r.start for r in records] == sorted(r.start for r in records)
    ercot = [r for r in load if r.area == "ERCOT"]
    zones = [
        r for r in load if r.area in {"COAST", "EAST", "FAR_WEST", "NORTH", "NORTH_C", "SOUTHERN", "SOUTH_C", "WEST"}
    ]
    assert all(30_000 < r.mw < 80_000 for r in ercot)
    assert abs(sum(r.mw for r in zones) - sum(r.mw for r in ercot)) < 0.01 * hours  # zones add up to the total
    assert all(r.published_at is not None and r.published_at < window.end for r in forecast)
    wind_actual = [r for r in renewables if r.source == "WIND" and not r.forecast and r.area is None]
    assert len(wind_actual) == hours and all(2_000 < r.mw < 30_000 for r in wind_actual)
    # the archive years back parse to the same hours (the 2024 DST days fall on other dates)
    assert len({r.start for r in old_load}) in (23, 24, 25)


HOUR_DELTA = timedelta(hours=1)


async def test_sandbox_forecast_vintage_before_a_publication_time() -> None:
    adapter = sandboxed()
    cutoff = z("2025-07-01T00:00Z")  # 19:00 CDT on 06/30: the 18:30 posting is the newest before it
    window = day(date(2025, 7, 1))
    forecast = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window, None, cutoff))
    latest = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window))
    renewables = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, window, None, cutoff))
    await adapter.aclose()
    assert {r.published_at for r in forecast} == {z("2025-06-30T23:30Z")}
    assert {r.model for r in forecast} == {sandbox_reports.IN_USE_MODEL}
    assert {r.published_at for r in latest} == {z("2025-07-01T23:30Z")}
    assert len(forecast) == len(latest) == 24 * 9
    assert forecast[0].mw != latest[0].mw  # another vintage, another number
    assert {r.published_at for r in renewables if r.forecast} == {z("2025-06-30T23:55Z")}
    assert {(r.model, r.source) for r in renewables if r.forecast} == {
        ("STWPF", "WIND"), ("WGRPP", "WIND"), ("STPPF", "SOLAR"), ("PVGRPP", "SOLAR"),
    }  # fmt: skip


async def test_sandbox_constraints_both_runs() -> None:
    adapter = sandboxed()
    window = day(date(2025, 11, 2))
    sced = await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 11, 2), MarketRun.REAL_TIME_5_MIN))
    dam = await adapter.series(request_of(DatasetKind.CONSTRAINTS, date(2025, 11, 2), MarketRun.DAY_AHEAD_HOURLY))
    await adapter.aclose()
    assert sced and dam and all(window.contains(r.start) for r in [*sced, *dam])
    assert all(r.end - r.start <= timedelta(minutes=5) for r in sced)
    # runs during both passes of the repeated hour are distinct instants
    repeated = {r.start for r in sced if z("2025-11-02T06:00Z") <= r.start < z("2025-11-02T08:00Z")}
    assert any(s < z("2025-11-02T07:00Z") for s in repeated) and any(s >= z("2025-11-02T07:00Z") for s in repeated)
    assert len({(r.name, r.start) for r in sced}) == len(sced)
    assert all(r.end - r.start == HOUR_DELTA for r in dam)


async def test_graphql_load_and_ancillary_prices_through_the_whole_stack() -> None:
    stack = Stack()
    body = await stack.query(
        '{ market(iso: ERCOT) { load(date: "2025-07-01", area: "ercot") { start area mw } '
        'ancillaryPrices(date: "2025-07-01", run: DAY_AHEAD_HOURLY, product: "REGUP") { start product price } } }'
    )
    market = body["data"]["market"]  # type: ignore[index]
    assert len(market["load"]) == 24 and {r["area"] for r in market["load"]} == {"ERCOT"}
    assert market["load"][0]["start"].startswith("2025-07-01T00:00:00")
    assert len(market["ancillaryPrices"]) == 24 and {r["product"] for r in market["ancillaryPrices"]} == {"REGUP"}


# --- issue 12: pacing, bulk archive downloads, every report's history, the dashboard -----------


def test_the_public_api_is_spaced_to_ercots_documented_30_requests_a_minute() -> None:
    adapter = create(settings(), Recorder())  # live spacing: no test pin
    api, www = adapter.upstreams
    assert (api.name, api.limiter.interval) == ("public-api", 2.0)
    assert www.limiter.interval == feeds.WWW_SPACING


async def test_a_month_of_archived_day_ahead_prices_is_three_requests() -> None:
    """Was 1 live query + 1 listing + 31 GETs, one per day, at 0.2 s: throttled by ERCOT."""
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    window = Window.days(date(2024, 5, 1), 31, CENTRAL)
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["HB_NORTH"], window)
    await adapter.aclose()
    assert [(r.method, r.url.path.rsplit("/", 2)[-2:]) for r in recorder.reports()] == [
        ("GET", ["np4-190-cd", "dam_stlmnt_pnt_prices"]),
        ("GET", ["archive", "np4-190-cd"]),
        ("POST", ["np4-190-cd", "download"]),
    ]
    assert len(orjson.loads(recorder.reports()[-1].content)["docIds"]) == 31
    assert len(result["HB_NORTH"]) == 31 * 24
    # planned at ERCOT's pace: three requests, two seconds apart
    (piece,) = adapter.source.plan(DAM, Ask(window, NOW, ("HB_NORTH",)))
    assert piece.seconds == 3 * 2.0


@pytest.mark.parametrize(
    ("feed_name", "codes", "days", "recent", "seconds"),
    [
        ("NP4-190-CD", ("HB_NORTH",), 1, True, 2.0),
        ("NP6-788-CD", ("HB_NORTH",), 31, True, 2.0),  # 8,928 rows: one page
        ("NP6-788-CD", tuple(f"N{i}" for i in range(20)), 31, True, 20 * 2.0),  # a query per point
        ("NP6-788-CD", ("HB_NORTH",), 31, False, (1 + 9 + 9) * 2.0),  # 8,928 postings: 9 pages, 9 downloads
        ("NP6-905-CD", tuple(f"N{i}" for i in range(20)), 31, False, (1 + 3 + 3) * 2.0),
    ],
)
def test_pieces_cost_what_ercot_takes_at_its_pace(
    feed_name: str, codes: tuple[str, ...], days: int, recent: bool, seconds: float
) -> None:
    adapter = create(settings(), Recorder(), clock=CLOCK)
    first = date(2025, 6, 1) if recent else date(2024, 1, 1)
    pieces = adapter.source.plan(feed(feed_name), Ask(Window.days(first, days, CENTRAL), NOW, codes))
    assert sum(p.seconds for p in pieces) == seconds


async def test_an_archive_window_over_the_deadline_is_refused_before_any_request() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    with pytest.raises(UpstreamTooSlow, match=r"NP6-788-CD: this window takes about \d+ s"):
        await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["HB_NORTH"], Window.days(date(2024, 1, 1), 120, CENTRAL))
    await adapter.aclose()
    assert recorder.requests == []


OLD = date(2024, 11, 3)  # a fall-back day, long out of the live window


def _interval_cases() -> list[Any]:
    return [
        pytest.param(MarketRun.REAL_TIME_15_MIN, None, id="NP6-905-CD"),
        pytest.param(MarketRun.REAL_TIME_HOURLY, None, id="NP6-905-CD-HOURLY"),
        pytest.param(MarketRun.REAL_TIME_5_MIN, None, id="NP6-788-CD"),
        pytest.param(None, (DatasetKind.LOAD_FORECAST, None), id="NP3-565-CD"),
        pytest.param(None, (DatasetKind.RENEWABLES, None), id="NP4-732-CD+NP4-737-CD"),
        pytest.param(None, (DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN), id="NP6-86-CD"),
    ]


async def _old_answer(run: MarketRun | None, dataset: Any, recorder: Recorder) -> Any:
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    try:
        if run is not None:
            return await adapter.prices(run, ["HB_NORTH", "LZ_WEST"], day(OLD))
        return await adapter.series(request_of(dataset[0], OLD, dataset[1]))
    finally:
        await adapter.aclose()


@pytest.mark.parametrize(("run", "dataset"), _interval_cases())
async def test_reports_posted_every_few_minutes_come_from_the_archive_past_the_live_window(
    run: MarketRun | None, dataset: Any
) -> None:
    """These answered [] past the live window: they had no archive path."""
    recorder = Recorder()
    archived = await _old_answer(run, dataset, recorder)
    posts = [r for r in recorder.reports() if r.method == "POST"]
    assert posts and all(r.url.path.endswith("/download") for r in posts)
    assert all(len(orjson.loads(r.content)["docIds"]) <= 1_000 for r in posts)
    # the same answer as the live report gives where it still holds the day
    sandbox_from = sandbox.LIVE_FROM
    try:
        sandbox.LIVE_FROM = date(2000, 1, 1)
        live_recorder = Recorder()
        live = await _old_answer(run, dataset, live_recorder)
    finally:
        sandbox.LIVE_FROM = sandbox_from
    assert not [r for r in live_recorder.reports() if "archive" in r.url.path]
    assert archived == live
    records = [r for rs in archived.values() for r in rs] if isinstance(archived, dict) else archived
    assert records and all(day(OLD).contains(r.start) for r in records)
    hours = {r.start.replace(minute=0, second=0) for r in records}
    assert len(hours) == 25  # both passes of the repeated hour


async def test_sced_archive_runs_end_at_the_next_run_across_files() -> None:
    recorder = Recorder()
    prices = await _old_answer(MarketRun.REAL_TIME_5_MIN, None, recorder)
    north = prices["HB_NORTH"]
    assert len(north) == 300  # 25 hours of runs, one file each
    assert_contiguous(north)


async def test_archived_forecast_vintages_take_the_listings_posting_time() -> None:
    adapter = create(settings(), Recorder(), min_interval=0, clock=CLOCK)
    window = day(OLD)
    latest = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window))
    week_before = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window, None, z("2024-10-28T00:00Z")))
    await adapter.aclose()
    # the archive CSV has no posting column: each vintage is its listing's postDatetime
    assert {r.published_at for r in latest} == {z("2024-11-04T00:30Z")}  # 18:30 CST on the fall-back day
    assert {r.published_at for r in week_before} == {z("2024-10-27T23:30Z")}  # 18:30 CDT a week before
    assert len(latest) == len(week_before) == 25 * 9


def test_an_archive_posting_in_the_repeated_hour_is_read_by_its_xhr_name() -> None:
    posting = parse.Posting("7", datetime(2024, 11, 3, 1, 30), "Seven_Day_Load_Forecast")
    fields = "DeliveryDate,HourEnding,Coast,East,FarWest,North,NorthCentral,Southern,SouthCentral,West,SystemTotal,"
    csv_body = (fields + "Model,InUseFlag,DSTFlag\r\n11/04/2024,01:00,1,2,3,4,5,6,7,8,36,E1,Y,N\r\n").encode()
    documents = [
        parse.Document(posting, "7.cdr.00014837.0000000000000000.20241103.013000.LFMODWZNP3565.zip", csv_body),
        parse.Document(posting, "7.cdr.00014837.0000000000000000.20241103.013000.LFMODWZNP3565_xhr.zip", csv_body),
    ]
    tables = feed("NP3-565-CD").parse
    first = tables.documents(documents[:1], vintaged=True)(b"")
    second = tables.documents(documents[1:], vintaged=True)(b"")
    assert {r.published_at for r in first} == {z("2024-11-03T06:30Z")}  # 01:30 CDT
    assert {r.published_at for r in second} == {z("2024-11-03T07:30Z")}  # 01:30 CST


def test_a_stray_row_in_an_archive_document_is_not_dropped_silently() -> None:
    """Rows just outside the asked days (a neighbour interval) are left out; one further off
    stays, for the pipeline to refuse."""
    posting = parse.Posting("9", datetime(2024, 7, 1, 0, 2), "SPP")
    header = b"DeliveryDate,DeliveryHour,DeliveryInterval,SettlementPointName,SettlementPointType,"
    header += b"SettlementPointPrice,DSTFlag\r\n"
    body = (
        header
        + b"06/30/2024,24,4,HB_NORTH,HU,20,N\r\n07/01/2024,1,1,HB_NORTH,HU,21,N\r\n01/01/2099,1,1,HB_NORTH,HU,9,N\r\n"
    )
    tables = RT15.parse
    assert isinstance(tables, parse.Tables)
    records = tables.documents([parse.Document(posting, "9.x.zip", body)], vintaged=False)(b"")
    assert [r.start for r in records] == [z("2024-07-01T04:45Z"), z("2024-07-01T05:00Z"), z("2099-01-01T06:00Z")]


async def test_the_sandbox_answers_bulk_downloads_in_ercots_form() -> None:
    headers = {"Ocp-Apim-Subscription-Key": "k", "Authorization": "Bearer sbx.0123abcd"}
    archive = "https://api.ercot.com/api/public-reports/archive/np6-905-cd"
    async with httpx.AsyncClient(transport=sandbox.transport(clock=CLOCK)) as http:
        params = {"postDatetimeFrom": "2025-07-01T00:00:00", "postDatetimeTo": "2025-07-01T01:00:00", "size": "1000"}
        listing = (await http.get(archive, params=params, headers=headers)).json()
        ids = [entry["docId"] for entry in listing["archives"]]
        answer = await http.post(f"{archive}/download", json={"docIds": ids}, headers=headers)
        too_many = await http.post(f"{archive}/download", json={"docIds": list(range(1_001))}, headers=headers)
        strings = await http.post(f"{archive}/download", json={"docIds": [str(ids[0])]}, headers=headers)
        no_key = await http.post(f"{archive}/download", json={"docIds": ids}, headers={"Authorization": "x"})
        future = {**params, "postDatetimeFrom": "2025-07-03T00:00:00", "postDatetimeTo": "2025-07-04T00:00:00"}
        unposted = (await http.get(archive, params=future, headers=headers)).json()
        live = await http.get(
            "https://api.ercot.com/api/public-reports/np6-905-cd/spp_node_zone_hub",
            params={"deliveryDateFrom": "2025-07-02", "deliveryDateTo": "2025-07-03", "size": "100000"},
            headers=headers,
        )
    # postings at each quarter's end (+2 minutes), newest first
    assert [e["postDatetime"] for e in listing["archives"]][-1] == "2025-07-01T00:02:00.000"
    assert len(ids) == 4
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as outer:
        names = outer.namelist()
        assert [int(name.split(".")[0]) for name in names] == ids
        with zipfile.ZipFile(io.BytesIO(outer.read(names[0]))) as inner:
            (member,) = inner.namelist()
            assert inner.read(member).startswith(b"DeliveryDate,DeliveryHour,DeliveryInterval,SettlementPointName")
    assert too_many.status_code == strings.status_code == 400 and no_key.status_code == 401
    assert unposted["archives"] == []  # nothing is posted ahead of its interval
    # live: 07/02 up to noon UTC (07:00 CDT), each quarter two minutes after it ends; nothing of 07/03
    stamps = {(row[0], row[1], row[2]) for row in live.json()["data"]}
    assert max(stamps) == ("2025-07-02", 7, 3) and len(stamps) == 6 * 4 + 3


def test_fuel_mix_tolerates_nulls_and_places_each_stamp_at_its_nearest_mark() -> None:
    body = orjson.dumps(
        {
            "data": {
                "2025-07-01": {
                    "2025-07-01 10:04:57-0500": {"Wind": {"gen": 9000.0}, "Solar": {"gen": None}, "Hydro": None},
                    # a second after the mark: the same 10:05 point, not the next interval
                    "2025-07-01 10:05:01-0500": {"Solar": {"gen": 12000.5}},
                    "2025-07-01 10:09:58-0500": {"Wind": {"gen": 9100.0}, "Solar": {"gen": 12100.0}},
                    "2025-07-01 10:12:30-0500": {"Wind": {"gen": 1.0}},  # off every mark: no 5-minute point
                    "2025-07-01 10:15:03-0500": {"Wind": {"gen": 9200.0}, "Solar": {"gen": 12200.0}},
                }
            }
        }
    )
    records = feed("fuel-mix").parse(body)
    assert [(r.fuel, r.start, r.end, r.mw) for r in records] == [
        ("Solar", z("2025-07-01T15:00Z"), z("2025-07-01T15:05Z"), 12000.5),
        ("Wind", z("2025-07-01T15:00Z"), z("2025-07-01T15:05Z"), 9000.0),
        ("Solar", z("2025-07-01T15:05Z"), z("2025-07-01T15:10Z"), 12100.0),
        ("Wind", z("2025-07-01T15:05Z"), z("2025-07-01T15:10Z"), 9100.0),
        ("Solar", z("2025-07-01T15:10Z"), z("2025-07-01T15:15Z"), 12200.0),
        ("Wind", z("2025-07-01T15:10Z"), z("2025-07-01T15:15Z"), 9200.0),
    ]


def test_fuel_mix_split_interval_keeps_the_later_stamp_for_a_fuel_both_carry() -> None:
    body = orjson.dumps(
        {
            "data": {
                "2026-07-28": {
                    "2026-07-28 09:44:58-0500": {"Wind": {"gen": 100.0}, "Solar": {"gen": 1.0}},
                    "2026-07-28 09:44:56-0500": {"Solar": {"gen": 200.0}},  # published out of order
                }
            }
        }
    )
    assert {r.fuel: r.mw for r in feed("fuel-mix").parse(body)} == {"Solar": 1.0, "Wind": 100.0}


async def test_fuel_mix_outside_the_dashboards_two_days_asks_nothing_and_says_its_retention() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=CLOCK)
    assert await adapter.series(request_of(DatasetKind.FUEL_MIX, date(2025, 6, 1))) == []
    coverage = adapter.coverage(DatasetKind.FUEL_MIX)
    await adapter.aclose()
    assert recorder.requests == []
    assert coverage.retention == timedelta(days=2) and coverage.earliest == NOW - timedelta(days=2)


def test_every_report_is_declared_with_its_archive_back_to_its_start() -> None:
    reports = [f for f in FEEDS if isinstance(f.query, feeds.Report)]
    assert len(reports) == 16
    for declared in reports:
        assert declared.retention is None, declared.name  # the archive keeps every posting
        assert declared.query.archive.every > timedelta(0)
    assert feeds.LIVE_DAYS == 90 and feeds.ARCHIVE_BATCH == 1_000
    assert DAM.earliest == date(2010, 12, 1) and DAM.delay == -timedelta(days=1)
    adapter = create(settings(), Recorder(), clock=CLOCK)
    assert adapter.coverage(None, MarketRun.DAY_AHEAD_HOURLY).earliest == z("2010-12-01T06:00Z")
    assert adapter.labels(DatasetKind.FUEL_MIX)["fuel"] == tuple(sandbox_reports.FUELS)
    assert adapter.labels(DatasetKind.ANCILLARY_PRICES)["product"] == tuple(sandbox_reports.AS_PRODUCTS)
    assert set(adapter.labels(DatasetKind.LOAD)["area"]) == {
        "COAST", "EAST", "FAR_WEST", "NORTH", "NORTH_C", "SOUTHERN", "SOUTH_C", "WEST", "ERCOT",
        "FZ_NORTH", "FZ_SOUTH", "FZ_WEST", "FZ_HOUSTON",
    }  # fmt: skip
    assert adapter.labels(DatasetKind.RENEWABLES) == {
        "source": ("WIND", "SOLAR"),
        "area": ("LZ_SOUTH_HOUSTON", "LZ_WEST", "LZ_NORTH"),
    }
