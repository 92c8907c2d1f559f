"""NYISO: the recorded MIS files parse to their exact values, and the adapter asks for the right files."""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from adapters.cache import RecordCache
from adapters.config import Settings
from adapters.errors import UnsupportedRun, UpstreamBadResponse
from adapters.http import RetryPolicy, Upstream
from adapters.model import ISO, MarketRun, PriceRecord, Window
from adapters.nyiso import FEEDS, create
from adapters.nyiso.client import NyisoAdapter
from adapters.nyiso.parse import EASTERN

DAM = next(f for f in FEEDS if f.name == "damlbmp")
REALTIME = next(f for f in FEEDS if f.name == "realtime")


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def series(records: list[PriceRecord], ptid: str) -> list[PriceRecord]:
    return [r for r in records if r.node == ptid]


def assert_contiguous(records: list[PriceRecord]) -> None:
    for before, after in itertools.pairwise(records):
        assert before.end == after.start, (before, after)
        assert before.start < before.end


# --- parsers against the recorded files -------------------------------------------------------


def test_dam_fall_back_day_has_25_distinct_hours(samples: Path) -> None:
    records = DAM.parse((samples / "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv").read_bytes())
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


def test_realtime_fall_back_day_is_interval_ending_with_300_intervals(samples: Path) -> None:
    records = REALTIME.parse((samples / "nyiso/vincal848_realtime_zone_20251102_CAPITL.csv").read_bytes())
    assert len(records) == 300
    assert records[0] == PriceRecord("61757", z("2025-11-02T04:00"), z("2025-11-02T04:05"), 123.63, 121.08, 0.0, 2.55)
    first_one_am = next(r for r in records if r.end == z("2025-11-02T05:00"))
    second_one_am = next(r for r in records if r.end == z("2025-11-02T06:00"))
    assert (first_one_am.lmp, second_one_am.lmp) == (55.55, 49.23)
    assert records[-1].end == z("2025-11-03T05:00") and records[-1].lmp == 36.38
    assert_contiguous(records)


def test_realtime_off_cycle_intervals_and_congestion_sign(samples: Path) -> None:
    records = REALTIME.parse((samples / "nyiso/vincal848_realtime_zone_20211107_CAPITL_trimmed.csv").read_bytes())
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


def test_realtime_zonal_file_with_external_proxies(samples: Path) -> None:
    # The pyiso fixture starts with a blank line before the header.
    records = REALTIME.parse((samples / "nyiso/pyiso_lmp.csv").read_bytes())
    assert len(records) == 45
    assert {r.node for r in records} >= {"61844", "61845", "61846", "61847", "61761"}
    hq = series(records, "61844")[0]
    assert (hq.end, hq.lmp, hq.loss) == (z("2016-02-18T05:15"), 19.21, -0.64)
    # The energy component is system-wide: every zone derives the same one, to the cent.
    at_first = [r.energy for r in records if r.end == z("2016-02-18T05:15")]
    assert len(at_first) == 15
    assert max(at_first) - min(at_first) <= 0.011  # type: ignore[operator]


def test_missing_column_is_a_bad_response() -> None:
    body = b'"Time Stamp","Name","PTID","LBMP ($/MWHr)"\n"11/02/2025 00:00","CAPITL",61757,49.96\n'
    with pytest.raises(UpstreamBadResponse, match="Marginal Cost Losses"):
        DAM.parse(body)


def test_non_numeric_price_is_a_bad_response() -> None:
    body = (
        b'"Time Stamp","Name","PTID","LBMP ($/MWHr)","Marginal Cost Losses ($/MWHr)",'
        b'"Marginal Cost Congestion ($/MWHr)"\n"11/02/2025 00:00","CAPITL",61757,n/a,1.0,0.0\n'
    )
    with pytest.raises(UpstreamBadResponse, match="non-numeric LBMP 'n/a'"):
        DAM.parse(body)


# --- the adapter: which files, how many requests ---------------------------------------------


