"""The CAISO adapter: OASIS SingleZip requests, cut to what one request may cover, and cached;
CAISO's daily published files, one request per Pacific day."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from ..cache import RecordCache
from ..errors import UnsupportedDataset, UnsupportedRun
from ..http import Upstream
from ..model import DatasetKind, MarketRun, Node, PriceRecord, SeriesRequest, Window
from . import datasets, files, parse
from .catalog import DATASETS
from .nodes import FIXED_NODES
from .reports import (
    ANCILLARY,
    CONSTRAINTS,
    LOAD_ACTUAL,
    LOAD_FORECASTS,
    MARKET,
    MAX_NODES,
    NODE_LIST,
    NODE_LIST_VERSION,
    RENEWABLES_ACTUAL,
    RENEWABLES_DAM,
    REPORTS,
    URL,
    Report,
)

T = TypeVar("T")


class _NothingPublished(Exception):
    """A request answered with no data (OASIS 'no data', a daily file not yet published): the
    caller gets no records, and nothing is cached, so a later query asks again."""


def oasis_time(instant: datetime, *, round_up: bool = False) -> str:
    """OASIS takes GMT to the minute: 20250309T08:00-0000."""
    instant = instant.astimezone(UTC)
    if round_up and (instant.second or instant.microsecond):
        instant = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return instant.strftime("%Y%m%dT%H:%M-0000")


def spans(window: Window, max_days: int, tz: ZoneInfo) -> list[Window]:
    """The window cut at Pacific midnights into pieces of at most `max_days` operating days."""
    cuts = [
        datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        for day in window.local_days(tz)[max_days::max_days]
    ]
    bounds = [window.start, *cuts, window.end]
    return [Window(start, end) for start, end in pairwise(bounds)]


def pieces(window: Window, report: Report, tz: ZoneInfo) -> list[Window]:
    """The window cut into what one request of `report` may span: operating days, or whole hours
    for the reports held to hours."""
    if report.max_hours is None:
        return spans(window, report.max_days, tz)
    step = timedelta(hours=report.max_hours)
    cuts: list[datetime] = []
    cut = window.start.replace(minute=0, second=0, microsecond=0) + step
    while cut < window.end:
        cuts.append(cut)
        cut += step
    return [Window(start, end) for start, end in pairwise([window.start, *cuts, window.end])]


def batches(codes: Sequence[str]) -> list[tuple[str, ...]]:
    unique = sorted(set(codes))
    return [tuple(unique[i : i + MAX_NODES]) for i in range(0, len(unique), MAX_NODES)]


def _latest(records: Sequence[Any], key: Callable[[Any], Hashable], published_before: datetime | None) -> list[Any]:
    """Per key, the record of the latest vintage published before `published_before` (any, if None)."""
    chosen: dict[Hashable, Any] = {}
    for record in records:
        if published_before is not None and record.published_at >= published_before:
            continue
        k = key(record)
        held = chosen.get(k)
        if held is None or record.published_at > held.published_at:
            chosen[k] = record
    return list(chosen.values())


class CaisoAdapter:
    market = MARKET
    fixed_nodes = FIXED_NODES
    datasets = DATASETS

    def __init__(self, upstream: Upstream, cache: RecordCache, files_upstream: Upstream | None = None) -> None:
        self.upstream = upstream  # OASIS, spaced as OASIS demands
        self.files = files_upstream or upstream  # www.caiso.com / content.caiso.com files
        self.cache = cache

    async def aclose(self) -> None:
        await self.upstream.aclose()
        if self.files is not self.upstream:
            await self.files.aclose()

    # --- nodes and prices -------------------------------------------------------------------

    async def nodes(self) -> Sequence[Node]:
        return await self.cache.get((NODE_LIST,), self._fetch_nodes)

    async def _fetch_nodes(self) -> list[Node]:
        today = Window.days(datetime.now(self.market.tz).date(), 1, self.market.tz)
        response = await self.upstream.get(
            URL,
            params={
                "queryname": NODE_LIST,
                "APnode_type": "ALL",
                "startdatetime": oasis_time(today.start),
                "enddatetime": oasis_time(today.end),
                "version": NODE_LIST_VERSION,
            },
        )
        # The hubs and DLAPs stay listed even should the atlas leave one out.
        listed = {node.code: node for node in parse.nodes(response.content)}
        listed.update((node.code, node) for node in self.fixed_nodes)
        return sorted(listed.values(), key=lambda node: node.code)

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        report = REPORTS.get(run)
        if report is None:
            published = ", ".join(r.name for r in self.market.runs)
            raise UnsupportedRun(f"CAISO does not publish {run.name}; it publishes: {published}")
        found: dict[str, dict[datetime, PriceRecord]] = {code: {} for code in codes}
        if not found:
            return {}
        requests = [
            (nodes, span) for nodes in batches(codes) for span in spans(window, report.max_days, self.market.tz)
        ]
        # All pieces go at once: the Upstream's limiter queues them at OASIS's pace.
        results = await asyncio.gather(
            *(self._oasis(report, span, parse.prices, {"node": ",".join(nodes)}) for nodes, span in requests)
        )
        for records in results:
            for record in records:
                series = found.get(record.node)
                if series is not None and window.contains(record.start):
                    series[record.start] = record
        return {code: [series[start] for start in sorted(series)] for code, series in found.items()}

    # --- market-wide datasets ---------------------------------------------------------------

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        kind, window = request.kind, request.window
        if kind is DatasetKind.LOAD:
            loads = await self._report(LOAD_ACTUAL, window, datasets.load)
            return _unique(loads, window, lambda r: (r.start, r.area))
        if kind is DatasetKind.LOAD_FORECAST:
            parts = await asyncio.gather(*(self._report(r, window, datasets.load_forecasts) for r in LOAD_FORECASTS))
            vintages = [r for part in parts for r in part if window.contains(r.start)]
            chosen = _latest(vintages, lambda r: (r.area, r.start, r.end), request.published_before)
            return sorted(chosen, key=lambda r: (r.start, r.area))
        if kind is DatasetKind.RENEWABLES:
            return await self._renewables(window, request.published_before)
        if kind is DatasetKind.FUEL_MIX:
            days = await asyncio.gather(*(self._fuel_mix(day) for day in window.local_days(self.market.tz)))
            return _unique([r for day in days for r in day], window, lambda r: (r.start, r.fuel))
        if kind is DatasetKind.ANCILLARY_PRICES:
            report = self._run_report(ANCILLARY, request)
            prices = await self._report(report, window, datasets.ancillary_prices)
            return _unique(prices, window, lambda r: (r.start, r.product, r.area or ""))
        if kind is DatasetKind.CONSTRAINTS:
            report = self._run_report(CONSTRAINTS, request)
            shadow = await self._report(report, window, datasets.constraints)
            return _unique(shadow, window, lambda r: (r.start, r.name))
        raise UnsupportedDataset(f"CAISO does not serve {kind.value}")

    def _run_report(self, reports: dict[MarketRun, Report], request: SeriesRequest) -> Report:
        report = reports.get(request.run) if request.run is not None else None
        if report is None:
            runs = ", ".join(run.name for run in reports)
            wanted = request.run.name if request.run is not None else "no run"
            raise UnsupportedDataset(f"CAISO publishes {request.kind.value} for {runs}, not {wanted}")
        return report

    async def _renewables(self, window: Window, published_before: datetime | None) -> list[Any]:
        days = window.local_days(self.market.tz)
        actual, forecast, *watch = await asyncio.gather(
            self._report(RENEWABLES_ACTUAL, window, datasets.renewables),
            self._report(RENEWABLES_DAM, window, datasets.renewables),
            *(
                self._daily(files.RENEWABLES_WATCH, files.RENEWABLES_WATCH_URL, day, files.renewables_watch)
                for day in days
            ),
        )
        measured = _unique([*actual, *(r for day in watch for r in day)], window, _renewable_key)
        forecasts = [r for r in forecast if window.contains(r.start)]
        chosen = _latest(forecasts, _renewable_key, published_before)
        return sorted([*measured, *chosen], key=lambda r: (r.start, r.source, r.area or "", r.forecast))

    async def _fuel_mix(self, day: date) -> list[Any]:
        return await self._daily(files.FUEL_SOURCE, files.FUEL_SOURCE_URL, day, lambda body: files.fuel_mix(body, day))

    # --- the requests -----------------------------------------------------------------------

    async def _report(self, report: Report, window: Window, parser: Callable[[bytes], list[T]]) -> list[T]:
        """`report` over `window`: one request per piece OASIS allows, all queued at once."""
        results = await asyncio.gather(
            *(self._oasis(report, span, parser) for span in pieces(window, report, self.market.tz))
        )
        return [record for part in results for record in part]

    async def _oasis(
        self,
        report: Report,
        span: Window,
        parser: Callable[[bytes], list[T]],
        selection: dict[str, str] | None = None,
    ) -> list[T]:
        chosen = tuple(sorted((selection or {}).items()))
        key = (*report.key, chosen, span.start, span.end)
        try:
            return await self.cache.get(key, lambda: self._fetch(report, span, parser, selection or {}))
        except _NothingPublished:
            return []

    async def _fetch(
        self, report: Report, span: Window, parser: Callable[[bytes], list[T]], selection: dict[str, str]
    ) -> list[T]:
        params: dict[str, str | int] = {"queryname": report.queryname}
        if report.market_run_id is not None:
            params["market_run_id"] = report.market_run_id
        params.update(
            {
                "version": report.version,
                "startdatetime": oasis_time(span.start),
                "enddatetime": oasis_time(span.end, round_up=True),
                **dict(report.params),
                **selection,
                "resultformat": 6,
            }
        )
        response = await self.upstream.get(URL, params=params)
        records = parser(response.content)
        if not records:
            raise _NothingPublished
        return records

    async def _daily(self, name: str, url: str, day: date, parser: Callable[[bytes], list[T]]) -> list[T]:
        """One of CAISO's daily files. A 404 is a day not (yet) published: no records, not cached."""
        try:
            return await self.cache.get((name, day), lambda: self._fetch_file(url.format(day=day), parser))
        except _NothingPublished:
            return []

    async def _fetch_file(self, url: str, parser: Callable[[bytes], list[T]]) -> list[T]:
        response = await self.files.get(url, ok_statuses=(404,))
        if response.status_code == 404:
            raise _NothingPublished
        records = parser(response.content)
        if not records:
            raise _NothingPublished
        return records


def _renewable_key(record: Any) -> Hashable:
    return (record.start, record.source, record.area or "", record.model or "")


def _unique(records: Sequence[T], window: Window, key: Callable[[T], Any]) -> list[T]:
    """The records starting in `window`, one per key (a window seam may repeat one), sorted by key."""
    found: dict[Any, T] = {}
    for record in records:
        if window.contains(record.start):  # type: ignore[attr-defined]
            found[key(record)] = record
    return [found[k] for k in sorted(found)]
