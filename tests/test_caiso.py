"""CAISO adapter: OASIS zip/CSV parsing, request building and splitting, cache, sandbox, DST."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from gridql.adapters import caiso
from gridql.adapters.caiso import datasets, files, parse
from gridql.adapters.caiso.feeds import Oasis
from gridql.adapters.caiso.nodes import FIXED_NODES
from gridql.adapters.caiso.source import Request
from gridql.adapters.config import Settings
from gridql.adapters.errors import (
    UnsupportedDataset,
    UnsupportedRun,
    UpstreamBadResponse,
    UpstreamThrottled,
    UpstreamTooSlow,
    UpstreamUnavailable,
)
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
from gridql.adapters.pipeline import Ask, FeedAdapter
from gridql.adapters.sandbox import caiso as sandbox
from gridql.adapters.sandbox import synthetic
from gridql.adapters.sandbox.caiso import wire
from tests.conftest import FIXTURES, SAMPLES
from tests.helpers import Recording, assert_contiguous, recorded, utc

PACIFIC = caiso.MARKET.tz
NP15, PGAE = "TH_NP15_GEN-APND", "DLAP_PGAE-APND"
OASIS_URL = "https://oasis.caiso.com/oasisapi/SingleZip"
DAM_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,NODE_ID_XML,NODE_ID,NODE,"
    "MARKET_RUN_ID,LMP_TYPE,XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,MW,GROUP"
)
PRC_LMP_SAMPLE = "caiso/oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip"
SLD_FCST_SAMPLE = "caiso/20250219_20250227_SLD_FCST_7DA_20250221_01_09_58_v1.zip"
SLD_REN_FCST_SAMPLE = "caiso/20250204_20250211_SLD_REN_FCST_DAM_20250214_04_52_10_v1.zip"


def days(first: date, count: int = 1) -> Window:
    """Pacific operating days."""
    return Window.days(first, count, PACIFIC)


def fixture(name: str) -> bytes:
    return (FIXTURES / "caiso" / name).read_bytes()


def zipped(text: str, member: str = "report.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, text)
    return buffer.getvalue()


def dam_rows(*rows: tuple[str, str, str, str]) -> bytes:
    """(node, start hour on 2025-07-15, LMP_TYPE, value) -> a PRC_LMP zip."""
    lines = [DAM_HEADER]
    for node, hour, kind, value in rows:
        start = f"2025-07-15T{hour}:00:00-00:00"
        end = f"2025-07-15T{int(hour) + 1:02d}:00:00-00:00"
        lines.append(f"{start},{end},2025-07-15,1,0,{node},{node},{node},DAM,{kind},X,{node},ALL,0,{value},1")
    return zipped("\n".join(lines) + "\n")


Responder = Callable[[httpx.Request], httpx.Response]


def body(content: bytes) -> Responder:
    return lambda request: httpx.Response(200, content=content)


def answer(request: httpx.Request) -> httpx.Response:
    """The sandbox as it stands now."""
    return sandbox.answer(request)


@asynccontextmanager
async def opened(
    transport: httpx.AsyncBaseTransport, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[FeedAdapter]:
    adapter = caiso.create(Settings(retries=1), transport, clock=clock, min_interval=0)
    try:
        yield adapter
    finally:
        await adapter.aclose()


@asynccontextmanager
async def sandboxed(clock: Callable[[], datetime] | None = None) -> AsyncIterator[FeedAdapter]:
    adapter = caiso.create(Settings(sandbox=True, retries=1), sandbox.transport(clock=clock), clock=clock)
    try:
        yield adapter
    finally:
        await adapter.aclose()


def params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


# --- parsing ---------------------------------------------------------------------------------


def test_fixture_pivots_to_one_record_per_node_and_interval() -> None:
    records = parse.prices(fixture("prc_lmp_dam_20250715_2nodes.zip"))

    assert len(records) == 6
    assert records[0] == PriceRecord(PGAE, utc(2025, 7, 15, 7), utc(2025, 7, 15, 8), 33.37666, 30.12345, 2.5, 0.75321)
    assert records[-1] == PriceRecord(NP15, utc(2025, 7, 15, 9), utc(2025, 7, 15, 10), 24.61134, 27.01234, -2.0, -0.401)
    np15 = [r for r in records if r.node == NP15]
    assert [r.start.hour for r in np15] == [7, 8, 9]  # rows arrive out of order
    assert np15[1].lmp == 28.18995 and np15[1].congestion == 0.0


@pytest.mark.parametrize(
    ("layout", "value_column"),
    [
        ("{h},{p},OPR_INTERVAL,GROUP", "VALUE"),  # PRC_INTVL_LMP
        ("{h},{p},OPR_INTERVAL,GROUP", "PRC"),  # PRC_RTPD_LMP
    ],
)
def test_interval_layouts_are_read_by_header(layout: str, value_column: str) -> None:
    head = "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,NODE_ID_XML,NODE_ID,NODE,MARKET_RUN_ID"
    tail = f"LMP_TYPE,XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,{value_column}"
    stamps = "2025-07-18T07:00:00-00:00,2025-07-18T07:05:00-00:00,2025-07-18,01"
    ids = f"{NP15},{NP15},{NP15},RTM"
    lines = [layout.format(h=head, p=tail)] + [
        f"{stamps},{ids},{kind},{item},{NP15},ALL_APNODES,0,{value},1,{n}"
        for n, (kind, item, value) in enumerate(
            [
                ("MCC", "LMP_CONG_PRC", "-1.68082"),
                ("MCE", "LMP_ENE_PRC", "48.9464"),
                ("MGHG", "LMP_GHG_PRC", "0"),
                ("LMP", "LMP_PRC", "47.26558"),
            ],
            start=1,
        )
    ]

    [record] = parse.prices(zipped("\n".join(lines)))

    assert record == PriceRecord(NP15, utc(2025, 7, 18, 7), utc(2025, 7, 18, 7, 5), 47.26558, 48.9464, -1.68082, None)


def test_error_report_under_http_200_is_a_bad_response_with_its_description() -> None:
    with pytest.raises(UpstreamBadResponse, match=r"OASIS error 1004: Data can be requested for period of 31 days"):
        parse.prices(fixture("error_1004_window.zip"))


def test_no_data_report_is_an_empty_result() -> None:
    assert parse.prices(fixture("error_1000_no_data.zip")) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body><p>CAISO Acceptable Use Policy Violation.</p></body></html>", "not a zip archive"),
        (zipped(DAM_HEADER.replace(",MW,", ",PRICE,") + "\n"), "has no MW or VALUE or PRC column"),
        (dam_rows((NP15, "07", "LMP", "n/a")), "price 'n/a' is not a number"),
        (dam_rows((NP15, "07", "LMP", "NaN")), "price 'NaN' is not a number"),
        (dam_rows((NP15, "07", "MCE", "30.1")), "has components but no LMP row"),
        (
            zipped('<OASISReport xmlns="http://www.caiso.com/soa/OASISReport_v1.xsd"/>', "x.xml"),
            "without an error code",
        ),
        (zipped(DAM_HEADER + "\n2025-07-15T07:00:00-00:00,short\n"), "line 2 has 2 of 16 fields"),
    ],
    ids=["html", "no-value-column", "text-price", "nan-price", "no-lmp-row", "xml-report", "short-row"],
)
def test_bodies_that_are_not_price_reports_raise(content: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        parse.prices(content)


def test_local_stamps_are_refused_rather_than_guessed() -> None:
    content = zipped(
        DAM_HEADER + "\n2025-07-15 00:00:00,2025-07-15 01:00:00,2025-07-15,1,0,A,A,A,DAM,LMP,X,A,ALL,0,1.5,1\n"
    )
    with pytest.raises(UpstreamBadResponse, match="is not of the form 2022-02-01T15:00:00-00:00"):
        parse.prices(content)


def test_atlas_types_and_errors() -> None:
    atlas = (
        '<OASISMaster xmlns="http://www.caiso.com/soa/OASISMaster_v1.xsd"><MessagePayload><RTO>'
        "<ATLS_ITEM><ATLS_DATA><APNODE_NAME>TH_SP15_GEN-APND</APNODE_NAME><APNODE_TYPE>TH</APNODE_TYPE>"
        "</ATLS_DATA><ATLS_DATA><APNODE_NAME>SLAP_PGCC-APND</APNODE_NAME><APNODE_TYPE>CPZ</APNODE_TYPE>"
        "</ATLS_DATA><ATLS_DATA><APNODE_NAME>DLAP_SDGE-APND</APNODE_NAME><APNODE_TYPE>DPZ</APNODE_TYPE>"
        "</ATLS_DATA><ATLS_DATA><APNODE_NAME>XYZ_1_N001</APNODE_NAME><APNODE_TYPE>EIMT</APNODE_TYPE>"
        "</ATLS_DATA></ATLS_ITEM></RTO></MessagePayload></OASISMaster>"
    )
    nodes = {node.code: node for node in parse.nodes(zipped(atlas, "atlas.xml"))}

    assert nodes["TH_SP15_GEN-APND"].name == "SP15 Trading Hub"
    assert nodes["TH_SP15_GEN-APND"].type is NodeType.HUB
    assert nodes["DLAP_SDGE-APND"].type is NodeType.ZONE
    assert nodes["SLAP_PGCC-APND"].type is NodeType.AGGREGATE
    assert nodes["XYZ_1_N001"].type is NodeType.OTHER
    assert nodes["XYZ_1_N001"].id == "CAISO:XYZ_1_N001"
    assert parse.nodes(fixture("error_1000_no_data.zip")) == []
    with pytest.raises(UpstreamBadResponse, match="OASIS error 1004"):
        parse.nodes(fixture("error_1004_window.zip"))


def test_recorded_prc_lmp_all_apnodes_pivots_to_exact_components() -> None:
    # One GMT day of every APnode, LMP/MCC/MCE/MCL rows in no order, exactly as OASIS served it.
    records = parse.prices(recorded(PRC_LMP_SAMPLE))

    assert len(records) == 40_712  # 1,697 nodes x 8 hours of 2020-01-01 + 1,696 x 16 of 2020-01-02
    assert len({r.node for r in records}) == 1_700
    assert sorted({r.start for r in records}) == [utc(2020, 1, 2, h) for h in range(24)]
    found = {(r.node, r.start): r for r in records}
    assert found[NP15, utc(2020, 1, 2, 20)] == PriceRecord(
        NP15, utc(2020, 1, 2, 20), utc(2020, 1, 2, 21), 28.14549, 27.35759, 0.0, 0.7879
    )
    assert found["TH_SP15_GEN-APND", utc(2020, 1, 2, 20)] == PriceRecord(
        "TH_SP15_GEN-APND", utc(2020, 1, 2, 20), utc(2020, 1, 2, 21), 25.55746, 27.35759, 0.0, -1.80013
    )
    assert found[PGAE, utc(2020, 1, 2, 3)] == PriceRecord(
        PGAE, utc(2020, 1, 2, 3), utc(2020, 1, 2, 4), 38.53754, 38.1371, 0.0, 0.40044
    )
    assert found["AFPR_1_TOT_GEN-APND", utc(2020, 1, 2)].lmp == 33.34256
    assert found["AFPR_1_TOT_GEN-APND", utc(2020, 1, 2, 5)].lmp == 34.04259  # the member's first row
    # Hour 17 of 2020-01-01 is the last of the three trading hubs' on-peak blocks that day.
    assert sum(r.node == "TH_NP15_GEN_ONPEAK-APND" for r in records) == 10


async def test_recorded_prc_lmp_serves_a_node_through_the_adapter_in_one_request() -> None:
    seen = Recording(body(recorded(PRC_LMP_SAMPLE)))
    window = Window(utc(2020, 1, 2), utc(2020, 1, 3))

    async with opened(seen) as adapter:
        result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15, PGAE], window)

    assert len(seen.requests) == 1
    assert (params(seen.requests[0])["startdatetime"], params(seen.requests[0])["enddatetime"]) == (
        "20200102T00:00-0000",
        "20200103T00:00-0000",
    )
    assert [len(result[code]) for code in (NP15, PGAE)] == [24, 24]
    assert_contiguous(result[NP15], timedelta(hours=1))
    assert result[NP15][20].lmp == 28.14549 and result[PGAE][3].loss == 0.40044


# --- the adapter against a mock OASIS --------------------------------------------------------


async def test_one_request_carries_the_whole_batch() -> None:
    seen = Recording(body(fixture("prc_lmp_dam_20250715_2nodes.zip")))
    window = days(date(2025, 7, 15))

    async with opened(seen) as adapter:
        result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15, PGAE, "UNKNOWN_APND"], window)

    assert len(seen.requests) == 1
    request = seen.requests[0]
    assert (request.method, request.url.host, request.url.path) == (
        "GET",
        "oasis.caiso.com",
        "/oasisapi/SingleZip",
    )
    assert params(request) == {
        "queryname": "PRC_LMP",
        "market_run_id": "DAM",
        "version": "12",
        "startdatetime": "20250715T07:00-0000",
        "enddatetime": "20250716T07:00-0000",
        "node": f"{PGAE},{NP15},UNKNOWN_APND",
        "resultformat": "6",
    }
    assert "authorization" not in request.headers  # OASIS is public
    assert [r.lmp for r in result[NP15]] == [30.97525, 28.18995, 24.61134]
    assert [r.start for r in result[PGAE]] == [utc(2025, 7, 15, 7), utc(2025, 7, 15, 8), utc(2025, 7, 15, 9)]
    assert result["UNKNOWN_APND"] == []


async def test_only_intervals_starting_in_the_window_are_returned() -> None:
    seen = Recording(body(fixture("prc_lmp_dam_20250715_2nodes.zip")))

    async with opened(seen) as adapter:
        result = await adapter.prices(
            MarketRun.DAY_AHEAD_HOURLY, [NP15], Window(utc(2025, 7, 15, 8), utc(2025, 7, 15, 8, 30))
        )

    assert (params(seen.requests[0])["startdatetime"], params(seen.requests[0])["enddatetime"]) == (
        "20250715T08:00-0000",
        "20250715T08:30-0000",
    )
    assert [(r.start, r.lmp) for r in result[NP15]] == [(utc(2025, 7, 15, 8), 28.18995)]


async def test_a_40_day_day_ahead_window_takes_two_requests() -> None:
    seen = Recording(body(fixture("error_1000_no_data.zip")))

    async with opened(seen) as adapter:
        result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], days(date(2025, 1, 1), 40))

    assert sorted((params(r)["startdatetime"], params(r)["enddatetime"]) for r in seen.requests) == [
        ("20250101T08:00-0000", "20250201T08:00-0000"),  # 31 operating days, the OASIS limit
        ("20250201T08:00-0000", "20250210T08:00-0000"),
    ]
    assert result == {NP15: []}


@pytest.mark.parametrize(
    ("run", "query", "market_run_id", "length"),
    [
        (MarketRun.REAL_TIME_5_MIN, "PRC_INTVL_LMP", "RTM", timedelta(minutes=5)),
        (MarketRun.REAL_TIME_15_MIN, "PRC_RTPD_LMP", "RTPD", timedelta(minutes=15)),
        (MarketRun.HOUR_AHEAD_15_MIN, "PRC_HASP_LMP", "HASP", timedelta(minutes=15)),
    ],
)
async def test_a_month_of_interval_prices_is_one_request_with_named_nodes(
    run: MarketRun, query: str, market_run_id: str, length: timedelta
) -> None:
    """Defect 6: interval reports were asked one operating day per request (31 requests, 155 s at
    OASIS's pace); with named nodes OASIS takes 31 days, the fall-back day's 25 hours included."""
    seen = Recording(answer)
    window = days(date(2025, 10, 15), 31)

    async with opened(seen) as adapter:
        result = await adapter.prices(run, [NP15, PGAE], window)

    assert [(params(r)["startdatetime"], params(r)["enddatetime"]) for r in seen.requests] == [
        ("20251015T07:00-0000", "20251115T08:00-0000")
    ]
    request = params(seen.requests[0])
    assert (request["queryname"], request["market_run_id"], request["version"], request["node"]) == (
        query,
        market_run_id,
        "3",
        f"{PGAE},{NP15}",
    )
    assert len(result[NP15]) == len(result[PGAE]) == (window.end - window.start) // length
    assert_contiguous(result[NP15], length)


def test_twenty_nodes_for_a_month_of_5_minute_prices_are_two_requests_of_ten_seconds() -> None:
    adapter = caiso.create(Settings(sandbox=True), sandbox.transport())
    codes = tuple(list(sandbox.APNODES)[:20])
    window = days(date(2025, 7, 1), 31)

    pieces = adapter.source.plan(adapter.catalog.prices(MarketRun.REAL_TIME_5_MIN), Ask(window, utc(2025, 8, 2), codes))

    assert sum(p.seconds for p in pieces) == 10.0  # two requests at OASIS's one per 5 s
    requests = [p.detail for p in pieces if isinstance(p.detail, Request)]
    assert [(len(r.nodes), r.span) for r in requests] == [(10, window), (10, window)]


async def test_a_plan_over_the_deadline_is_refused_before_any_request() -> None:
    seen = Recording(answer)
    codes = list(sandbox.APNODES)[:40]  # 4 node batches

    async with opened(seen) as adapter:
        with pytest.raises(UpstreamTooSlow, match="about 80 s of upstream requests"):
            await adapter.prices(MarketRun.REAL_TIME_5_MIN, codes, days(date(2025, 5, 1), 100))

    assert seen.requests == []


def refusing_past(limit_days: int, description: str) -> Responder:
    """OASIS refusing (error 1004) any span over `limit_days`, answering the sandbox otherwise."""

    def respond(request: httpx.Request) -> httpx.Response:
        start = datetime.strptime(params(request)["startdatetime"], "%Y%m%dT%H:%M-0000")
        end = datetime.strptime(params(request)["enddatetime"], "%Y%m%dT%H:%M-0000")
        if end - start > timedelta(days=limit_days, hours=1):
            return wire.error(1004, description)
        return sandbox.answer(request)

    return respond


async def test_a_window_oasis_refuses_as_too_long_is_split_to_the_limit_it_names_and_retried() -> None:
    seen = Recording(refusing_past(7, "Data can be requested for period of 7 days only"))
    window = days(date(2025, 7, 1), 20)

    async with opened(seen) as adapter:
        result = await adapter.prices(MarketRun.REAL_TIME_15_MIN, [NP15], window)
        again = await adapter.prices(MarketRun.REAL_TIME_15_MIN, [NP15], window)

    spans = [(params(r)["startdatetime"], params(r)["enddatetime"]) for r in seen.requests]
    assert spans == [
        ("20250701T07:00-0000", "20250721T07:00-0000"),  # refused
        ("20250701T07:00-0000", "20250708T07:00-0000"),
        ("20250708T07:00-0000", "20250715T07:00-0000"),
        ("20250715T07:00-0000", "20250721T07:00-0000"),
    ]
    assert len(result[NP15]) == 20 * 96 and again == result  # the whole piece cached once
    assert_contiguous(result[NP15], timedelta(minutes=15))


async def test_a_refusal_for_a_window_already_within_its_limit_is_an_error_not_a_split() -> None:
    seen = Recording(body(wire.error(1004, "Data can be requested for period of 1 hour only").content))

    async with opened(seen) as adapter:
        with pytest.raises(UpstreamBadResponse, match="OASIS error 1004: Data can be requested for period of 1 hour"):
            await adapter.prices(MarketRun.REAL_TIME_15_MIN, [NP15], Window(utc(2025, 7, 1, 7), utc(2025, 7, 1, 8)))

    assert len(seen.requests) == 1


async def test_more_than_ten_nodes_are_split_at_the_oasis_limit() -> None:
    seen = Recording(answer)
    codes = list(sandbox.APNODES)[:12]

    async with opened(seen) as adapter:
        result = await adapter.prices(MarketRun.REAL_TIME_15_MIN, codes, days(date(2025, 7, 1), 2))

    # Two node batches (10 + 2), each one request for both operating days.
    assert sorted(len(params(r)["node"].split(",")) for r in seen.requests) == [2, 10]
    assert {(params(r)["queryname"], params(r)["market_run_id"]) for r in seen.requests} == {("PRC_RTPD_LMP", "RTPD")}
    assert {code: len(records) for code, records in result.items()} == dict.fromkeys(codes, 192)


async def test_a_repeat_query_is_served_from_the_cache() -> None:
    seen = Recording(answer)
    window = days(date(2025, 7, 1))

    async with opened(seen) as adapter:
        first = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15, PGAE], window)
        again = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [PGAE, NP15], window)
        await adapter.nodes()
        await adapter.nodes()

    assert [params(r)["queryname"] for r in seen.requests] == ["PRC_LMP", "ATL_APNODE"]
    assert again == first


async def test_an_error_report_fails_the_query_and_is_not_cached() -> None:
    seen = Recording(body(fixture("error_1004_window.zip")))
    window = days(date(2025, 7, 1))

    async with opened(seen) as adapter:
        for _ in range(2):
            with pytest.raises(UpstreamBadResponse, match="Data can be requested for period of 31 days only"):
                await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], window)

    assert len(seen.requests) == 2


async def test_an_unpublished_run_is_refused_without_a_request() -> None:
    seen = Recording(answer)

    async with opened(seen) as adapter:
        with pytest.raises(UnsupportedRun) as refused:
            await adapter.prices(MarketRun.REAL_TIME_HOURLY, [NP15], days(date(2025, 7, 1)))

    assert str(refused.value) == (
        "CAISO does not publish REAL_TIME_HOURLY; it publishes DAY_AHEAD_HOURLY, REAL_TIME_15_MIN, REAL_TIME_5_MIN, "
        "HOUR_AHEAD_15_MIN"
    )
    assert seen.requests == []


async def test_an_html_page_under_http_200_is_a_bad_response() -> None:
    seen = Recording(lambda request: httpx.Response(200, text="<html>Service Unavailable</html>"))

    async with opened(seen) as adapter:
        with pytest.raises(UpstreamBadResponse, match="not a zip archive") as failed:
            await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], days(date(2025, 7, 1)))

    assert failed.value.iso is ISO.CAISO


# --- sandbox ---------------------------------------------------------------------------------


async def test_fall_back_day_repeats_the_1_am_hour_in_local_time() -> None:
    async with sandboxed() as adapter:
        records = (await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], days(date(2025, 11, 2))))[NP15]

    local = [(r.start.astimezone(PACIFIC).hour, r.start.astimezone(PACIFIC).utcoffset()) for r in records[1:3]]
    assert local == [(1, timedelta(hours=-7)), (1, timedelta(hours=-8))]


async def test_sandbox_prices_are_the_synthetic_components_and_their_sum() -> None:
    async with sandboxed() as adapter:
        records = (
            await adapter.prices(MarketRun.REAL_TIME_5_MIN, [PGAE], Window(utc(2025, 7, 1, 19), utc(2025, 7, 1, 20)))
        )[PGAE]

    assert len(records) == 12
    for record in records:
        local = record.start.astimezone(PACIFIC)
        energy, congestion, loss = synthetic.price(
            PGAE, "REAL_TIME_5_MIN", record.start, local.hour + local.minute / 60
        )
        assert (record.energy, record.congestion, record.loss) == (energy, congestion, loss)
        assert record.lmp == round(energy + congestion + loss, 2)


async def test_sandbox_node_list_has_the_real_hubs_and_dlaps() -> None:
    async with sandboxed() as adapter:
        nodes = {node.code: node for node in await adapter.nodes()}

    assert len(nodes) >= 50
    assert {code for code, node in nodes.items() if node.type is NodeType.HUB} == {
        "TH_NP15_GEN-APND",
        "TH_SP15_GEN-APND",
        "TH_ZP26_GEN-APND",
    }
    assert {code for code, node in nodes.items() if node.type is NodeType.ZONE} == {
        "DLAP_PGAE-APND",
        "DLAP_SCE-APND",
        "DLAP_SDGE-APND",
        "DLAP_VEA-APND",
    }
    assert nodes["DLAP_PGAE-APND"].name == "PG&E Default Load Aggregation Point"
    assert sum(node.type is NodeType.GENERATOR for node in nodes.values()) >= 40


def sandbox_request(**overrides: str) -> httpx.Request:
    query = {
        "queryname": "PRC_LMP",
        "market_run_id": "DAM",
        "version": "12",
        "startdatetime": "20250715T07:00-0000",
        "enddatetime": "20250716T07:00-0000",
        "node": NP15,
        "resultformat": "6",
    }
    return httpx.Request("GET", OASIS_URL, params={**query, **overrides})


def test_sandbox_is_deterministic_and_honours_the_node_filter() -> None:
    first = sandbox.answer(sandbox_request(node=f"{NP15},{PGAE}"))
    again = sandbox.answer(sandbox_request(node=f"{NP15},{PGAE}"))

    assert first.content == again.content
    assert first.headers["content-type"] == "application/x-zip-compressed"
    records = parse.prices(first.content)
    assert {r.node for r in records} == {NP15, PGAE}
    assert len(records) == 48


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"node": ",".join(list(sandbox.APNODES)[:11])}, "1017: Please select a maximum of 10 nodes"),
        ({"enddatetime": "20250816T07:00-0000"}, "1004: Data can be requested for period of 31 days only"),
        ({"version": "1"}, "1020: Version parameter is missing or is invalid"),
        ({"startdatetime": "2025-07-15"}, "1002: Invalid datetime format"),
        ({"queryname": "PRC_NOPE"}, "1005: Report name does not exist"),
    ],
)
def test_sandbox_refuses_like_oasis_under_http_200(overrides: dict[str, str], message: str) -> None:
    response = sandbox.answer(sandbox_request(**overrides))

    assert response.status_code == 200
    with pytest.raises(UpstreamBadResponse, match=message):
        parse.prices(response.content)


def test_sandbox_answers_404_off_the_oasis_path() -> None:
    assert sandbox.answer(httpx.Request("GET", "https://oasis.caiso.com/oasisapi/GroupZip")).status_code == 404


# --- wiring ----------------------------------------------------------------------------------


async def test_live_requests_are_spaced_five_seconds_apart_and_files_one() -> None:
    live = caiso.create(Settings())
    offline = caiso.create(Settings(sandbox=True), sandbox.transport())
    try:
        assert {u.name: u.limiter.interval for u in live.upstreams} == {"oasis": 5.0, "files": 1.0, "queue": 10.0}
        assert {u.name: u.limiter.interval for u in offline.upstreams} == {"oasis": 0.0, "files": 0.0, "queue": 0.0}
    finally:
        await live.aclose()
        await offline.aclose()


async def test_healthz_shows_both_upstreams_so_an_open_oasis_circuit_is_seen() -> None:
    from gridql.graph.app import create_app

    settings = Settings(sandbox=True, retries=1)
    adapter = caiso.create(settings, httpx.MockTransport(lambda request: httpx.Response(503)), min_interval=0)
    for _ in range(5):
        with pytest.raises(Exception, match="HTTP 503"):
            await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], days(date(2025, 7, 1)))
    app = create_app(settings, adapters={ISO.CAISO: adapter})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gridql.test") as client:
        health = (await client.get("/healthz")).json()
    await adapter.aclose()

    circuits = next(value for value in health.values() if isinstance(value, dict) and "CAISO" in value)["CAISO"]
    assert circuits["oasis"]["circuit"] == "open" and circuits["files"]["circuit"] == "closed"


def test_market_and_feeds() -> None:
    assert caiso.MARKET.timezone == "America/Los_Angeles"
    assert caiso.MARKET.runs == (
        MarketRun.DAY_AHEAD_HOURLY,
        MarketRun.REAL_TIME_15_MIN,
        MarketRun.REAL_TIME_5_MIN,
        MarketRun.HOUR_AHEAD_15_MIN,
    )
    feeds = {feed.name: feed for feed in caiso.FEEDS}
    assert set(feeds) == {
        *("PRC_LMP", "PRC_RTPD_LMP", "PRC_INTVL_LMP", "PRC_HASP_LMP", "ATL_APNODE"),
        *("SLD_FCST", "SLD_FCST_ACTUAL", "SLD_REN_FCST", "PRC_AS", "PRC_INTVL_AS", "PRC_NOMOGRAM"),
        *("PRC_NOMOGRAM_RTM", "ENE_SLRS", "DailyRenewablesWatch", "fuelsource", "PublicQueueReport"),
    }
    assert len(caiso.FEEDS) == len(feeds)
    assert all(feed.iso is ISO.CAISO for feed in caiso.FEEDS)
    assert len(feeds["PRC_LMP"].parse(fixture("prc_lmp_dam_20250715_2nodes.zip"))) == 6
    # One query asked for several market_run_ids is one feed; each run of a report is asked once.
    queries = [f.query for f in caiso.FEEDS if isinstance(f.query, Oasis)]
    asked = [(query.queryname, run) for query in queries for run in query.market_run_ids]
    assert len(asked) == len(set(asked))
    assert {run for query, run in asked if query == "SLD_FCST"} == {"ACTUAL", "7DA", "2DA", "DAM"}


def test_fuelsource_needs_the_day_from_its_url() -> None:
    fuelsource = next(feed for feed in caiso.FEEDS if feed.name == "fuelsource")
    with pytest.raises(UpstreamBadResponse, match="its day is in its URL"):
        fuelsource.parse(b"Time,Solar\n00:00,1\n")


async def test_hubs_and_dlaps_are_known_without_a_request_and_stay_in_the_node_list() -> None:
    fixed = {node.code: node.type for node in FIXED_NODES}
    assert fixed == {
        "TH_NP15_GEN-APND": NodeType.HUB,
        "TH_SP15_GEN-APND": NodeType.HUB,
        "TH_ZP26_GEN-APND": NodeType.HUB,
        "DLAP_PGAE-APND": NodeType.ZONE,
        "DLAP_SCE-APND": NodeType.ZONE,
        "DLAP_SDGE-APND": NodeType.ZONE,
        "DLAP_VEA-APND": NodeType.ZONE,
    }
    atlas = (
        "<OASISMaster><ATLS_DATA><APNODE_NAME>X_1_GEN-APND</APNODE_NAME>"
        "<APNODE_TYPE>AG</APNODE_TYPE></ATLS_DATA></OASISMaster>"
    )
    seen = Recording(body(zipped(atlas, "atlas.xml")))

    async with opened(seen) as adapter:
        listed = {node.code for node in await adapter.nodes()}

    assert listed == {*fixed, "X_1_GEN-APND"}
    assert params(seen.requests[0])["queryname"] == "ATL_APNODE"
    assert (params(seen.requests[0])["APnode_type"], params(seen.requests[0])["version"]) == ("ALL", "1")


# --- market-wide datasets: recorded samples ----------------------------------------------------


def test_sld_fcst_xml_sample_parses_to_rtm_forecasts_with_publication_times() -> None:
    loads, forecasts = datasets.demand(recorded("caiso/" + "pyiso_sld_forecast.xml"))

    assert loads == []
    assert forecasts == [
        # RTD (5-minute) forecasts publish 2.5 minutes ahead, RTPD (15-minute) 22.5 minutes ahead.
        LoadForecastRecord(
            "CA ISO-TAC", utc(2014, 5, 8, 18, 55), utc(2014, 5, 8, 19), 26755.0, utc(2014, 5, 8, 18, 52, 30)
        ),
        LoadForecastRecord(
            "PGE-TAC", utc(2014, 5, 8, 19, 5), utc(2014, 5, 8, 19, 10), 11530.0, utc(2014, 5, 8, 19, 2, 30)
        ),
        LoadForecastRecord(
            "CA ISO-TAC", utc(2014, 5, 8, 19, 15), utc(2014, 5, 8, 19, 30), 26723.0, utc(2014, 5, 8, 18, 52, 30)
        ),
    ]


def test_sld_ren_fcst_xml_sample_parses_across_report_items() -> None:
    records = datasets.renewables(recorded("caiso/" + "pyiso_sld_ren_forecast.xml"))

    published = utc(2013, 9, 18, 14)  # 07:00 PDT the day before
    assert records == [
        RenewableRecord("SOLAR", "NP15", utc(2013, 9, 19, 7), utc(2013, 9, 19, 8), 0.01, True, published, "DAM"),
        RenewableRecord("WIND", "NP15", utc(2013, 9, 19, 7), utc(2013, 9, 19, 8), 478.86, True, published, "DAM"),
        RenewableRecord("SOLAR", "NP15", utc(2013, 9, 19, 8), utc(2013, 9, 19, 9), 0.0, True, published, "DAM"),
        RenewableRecord("WIND", "NP15", utc(2013, 9, 20, 6), utc(2013, 9, 20, 7), 580.83, True, published, "DAM"),
    ]


def test_ene_slrs_xml_sample_parses_despite_its_unclosed_report_item() -> None:
    records = datasets.schedules(recorded("caiso/" + "pyiso_ene_slrs.xml"))

    assert [(r.item, r.start.hour, r.mw) for r in records] == [
        ("ISO_TOT_IMP_MW", 7, 5014.0),
        ("ISO_TOT_EXP_MW", 15, 704.0),
        ("ISO_TOT_GEN_MW", 17, 23900.79),
        ("ISO_TOT_EXP_MW", 20, 884.0),
        ("ISO_TOT_IMP_MW", 20, 7248.0),
        ("ISO_TOT_GEN_MW", 0, 27521.96),
    ]
    assert {r.resource for r in records} == {"Caiso_Totals"}
    assert records[-1].start == utc(2013, 9, 20) and records[-1].end == utc(2013, 9, 20, 1)


def test_a_truncated_xml_report_is_refused() -> None:
    body = recorded("caiso/" + "pyiso_ene_slrs.xml")
    with pytest.raises(UpstreamBadResponse, match="not well-formed XML"):
        datasets.schedules(body[: body.index(b"<DISCLAIMER_ITEM>")])


@pytest.mark.parametrize(
    ("name", "first_utc", "offset_hours"),
    [
        ("pyiso_20171104_DailyRenewablesWatch.txt", utc(2017, 11, 4, 7), 7),  # PDT, the day before fall-back
        ("pyiso_20171106_DailyRenewablesWatch.txt", utc(2017, 11, 6, 8), 8),  # PST, the day after
    ],
)
def test_daily_renewables_watch_samples(name: str, first_utc: datetime, offset_hours: int) -> None:
    records = files.renewables_watch(recorded("caiso/" + name))

    assert len(records) == 48  # 24 hours x (SOLAR, WIND)
    assert all(r.area is None and not r.forecast for r in records)
    assert records[0].start == first_utc and records[-1].end == first_utc + timedelta(hours=24)
    assert all(r.start.astimezone(PACIFIC).utcoffset() == timedelta(hours=-offset_hours) for r in records)
    by_hour = {(r.source, r.start): r.mw for r in records}
    if "1104" in name:
        assert (by_hour["WIND", first_utc], by_hour["WIND", utc(2017, 11, 5, 6)]) == (1560.0, 2205.0)
        assert by_hour["SOLAR", utc(2017, 11, 4, 16)] == 5040.0 + 44.0  # HE10 (09:00 PDT): PV + thermal
    else:
        assert (by_hour["WIND", first_utc], by_hour["WIND", utc(2017, 11, 7, 7)]) == (1660.0, 1285.0)
        assert by_hour["SOLAR", utc(2017, 11, 6, 18)] == 6505.0 + 32.0  # HE11 (10:00 PST)


RECORDED_FEEDS = {
    "pyiso_sld_forecast.xml": "SLD_FCST",
    "pyiso_ene_slrs.xml": "ENE_SLRS",
    "pyiso_sld_ren_forecast.xml": "SLD_REN_FCST",
    "pyiso_20171104_DailyRenewablesWatch.txt": "DailyRenewablesWatch",
    "pyiso_20171106_DailyRenewablesWatch.txt": "DailyRenewablesWatch",
    "oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip": "PRC_LMP",
    "20250219_20250227_SLD_FCST_7DA_20250221_01_09_58_v1.zip": "SLD_FCST",
    "20250204_20250211_SLD_REN_FCST_DAM_20250214_04_52_10_v1.zip": "SLD_REN_FCST",
}


def test_every_recorded_caiso_sample_has_a_feed_that_parses_it() -> None:
    feeds = {feed.name: feed for feed in caiso.FEEDS}
    assert {p.name for p in (SAMPLES / "caiso").iterdir()} == set(RECORDED_FEEDS)
    assert {name: len(feeds[feed].parse(recorded("caiso/" + name))) for name, feed in RECORDED_FEEDS.items()} == {
        "pyiso_sld_forecast.xml": 3,
        "pyiso_ene_slrs.xml": 6,
        "pyiso_sld_ren_forecast.xml": 4,
        "pyiso_20171104_DailyRenewablesWatch.txt": 48,
        "pyiso_20171106_DailyRenewablesWatch.txt": 48,
        "oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip": 40_712,
        "20250219_20250227_SLD_FCST_7DA_20250221_01_09_58_v1.zip": 6_432,
        "20250204_20250211_SLD_REN_FCST_DAM_20250214_04_52_10_v1.zip": 1_008,
    }


@pytest.mark.parametrize("name", sorted(n for n in RECORDED_FEEDS if n.endswith(".zip")))
def test_every_recorded_oasis_zip_is_the_report_and_run_its_feed_asks_for(name: str) -> None:
    # OASIS names a member <from>_<to>_<QUERYNAME>_<MARKET_RUN_ID>_..., and prints MARKET_RUN_ID.
    feed = next(feed for feed in caiso.FEEDS if feed.name == RECORDED_FEEDS[name])
    with zipfile.ZipFile(io.BytesIO(recorded("caiso/" + name))) as archive:
        [member] = archive.namelist()
        text = archive.read(member).decode()
    header, first = text.splitlines()[:2]
    run = first.split(",")[header.split(",").index("MARKET_RUN_ID")]
    assert isinstance(feed.query, Oasis)
    assert f"_{feed.query.queryname}_{run}_" in member
    assert run in feed.query.market_run_ids


def test_recorded_seven_day_load_forecast_by_tac_area() -> None:
    records = datasets.load_forecasts(recorded(SLD_FCST_SAMPLE))

    assert len(records) == 6_432 and datasets.load(recorded(SLD_FCST_SAMPLE)) == []
    assert len({r.area for r in records}) == 34
    assert sum(r.area == "PACE" for r in records) == 96  # only four of the eight days
    found = {(r.area, r.start): r for r in records}
    # Operating day 2025-02-19 (17:00 PST is 01:00Z the 20th): published 09:10 PST seven days before.
    assert found["CA ISO-TAC", utc(2025, 2, 20, 1)] == LoadForecastRecord(
        "CA ISO-TAC", utc(2025, 2, 20, 1), utc(2025, 2, 20, 2), 24906.53, utc(2025, 2, 12, 17, 10)
    )
    assert found["PGE-TAC", utc(2025, 2, 20, 1)].mw == 11184.99
    assert found["AVA", utc(2025, 2, 19, 8)].mw == 1275.14  # the member's first row
    assert found["CA ISO-TAC", utc(2025, 2, 20, 8)].published_at == utc(2025, 2, 13, 17, 10)
    assert min(r.start for r in records) == utc(2025, 2, 19, 8) and max(r.end for r in records) == utc(2025, 2, 27, 8)


async def test_recorded_seven_day_forecast_through_the_adapter() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        if params(request)["market_run_id"] == "7DA":
            return httpx.Response(200, content=recorded(SLD_FCST_SAMPLE))
        return httpx.Response(200, content=fixture("error_1000_no_data.zip"))

    seen = Recording(respond)
    async with opened(seen) as adapter:
        records = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, days(date(2025, 2, 19), 8)))
        # The same body for one day holds days not asked for: refused, not served as that day.
        with pytest.raises(UpstreamBadResponse, match="SLD_FCST: a record starts at 2025-02-19T08:00:00"):
            await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, days(date(2025, 2, 20))))

    assert sorted(params(r)["market_run_id"] for r in seen.requests[:3]) == ["2DA", "7DA", "DAM"]
    assert len(records) == 6_432
    iso = [r for r in records if r.area == "CA ISO-TAC"]
    assert_contiguous(iso, timedelta(hours=1))
    assert (iso[0].start, iso[-1].end) == (utc(2025, 2, 19, 8), utc(2025, 2, 27, 8))
    assert [r.published_at for r in iso[::24]] == [utc(2025, 2, d, 17, 10) for d in range(12, 20)]


def test_recorded_day_ahead_wind_and_solar_read_by_header_despite_its_column_order() -> None:
    records = datasets.renewables(recorded(SLD_REN_FCST_SAMPLE))

    assert len(records) == 1_008  # 7 days x 24 hours x 3 hubs x (solar, wind)
    assert all(r.forecast and r.model == "DAM" for r in records)
    found = {(r.source, r.area, r.start): r for r in records}
    published = utc(2025, 2, 4, 15)  # 07:00 PST the day before operating day 2025-02-05
    assert found["SOLAR", "NP15", utc(2025, 2, 5, 20)] == RenewableRecord(
        "SOLAR", "NP15", utc(2025, 2, 5, 20), utc(2025, 2, 5, 21), 1786.6, True, published, "DAM"
    )
    assert found["SOLAR", "SP15", utc(2025, 2, 5, 20)].mw == 9972.68
    assert found["WIND", "SP15", utc(2025, 2, 5, 20)].mw == 1198.28
    assert found["WIND", "ZP26", utc(2025, 2, 5, 20)].mw == 5.26
    assert found["SOLAR", "NP15", utc(2025, 2, 4, 18)].mw == 772.69  # the member's first row
    assert found["WIND", "ZP26", utc(2025, 2, 11, 7)] == RenewableRecord(
        "WIND", "ZP26", utc(2025, 2, 11, 7), utc(2025, 2, 11, 8), 37.29, True, utc(2025, 2, 9, 15), "DAM"
    )


# --- market-wide datasets: CSV forms ----------------------------------------------------------

SLD_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,LOAD_TYPE,OPR_DT,OPR_HR,OPR_INTERVAL,MARKET_RUN_ID,TAC_AREA_NAME,"
    "LABEL,XML_DATA_ITEM,POS,MW,EXECUTION_TYPE,GROUP"
)


def sld_rows(run: str, *rows: tuple[str, int, str]) -> bytes:
    """(area, UTC hour on 2025-07-15, MW) rows of an SLD_FCST CSV for market `run`."""
    lines = [SLD_HEADER] + [
        f"2025-07-15T{h:02d}:00:00-00:00,2025-07-15T{h + 1:02d}:00:00-00:00,0,2025-07-15,{h - 6},0,{run},{area},"
        f"X,SYS_FCST_X_MW,3.8,{mw},{run},1"
        for area, h, mw in rows
    ]
    return zipped("\n".join(lines) + "\n")


def test_sld_fcst_csv_actual_is_load_and_daily_horizons_are_vintages() -> None:
    actual = datasets.load(sld_rows("ACTUAL", ("PGE-TAC", 8, "11000.5"), ("CA ISO-TAC", 7, "25000")))
    assert actual == [
        LoadRecord("CA ISO-TAC", utc(2025, 7, 15, 7), utc(2025, 7, 15, 8), 25000.0),
        LoadRecord("PGE-TAC", utc(2025, 7, 15, 8), utc(2025, 7, 15, 9), 11000.5),
    ]
    published = {
        run: datasets.load_forecasts(sld_rows(run, ("CA ISO-TAC", 7, "1")))[0].published_at
        for run in ("7DA", "2DA", "DAM")
    }
    # 09:10 PDT, 7, 2 and 1 days before operating day 2025-07-15.
    assert published == {
        "7DA": utc(2025, 7, 8, 16, 10),
        "2DA": utc(2025, 7, 13, 16, 10),
        "DAM": utc(2025, 7, 14, 16, 10),
    }


@pytest.mark.parametrize(
    ("parser", "header", "row", "expected"),
    [
        (
            datasets.ancillary_prices,
            "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,ANC_TYPE,ANC_REGION,"
            "MARKET_RUN_ID,XML_DATA_ITEM,MW,GROUP",
            "2025-07-15T07:00:00-00:00,2025-07-15T08:00:00-00:00,2025-07-15,1,0,PRC,RU,AS_CAISO_EXP,DAM,RU_CLR_PRC,9.51,1",
            AncillaryPriceRecord("RU", "AS_CAISO_EXP", utc(2025, 7, 15, 7), utc(2025, 7, 15, 8), 9.51),
        ),
        (
            datasets.ancillary_prices,
            "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_TYPE,ANC_TYPE,XML_DATA_ITEM,MARKET_RUN_ID,MW,"
            "ANC_REGION,OPR_INTERVAL,GROUP",
            "2025-07-15T07:15:00-00:00,2025-07-15T07:30:00-00:00,2025-07-15,1,PRC,NR,NS_CLR_PRC,RTM,0.1,AS_SP26_EXP,2,1",
            AncillaryPriceRecord("NR", "AS_SP26_EXP", utc(2025, 7, 15, 7, 15), utc(2025, 7, 15, 7, 30), 0.1),
        ),
        (
            datasets.constraints,
            "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,MARKET_RUN_ID,NOMOGRAM_ID_XML,"
            "NOMOGRAM_ID,CONSTRAINT_CAUSE,PRC,GROUP",
            "2025-07-15T07:00:00-00:00,2025-07-15T08:00:00-00:00,2025-07-15,1,0,PRC,DAM,6110_COI_N98,6110_COI_N98,,-42.5,1",
            ConstraintRecord("6110_COI_N98", utc(2025, 7, 15, 7), utc(2025, 7, 15, 8), -42.5),
        ),
        (
            datasets.renewables,
            "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,TRADING_HUB,RENEWABLE_TYPE,LABEL,"
            "XML_DATA_ITEM,MARKET_RUN_ID,MW,GROUP",
            "2025-07-15T19:00:00-00:00,2025-07-15T20:00:00-00:00,2025-07-15,13,0,SP15,Solar,x,RENEW_FCST_ACT_MW,ACTUAL,"
            "8123.4,1",
            RenewableRecord("SOLAR", "SP15", utc(2025, 7, 15, 19), utc(2025, 7, 15, 20), 8123.4, forecast=False),
        ),
    ],
    ids=["prc_as", "prc_intvl_as", "prc_nomogram", "sld_ren_fcst_actual"],
)
def test_market_wide_csv_layouts_are_read_by_header(
    parser: Callable[[bytes], list[object]], header: str, row: str, expected: object
) -> None:
    assert parser(zipped(f"{header}\n{row}\n")) == [expected]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (sld_rows("ACTUAL", ("PGE-TAC", 8, "n/a")), "load 'n/a' is not a number"),
        (zipped(SLD_HEADER.replace("TAC_AREA_NAME", "AREA") + "\n"), "has no TAC_AREA_NAME or RESOURCE_NAME column"),
        (sld_rows("HASP", ("PGE-TAC", 8, "1")), "unknown forecast horizon"),
        (b"<html><body>Service Unavailable</body></html>", "not a zip archive"),
    ],
    ids=["text-value", "renamed-column", "unknown-market", "html"],
)
def test_bad_demand_bodies_raise(content: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        datasets.demand(content)


FUEL_HEADER = "Time,Solar,Wind,Natural gas,Batteries"


def test_fuelsource_fall_back_day_keeps_both_passes_of_the_repeated_hour() -> None:
    rows = ["00:00,0,10,20,", "01:00,0,11,21,1", "01:55,0,12,22,2", "01:00,0,13,23,3", "02:00,0,14,24,4"]
    body = (f"{FUEL_HEADER}\n" + "\n".join(rows) + "\n00:00,0,0,0,0\n").encode()
    records = files.fuel_mix(body, date(2025, 11, 2))

    wind = [(r.start, r.mw) for r in records if r.fuel == "Wind"]
    assert wind == [
        (utc(2025, 11, 2, 7), 10.0),
        (utc(2025, 11, 2, 8), 11.0),  # 01:00 PDT
        (utc(2025, 11, 2, 8, 55), 12.0),
        (utc(2025, 11, 2, 9), 13.0),  # 01:00 PST, the second pass
        (utc(2025, 11, 2, 10), 14.0),
    ]  # the closing 00:00 row is the next day's
    assert [r.fuel for r in records if r.start == utc(2025, 11, 2, 7)] == [
        "Natural gas",
        "Solar",
        "Wind",
    ]  # empty cell skipped
    assert all(r.end - r.start == timedelta(minutes=5) for r in records)


def test_fuelsource_spring_forward_skips_the_hour_that_does_not_exist() -> None:
    body = f"{FUEL_HEADER}\n01:55,1,2,3,4\n02:00,,,,\n02:55,,,,\n03:00,5,6,7,8\n".encode()
    starts = sorted({r.start for r in files.fuel_mix(body, date(2025, 3, 9))})
    assert starts == [utc(2025, 3, 9, 9, 55), utc(2025, 3, 9, 10)]
    with pytest.raises(UpstreamBadResponse, match="02:30 does not exist that day but has values"):
        files.fuel_mix(f"{FUEL_HEADER}\n02:30,1,2,3,4\n".encode(), date(2025, 3, 9))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<!DOCTYPE html><html>Page not found</html>", "does not start with a Time column"),
        (f"{FUEL_HEADER}\n00:00,1,2\n".encode(), "line 2 has 3 of 5 fields"),
        (f"{FUEL_HEADER}\n00:00,1,2,x,4\n".encode(), "Natural gas MW 'x' is not a number"),
        (f"{FUEL_HEADER}\n0h00,1,2,3,4\n".encode(), "is not HH:MM"),
    ],
)
def test_bad_fuelsource_bodies_raise(content: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        files.fuel_mix(content, date(2025, 7, 1))


def test_bad_renewables_watch_bodies_raise() -> None:
    good = recorded("caiso/" + "pyiso_20171104_DailyRenewablesWatch.txt")
    with pytest.raises(UpstreamBadResponse, match="does not start with its date"):
        files.renewables_watch(b"<html>404</html>")
    with pytest.raises(UpstreamBadResponse, match="no SOLAR or WIND TOTAL column"):
        files.renewables_watch(good.replace(b"WIND TOTAL", b"WIND_TOT"))
    with pytest.raises(UpstreamBadResponse, match="'#N/A' is not a number"):
        files.renewables_watch(good.replace(b"\t1560\t", b"\t#N/A\t"))


def test_hasp_prices_parse_from_the_mw_column() -> None:
    content = sandbox.answer(sandbox_request(queryname="PRC_HASP_LMP", market_run_id="HASP", version="3")).content
    records = parse.prices(content)

    assert len(records) == 96 and records[1].start - records[0].start == timedelta(minutes=15)
    adapter = caiso.create(Settings(sandbox=True), sandbox.transport())
    assert adapter.catalog.prices(MarketRun.HOUR_AHEAD_15_MIN).name == "PRC_HASP_LMP"


# --- market-wide datasets: requests against a mock OASIS ----------------------------------------


def load_request(window: Window, run: MarketRun | None = None, kind: DatasetKind = DatasetKind.LOAD) -> SeriesRequest:
    return SeriesRequest(kind, window, run)


def overlapping_load(request: httpx.Request) -> httpx.Response:
    """An SLD_FCST ACTUAL answer for the request's window that also prints the hour starting at its end,
    the way a window seam can repeat an interval."""
    start = datetime.strptime(params(request)["startdatetime"], "%Y%m%dT%H:%M-0000").replace(tzinfo=UTC)
    end = datetime.strptime(params(request)["enddatetime"], "%Y%m%dT%H:%M-0000").replace(tzinfo=UTC)
    lines = [SLD_HEADER]
    t = start
    while t <= end:
        lines.append(
            f"{t:%Y-%m-%dT%H:%M:%S}-00:00,{t + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}-00:00,0,x,1,0,ACTUAL,CA ISO-TAC,"
            f"X,SYS_FCST_ACT_MW,3.8,{t.hour}.5,ACTUAL,1"
        )
        t += timedelta(hours=1)
    return httpx.Response(200, content=zipped("\n".join(lines) + "\n"))


async def test_a_40_day_load_query_is_split_at_31_days_and_comes_back_whole_without_seam_duplicates() -> None:
    seen = Recording(overlapping_load)
    window = days(date(2025, 1, 1), 40)

    async with opened(seen) as adapter:
        records = await adapter.series(load_request(window))

    assert sorted((params(r)["startdatetime"], params(r)["enddatetime"]) for r in seen.requests) == [
        ("20250101T08:00-0000", "20250201T08:00-0000"),
        ("20250201T08:00-0000", "20250210T08:00-0000"),
    ]
    assert params(seen.requests[0]) | {"startdatetime": "", "enddatetime": ""} == {
        "queryname": "SLD_FCST",
        "market_run_id": "ACTUAL",
        "version": "1",
        "startdatetime": "",
        "enddatetime": "",
        "resultformat": "6",
    }
    assert len(records) == 40 * 24
    assert [r.start for r in records] == [window.start + timedelta(hours=i) for i in range(960)]
    assert records[-1].end == window.end


async def test_a_month_of_fifteen_minute_as_prices_is_one_request() -> None:
    """Defect 6: PRC_INTVL_AS was asked one hour per request (744 for 31 days)."""
    seen = Recording(answer)

    async with opened(seen) as adapter:
        records = await adapter.series(
            load_request(days(date(2025, 7, 1), 31), MarketRun.REAL_TIME_15_MIN, DatasetKind.ANCILLARY_PRICES)
        )

    assert [
        (params(r)["queryname"], params(r)["market_run_id"], params(r)["anc_type"], params(r)["anc_region"])
        for r in seen.requests
    ] == [("PRC_INTVL_AS", "RTM", "ALL", "ALL")]
    assert (params(seen.requests[0])["startdatetime"], params(seen.requests[0])["enddatetime"]) == (
        "20250701T07:00-0000",
        "20250801T07:00-0000",
    )
    assert len(records) == 31 * 96 * 6 * 3  # intervals x products x regions
    assert len({(r.start, r.product, r.area) for r in records}) == len(records)


@pytest.mark.parametrize(
    ("respond", "error", "message"),
    [
        (body(fixture("error_1004_window.zip")), UpstreamBadResponse, "OASIS error 1004"),
        (lambda request: httpx.Response(429, text="retry your request after 5 seconds"), UpstreamThrottled, "HTTP 429"),
    ],
    ids=["xml-error-in-zip", "throttled"],
)
async def test_failures_are_coded_and_not_cached(respond: Responder, error: type[Exception], message: str) -> None:
    seen = Recording(respond)

    async with opened(seen) as adapter:
        for _ in range(2):
            with pytest.raises(error, match=message) as failed:
                await adapter.series(load_request(days(date(2025, 7, 1))))

    assert len(seen.requests) == 2  # the second query asked again
    assert failed.value.code in ("UPSTREAM_BAD_RESPONSE", "UPSTREAM_THROTTLED")  # type: ignore[attr-defined]


async def test_an_empty_result_is_no_records_and_not_cached() -> None:
    seen = Recording(body(fixture("error_1000_no_data.zip")))

    async with opened(seen) as adapter:
        first = await adapter.series(load_request(days(date(2025, 7, 1))))
        again = await adapter.series(load_request(days(date(2025, 7, 1))))

    assert first == again == []
    assert len(seen.requests) == 2


async def test_a_repeat_series_query_is_served_from_the_cache() -> None:
    seen = Recording(answer)

    async with opened(seen) as adapter:
        first = await adapter.series(
            load_request(days(date(2025, 7, 1)), MarketRun.DAY_AHEAD_HOURLY, DatasetKind.CONSTRAINTS)
        )
        again = await adapter.series(
            load_request(days(date(2025, 7, 1)), MarketRun.DAY_AHEAD_HOURLY, DatasetKind.CONSTRAINTS)
        )

    assert [params(r)["queryname"] for r in seen.requests] == ["PRC_NOMOGRAM"]
    assert first == again and first


async def test_fuel_mix_takes_one_file_per_day_and_a_404_before_the_day_is_due_is_not_cached() -> None:
    now = [utc(2025, 7, 3, 8)]  # 01:00 PDT on the 3rd: the 2nd's history file is not due until 02:00

    def respond(request: httpx.Request) -> httpx.Response:
        if "20250702" in request.url.path:
            return httpx.Response(404, text="Not Found")
        return sandbox.answer(request, now[0])

    seen = Recording(respond)
    async with opened(seen, lambda: now[0]) as adapter:
        records = await adapter.series(load_request(days(date(2025, 7, 1), 2), kind=DatasetKind.FUEL_MIX))
        await adapter.series(load_request(days(date(2025, 7, 1), 2), kind=DatasetKind.FUEL_MIX))
        now[0] = utc(2025, 7, 3, 20)  # the 2nd is long over: its missing file is an error, not "no data"
        with pytest.raises(UpstreamUnavailable, match=r"fuelsource: CAISO has no file for 2025-07-02 \(HTTP 404\)"):
            await adapter.series(load_request(days(date(2025, 7, 2)), kind=DatasetKind.FUEL_MIX))

    assert sorted(str(r.url) for r in seen.requests) == [
        "https://www.caiso.com/outlook/history/20250701/fuelsource.csv",
        "https://www.caiso.com/outlook/history/20250702/fuelsource.csv",
        "https://www.caiso.com/outlook/history/20250702/fuelsource.csv",  # asked again: not cached
        "https://www.caiso.com/outlook/history/20250702/fuelsource.csv",
    ]
    assert len(records) == 288 * 13 and records[-1].end == utc(2025, 7, 2, 7)


async def test_load_forecast_picks_the_latest_vintage_published_before() -> None:
    day = days(date(2025, 7, 15))

    async with sandboxed() as adapter:
        latest = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, day))
        early = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, day, None, utc(2025, 7, 12)))
        none = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, day, None, utc(2025, 7, 1)))

    assert len(latest) == len(early) == 24 * 6 and none == []
    assert {r.published_at for r in latest} == {utc(2025, 7, 14, 16, 10)}  # DAM
    assert {r.published_at for r in early} == {utc(2025, 7, 8, 16, 10)}  # 7DA: 2DA came out on the 13th
    assert [(r.start, r.area) for r in latest[:2]] == [(day.start, "CA ISO-TAC"), (day.start, "MWD-TAC")]


async def test_unserved_kinds_and_runs_are_refused_without_a_request() -> None:
    seen = Recording(answer)

    async with opened(seen) as adapter:
        with pytest.raises(UnsupportedDataset, match="does not serve interfaceFlows"):
            await adapter.series(load_request(days(date(2025, 7, 1)), kind=DatasetKind.INTERFACE_FLOWS))
        with pytest.raises(
            UnsupportedDataset,
            match="does not serve constraints for REAL_TIME_5_MIN; it serves it for DAY_AHEAD_HOURLY, REAL_TIME_15_MIN",
        ):
            await adapter.series(
                load_request(days(date(2025, 7, 1)), MarketRun.REAL_TIME_5_MIN, DatasetKind.CONSTRAINTS)
            )

        kinds = {d.kind for d in adapter.datasets}

    assert seen.requests == []
    assert kinds == {
        DatasetKind.LOAD,
        DatasetKind.LOAD_FORECAST,
        DatasetKind.RENEWABLES,
        DatasetKind.FUEL_MIX,
        DatasetKind.ANCILLARY_PRICES,
        DatasetKind.CONSTRAINTS,
    }


# --- market-wide datasets: sandbox --------------------------------------------------------------


@pytest.mark.parametrize(("day", "hours"), [(date(2025, 3, 9), 23), (date(2025, 11, 2), 25), (date(2025, 7, 1), 24)])
async def test_every_dataset_answers_in_the_sandbox_with_dst_days_right(day: date, hours: int) -> None:
    window = days(day)
    requests = [
        SeriesRequest(DatasetKind.LOAD, window),
        SeriesRequest(DatasetKind.LOAD_FORECAST, window),
        SeriesRequest(DatasetKind.RENEWABLES, window),
        SeriesRequest(DatasetKind.FUEL_MIX, window),
        SeriesRequest(DatasetKind.ANCILLARY_PRICES, window, MarketRun.DAY_AHEAD_HOURLY),
        SeriesRequest(DatasetKind.ANCILLARY_PRICES, window, MarketRun.REAL_TIME_15_MIN),
        SeriesRequest(DatasetKind.CONSTRAINTS, window, MarketRun.DAY_AHEAD_HOURLY),
        SeriesRequest(DatasetKind.CONSTRAINTS, window, MarketRun.REAL_TIME_15_MIN),
    ]
    async with sandboxed() as adapter:
        load, forecast, renewables, mix, as_dam, as_rt, cnstr_dam, cnstr_rt = [
            await adapter.series(r) for r in requests
        ]

    iso = [r for r in load if r.area == "CA ISO-TAC"]
    assert [r.start for r in iso] == [window.start + timedelta(hours=i) for i in range(hours)]
    assert len(load) == len(forecast) == hours * 6
    # Before June 2025 the Daily Renewables Watch (hourly), after it the Daily Renewable Report (5-minute).
    watch = [r for r in renewables if r.area is None and r.source == "WIND"]
    assert len(watch) == (hours if day < date(2025, 6, 1) else hours * 12) and watch[-1].end == window.end
    assert len([r for r in renewables if r.forecast]) == hours * 6
    assert len({r.start for r in mix}) == hours * 12 and len({r.fuel for r in mix}) == 13
    assert len(as_dam) == hours * 18 and len(as_rt) == hours * 4 * 18
    assert cnstr_dam and cnstr_rt and all(r.end - r.start == timedelta(minutes=15) for r in cnstr_rt)
    for records in (load, forecast, renewables, mix, as_dam, as_rt, cnstr_dam, cnstr_rt):
        assert all(window.contains(r.start) for r in records)
        assert [r.start for r in records] == sorted(r.start for r in records)


async def test_fall_back_day_load_repeats_1_am_in_local_time() -> None:
    async with sandboxed() as adapter:
        load = await adapter.series(SeriesRequest(DatasetKind.LOAD, days(date(2025, 11, 2))))

    iso = [r.start.astimezone(PACIFIC) for r in load if r.area == "CA ISO-TAC"]
    assert [(t.hour, t.utcoffset()) for t in iso[1:3]] == [(1, timedelta(hours=-7)), (1, timedelta(hours=-8))]


async def test_graphql_serves_caiso_load_and_ancillary_prices_from_the_sandbox() -> None:
    from tests.sandbox_app import Stack

    result = await Stack().query(
        '{ market(iso: CAISO) { load(date: "2025-07-01", area: "PGE-TAC") { start area mw } '
        'ancillaryPrices(run: DAY_AHEAD_HOURLY, date: "2025-07-01", product: "RU", area: "AS_CAISO_EXP") '
        "{ start price } } }"
    )

    assert "errors" not in result, result
    market = result["data"]["market"]  # type: ignore[index]
    assert len(market["load"]) == 24 and market["load"][0]["start"] == "2025-07-01T00:00:00-07:00"
    assert len(market["ancillaryPrices"]) == 24


async def test_the_sandbox_answers_only_what_is_posted_by_its_clock_and_nothing_unposted_is_cached() -> None:
    now = [utc(2025, 7, 14, 12)]  # 05:00 PDT: the day-ahead market for 2025-07-15 has not run
    seen = Recording(sandbox.transport(clock=lambda: now[0]))
    window = days(date(2025, 7, 15))

    async with opened(seen, lambda: now[0]) as adapter:
        assert await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], window) == {NP15: []}
        assert await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, window)) == []
        forecast = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window))
        now[0] = utc(2025, 7, 14, 21)  # 14:00 PDT: posted
        posted = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], window)

    assert {r.published_at for r in forecast} == {utc(2025, 7, 13, 16, 10)}  # 2DA: DAM comes at 09:10 PDT
    assert len(posted[NP15]) == 24
    assert [r.url.path for r in seen.requests].count("/oasisapi/SingleZip") == 5  # PRC_LMP twice


# --- live truth: daily files (defect 7) ----------------------------------------------------------

REPORT_FIXTURE = "daily_renewable_report_jul-01-2025.html"


def test_the_daily_renewable_report_reads_both_array_forms_and_skips_na() -> None:
    records = files.renewable_report(fixture(REPORT_FIXTURE), date(2025, 7, 1))

    solar = {r.start: r.mw for r in records if r.source == "SOLAR"}
    wind = {r.start: r.mw for r in records if r.source == "WIND"}
    assert len(wind) == 288 and len(solar) == 286  # the last two solar values are "NA": skipped
    assert wind[utc(2025, 7, 1, 7)] == 3800.0 and wind[utc(2025, 7, 1, 19, 30)] == 2206.8
    assert solar[utc(2025, 7, 1, 19, 30)] == 14905.7 and utc(2025, 8, 2, 6, 50) not in solar
    assert all(r.area is None and not r.forecast and r.end - r.start == timedelta(minutes=5) for r in records)
    assert max(r.end for r in records) == utc(2025, 7, 2, 7)


def test_a_daily_renewable_report_of_the_wrong_length_for_its_day_is_refused() -> None:
    # 288 values cannot be a spring-forward day's 276 intervals: which hour would be missing?
    with pytest.raises(UpstreamBadResponse, match="has 288 values, not the day's 276 five-minute intervals"):
        files.renewable_report(fixture(REPORT_FIXTURE), date(2025, 3, 9))
    with pytest.raises(UpstreamBadResponse, match="has no tot_gen_solar_iso_telem series"):
        files.renewable_report(b"<html><body>Page not found</body></html>", date(2025, 7, 1))
    broken = fixture(REPORT_FIXTURE).replace(b"3800.0", b"n/a", 1)
    with pytest.raises(UpstreamBadResponse, match="tot_gen_wind_iso_telem MW 'n/a' is not a number"):
        files.renewable_report(broken, date(2025, 7, 1))
    report = next(feed for feed in caiso.FEEDS if feed.name == "DailyRenewablesWatch")
    with pytest.raises(UpstreamBadResponse, match="its day is in its URL"):
        report.parse(fixture(REPORT_FIXTURE))


async def test_renewables_after_june_2025_come_from_the_html_report_and_a_corrected_one_is_tried() -> None:
    """Defect 7: the text Daily Renewables Watch is no longer published; its 404 was "no data"."""

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.host == "www.caiso.com" and request.url.path.startswith("/documents/"):
            if request.url.path.endswith("jul-01-2025-corrected.html"):
                return httpx.Response(200, content=fixture(REPORT_FIXTURE))
            return httpx.Response(404, text="Not Found")
        return sandbox.answer(request, utc(2025, 7, 3))

    seen = Recording(respond)
    async with opened(seen, lambda: utc(2025, 7, 3)) as adapter:
        records = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, days(date(2025, 7, 1))))

    files_asked = [str(r.url) for r in seen.requests if r.url.host != "oasis.caiso.com"]
    assert files_asked == [
        "https://www.caiso.com/documents/daily-renewable-report-jul-01-2025.html",
        "https://www.caiso.com/documents/daily-renewable-report-jul-01-2025-corrected.html",
    ]
    iso_wide = [r for r in records if r.area is None]
    assert len(iso_wide) == 288 + 286
    assert {(r.start, r.source): r.mw for r in iso_wide}[utc(2025, 7, 1, 7), "WIND"] == 3800.0


async def test_renewables_before_june_2025_still_come_from_the_text_files() -> None:
    seen = Recording(answer)
    async with opened(seen, lambda: utc(2025, 5, 3)) as adapter:
        records = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, days(date(2025, 5, 1))))

    assert [str(r.url) for r in seen.requests if r.url.host != "oasis.caiso.com"] == [
        "https://content.caiso.com/green/renewrpt/20250501_DailyRenewablesWatch.txt"
    ]
    assert len([r for r in records if r.area is None]) == 48


def test_the_older_renewables_watch_layout_with_one_solar_column_reads() -> None:
    records = files.renewables_watch(fixture("renewables_watch_single_solar_20100420.txt"))

    assert len(records) == 48 and records[0].start == utc(2010, 4, 20, 7)
    by_hour = {(r.source, r.start): r.mw for r in records}
    assert by_hour["SOLAR", utc(2010, 4, 20, 19)] == 260.0  # HE13 (12:00 PDT)
    assert by_hour["WIND", utc(2010, 4, 20, 7)] == 1010.0


async def test_todays_fuel_mix_is_the_current_file_with_a_cache_buster() -> None:
    """Defect 7: today's fuel mix was asked of history/<today>, which CAISO posts only once the day is over."""
    now = utc(2025, 7, 15, 19, 2)  # 12:02 PDT
    seen = Recording(sandbox.transport(clock=lambda: now))
    async with opened(seen, lambda: now) as adapter:
        records = await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, days(date(2025, 7, 14), 2)))

    asked = sorted((r.url.path, dict(r.url.params)) for r in seen.requests)
    assert asked == [
        ("/outlook/current/fuelsource.csv", {"_": str(int(now.timestamp()))}),
        ("/outlook/history/20250714/fuelsource.csv", {}),
    ]
    starts = sorted({r.start for r in records})
    assert starts[0] == utc(2025, 7, 14, 7) and starts[-1] == utc(2025, 7, 15, 19)  # today up to 12:00 PDT
    assert len(starts) == 288 + 145