class Recorder:
    """A MockTransport handler serving fixed bodies by path, recording each request."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        body = self.bodies.get(request.url.path)
        if body is None:
            return httpx.Response(404, text="<html>Not Found</html>")
        return httpx.Response(200, content=body)


def adapter(handler: Recorder, today: date = date(2025, 11, 20)) -> NyisoAdapter:
    upstream = Upstream(
        ISO.NYISO, min_interval=0, retry=RetryPolicy(attempts=1), transport=httpx.MockTransport(handler)
    )
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    return NyisoAdapter(upstream, RecordCache(ISO.NYISO, ttl=300), clock=lambda: now)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


async def test_batch_of_zones_is_one_daily_file(samples: Path) -> None:
    body = (samples / "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv").read_bytes()
    handler = Recorder({"/public/csv/damlbmp/20251102damlbmp_zone.csv": body})
    nyiso = adapter(handler)
    window = Window.days(date(2025, 11, 2), 1, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757", "61752"], window)
    assert handler.paths == ["/public/csv/damlbmp/20251102damlbmp_zone.csv"]
    assert [len(prices["61757"]), len(prices["61752"])] == [25, 25]
    assert prices["61752"][0].lmp == 46.61
    # The same window again is served from the cache.
    await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], window)
    assert len(handler.paths) == 1


async def test_earlier_months_come_from_one_monthly_archive(samples: Path) -> None:
    day = (samples / "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv").read_bytes()
    archive = zip_of({"20251102damlbmp_zone.csv": day})
    handler = Recorder({"/public/csv/damlbmp/20251101damlbmp_zone_csv.zip": archive})
    nyiso = adapter(handler, today=date(2026, 1, 15))
    window = Window.days(date(2025, 11, 1), 30, EASTERN)
    prices = await nyiso.prices(MarketRun.DAY_AHEAD_HOURLY, ["61757"], window)
    assert handler.paths == ["/public/csv/damlbmp/20251101damlbmp_zone_csv.zip"]
    assert len(prices["61757"]) == 25


async def test_zones_and_generators_need_one_file_each_per_day() -> None:
    handler = Recorder({})
    nyiso = adapter(handler)
    window = Window(z("2025-11-18T05:00"), z("2025-11-20T05:00"))  # two Eastern operating days
    prices = await nyiso.prices(MarketRun.REAL_TIME_5_MIN, ["61757", "61761", "323500"], window)
    assert sorted(handler.paths) == [
        "/public/csv/realtime/20251118realtime_gen.csv",
        "/public/csv/realtime/20251118realtime_zone.csv",
        "/public/csv/realtime/20251119realtime_gen.csv",
        "/public/csv/realtime/20251119realtime_zone.csv",
    ]
    # Files not published (404) mean no intervals, not an error.
    assert prices == {"61757": [], "61761": [], "323500": []}


async def test_html_error_page_is_a_bad_response() -> None:
    handler = Recorder({"/public/csv/rtlbmp/20251102rtlbmp_zone.csv": b"<html><body>Service busy</body></html>"})
    nyiso = adapter(handler)
    with pytest.raises(UpstreamBadResponse, match="NYISO: LBMP file has no 'Time Stamp' column"):
        await nyiso.prices(MarketRun.REAL_TIME_HOURLY, ["61757"], Window.days(date(2025, 11, 2), 1, EASTERN))


async def test_unpublished_run_is_refused() -> None:
    nyiso = adapter(Recorder({}))
    with pytest.raises(UnsupportedRun, match="NYISO does not publish REAL_TIME_15_MIN"):
        await nyiso.prices(MarketRun.REAL_TIME_15_MIN, ["61757"], Window.days(date(2025, 11, 2), 1, EASTERN))


# --- the sandbox speaks the same format ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "run", "count"),
    [
        (date(2025, 3, 9), MarketRun.DAY_AHEAD_HOURLY, 23),
        (date(2025, 11, 2), MarketRun.DAY_AHEAD_HOURLY, 25),
        (date(2025, 3, 9), MarketRun.REAL_TIME_5_MIN, 276),
        (date(2025, 11, 2), MarketRun.REAL_TIME_5_MIN, 300),
        (date(2025, 11, 2), MarketRun.REAL_TIME_HOURLY, 25),
    ],
)
async def test_sandbox_dst_days(day: date, run: MarketRun, count: int) -> None:
    nyiso = create(Settings(sandbox=True), min_interval=0)
    window = Window.days(day, 1, EASTERN)
    # Generators only for hourly runs: a month of 5-minute generator prices is slow to generate.
    codes = ["61761"] if run is MarketRun.REAL_TIME_5_MIN else ["61761", "323500"]
    prices = await nyiso.prices(run, codes, window)
    assert list(prices) == codes
    for records in prices.values():
        assert len(records) == count
        assert records[0].start == window.start and records[-1].end == window.end
        assert_contiguous(records)
        assert all(abs(r.energy + r.congestion + r.loss - r.lmp) < 0.006 for r in records)  # type: ignore[operator]
    await nyiso.aclose()


async def test_sandbox_node_list_has_real_zones_and_50_nodes() -> None:
    nyiso = create(Settings(sandbox=True), min_interval=0)
    nodes = {n.code: n for n in await nyiso.nodes()}
    assert len(nodes) >= 50
    assert nodes["61761"].name == "N.Y.C." and nodes["61761"].type.value == "ZONE"
    assert nodes["61844"].name == "H Q" and nodes["61844"].type.value == "INTERFACE"
    await nyiso.aclose()


def test_window_days_are_local_operating_days() -> None:
    window = Window.days(date(2025, 3, 9), 1, EASTERN)
    assert window.end - window.start == timedelta(hours=23)
    assert window.local_days(EASTERN) == [date(2025, 3, 9)]
