"""One contract, every ISO: the behaviour the pipeline promises for every served feed.

Run over each ISO through its real client code against its sandbox (`adapters.sandbox`), the way
one behavioural suite runs over every integration. Per-ISO test files keep only each ISO's quirks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest

from gridql.adapters import caiso, ercot, nyiso, pjm, registry, sandbox
from gridql.adapters.config import Settings
from gridql.adapters.errors import UnsupportedDataset, UnsupportedRun, UpstreamBadResponse
from gridql.adapters.feed import Dataset, Feed, Prices
from gridql.adapters.model import ISO, RUN_LENGTH, DatasetKind, MarketRun, SeriesRequest, Window
from gridql.adapters.pipeline import Ask, FeedAdapter, series_key

from .conftest import REPO, SAMPLES
from .helpers import Recording, assert_contiguous, assert_inside

PACKAGES: dict[ISO, ModuleType] = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}
SPRING, FALL = date(2025, 3, 9), date(2025, 11, 2)
# The DST days of 2026, for feeds the ISO began after 2025's (ERCOT's real-time AS prices, 12/2025).
LATER_DST = {SPRING: date(2026, 3, 8), FALL: date(2026, 11, 1)}
# Sparse by nature: a constraint binds in some intervals only.
SPARSE = {DatasetKind.CONSTRAINTS}
# Rows over a term (a month, a quarter, a delivery year), not intervals of a day.
TERMS = {DatasetKind.TRANSMISSION_RIGHTS, DatasetKind.FTR_CONGESTION_PRICES, DatasetKind.CAPACITY_PRICES}
# ERCOT's sign-in is not a data request.
SIGN_IN_HOST = "ercotb2c.b2clogin.com"


def served(iso: ISO) -> list[Feed[Any]]:
    return [f for f in PACKAGES[iso].FEEDS if isinstance(f.serves, Prices | Dataset)]


def feed_cases() -> list[Any]:
    """Every served feed of intervals (not terms)."""
    return [
        pytest.param(iso, feed, id=f"{iso.value}:{feed.name}")
        for iso in ISO
        for feed in served(iso)
        if not (isinstance(feed.serves, Dataset) and feed.serves.kind in TERMS)
    ]


def pinned(day: date) -> Callable[[], datetime]:
    """Now is noon UTC the day after `day`: by then `day` is wholly published everywhere."""
    now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(days=1)
    return lambda: now


def adapter(iso: ISO, clock: Callable[[], datetime], transport: httpx.AsyncBaseTransport | None = None) -> FeedAdapter:
    settings = Settings(sandbox=True, retries=1)
    built: FeedAdapter = PACKAGES[iso].create(
        sandbox.credentials(settings),
        transport or sandbox.transport(iso, settings, clock=clock),
        clock=clock,
        min_interval=0,
    )
    return built


def data_requests(recording: Recording) -> int:
    return sum(1 for request in recording.requests if request.url.host != SIGN_IN_HOST)


async def feed_records(iso: ISO, feed: Feed[Any], window: Window, clock: Callable[[], datetime]) -> list[Any]:
    built = adapter(iso, clock)
    try:
        if isinstance(feed.serves, Prices):
            codes = [node.code for node in built.fixed_nodes[:2]]
            by_node = await built.prices(feed.serves.run, codes, window)
            return [r for series in by_node.values() for r in series]
        assert isinstance(feed.serves, Dataset)
        # Only this feed's records: the pipeline run of the one feed, as `series` joins them.
        groups = await built.pipeline.run(feed, Ask(window, clock()))
        return [r for group in groups.values() for r in group]
    finally:
        await built.aclose()


# --- declarations --------------------------------------------------------------------------------


@pytest.mark.parametrize("iso", list(ISO))
def test_each_iso_declares_its_feeds_once(iso: ISO) -> None:
    feeds = PACKAGES[iso].FEEDS
    names = [feed.name.lower() for feed in feeds]
    assert len(names) == len(set(names)), "a feed name is declared twice"
    assert all(feed.iso is iso for feed in feeds)
    assert all(feed.description for feed in feeds)
    market = PACKAGES[iso].MARKET
    assert set(market.runs) == {f.serves.run for f in feeds if isinstance(f.serves, Prices)}


@pytest.mark.parametrize("iso", list(ISO))
def test_a_feed_id_is_spelled_in_its_declaration_not_in_the_plumbing(iso: ISO) -> None:
    """Outside the sandbox, a feed's id appears in its ISO's `feeds.py` (and maybe its parser's
    messages), never in the source, the package's front door or another ISO's code."""
    package = REPO / "adapters" / iso.value.lower()
    plumbing = [package / "source.py", package / "__init__.py"]
    plumbing += [p for p in (REPO / "adapters").rglob("*.py") if package not in p.parents and "sandbox" not in p.parts]
    texts = {path: path.read_text() for path in plumbing if path.is_file()}
    for feed in PACKAGES[iso].FEEDS:
        for path, text in texts.items():
            assert f'"{feed.name}"' not in text, f"{feed.name} is spelled in {path.relative_to(REPO)}"


def test_production_adapters_import_no_sandbox() -> None:
    code = (
        "import gridql.adapters.pjm, gridql.adapters.ercot, gridql.adapters.caiso, gridql.adapters.nyiso, "
        "gridql.adapters.registry, gridql.graph.app, sys;"
        "loaded = [m for m in sys.modules if 'sandbox' in m]; assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_no_sandbox_imports_its_clients_constants() -> None:
    """A sandbox that shares the client's numbers cannot catch a wrong one: it may use only the
    neutral model, time helpers, its own synthetic data and the ISO's reference node lists."""
    allowed = re.compile(r"^(gridql\.adapters\.(model|timeutil|config|sandbox(\.\w+)*|\w+\.nodes))$")
    for path in (REPO / "adapters" / "sandbox").rglob("*.py"):
        text = path.read_text()
        for module in re.findall(r"^\s*from\s+(\S+)\s+import", text, re.MULTILINE):
            absolute = _absolute(path, module)
            if absolute.startswith("gridql.adapters"):
                assert allowed.match(absolute), f"{path.relative_to(REPO)} imports {module}"
        assert not re.search(r"^\s*import\s+(gridql\.)?adapters", text, re.MULTILINE), path