async def test_a_current_file_still_holding_yesterday_just_past_midnight_is_not_yet_published() -> None:
    now = [utc(2025, 7, 15, 7, 3)]  # 00:03 PDT: current/ still holds the 14th
    seen = Recording(sandbox.transport(clock=lambda: now[0]))
    async with opened(seen, lambda: now[0]) as adapter:
        assert await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, days(date(2025, 7, 15)))) == []
        now[0] = utc(2025, 7, 15, 7, 20)
        later = await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, days(date(2025, 7, 15))))

    assert len(seen.requests) == 2  # not cached
    assert sorted({r.start for r in later}) == [utc(2025, 7, 15, 7, 5 * i) for i in range(4)]


def test_fuelsource_capitalized_names_are_served_under_todays_spelling() -> None:
    records = files.fuel_mix(fixture("fuelsource_capitalized_20190310.csv"), date(2019, 3, 10))

    assert {r.fuel for r in records} == set(files.FUELS)
    found = {(r.fuel, r.start): r.mw for r in records}
    assert found["Natural gas", utc(2019, 3, 10, 8)] == 5342.0
    assert found["Large hydro", utc(2019, 3, 10, 9, 55)] == 1812.0
    assert found["Small hydro", utc(2019, 3, 10, 10)] == 283.0  # 03:00 PDT follows 01:55 PST
    assert sorted({r.start for r in records}) == [
        utc(2019, 3, 10, 8),
        utc(2019, 3, 10, 8, 5),
        utc(2019, 3, 10, 9, 55),
        utc(2019, 3, 10, 10),
    ]


