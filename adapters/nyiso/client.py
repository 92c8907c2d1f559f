"""NYISO's public MIS files: which file serves a window, fetched once and cached per file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..cache import RecordCache
from ..errors import UnsupportedDataset, UnsupportedRun
from ..http import Upstream
from ..model import ISO, RUN_LENGTH, DatasetInfo, MarketInfo, MarketRun, Node, PriceRecord, SeriesRequest, Window
from . import nodes as nyiso_nodes
from .parse import EASTERN, parse_lbmp

BASE_URL = "https://mis.nyiso.com/public/csv"
GENERATORS_URL = f"{BASE_URL}/generator/generator.csv"

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


def file_url(dataset: str, variant: str, unit: date, *, monthly: bool) -> str:
    """The daily CSV, or the monthly zip archive (named for the 1st) that holds a whole month."""
    stamp = unit.strftime("%Y%m%d")
    suffix = "_csv.zip" if monthly else ".csv"
    return f"{BASE_URL}/{dataset}/{stamp}{dataset}_{variant}{suffix}"


class NyisoAdapter:
    market = MARKET
    fixed_nodes = tuple(nyiso_nodes.zonal_nodes())
    datasets: tuple[DatasetInfo, ...] = ()

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

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        raise UnsupportedDataset(f"{self.market.iso.value} does not serve {request.kind.value} yet")

    async def nodes(self) -> Sequence[Node]:
        return await self.cache.get(("nodes",), self._fetch_nodes)

    async def _fetch_nodes(self) -> list[Node]:
        response = await self.upstream.get(GENERATORS_URL)
        return [*self.fixed_nodes, *nyiso_nodes.parse_generators(response.content)]

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> ByNode:
        dataset = DATASETS.get(run)
        if dataset is None:
            published = ", ".join(r.name for r in MARKET.runs)
            raise UnsupportedRun(f"NYISO does not publish {run.name}; it publishes {published}")
        variants = sorted({"zone" if code in nyiso_nodes.ZONAL_PTIDS else "gen" for code in codes})
        units = self._units(window)
        files = await asyncio.gather(
            *(self._file(run, dataset, variant, unit, monthly) for variant in variants for unit, monthly in units)
        )
        result: ByNode = {}
        for code in codes:
            series: list[PriceRecord] = []
            for by_node in files:
                series.extend(r for r in by_node.get(code, ()) if window.start <= r.start < window.end)
            result[code] = _ordered_unique(series)
        return result

    def _units(self, window: Window) -> list[tuple[date, bool]]:
        """(day or month, is_monthly) files covering the window: daily files for the current month,
        one monthly archive per earlier month, as NYISO keeps them."""
        this_month = self.clock().astimezone(EASTERN).date().replace(day=1)
        units: list[tuple[date, bool]] = []
        for day in window.local_days(EASTERN):
            unit = (day.replace(day=1), True) if day < this_month else (day, False)
            if unit not in units:
                units.append(unit)
        return units

    async def _file(self, run: MarketRun, dataset: LbmpDataset, variant: str, unit: date, monthly: bool) -> ByNode:
        async def fetch() -> ByNode:
            url = file_url(dataset.name, variant, unit, monthly=monthly)
            response = await self.upstream.get(url, ok_statuses=(404,))
            if response.status_code == 404:
                return {}  # not published (yet): no intervals, rather than an error
            by_node: ByNode = {}
            for record in parse_lbmp(response.content, interval_ending=dataset.interval_ending, length=RUN_LENGTH[run]):
                by_node.setdefault(record.node, []).append(record)
            return by_node

        return await self.cache.get((dataset.name, variant, unit, monthly), fetch)


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
