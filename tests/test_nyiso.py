"""NYISO: the recorded MIS files parse to their exact values, and the adapter asks for the right files."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from gridql.adapters.config import Settings
from gridql.adapters.errors import UnsupportedDataset, UnsupportedRun, UpstreamBadResponse
from gridql.adapters.feed import Dataset, Document
from gridql.adapters.model import (
    HOUR,
    ISO,
    AncillaryPriceRecord,
    ConstraintRecord,
    DatasetKind,
    FuelMixRecord,
    InterfaceFlowRecord,
    LoadForecastRecord,
    LoadRecord,
    MarketRun,
    PriceRecord,
    SeriesRequest,
    Window,
)
from gridql.adapters.nyiso import FEEDS, create
from gridql.adapters.nyiso.mis import EASTERN
from gridql.adapters.nyiso.nodes import ZONES
from gridql.adapters.pipeline import Ask, FeedAdapter, series_key
from gridql.adapters.sandbox import nyiso as sandbox
from gridql.adapters.sandbox.nyiso import reports as sandbox_reports
from gridql.graph.app import create_app
from tests.conftest import FIXTURES
from tests.helpers import Recording, assert_contiguous, recorded, utc, z

ZONE_NAMES = set(ZONES.values())
FIVE = timedelta(minutes=5)

DAM = next(f for f in FEEDS if f.name == "damlbmp")
REALTIME = next(f for f in FEEDS if f.name == "realtime")


def series(records: Sequence[Any], ptid: str) -> list[Any]:
    return [r for r in records if r.node == ptid]


# --- parsers against the recorded files -------------------------------------------------------


def test_dam_fall_back_day_has_25_distinct_hours() -> None:
    records = DAM.parse(recorded("nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv"))
    assert len(records) == 50
    capitl = series(records, "61757")
    assert len(capitl) == 25
    assert capitl[0] == PriceRecord("61757", z("2025-11-02T04:00"), z("2025-11-02T05:00"), 49.96, 48.6, 0.0, 1.36)
    # "11/02/2025 01:00" appears twice: first EDT (05:00Z), then EST (06:00Z).
    assert (capitl[1].start, capitl[1].lmp) == (z("2025-11-02T05:00"), 52.73)
    assert (capitl[2].start, capitl[2].lmp) == (z("2025-11-02T06:00"), 51.44)
    assert capitl[-1] == PriceRecord("61757", z("2025-11-03T04:00"), z("2025-11-03T05:00"), 44.65, 43.39, 0.0, 1.26)
    assert_contiguous(capitl)
    west = series(records, "61752")
    assert (west[2].start, west[2].lmp, west[2].loss) == (z("2025-11-02T06:00"), 48.63, -1.45)


def test_realtime_fall_back_day_is_interval_ending_with_300_intervals() -> None:
    records = REALTIME.parse(recorded("nyiso/vincal848_realtime_zone_20251102_CAPITL.csv"))
    assert len(records) == 300
    assert records[0] == PriceRecord("61757", z("2025-11-02T04:00"), z("2025-11-02T04:05"), 123.63, 121.08, 0.0, 2.55)
    first_one_am = next(r for r in records if r.end == z("2025-11-02T05:00"))
    second_one_am = next(r for r in records if r.end == z("2025-11-02T06:00"))
    assert (first_one_am.lmp, second_one_am.lmp) == (55.55, 49.23)
    assert records[-1].end == z("2025-11-03T05:00") and records[-1].lmp == 36.38
    assert_contiguous(records)


def test_realtime_off_cycle_intervals_and_congestion_sign() -> None:
    records = REALTIME.parse(recorded("nyiso/vincal848_realtime_zone_20211107_CAPITL_trimmed.csv"))
    assert len(records) == 51
    # NYISO prints congestion negated: LBMP 125.91 = energy -3.75 + losses -0.24 - (-129.90 printed).
    third = records[2]
    assert (third.lmp, third.loss, third.congestion, third.energy) == (125.91, -0.24, 129.9, -3.75)
    # 01:57:48 EDT is an extra RTD interval: it runs from the 01:55 stamp, and the next
    # interval (01:00 EST, the second pass) runs from it.
    off_cycle = next(r for r in records if r.end == datetime(2021, 11, 7, 5, 57, 48, tzinfo=UTC))
    assert off_cycle.start == z("2021-11-07T05:55")
    assert (off_cycle.lmp, off_cycle.congestion, off_cycle.energy) == (405.17, 394.95, 9.62)
    after = records[records.index(off_cycle) + 1]
    assert (after.start, after.end, after.lmp) == (off_cycle.end, z("2021-11-07T06:00"), 173.93)
    assert records[-1].end == z("2021-11-07T08:00") and records[-1].lmp == 48.91
    assert_contiguous(records)


def test_realtime_zonal_file_with_external_proxies() -> None:
    # The pyiso fixture starts with a blank line before the header.
    records = REALTIME.parse(recorded("nyiso/pyiso_lmp.csv"))
    assert len(records) == 45
    assert {r.node for r in records} >= {"61844", "61845", "61846", "61847", "61761"}
    hq = series(records, "61844")[0]
    assert (hq.end, hq.lmp, hq.loss) == (z("2016-02-18T05:15"), 19.21, -0.64)
    # The energy component is system-wide: every zone derives the same one, to the cent.
    at_first = [r.energy for r in records if r.end == z("2016-02-18T05:15")]
    assert len(at_first) == 15
    assert max(at_first) - min(at_first) <= 0.011  # type: ignore[operator]


HEADER = b'"Time Stamp","Name","PTID","LBMP ($/MWHr)"'
COMPONENTS = b',"Marginal Cost Losses ($/MWHr)","Marginal Cost Congestion ($/MWHr)"'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (HEADER + b'\n"11/02/2025 00:00","CAPITL",61757,49.96\n', "Marginal Cost Losses"),
        (HEADER + COMPONENTS + b'\n"11/02/2025 00:00","CAPITL",61757,n/a,1.0,0.0\n', "non-numeric LBMP 'n/a'"),
    ],
    ids=["missing column", "non-numeric price"],
)
def test_a_damaged_lbmp_file_is_refused_saying_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        DAM.parse(body)


# --- the adapter: which files, how many requests ---------------------------------------------


def serving(bodies: dict[str, bytes]) -> Recording:
    """A transport serving fixed bodies by path (404 otherwise), recording each request."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = bodies.get(request.url.path)
        if body is None:
            return httpx.Response(404, text="<html>Not Found</html>")
        return httpx.Response(200, content=body)

    return Recording(answer)


TODAY_NOON = utc(2025, 11, 20, 12)


def adapter(transport: httpx.AsyncBaseTransport, now: datetime = TODAY_NOON) -> FeedAdapter:
    return create(Settings(retries=1), transport, clock=lambda: now, min_interval=0)


def sandboxed(now: datetime) -> FeedAdapter:
    """The adapter over the sandbox MIS, both as of `now`."""
    return create(Settings(sandbox=True), sandbox.transport(clock=lambda: now), clock=lambda: now, min_interval=0)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