def test_the_sandbox_posts_the_html_report_the_next_morning_and_no_text_file_after_may_2025() -> None:
    report = httpx.Request("GET", "https://www.caiso.com/documents/daily-renewable-report-jul-01-2025.html")
    assert sandbox.answer(report, utc(2025, 7, 2, 10, 59)).status_code == 404  # 03:59 PDT
    posted = sandbox.answer(report, utc(2025, 7, 2, 11))
    assert posted.status_code == 200 and len(files.renewable_report(posted.content, date(2025, 7, 1))) == 576
    text = httpx.Request("GET", "https://content.caiso.com/green/renewrpt/20250701_DailyRenewablesWatch.txt")
    assert sandbox.answer(text, utc(2025, 7, 5)).status_code == 404
    history = httpx.Request("GET", "https://www.caiso.com/outlook/history/20250715/fuelsource.csv")
    assert sandbox.answer(history, utc(2025, 7, 15, 19)).status_code == 404  # the 15th is not over


# --- live truth: the sandbox states OASIS's limits (defect 6) -------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (
            {
                "queryname": "PRC_INTVL_LMP",
                "market_run_id": "RTM",
                "version": "3",
                "enddatetime": "20250815T07:00-0000",
            },
            None,
        ),
        (
            {
                "queryname": "PRC_INTVL_LMP",
                "market_run_id": "RTM",
                "version": "3",
                "enddatetime": "20250816T07:00-0000",
            },
            1004,
        ),
        (
            {
                "queryname": "PRC_RTPD_LMP",
                "market_run_id": "RTPD",
                "version": "3",
                "enddatetime": "20250815T07:00-0000",
            },
            None,
        ),
        (
            {
                "queryname": "PRC_HASP_LMP",
                "market_run_id": "HASP",
                "version": "3",
                "enddatetime": "20250815T07:00-0000",
            },
            None,
        ),
        (
            {
                "queryname": "PRC_INTVL_LMP",
                "market_run_id": "RTM",
                "version": "3",
                "node": "",
                "grp_type": "ALL",
                "enddatetime": "20250715T09:00-0000",
            },
            1004,
        ),
        (
            {
                "queryname": "PRC_INTVL_LMP",
                "market_run_id": "RTM",
                "version": "3",
                "node": "",
                "grp_type": "ALL",
                "enddatetime": "20250715T08:00-0000",
            },
            None,
        ),
        ({"startdatetime": "20220101T08:00-0000", "enddatetime": "20220102T08:00-0000"}, 1014),
    ],
    ids=[
        "rtd-31-days",
        "rtd-32-days",
        "rtpd-31-days",
        "hasp-31-days",
        "all-nodes-2-hours",
        "all-nodes-1-hour",
        "older-than-39-months",
    ],
)
def test_the_sandbox_enforces_oasis_windows(overrides: dict[str, str], code: int | None) -> None:
    response = sandbox.answer(sandbox_request(**overrides), utc(2025, 9, 1))

    if code is None:
        assert parse.prices(response.content)
    else:
        assert f"<m:ERR_CODE>{code}</m:ERR_CODE>".encode() in zipfile.ZipFile(io.BytesIO(response.content)).read(
            "INVALID_REQUEST.xml"
        )