def _absolute(path: Any, module: str) -> str:
    if not module.startswith("."):
        return str(module)
    dots = len(module) - len(module.lstrip("."))
    package = list(path.relative_to(REPO).with_suffix("").parts)[:-1]
    if path.name == "__init__.py":
        package = list(path.relative_to(REPO).parts)[:-1]
    base = package[: len(package) - (dots - 1)] if dots > 1 else package
    rest = module.lstrip(".")
    return ".".join(["gridql", *base, rest] if rest else ["gridql", *base])


def test_every_recorded_sample_has_its_provenance() -> None:
    manifest = (SAMPLES / "MANIFEST.md").read_text()
    for path in SAMPLES.rglob("*"):
        if path.is_file() and path.name != "MANIFEST.md":
            name = str(path.relative_to(SAMPLES))
            braced = re.sub(r"(\d)\d(_Daily)", r"\1{4,6}\2", name)  # the MANIFEST folds a pair of days
            assert name in manifest or braced in manifest or path.name in manifest, f"{name} has no MANIFEST line"


# --- every served feed, on both DST days ---------------------------------------------------------


@pytest.mark.parametrize(("iso", "feed"), feed_cases())
@pytest.mark.parametrize("day", [SPRING, FALL], ids=["spring-forward", "fall-back"])
async def test_a_dst_day_has_its_23_or_25_hours(iso: ISO, feed: Feed[Any], day: date) -> None:
    spring = day == SPRING
    if feed.earliest is not None and feed.earliest > day:
        day = LATER_DST[day]
    market = PACKAGES[iso].MARKET
    window = Window.days(day, 1, market.tz)
    hours = (window.end - window.start) // timedelta(hours=1)
    assert hours == (23 if spring else 25)
    records = await feed_records(iso, feed, window, pinned(day))
    assert records, f"the sandbox serves no {feed.name} rows for {day}"
    assert_inside(records, window)
    by_series: dict[tuple[Any, ...], set[datetime]] = {}
    for record in records:
        assert record.end > record.start
        assert feed.interval is None or record.end - record.start <= feed.interval
        by_series.setdefault(series_key(record), set()).add(record.start.replace(minute=0, second=0))
    if isinstance(feed.serves, Prices):
        # Every interval of the day at each node, in order, contiguous: both passes through a
        # repeated hour, none in the hour that does not exist. (ERCOT's SCED runs are stamped a few
        # seconds past each mark and last until the next run: contiguous, not on the grid.)
        length = RUN_LENGTH[feed.serves.run]
        for node in {r.node for r in records}:
            series = [r for r in records if r.node == node]
            assert len(series) == (window.end - window.start) // length, (node, len(series))
            assert window.start <= series[0].start < window.start + length
            assert_contiguous(series)
    kind = feed.serves.kind if isinstance(feed.serves, Dataset) else None
    for series_id, covered in by_series.items():
        if kind in SPARSE:
            assert len(covered) <= hours, series_id
        else:
            assert len(covered) == hours, (series_id, len(covered))


# --- requests, caching, refusals ------------------------------------------------------------------