async def test_batch_of_zones_is_one_daily_file() -> None:
    body = recorded("nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv")
    handler = serving({"/public/csv/damlbmp/20251102damlbmp_zone.csv": body})
    nyiso = adapter(handler, utc(2025, 11, 5, 12))  # a day of the last week: its daily file
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757", "61752"], window)
    assert handler.paths() == ["/public/csv/damlbmp/20251102damlbmp_zone.csv"]
    assert [len(prices["61757"]), len(prices["61752"])] == [25, 25]
    assert prices["61752"][0].lmp == 46.61
    # The same window again is served from the cache.
    await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], window)
    assert len(handler.paths()) == 1


async def test_earlier_months_come_from_one_monthly_archive() -> None:
    day = recorded("nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv")
    archive = zip_of({"20251102damlbmp_zone.csv": day})
    handler = serving({"/public/csv/damlbmp/20251101damlbmp_zone_csv.zip": archive})
    nyiso = adapter(handler, utc(2026, 1, 15, 12))
    window = Window.days(date(2025, 11, 1), 30, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], window)
    assert handler.paths() == ["/public/csv/damlbmp/20251101damlbmp_zone_csv.zip"]
    assert len(prices["61757"]) == 25


async def test_zones_and_generators_need_one_file_each() -> None:
    today = serving({})
    nyiso = adapter(today)
    window = Window(z("2025-11-20T05:00"), z("2025-11-21T05:00"))  # today, Eastern: the daily files
    prices = await nyiso.prices(MarketRun.REAL_TIME_5_MIN, ["61757", "61761", "323500"], window)
    assert sorted(today.paths()) == [
        "/public/csv/realtime/20251120realtime_gen.csv",
        "/public/csv/realtime/20251120realtime_zone.csv",
    ]
    # Today's files not posted yet (404) mean no intervals, not an error.
    assert prices == {"61757": [], "61761": [], "323500": []}


async def test_several_days_of_this_month_come_from_its_archive() -> None:
    handler = serving({})
    nyiso = adapter(handler)
    window = Window(z("2025-11-18T05:00"), z("2025-11-21T05:00"))  # three days of the current month
    await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757", "323500"], window)
    assert sorted(handler.paths()) == [
        "/public/csv/damlbmp/20251101damlbmp_gen_csv.zip",
        "/public/csv/damlbmp/20251101damlbmp_zone_csv.zip",
    ]


async def test_missing_past_file_is_an_error_and_not_cached() -> None:
    handler = serving({})
    nyiso = adapter(handler)
    window = Window.days(date(2025, 11, 18), 1, EASTERN)  # a past day: NYISO must have it
    for _ in range(2):
        with pytest.raises(UpstreamBadResponse, match=r"20251118damlbmp_zone.csv is missing \(HTTP 404\)"):
            await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], window)
    assert len(handler.paths()) == 2


async def test_html_error_page_is_a_bad_response() -> None:
    handler = serving({"/public/csv/rtlbmp/20251102rtlbmp_zone.csv": b"<html><body>Service busy</body></html>"})
    nyiso = adapter(handler, utc(2025, 11, 3, 12))
    with pytest.raises(UpstreamBadResponse, match="NYISO: LBMP file has no 'Time Stamp' column"):
        await nyiso.prices(MarketRun.REAL_TIME_HOURLY, ["61757"], Window.days(date(2025, 11, 2), 1, EASTERN))


async def test_unpublished_run_is_refused() -> None:
    nyiso = adapter(serving({}))
    with pytest.raises(UnsupportedRun, match="NYISO does not publish REAL_TIME_15_MIN"):
        await nyiso.prices(MarketRun.REAL_TIME_15_MIN, ["61757"], Window.days(date(2025, 11, 2), 1, EASTERN))


# --- the sandbox speaks the same format ------------------------------------------------------


async def test_sandbox_node_list_has_real_zones_and_50_nodes() -> None:
    nyiso = sandboxed(utc(2025, 11, 3, 12))
    nodes = {n.code: n for n in await nyiso.nodes()}
    assert len(nodes) >= 50
    assert nodes["61761"].name == "N.Y.C." and nodes["61761"].type.value == "ZONE"
    assert nodes["61844"].name == "H Q" and nodes["61844"].type.value == "INTERFACE"
    await nyiso.aclose()


def test_window_days_are_local_operating_days() -> None:
    window = Window.days(date(2025, 3, 9), 1, EASTERN)
    assert window.end - window.start == timedelta(hours=23)
    assert window.local_days(EASTERN) == [date(2025, 3, 9)]


# --- market-wide feeds: the recorded files ---------------------------------------------------

PAL = next(f for f in FEEDS if f.name == "pal")
ISOLF = next(f for f in FEEDS if f.name == "isolf")
FUEL_MIX = next(f for f in FEEDS if f.name == "rtfuelmix")
FLOWS = next(f for f in FEEDS if f.name == "ExternalLimitsFlows")


def by_key(records: Sequence[Any], field: str, value: str) -> list[Any]:
    return [r for r in records if getattr(r, field) == value]


def test_every_feed_is_registered() -> None:
    assert {f.name for f in FEEDS} == {
        "damlbmp", "realtime", "rtlbmp", "generator", "pal", "palIntegrated", "isolf", "rtfuelmix",
        "damasp", "rtasp", "ExternalLimitsFlows", "LimitingConstraints", "DAMLimitingConstraints",
        "ICAP-Market-Report", "TCC-Nodal-Price", "TCC-Summary-of-Awards", "NYISO-Interconnection-Queue",
    }  # fmt: skip


def test_pal_readings_hold_until_the_next_stamp() -> None:
    records = PAL.parse(recorded("nyiso/pyiso_20171122pal.csv"))
    assert len(records) == 12 * 290  # (11 zones + the NYISO total) x (288 five-minute + 2 off-cycle readings)
    assert records[0] == LoadRecord("CAPITL", z("2017-11-22T05:00"), z("2017-11-22T05:05"), 1140.5)
    assert records[-2] == LoadRecord("WEST", z("2017-11-23T04:55"), z("2017-11-23T05:00"), 1678.2)
    capitl = by_key(records, "area", "CAPITL")
    assert len(capitl) == 290
    # Off-cycle readings at 00:07:34 and 00:09:40 EST cut the 00:05 interval short.
    assert [(r.start, r.end) for r in capitl[1:4]] == [
        (z("2017-11-22T05:05"), datetime(2017, 11, 22, 5, 7, 34, tzinfo=UTC)),
        (datetime(2017, 11, 22, 5, 7, 34, tzinfo=UTC), datetime(2017, 11, 22, 5, 9, 40, tzinfo=UTC)),
        (datetime(2017, 11, 22, 5, 9, 40, tzinfo=UTC), z("2017-11-22T05:10")),
    ]
    assert capitl[2].mw == 1147.7
    assert_contiguous(capitl)
    assert by_key(records, "area", "N.Y.C.")[-1].mw == 4932.0


