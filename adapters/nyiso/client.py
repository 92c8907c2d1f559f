"""NYISO's public MIS files: which file serves a window, fetched once and cached per file."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import httpx

from ..cache import RecordCache
from ..errors import UnsupportedDataset, UnsupportedRun, UpstreamBadResponse
from ..http import Upstream
from ..model import (
    ISO,
    RUN_LENGTH,
    DatasetInfo,
    DatasetKind,
    LoadForecastRecord,
    MarketInfo,
    MarketRun,
    Node,
    PriceRecord,
    SeriesRequest,
    Window,
)
from . import nodes as nyiso_nodes
from . import series as nyiso_series
from .load import Vintage, isolf_vintages
from .mis import BASE_URL, EASTERN, Unit, file_url, last_modified, units
from .parse import parse_lbmp

GENERATORS_URL = f"{BASE_URL}/generator/generator.csv"
# How many daily files back a forecast query looks for a vintage published before its cutoff.
VINTAGE_LOOKBACK = 3

T = TypeVar("T")

MARKET = MarketInfo(
    iso=ISO.NYISO,
    name="New York ISO",
    timezone="America/New_York",
    runs=(MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_5_MIN, MarketRun.REAL_TIME_HOURLY),
)


@dataclass(frozen=True, slots=True)
class LbmpDataset:
    name: str  # MIS folder and file stem: damlbmp, realtime, rtlbmp
    interval_ending: bool


DATASETS: dict[MarketRun, LbmpDataset] = {
    MarketRun.DAY_AHEAD_HOURLY: LbmpDataset("damlbmp", interval_ending=False),  # P-2A / P-2B
    MarketRun.REAL_TIME_5_MIN: LbmpDataset("realtime", interval_ending=True),  # P-24A / P-24B
    MarketRun.REAL_TIME_HOURLY: LbmpDataset("rtlbmp", interval_ending=False),  # P-4A / P-4B
}

ByNode = dict[str, list[PriceRecord]]


class NotPublished(Exception):
    """A 404 for a file that covers today or later: NYISO has not posted it yet (never cached)."""


class NyisoAdapter:
    market = MARKET
    fixed_nodes = tuple(nyiso_nodes.zonal_nodes())
    datasets: tuple[DatasetInfo, ...] = nyiso_series.DATASETS

    def __init__(
        self,
        upstream: Upstream,
        cache: RecordCache,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.upstream = upstream
        self.cache = cache
        self.clock = clock

    async def aclose(self) -> None:
        await self.upstream.aclose()

    def _today(self) -> date:
        return self.clock().astimezone(EASTERN).date()

    async def nodes(self) -> Sequence[Node]:
        return await self.cache.get(("nodes",), self._fetch_nodes)

    async def _fetch_nodes(self) -> list[Node]:
        response = await self.upstream.get(GENERATORS_URL)
        return [*self.fixed_nodes, *nyiso_nodes.parse_generators(response.content)]

    # --- the one way every MIS file is fetched ----------------------------------------------

    async def _mis(
        self, dataset: str, unit: Unit, decode: Callable[[httpx.Response], T], *, suffix: str = ""
    ) -> T | None:
        """One MIS file, parsed by `decode` and cached per file; None when NYISO has not posted it
        yet (a 404 for a file covering today or later, not cached so the next query asks again).
        A 404 for an older file is an error: NYISO keeps every past day."""

        async def fetch() -> T:
            response = await self.upstream.get(file_url(dataset, unit, suffix), ok_statuses=(404,))
            if response.status_code == 404:
                if unit.may_be_unpublished(self._today()):
                    raise NotPublished
                raise UpstreamBadResponse(ISO.NYISO, f"{unit.name(dataset, suffix)} is missing (HTTP 404)")
            return decode(response)

        try:
            return await self.cache.get((dataset, suffix, unit), fetch)
        except NotPublished:
            return None

    # --- node prices -------------------------------------------------------------------------

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> ByNode:
        dataset = DATASETS.get(run)
        if dataset is None:
            published = ", ".join(r.name for r in MARKET.runs)
            raise UnsupportedRun(f"NYISO does not publish {run.name}; it publishes {published}")
        variants = sorted({"zone" if code in nyiso_nodes.ZONAL_PTIDS else "gen" for code in codes})
        length = RUN_LENGTH[run]

        def decode(response: httpx.Response) -> ByNode:
            by_node: ByNode = {}
            for record in parse_lbmp(response.content, interval_ending=dataset.interval_ending, length=length):
                by_node.setdefault(record.node, []).append(record)
            for series in by_node.values():
                series.sort(key=_start)  # cached sorted, so a window is two bisections of it
            return by_node

        files = await asyncio.gather(
            *(
                self._mis(dataset.name, unit, decode, suffix=f"_{variant}")
                for variant in variants
                for unit in units(window, self._today())
            )
        )
        result: ByNode = {}
        for code in codes:
            series: list[PriceRecord] = []
            for by_node in files:
                cached = by_node.get(code) if by_node is not None else None
                if cached:
                    lo = bisect_left(cached, window.start, key=_start)
                    series.extend(cached[lo : bisect_left(cached, window.end, lo, key=_start)])
            result[code] = _ordered_unique(series)
        return result

    # --- market-wide datasets ----------------------------------------------------------------

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        if request.kind is DatasetKind.LOAD_FORECAST:
            if request.run is not None:
                raise UnsupportedDataset(f"NYISO's load forecast has no runs, not {request.run.name}")
            return await self._forecast(request.window, request.published_before)
        feed = nyiso_series.FEEDS.get((request.kind, request.run))
        if feed is None:
            raise UnsupportedDataset(_unsupported(request))

        def decode(response: httpx.Response) -> Sequence[Any]:
            return feed.parse(response.content)

        window = request.window
        files = await asyncio.gather(*(self._mis(feed.name, unit, decode) for unit in units(window, self._today())))
        chosen = [r for file in files if file is not None for r in file if window.start <= r.start < window.end]
        return nyiso_series.ordered_unique(chosen)

    async def _forecast(self, window: Window, published_before: datetime | None) -> list[LoadForecastRecord]:
        """The hours of `window` from one isolf vintage: the latest published before the cutoff
        (`published_before`, or now) among the files dated up to the window's first day. A file
        dated D forecasts D and the five days after it, so a past window gets the forecast that
        was current for it rather than today's, which does not cover it."""
        cutoff = published_before or self.clock()
        day = min(cutoff.astimezone(EASTERN).date() + timedelta(days=1), window.start.astimezone(EASTERN).date())
        for _ in range(VINTAGE_LOOKBACK):
            vintage = await self._vintage(day)
            if vintage is not None and vintage.published_at is not None and vintage.published_at < cutoff:
                return [r for r in vintage.records if window.start <= r.start < window.end]
            day -= timedelta(days=1)
        return []

    async def _vintage(self, day: date) -> Vintage | None:
        """The isolf file dated `day`, from its daily CSV or from its month's archive."""
        unit = next(iter(units(Window.days(day, 1, EASTERN), self._today())))

        def decode(response: httpx.Response) -> dict[Hashable, Vintage]:
            # A daily CSV carries its publication time as Last-Modified; without one, its date.
            posted = last_modified(response) or datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC)
            return {vintage.day or day: vintage for vintage in isolf_vintages(response.content, posted)}

        vintages = await self._mis(nyiso_series.ISOLF, unit, decode)
        return None if vintages is None else vintages.get(day)


def _unsupported(request: SeriesRequest) -> str:
    runs = sorted(run.name for kind, run in nyiso_series.FEEDS if kind is request.kind and run is not None)
    if runs and request.run is None:
        return f"NYISO serves {request.kind.value} per run ({', '.join(runs)}): name one"
    if runs:
        return f"NYISO serves {request.kind.value} for {', '.join(runs)}, not {request.run.name if request.run else ''}"
    if any(kind is request.kind for kind, _ in nyiso_series.FEEDS):
        return f"NYISO's {request.kind.value} has no runs"
    return f"NYISO does not serve {request.kind.value}"


def _ordered_unique(series: list[PriceRecord]) -> list[PriceRecord]:
    """Sorted by start; where an interval appears twice (a republished row) the later one wins."""
    series.sort(key=lambda r: r.start)
    unique: list[PriceRecord] = []
    for record in series:
        if unique and unique[-1].start == record.start:
            unique[-1] = record
        else:
            unique.append(record)
    return unique


def _start(record: PriceRecord) -> datetime:
    return record.start