async def test_a_window_older_than_oasis_keeps_is_no_data_not_an_error() -> None:
    async with opened(Recording(answer), lambda: utc(2025, 9, 1)) as adapter:
        assert await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, [NP15], days(date(2022, 1, 1))) == {NP15: []}


# --- live truth: declarations ---------------------------------------------------------------------


def test_every_served_feed_declares_retention_cadence_delay_and_labels() -> None:
    feeds = {feed.name: feed for feed in caiso.FEEDS}
    declared = {
        name: (f.retention, f.cadence, f.delay) for name, f in feeds.items() if name not in ("ATL_APNODE", "ENE_SLRS")
    }
    oasis = timedelta(days=1187)
    assert declared == {
        "PRC_LMP": (oasis, timedelta(days=1), -timedelta(hours=11)),
        "PRC_RTPD_LMP": (oasis, timedelta(minutes=15), timedelta(minutes=15)),
        "PRC_INTVL_LMP": (oasis, timedelta(minutes=5), timedelta(minutes=5)),
        "PRC_HASP_LMP": (oasis, timedelta(hours=1), timedelta(minutes=15)),
        "SLD_FCST_ACTUAL": (oasis, timedelta(hours=1), timedelta(hours=1)),
        "SLD_FCST": (oasis, timedelta(days=1), -timedelta(days=6, hours=14, minutes=50)),
        "SLD_REN_FCST": (oasis, timedelta(hours=1), -timedelta(hours=17)),
        "DailyRenewablesWatch": (None, timedelta(days=1), timedelta(days=1, hours=10)),
        "fuelsource": (None, timedelta(minutes=5), timedelta(minutes=10)),
        "PRC_AS": (oasis, timedelta(days=1), -timedelta(hours=11)),
        "PRC_INTVL_AS": (oasis, timedelta(minutes=15), timedelta(minutes=15)),
        "PRC_NOMOGRAM": (oasis, timedelta(days=1), -timedelta(hours=11)),
        "PRC_NOMOGRAM_RTM": (oasis, timedelta(minutes=15), timedelta(minutes=15)),
        "PublicQueueReport": (None, timedelta(days=30), timedelta(0)),  # a snapshot: today's queue only
    }
    assert feeds["fuelsource"].earliest == date(2018, 4, 10)
    adapter = caiso.create(Settings(sandbox=True), sandbox.transport())
    assert adapter.labels(DatasetKind.ANCILLARY_PRICES) == {
        "product": ("NR", "RD", "RMD", "RMU", "RU", "SR"),
        "area": ("AS_CAISO", "AS_CAISO_EXP", "AS_NP26", "AS_NP26_EXP", "AS_SP26", "AS_SP26_EXP"),
    }
    assert adapter.labels(DatasetKind.RENEWABLES) == {"source": ("SOLAR", "WIND"), "area": ("NP15", "SP15", "ZP26")}
    assert "Natural gas" in adapter.labels(DatasetKind.FUEL_MIX)["fuel"]
    assert {"CA ISO-TAC", "PGE-TAC", "PACE"} <= set(adapter.labels(DatasetKind.LOAD)["area"])


async def test_the_sandbox_serves_only_declared_labels() -> None:
    window = days(date(2025, 7, 1))
    async with sandboxed(lambda: utc(2025, 7, 3)) as adapter:
        checks = {
            DatasetKind.LOAD: ("area",),
            DatasetKind.LOAD_FORECAST: ("area",),
            DatasetKind.FUEL_MIX: ("fuel",),
            DatasetKind.RENEWABLES: ("source", "area"),
        }
        for kind, fields in checks.items():
            labels = adapter.labels(kind)
            records = await adapter.series(SeriesRequest(kind, window))
            for name in fields:
                assert {getattr(r, name) for r in records} - {None} <= set(labels[name]), (kind, name)
        for run in (MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_15_MIN):
            labels = adapter.labels(DatasetKind.ANCILLARY_PRICES)
            records = await adapter.series(SeriesRequest(DatasetKind.ANCILLARY_PRICES, window, run))
            assert {r.product for r in records} <= set(labels["product"])
            assert {r.area for r in records} <= set(labels["area"])