def test_pal_fall_back_reads_the_time_zone_column() -> None:
    records = PAL.parse(recorded("nyiso/vincal848_pal_20251102_CAPITL_trimmed.csv"))
    assert len(records) == 49
    assert records[0] == LoadRecord("CAPITL", z("2025-11-02T04:00"), z("2025-11-02T04:05"), 1108.2662)
    one_am_edt = next(r for r in records if r.start == z("2025-11-02T05:00"))
    one_am_est = next(r for r in records if r.start == z("2025-11-02T06:00"))
    assert (one_am_edt.mw, one_am_est.mw) == (1086.4478, 1065.0978)
    assert records[23] == LoadRecord("CAPITL", z("2025-11-02T05:55"), z("2025-11-02T06:00"), 1076.7329)
    assert records[-1] == LoadRecord("CAPITL", z("2025-11-02T08:00"), z("2025-11-02T08:05"), 1071.2426)
    assert_contiguous(records)


def test_isolf_has_every_zone_and_the_total_for_six_days() -> None:
    records = ISOLF.parse(recorded("nyiso/pyiso_20171122isolf.csv"))
    assert len(records) == 144 * 12
    assert {r.area for r in records} == {*ZONE_NAMES, "NYISO"}
    assert records[0] == LoadForecastRecord("CAPITL", z("2017-11-22T05:00"), z("2017-11-22T06:00"), 1107.0, None)
    total = by_key(records, "area", "NYISO")
    assert (total[0].mw, total[-1].mw) == (13962.0, 16454.0)
    assert (total[-1].start, total[-1].end) == (z("2017-11-28T04:00"), z("2017-11-28T05:00"))
    assert by_key(records, "area", "HUD VL")[1].mw == 846.0
    assert_contiguous(total)


def test_isolf_fall_back_keeps_both_identical_one_am_rows() -> None:
    records = ISOLF.parse(recorded("nyiso/vincal848_isolf_20251102_trimmed.csv"))
    assert len(records) == 25 * 12
    total = by_key(records, "area", "NYISO")
    assert len(total) == 25
    # "11/02/2025 01:00" twice, identical values: first EDT (05:00Z), then EST (06:00Z).
    assert [(r.start, r.mw) for r in total[1:3]] == [(z("2025-11-02T05:00"), 13259.0), (z("2025-11-02T06:00"), 13259.0)]
    assert total[-1] == LoadForecastRecord("NYISO", z("2025-11-03T04:00"), z("2025-11-03T05:00"), 13955.0, None)
    assert_contiguous(total)


def test_fuel_mix_readings() -> None:
    records = FUEL_MIX.parse(recorded("nyiso/pyiso_20171122rtfuelmix.csv"))
    assert len(records) == 289 * 7
    assert {r.fuel for r in records} == {
        "Dual Fuel", "Natural Gas", "Nuclear", "Other Fossil Fuels", "Other Renewables", "Wind", "Hydro",
    }  # fmt: skip
    first = records[0]
    assert first == FuelMixRecord(
        "Dual Fuel", z("2017-11-22T05:05"), datetime(2017, 11, 22, 5, 7, 34, tzinfo=UTC), 1447.0
    )
    assert records[-1] == FuelMixRecord("Hydro", z("2017-11-23T04:55"), z("2017-11-23T05:00"), 3445.0)
    nuclear = by_key(records, "fuel", "Nuclear")
    assert nuclear[0].mw == 5413.0
    assert_contiguous(nuclear)


def test_interface_flows_and_limits() -> None:
    records = FLOWS.parse(recorded("nyiso/pyiso_20171122ExternalLimitsFlows.csv"))
    assert len(records) == 289 * 18
    assert records[0] == InterfaceFlowRecord(
        "CENTRAL EAST - VC", z("2017-11-22T05:00"), z("2017-11-22T05:05"), 2054.26, 2175.0, None
    )
    moses = by_key(records, "interface", "MOSES SOUTH")
    assert (moses[0].flow_mw, moses[0].positive_limit_mw, moses[0].negative_limit_mw) == (1876.41, 2850.0, -1600.0)
    # Off-cycle snapshots at 00:11 and 00:12 split the 00:10 interval; NYISO printed no 00:15, so
    # the 00:12 snapshot holds its nominal 5 minutes and 00:17-00:20 has no reading.
    central = by_key(records, "interface", "CENTRAL EAST - VC")
    assert [(r.start, r.end) for r in central[2:6]] == [
        (z("2017-11-22T05:10"), z("2017-11-22T05:11")),
        (z("2017-11-22T05:11"), z("2017-11-22T05:12")),
        (z("2017-11-22T05:12"), z("2017-11-22T05:17")),
        (z("2017-11-22T05:20"), z("2017-11-22T05:25")),
    ]
    assert central[3].flow_mw == 2022.23
    assert records[-1] == InterfaceFlowRecord(
        "WEST CENTRAL", z("2017-11-23T04:55"), z("2017-11-23T05:00"), 784.45, None, None
    )  # 9999 / -9999: no limit
    assert all(a.end <= b.start for a, b in itertools.pairwise(central))


# --- ancillary prices and constraints: NYISO's layout, no recorded file ----------------------

RTASP = (
    b'"Time Stamp","Time Zone","Name","PTID","10 Min Spinning Reserve ($/MWHr)",'
    b'"10 Min Non-Synchronous Reserve ($/MWHr)","30 Min Operating Reserve ($/MWHr)",'
    b'"NYCA Regulation Capacity ($/MWHr)","NYCA Regulation Movement ($/MW)"\r\n'
    b'"11/02/2025 01:55:00","EDT","N.Y.C.",61761,7.10,3.20,1.05,9.80,0.15\r\n'
    b'"11/02/2025 01:00:00","EST","N.Y.C.",61761,6.90,3.10,1.00,9.70,0.14\r\n'
    b'"11/02/2025 01:02:48","EST","N.Y.C.",61761,8.00,4.00,2.00,9.60,0.13\r\n'
)


def test_rtasp_ends_its_intervals_and_reads_the_zone_column() -> None:
    rtasp = next(f for f in FEEDS if f.name == "rtasp")
    records = rtasp.parse(RTASP)
    assert len(records) == 15
    spin = by_key(records, "product", "10 Min Spinning Reserve")
    assert [(r.start, r.end, r.price) for r in spin] == [
        (z("2025-11-02T05:50"), z("2025-11-02T05:55"), 7.1),
        (z("2025-11-02T05:55"), z("2025-11-02T06:00"), 6.9),  # 01:00 EST ends the hour's second pass
        (z("2025-11-02T06:00"), datetime(2025, 11, 2, 6, 2, 48, tzinfo=UTC), 8.0),  # an off-cycle interval
    ]
    movement = by_key(records, "product", "NYCA Regulation Movement")
    assert [r.price for r in movement] == [0.15, 0.14, 0.13]
    assert {r.area for r in records} == {"N.Y.C."}