@pytest.mark.parametrize("iso", list(ISO))
async def test_a_batch_is_one_request_and_a_repeat_is_a_cache_hit(iso: ISO) -> None:
    clock = pinned(date(2025, 7, 1))
    settings = Settings(sandbox=True)
    recording = Recording(sandbox.transport(iso, settings, clock=clock))
    built = adapter(iso, clock, recording)
    window = Window.days(date(2025, 7, 1), 1, built.market.tz)
    codes = [node.code for node in built.fixed_nodes[:3]]
    try:
        first = await built.prices(MarketRun.DAY_AHEAD_HOURLY, codes, window)
        assert data_requests(recording) == 1
        assert all(len(first[code]) == 24 for code in codes)
        again = await built.prices(MarketRun.DAY_AHEAD_HOURLY, codes, window)
        assert data_requests(recording) == 1
        assert again == first
    finally:
        await built.aclose()


@pytest.mark.parametrize("iso", list(ISO))
async def test_a_bad_body_is_refused_and_never_cached(iso: ISO) -> None:
    clock = pinned(date(2025, 7, 1))
    real = sandbox.transport(iso, Settings(sandbox=True), clock=clock)
    broken = True

    async def flaky(request: httpx.Request) -> httpx.Response:
        if broken and request.url.host != SIGN_IN_HOST:
            return httpx.Response(200, text="<html><body>Maintenance</body></html>")
        return await real.handle_async_request(request)

    recording = Recording(flaky)
    built = adapter(iso, clock, recording)
    window = Window.days(date(2025, 7, 1), 1, built.market.tz)
    code = built.fixed_nodes[0].code
    try:
        with pytest.raises(UpstreamBadResponse):
            await built.prices(MarketRun.DAY_AHEAD_HOURLY, [code], window)
        broken = False
        before = data_requests(recording)
        answer = await built.prices(MarketRun.DAY_AHEAD_HOURLY, [code], window)
        assert data_requests(recording) > before  # asked again: the bad body was not kept
        assert len(answer[code]) == 24
    finally:
        await built.aclose()


@pytest.mark.parametrize("iso", list(ISO))
async def test_unsupported_runs_and_datasets_are_refused_in_one_wording(iso: ISO) -> None:
    built = adapter(iso, pinned(date(2025, 7, 1)))
    market = built.market
    window = Window.days(date(2025, 7, 1), 1, market.tz)
    missing = next(run for run in MarketRun if run not in market.runs)
    published = ", ".join(run.name for run in market.runs)
    try:
        with pytest.raises(UnsupportedRun) as refused:
            await built.prices(missing, [built.fixed_nodes[0].code], window)
        assert str(refused.value) == f"{iso.value} does not publish {missing.name}; it publishes {published}"
        kind = next(kind for kind in DatasetKind if kind not in {info.kind for info in built.datasets})
        with pytest.raises(UnsupportedDataset) as unserved:
            await built.series(SeriesRequest(kind, window))
        assert str(unserved.value) == f"{iso.value} does not serve {kind.value}; see `Market.datasets` for what it does"
        for info in built.datasets:
            bad_run = next(run for run in MarketRun if run not in info.runs)
            with pytest.raises(UnsupportedDataset, match=f"^{iso.value} does not serve {info.kind.value} for "):
                await built.series(SeriesRequest(info.kind, window, bad_run))
    finally:
        await built.aclose()


@pytest.mark.parametrize("iso", list(ISO))
async def test_windows_are_half_open(iso: ISO) -> None:
    clock = pinned(date(2025, 7, 1))
    built = adapter(iso, clock)
    day = Window.days(date(2025, 7, 1), 1, built.market.tz)
    code = built.fixed_nodes[0].code
    try:
        first_hour = Window(day.start, day.start + timedelta(hours=1))
        hour = (await built.prices(MarketRun.DAY_AHEAD_HOURLY, [code], first_hour))[code]
        assert [r.start for r in hour] == [day.start]
        assert hour[0].end == first_hour.end  # the next interval starts at the window's end: not in it
    finally:
        await built.aclose()


@pytest.mark.parametrize("iso", list(ISO))
async def test_fixed_nodes_are_in_the_node_list(iso: ISO) -> None:
    built = adapter(iso, pinned(date(2025, 7, 1)))
    try:
        listed = {node.code: node for node in await built.nodes()}
        for node in built.fixed_nodes:
            assert listed[node.code] == node
        assert len(listed) >= 50
    finally:
        await built.aclose()


def test_the_registry_builds_every_iso_in_sandbox_mode() -> None:
    built = registry.build(Settings(sandbox=True))
    assert set(built) == set(ISO)
    assert all(adapter.upstreams for adapter in built.values())