def test_damasp_is_hour_beginning_without_movement() -> None:
    damasp = next(f for f in FEEDS if f.name == "damasp")
    body = b"\n".join(RTASP.splitlines()[:1]).replace(b',"NYCA Regulation Movement ($/MW)"', b"") + (
        b'\n"03/09/2025 03:00","EDT","WEST",61752,4.00,2.00,0.50,8.25\n'
    )
    assert damasp.parse(body) == [
        AncillaryPriceRecord("10 Min Spinning Reserve", "WEST", z("2025-03-09T07:00"), z("2025-03-09T08:00"), 4.0),
        AncillaryPriceRecord(
            "10 Min Non-Synchronous Reserve", "WEST", z("2025-03-09T07:00"), z("2025-03-09T08:00"), 2.0
        ),
        AncillaryPriceRecord("30 Min Operating Reserve", "WEST", z("2025-03-09T07:00"), z("2025-03-09T08:00"), 0.5),
        AncillaryPriceRecord("NYCA Regulation Capacity", "WEST", z("2025-03-09T07:00"), z("2025-03-09T08:00"), 8.25),
    ]


def test_constraints_are_named_by_facility_and_contingency() -> None:
    rt = next(f for f in FEEDS if f.name == "LimitingConstraints")
    body = (
        b'"Time Stamp","Limiting Facility","Facility PTID","Contingency","Constraint Cost($)"\n'
        b'"11/02/2025 01:05","CENTRAL EAST - VC",25000,"BASE CASE",12.5\n'
        b'"11/02/2025 01:05","DUNWODIE 345 SHORE_RD 345 1",25476,"SCB:DUNWODIE(RNS2):SB 345",40.25\n'
        b'"11/02/2025 01:05","CENTRAL EAST - VC",25000,"BASE CASE",13.75\n'
    )
    records = rt.parse(body)
    # No zone column: the repeated 01:05 of a constraint is its second (EST) pass.
    assert records == [
        ConstraintRecord("CENTRAL EAST - VC | BASE CASE", z("2025-11-02T05:05"), z("2025-11-02T05:10"), 12.5),
        ConstraintRecord(
            "DUNWODIE 345 SHORE_RD 345 1 | SCB:DUNWODIE(RNS2):SB 345",
            z("2025-11-02T05:05"),
            z("2025-11-02T05:10"),
            40.25,
        ),
        ConstraintRecord("CENTRAL EAST - VC | BASE CASE", z("2025-11-02T06:05"), z("2025-11-02T06:10"), 13.75),
    ]
    dam = next(f for f in FEEDS if f.name == "DAMLimitingConstraints")
    assert dam.parse(body)[0].end == z("2025-11-02T06:05")


@pytest.mark.parametrize(
    ("feed", "body", "message"),
    [
        ("pal", b'"Time Stamp","Time Zone","Name","PTID"\n"11/02/2025 00:00:00","EDT","CAPITL",61757\n', "'Load'"),
        ("pal", b'"Time Stamp","Time Zone","Name","PTID","Load"\n"11/02/2025 00:00:00","EDT","CAPITL"\n', "3 fields"),
        ("pal", b'"Time Stamp","Time Zone","Name","PTID","Load"\n"11/02/2025 00:00:00","EDT","CAPITL",1,x\n', "'x'"),
        ("pal", b'"Time Stamp","Time Zone","Name","PTID","Load"\n"11/02/2025 00:00:00","CET","CAPITL",1,9\n', "'CET'"),
        ("pal", b'"Time Stamp","Time Zone","Name","PTID","Load"\n"2025-11-02 00:00","EDT","CAPITL",1,9\n', "stamp"),
        ("isolf", b'"Time Stamp","Capitl"\n"11/02/2025 00:00",1067\n', "'NYISO'"),
        ("rtfuelmix", b"<html><body>Service unavailable</body></html>", "'Fuel Category'"),
        ("ExternalLimitsFlows", b"", "empty"),
        ("LimitingConstraints", b'"Time Stamp","Limiting Facility","Contingency","Constraint Cost($)"\n'
         b'"11/02/2025 00:00","X","BASE CASE",\n', "no cost"),
        ("rtasp", b"PK\x03\x04 truncated", "not a readable zip"),
    ],
)  # fmt: skip
def test_malformed_files_are_bad_responses(feed: str, body: bytes, message: str) -> None:
    parse = next(f for f in FEEDS if f.name == feed).parse
    with pytest.raises(UpstreamBadResponse, match=message):
        parse(body)


# --- market-wide feeds through the adapter: files, requests, cache, errors -------------------


def request(
    kind: DatasetKind, window: Window, run: MarketRun | None = None, before: datetime | None = None
) -> SeriesRequest:
    return SeriesRequest(kind, window, run, before)


async def test_45_days_of_load_are_one_archive_per_month() -> None:
    november = recorded("nyiso/vincal848_pal_20251102_CAPITL_trimmed.csv")
    handler = serving(
        {
            "/public/csv/pal/20251001pal_csv.zip": zip_of({"20251015pal.csv": sandbox_reports.pal(date(2025, 10, 15))}),
            "/public/csv/pal/20251101pal_csv.zip": zip_of({"20251102pal.csv": november}),
        }
    )
    nyiso = adapter(handler)  # today: 2025-11-20
    window = Window.days(date(2025, 10, 7), 45, EASTERN)
    records = await nyiso.series(request(DatasetKind.LOAD, window))
    assert handler.paths() == ["/public/csv/pal/20251001pal_csv.zip", "/public/csv/pal/20251101pal_csv.zip"]
    assert len(records) == 12 * 288 + 49  # October's zones and total; November's file holds CAPITL only
    assert [r.start for r in records] == sorted(r.start for r in records)
    assert records[0].area == "CAPITL" and records[0].start == z("2025-10-15T04:00")
    assert records[-1] == LoadRecord("CAPITL", z("2025-11-02T08:00"), z("2025-11-02T08:05"), 1071.2426)
    # The same query again is served from the cache; so are narrower ones inside it.
    await nyiso.series(request(DatasetKind.LOAD, window))
    await nyiso.series(request(DatasetKind.LOAD, Window.days(date(2025, 10, 15), 1, EASTERN)))
    inside = await nyiso.series(request(DatasetKind.LOAD, Window.days(date(2025, 11, 2), 2, EASTERN)))
    assert len(handler.paths()) == 2 and len(inside) == 49


async def test_each_dataset_asks_for_its_own_file() -> None:
    handler = serving({})
    nyiso = adapter(handler)
    today = Window.days(date(2025, 11, 20), 1, EASTERN)
    asked = [
        (DatasetKind.LOAD, MarketRun.REAL_TIME_HOURLY, "palIntegrated/20251120palIntegrated.csv"),
        (DatasetKind.FUEL_MIX, None, "rtfuelmix/20251120rtfuelmix.csv"),
        (DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY, "damasp/20251120damasp.csv"),
        (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN, "rtasp/20251120rtasp.csv"),
        (DatasetKind.INTERFACE_FLOWS, None, "ExternalLimitsFlows/20251120ExternalLimitsFlows.csv"),
        (
            DatasetKind.CONSTRAINTS,
            MarketRun.DAY_AHEAD_HOURLY,
            "DAMLimitingConstraints/20251120DAMLimitingConstraints.csv",
        ),
        (DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN, "LimitingConstraints/20251120LimitingConstraints.csv"),
    ]
    for kind, run, path in asked:
        # Today's file not posted yet: no intervals, and nothing cached, so the next query asks again.
        assert await nyiso.series(request(kind, today, run)) == []
        assert await nyiso.series(request(kind, today, run)) == []
        assert handler.paths()[-2:] == [f"/public/csv/{path}"] * 2


async def test_missing_past_day_truncated_archive_and_bad_row_are_errors_never_cached() -> None:
    pal = recorded("nyiso/pyiso_20171122pal.csv")
    bad_row = pal.replace(b"1140.5", b"n/a", 1)
    archive = zip_of({"20251001rtfuelmix.csv": recorded("nyiso/pyiso_20171122rtfuelmix.csv")})
    handler = serving(
        {
            "/public/csv/pal/20251118pal.csv": bad_row,
            "/public/csv/rtfuelmix/20251001rtfuelmix_csv.zip": archive[: len(archive) // 2],
        }
    )
    nyiso = adapter(handler)
    cases = [
        (request(DatasetKind.LOAD, Window.days(date(2025, 11, 18), 1, EASTERN)), "non-numeric Load 'n/a'"),
        (request(DatasetKind.FUEL_MIX, Window.days(date(2025, 10, 1), 3, EASTERN)), "not a readable zip"),
        (
            request(DatasetKind.INTERFACE_FLOWS, Window.days(date(2025, 11, 17), 1, EASTERN)),
            r"20251117ExternalLimitsFlows.csv is missing \(HTTP 404\)",
        ),
    ]
    for series_request, message in cases:
        for _ in range(2):  # a failed file is not cached: the second query asks again
            with pytest.raises(UpstreamBadResponse, match=message):
                await nyiso.series(series_request)
    assert len(handler.paths()) == 6


async def test_unserved_kinds_and_runs_are_refused() -> None:
    nyiso = adapter(serving({}))
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    refused = [
        (request(DatasetKind.RENEWABLES, window), "does not serve renewables"),
        # Catalog's wording, the same for every ISO.
        (
            request(DatasetKind.ANCILLARY_PRICES, window),
            "ancillaryPrices without a run; it serves it for DAY_AHEAD_HOURLY",
        ),
        (request(DatasetKind.CONSTRAINTS, window, MarketRun.REAL_TIME_HOURLY), "constraints for REAL_TIME_HOURLY;"),
        (
            request(DatasetKind.FUEL_MIX, window, MarketRun.DAY_AHEAD_HOURLY),
            "fuelMix for DAY_AHEAD_HOURLY: it has no runs",
        ),
        (request(DatasetKind.LOAD_FORECAST, window, MarketRun.DAY_AHEAD_HOURLY), "loadForecast .*: it has no runs"),
    ]
    for series_request, message in refused:
        with pytest.raises(UnsupportedDataset, match=message):
            await nyiso.series(series_request)
    assert {d.kind for d in nyiso.datasets} == {
        DatasetKind.LOAD, DatasetKind.LOAD_FORECAST, DatasetKind.FUEL_MIX, DatasetKind.ANCILLARY_PRICES,
        DatasetKind.CONSTRAINTS, DatasetKind.INTERFACE_FLOWS, DatasetKind.CAPACITY_PRICES,
        DatasetKind.TRANSMISSION_RIGHTS,
    }  # fmt: skip


# --- the load forecast: one vintage, chosen by publication time ------------------------------


def isolf_archive() -> bytes:
    """October's archive with two vintages, each stamped (Eastern) when NYISO wrote it."""
    body = recorded("nyiso/vincal848_isolf_20251102_trimmed.csv")
    earlier = body.replace(b"13719", b"13000")  # the Nov 1 vintage saw midnight lower
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("20251101isolf.csv", (2025, 10, 31, 10, 45, 0)), earlier)
        archive.writestr(zipfile.ZipInfo("20251102isolf.csv", (2025, 11, 1, 10, 45, 0)), body)
    return buffer.getvalue()


async def test_forecast_vintage_is_the_latest_published_before() -> None:
    handler = serving({"/public/csv/isolf/20251101isolf_csv.zip": isolf_archive()})
    nyiso = adapter(handler, utc(2026, 1, 15, 12))
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    latest = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window))
    posted = datetime(2025, 11, 1, 14, 45, tzinfo=UTC)  # 10:45 EDT
    assert len(latest) == 25 * 12
    assert latest[0] == LoadForecastRecord("CAPITL", z("2025-11-02T04:00"), z("2025-11-02T05:00"), 1067.0, posted)
    midnight = [r for r in latest if r.area == "NYISO" and r.start == z("2025-11-02T04:00")]
    assert [r.mw for r in midnight] == [13719.0]
    # Asked as of before Nov 2's vintage was posted: Nov 1's file, from the same cached archive.
    before = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window, before=posted))
    older = [r for r in before if r.area == "NYISO" and r.start == z("2025-11-02T04:00")]
    assert [(r.mw, r.published_at) for r in older] == [(13000.0, datetime(2025, 10, 31, 14, 45, tzinfo=UTC))]
    assert handler.paths() == ["/public/csv/isolf/20251101isolf_csv.zip"]
    # Nothing published before the archive's first vintage (and no October archive): no forecast.
    with pytest.raises(UpstreamBadResponse, match=r"20251001isolf_csv\.zip is missing"):
        await nyiso.series(request(DatasetKind.LOAD_FORECAST, window, before=z("2025-10-31T00:00")))


async def test_todays_forecast_falls_back_to_the_last_posted_file() -> None:
    body = recorded("nyiso/vincal848_isolf_20251102_trimmed.csv")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/public/csv/isolf/20251102isolf.csv":
            return httpx.Response(200, content=body, headers={"Last-Modified": "Sat, 01 Nov 2025 14:45:00 GMT"})
        return httpx.Response(404)

    seen = Recording(handler)
    nyiso = adapter(seen, utc(2025, 11, 2, 16))
    window = Window.days(date(2025, 11, 2), 3, EASTERN)
    # Each day's hours from the newest file holding them posted before now: today's, and tomorrow's
    # (NYISO posts it today), which is not posted yet (404): every hour is today's file's.
    records = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window))
    assert sorted(seen.paths()) == ["/public/csv/isolf/20251102isolf.csv", "/public/csv/isolf/20251103isolf.csv"]
    assert {r.published_at for r in records} == {datetime(2025, 11, 1, 14, 45, tzinfo=UTC)}
    assert len(records) == 25 * 12
    # A window starting tomorrow: tomorrow's file is still not posted (asked again) -> the latest
    # that is, today's (cached), which holds no hour of tomorrow in this trimmed file.
    tomorrow = Window.days(date(2025, 11, 3), 1, EASTERN)
    assert await nyiso.series(request(DatasetKind.LOAD_FORECAST, tomorrow)) == []
    assert seen.paths()[2:] == ["/public/csv/isolf/20251103isolf.csv"]


async def test_forecast_hours_each_come_from_their_latest_vintage() -> None:
    today = recorded("nyiso/vincal848_isolf_20251102_trimmed.csv")
    tomorrow = sandbox_reports.isolf(date(2025, 11, 3))
    stamps = {"20251102": "Sat, 01 Nov 2025 14:45:00 GMT", "20251103": "Sun, 02 Nov 2025 15:45:00 GMT"}

    def handler(request: httpx.Request) -> httpx.Response:
        day = request.url.path.rsplit("/", 1)[-1][:8]
        body = {"20251102": today, "20251103": tomorrow}.get(day)
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, content=body, headers={"Last-Modified": stamps[day]})

    nyiso = adapter(Recording(handler), utc(2025, 11, 2, 17))
    window = Window.days(date(2025, 11, 2), 2, EASTERN)
    records = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window))
    posted = {r.start.astimezone(EASTERN).date(): r.published_at for r in records}
    assert posted == {date(2025, 11, 2): utc(2025, 11, 1, 14, 45), date(2025, 11, 3): utc(2025, 11, 2, 15, 45)}
    assert len(records) == (25 + 24) * 12
    # As of before tomorrow's file was posted, only today's vintage: none for tomorrow's hours here.
    before = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window, before=utc(2025, 11, 2, 15)))
    assert {r.published_at for r in before} == {utc(2025, 11, 1, 14, 45)} and len(before) == 25 * 12


# --- market-wide feeds in the sandbox --------------------------------------------------------

SANDBOX_SERIES = [
    # (kind, run, series per interval, 5-minute?)
    (DatasetKind.LOAD, None, 12, True),  # 11 zones and the NYISO total
    (DatasetKind.LOAD, MarketRun.REAL_TIME_HOURLY, 12, False),
    (DatasetKind.LOAD_FORECAST, None, 12, False),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY, 44, False),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN, 55, True),
    (DatasetKind.INTERFACE_FLOWS, None, 8, True),
]


@pytest.mark.parametrize(("day", "hours"), [(date(2025, 3, 9), 23), (date(2025, 11, 2), 25)])
@pytest.mark.parametrize(("kind", "run", "per_interval", "five_minute"), SANDBOX_SERIES)
async def test_sandbox_series_on_dst_days(
    day: date, hours: int, kind: DatasetKind, run: MarketRun | None, per_interval: int, five_minute: bool
) -> None:
    nyiso = sandboxed(utc(day.year, day.month, day.day + 1, 12))
    window = Window.days(day, 1, EASTERN)
    records = await nyiso.series(request(kind, window, run))
    intervals = hours * (12 if five_minute else 1)
    assert len(records) == intervals * per_interval
    assert records[0].start == window.start and records[-1].end == window.end
    one = [r for r in records if series_key(r) == series_key(records[0])]
    assert len(one) == intervals
    assert_contiguous(one)
    await nyiso.aclose()


async def test_sandbox_fuel_mix_constraints_and_forecast_vintages() -> None:
    nyiso = sandboxed(utc(2025, 11, 3, 12))
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    mix = await nyiso.series(request(DatasetKind.FUEL_MIX, window))
    assert len(mix) == 7 * 299  # as NYISO's files: 00:05 .. 23:55, the midnight reading unprinted
    assert {r.fuel for r in mix} >= {"Nuclear", "Hydro", "Wind", "Dual Fuel"}
    assert 2000 < sum(r.mw for r in mix if r.start == z("2025-11-02T05:00")) / 1 < 20000
    for run, length in [(MarketRun.DAY_AHEAD_HOURLY, timedelta(hours=1)), (MarketRun.REAL_TIME_5_MIN, FIVE)]:
        constraints = await nyiso.series(request(DatasetKind.CONSTRAINTS, window, run))
        assert constraints and all(r.end - r.start == length and r.shadow_price > 0 for r in constraints)
        assert len({(r.start, r.name) for r in constraints}) == len(constraints)
    # Each vintage is posted at 10:45 Eastern the day before its date, and differs from the last.
    latest = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window))
    earlier = await nyiso.series(request(DatasetKind.LOAD_FORECAST, window, before=z("2025-11-01T12:00")))
    assert {r.published_at for r in latest} == {datetime(2025, 11, 1, 14, 45, tzinfo=UTC)}
    assert {r.published_at for r in earlier} == {datetime(2025, 10, 31, 14, 45, tzinfo=UTC)}
    assert [r.start for r in earlier] == [r.start for r in latest]
    assert [r.mw for r in earlier] != [r.mw for r in latest]
    await nyiso.aclose()


async def test_sandbox_months_come_from_archives() -> None:
    nyiso = sandboxed(utc(2025, 12, 15))
    window = Window.days(date(2025, 10, 31), 3, EASTERN)  # Oct 31 .. Nov 2: two archives
    records = await nyiso.series(request(DatasetKind.LOAD, window, MarketRun.REAL_TIME_HOURLY))
    assert len(records) == 12 * (24 + 24 + 25)
    assert records[0].start == window.start and records[-1].end == window.end
    await nyiso.aclose()


MARKET_QUERY = (
    "{ market(iso: NYISO) { datasets { name runs }"
    ' load(date: "2025-11-02", area: "capitl") { start end area mw }'
    ' ancillaryPrices(run: DAY_AHEAD_HOURLY, date: "2025-11-02", area: "N.Y.C.",'
    ' product: "30 Min Operating Reserve")'
    " { start product area price } } }"
)


async def test_graphql_market_fields_over_the_sandbox() -> None:
    app = create_app(Settings(sandbox=True), adapters={ISO.NYISO: sandboxed(utc(2025, 11, 3, 12))})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gridql.test") as client:
        response = await client.post("/graphql", json={"query": MARKET_QUERY})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    market = body["data"]["market"]
    names = {d["name"] for d in market["datasets"]}
    assert {"prices", "load", "loadForecast", "fuelMix", "ancillaryPrices", "constraints", "interfaceFlows"} <= names
    assert len(market["load"]) == 300 and {r["area"] for r in market["load"]} == {"CAPITL"}
    # Local stamps: the repeated 01:00 hour appears with both offsets.
    assert market["load"][12]["start"] == "2025-11-02T01:00:00-04:00"
    assert market["load"][24]["start"] == "2025-11-02T01:00:00-05:00"
    assert len(market["ancillaryPrices"]) == 25


# --- issue 12: live truth ---------------------------------------------------------------------

FIXTURES_NYISO = FIXTURES / "nyiso"
RTC_TAIL = (FIXTURES_NYISO / "realtime_zone_20260629_rtc_tail.csv").read_bytes()
RTC_DAY = "/public/csv/realtime/20260629realtime_zone.csv"


def pinned_at(now: datetime) -> Callable[[], datetime]:
    return lambda: now


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN).astimezone(UTC)


@pytest.mark.parametrize(
    "headers",
    [{"Last-Modified": "Mon, 29 Jun 2026 09:40:40 GMT"}, {}],
    ids=["written 05:40:40 EDT", "no Last-Modified"],
)
async def test_todays_realtime_file_keeps_rtd_intervals_only(headers: dict[str, str]) -> None:
    """Today's file: RTD to 05:40 (one interval ahead of the clock), then RTC's 15-minute advisory
    rows at 05:45, 06:00 and 06:15 -- forecasts, never served as 5-minute actuals."""
    seen = Recording(lambda request: httpx.Response(200, content=RTC_TAIL, headers=headers))
    nyiso = adapter(seen, local(2026, 6, 29, 5, 41))
    window = Window.days(date(2026, 6, 29), 1, EASTERN)
    prices = await nyiso.prices(MarketRun.REAL_TIME_5_MIN, ["61757", "61752"], window)
    assert seen.paths() == [RTC_DAY]
    capitl = prices["61757"]
    assert [(r.start, r.end, r.lmp) for r in capitl] == [
        (local(2026, 6, 29, 5, 25), local(2026, 6, 29, 5, 30), 31.2),
        (local(2026, 6, 29, 5, 30), local(2026, 6, 29, 5, 35), 32.47),
        (local(2026, 6, 29, 5, 35), local(2026, 6, 29, 5, 40), 30.96),
    ]
    assert (capitl[-1].congestion, capitl[-1].loss, capitl[-1].energy) == (0.74, 1.01, 29.21)
    assert [r.lmp for r in prices["61752"]] == [30.85, 31.02, 29.88]


def test_rtc_tail_rule_on_its_own() -> None:
    reading = next(f for f in FEEDS if f.name == "realtime").query.lbmp
    assert reading is not None
    parse = reading.parser
    written = datetime(2026, 6, 29, 9, 46, tzinfo=UTC)  # 05:46 EDT
    # Read as a finished day (no write time, not growing), every row is kept.
    assert len(parse()(RTC_TAIL)) == 12
    # RTD has reached 05:45, a quarter-hour: the file cannot tell it from RTC's first advisory
    # row, so it is left out with the tail (the interval comes back with the next RTD run).
    reached = b"\r\n".join(line for line in RTC_TAIL.split(b"\r\n") if b"06:15:00" not in line)
    ends = sorted({r.end for r in parse(written=written)(reached)})
    assert ends[-1] == local(2026, 6, 29, 5, 40)
    # A file written after its last interval ended holds no advisory row, quarter-hours or not.
    assert len(parse(written=local(2026, 6, 29, 6, 20))(RTC_TAIL)) == 12
    # Whatever the stamps, a row ending more than 5 minutes after the file was written is not RTD's.
    early = parse(written=local(2026, 6, 29, 5, 31))(RTC_TAIL)
    assert max(r.end for r in early) == local(2026, 6, 29, 5, 35)


async def test_sandbox_today_serves_no_advisory_row_as_an_actual() -> None:
    code = "61757"
    today = Window.days(date(2025, 11, 20), 1, EASTERN)
    settled = sandboxed(utc(2025, 11, 21, 12))
    final = (await settled.prices(MarketRun.REAL_TIME_5_MIN, [code], today))[code]
    assert len(final) == 288
    for now, last_end in [
        (local(2025, 11, 20, 10, 41), local(2025, 11, 20, 10, 40)),  # RTC rows from 10:45
        (local(2025, 11, 20, 10, 46), local(2025, 11, 20, 10, 40)),  # RTD at 10:45 = RTC's first: left out
        (local(2025, 11, 20, 10, 52), local(2025, 11, 20, 10, 50)),
    ]:
        clock = pinned_at(now)
        transport = Recording(sandbox.transport(clock=clock))
        live = create(Settings(sandbox=True), transport, clock=clock, min_interval=0)
        body = await transport.handle_async_request(
            httpx.Request("GET", "https://mis.nyiso.com/public/csv/realtime/20251120realtime_zone.csv")
        )
        await body.aread()
        assert b'"11/20/2025 11:00:00","CAPITL"' in body.content  # the sandbox prints RTC's rows
        served = (await live.prices(MarketRun.REAL_TIME_5_MIN, [code], today))[code]
        assert served[-1].end == last_end and all(r.end <= now for r in served)
        assert served == final[: len(served)]  # every served row is the one RTD settles on
        await live.aclose()
    await settled.aclose()


async def test_a_day_older_than_the_daily_files_comes_from_its_months_archive() -> None:
    """Nov 5 asked on Nov 20: a day of the current month, but past the daily CSVs' lifetime."""
    handler = Recording(sandbox.transport(clock=lambda: TODAY_NOON))
    nyiso = create(Settings(sandbox=True), handler, clock=lambda: TODAY_NOON, min_interval=0)
    day = Window.days(date(2025, 11, 5), 1, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], day)
    load = await nyiso.series(request(DatasetKind.LOAD, day))
    assert handler.paths() == [
        "/public/csv/damlbmp/20251101damlbmp_zone_csv.zip",
        "/public/csv/pal/20251101pal_csv.zip",
    ]
    assert len(prices["61757"]) == 24 and len(load) == 12 * 288
    # The sandbox, like NYISO, no longer hosts that day's CSV.
    gone = await handler.handle_async_request(
        httpx.Request("GET", "https://mis.nyiso.com/public/csv/damlbmp/20251105damlbmp_zone.csv")
    )
    assert gone.status_code == 404
    # A day of the last week across a month's end: its daily file, not last month's archive.
    recent = serving({})
    with pytest.raises(UpstreamBadResponse, match=r"20251030damlbmp_zone\.csv is missing"):
        await adapter(recent, utc(2025, 11, 3, 12)).prices(
            MarketRun.DAY_AHEAD_HOURLY, ["61757"], Window.days(date(2025, 10, 30), 1, EASTERN)
        )
    assert recent.paths() == ["/public/csv/damlbmp/20251030damlbmp_zone.csv"]


async def test_a_month_of_generator_prices_keeps_only_the_nodes_asked_for() -> None:
    now = utc(2025, 12, 15, 12)
    handler = Recording(sandbox.transport(clock=lambda: now))
    nyiso = create(Settings(sandbox=True), handler, clock=lambda: now, min_interval=0)
    november = Window.days(date(2025, 11, 1), 30, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["323500", "61757"], november)
    assert sorted(handler.paths()) == [
        "/public/csv/damlbmp/20251101damlbmp_gen_csv.zip",
        "/public/csv/damlbmp/20251101damlbmp_zone_csv.zip",
    ]
    assert len(prices["323500"]) == len(prices["61757"]) == 30 * 24 + 1
    cached = [value.value for key, value in nyiso.pipeline.cache._fresh.items() if "_gen" in str(key)]
    assert [set(groups) for groups in cached] == [{"323500"}]  # one generator cached, not 55
    # Another generator is another node group: its own fetch, the first one's still cached.
    await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["323501"], november)
    await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["323500"], november)
    assert len(handler.paths()) == 3
    pieces = nyiso.source.plan(DAM, Ask(november, now, ("61757", "323501", "323500")))
    assert [(p.detail.name, p.detail.nodes, p.seconds) for p in pieces] == [  # type: ignore[attr-defined]
        ("20251101damlbmp_zone_csv.zip", None, 0.1),
        ("20251101damlbmp_gen_csv.zip", ("323500", "323501"), 0.1),
    ]
    await nyiso.aclose()


@pytest.mark.parametrize(("run", "length", "count"), [(None, FIVE, 300), (MarketRun.REAL_TIME_HOURLY, HOUR, 25)])
async def test_load_has_the_nyiso_total_the_sum_of_the_zones(
    run: MarketRun | None, length: timedelta, count: int
) -> None:
    nyiso = sandboxed(utc(2025, 11, 3, 12))
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    records = await nyiso.series(request(DatasetKind.LOAD, window, run))
    total = by_key(records, "area", "NYISO")
    assert len(total) == count and all(r.end - r.start == length for r in total)
    assert_contiguous(total)
    for record in total[:30]:
        zones = [r.mw for r in records if r.start == record.start and r.area != "NYISO"]
        assert len(zones) == 11 and record.mw == round(sum(zones), 4)
    await nyiso.aclose()


def test_the_total_is_left_out_where_a_zone_has_no_reading() -> None:
    pal = recorded("nyiso/pyiso_20171122pal.csv")
    records = PAL.parse(
        pal.replace(
            b'"11/22/2017 00:05:00","EST","CAPITL",61757,1149.5', b'"11/22/2017 00:05:00","EST","CAPITL",61757,', 1
        )
    )
    total = by_key(records, "area", "NYISO")
    assert (total[0].start, total[0].end, total[0].mw) == (z("2017-11-22T05:00"), z("2017-11-22T05:05"), 14840.8)
    assert total[1].start == datetime(2017, 11, 22, 5, 7, 34, tzinfo=UTC)  # no 00:05 total: CAPITL missing
    assert total[1].mw == 14699.9
    # A file of one zone (a trimmed fixture) gets no total at all.
    assert not by_key(PAL.parse(recorded("nyiso/vincal848_pal_20251102_CAPITL_trimmed.csv")), "area", "NYISO")


async def test_graphql_load_of_the_nyiso_total() -> None:
    app = create_app(Settings(sandbox=True), adapters={ISO.NYISO: sandboxed(utc(2025, 11, 3, 12))})
    query = '{ market(iso: NYISO) { load(date: "2025-11-02", area: "NYISO") { start area mw } } }'
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gridql.test") as client:
        response = await client.post("/graphql", json={"query": query})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    load = body["data"]["market"]["load"]
    assert len(load) == 300 and {r["area"] for r in load} == {"NYISO"}


def test_every_served_feed_declares_its_publication() -> None:
    served = {f.name: f for f in FEEDS if f.serves is not None and f.name != "generator"}
    assert all(f.retention is None for f in served.values())  # NYISO keeps every month's archive
    delays = {name: f.delay for name, f in served.items()}
    assert delays["damlbmp"] == delays["damasp"] == delays["DAMLimitingConstraints"] == -timedelta(days=1)
    assert delays["isolf"] == -timedelta(days=6)
    assert delays["realtime"] == delays["pal"] == delays["rtasp"] == FIVE
    assert served["damlbmp"].earliest == served["realtime"].earliest == date(2000, 1, 1)
    assert served["palIntegrated"].earliest == date(2001, 6, 1)
    areas = (*sorted(ZONE_NAMES), "NYISO")
    assert served["pal"].labels == served["palIntegrated"].labels == served["isolf"].labels == {"area": areas}
    nyiso = adapter(serving({}))
    assert nyiso.labels(DatasetKind.ANCILLARY_PRICES) == {
        "product": (
            "10 Min Spinning Reserve", "10 Min Non-Synchronous Reserve", "30 Min Operating Reserve",
            "NYCA Regulation Capacity", "NYCA Regulation Movement",
        ),
        "area": tuple(sorted(ZONE_NAMES)),
    }  # fmt: skip
    coverage = nyiso.coverage(None, MarketRun.DAY_AHEAD_HOURLY)
    assert coverage.earliest == local(2000, 1, 1, 0) and coverage.latest == TODAY_NOON + timedelta(days=1)


LABELLED = [
    ("nyiso/pyiso_20171122pal.csv", "pal", "area"),
    ("nyiso/pyiso_20171122isolf.csv", "isolf", "area"),
    ("nyiso/pyiso_20171122rtfuelmix.csv", "rtfuelmix", "fuel"),
    ("nyiso/pyiso_20171122ExternalLimitsFlows.csv", "ExternalLimitsFlows", "interface"),
]


@pytest.mark.parametrize(("path", "name", "field"), LABELLED)
def test_declared_labels_are_the_ones_the_recorded_files_carry(path: str, name: str, field: str) -> None:
    feed = next(f for f in FEEDS if f.name == name)
    assert {getattr(r, field) for r in feed.parse(recorded(path))} == set(feed.labels[field])


async def test_sandbox_records_carry_only_declared_labels() -> None:
    nyiso = sandboxed(utc(2025, 11, 3, 12))
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    fields = {"area", "fuel", "product", "interface"}
    for feed in FEEDS:
        if not isinstance(feed.serves, Dataset) or isinstance(feed.query, Document):
            continue  # a document is imported, not fetched (tests/test_capacity.py)
        records = [r for g in (await nyiso.pipeline.run(feed, Ask(window, nyiso.clock()))).values() for r in g]
        assert records, feed.name
        for field in fields & set(feed.labels):
            assert {getattr(r, field) for r in records} <= set(feed.labels[field]), (feed.name, field)
    await nyiso.aclose()


def test_pre_2016_lbmp_files_with_their_cut_header() -> None:
    body = (FIXTURES_NYISO / "damlbmp_zone_20150308_short_header.csv").read_bytes()
    # Spring-forward day: 01:00 EST is 06:00Z, the next hour printed is 03:00 EDT (07:00Z); energy
    # = LBMP - losses - congestion (flipped from the printed -4.20): 48.12 - 1.91 - 4.20.
    assert DAM.parse(body) == [
        PriceRecord("61757", z("2015-03-08T06:00"), z("2015-03-08T07:00"), 48.12, 42.01, 4.2, 1.91),
        PriceRecord("61757", z("2015-03-08T07:00"), z("2015-03-08T08:00"), 45.07, 40.35, 2.95, 1.77),
    ]
