"""The CAISO adapter: OASIS SingleZip requests, cut to what one request may cover, and cached."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from ..cache import RecordCache
from ..errors import UnsupportedDataset, UnsupportedRun
from ..http import Upstream
from ..model import DatasetInfo, MarketRun, Node, PriceRecord, SeriesRequest, Window
from . import parse
from .nodes import FIXED_NODES
from .reports import MARKET, MAX_NODES, NODE_LIST, NODE_LIST_VERSION, REPORTS, URL, Report


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


def batches(codes: Sequence[str]) -> list[tuple[str, ...]]:
    unique = sorted(set(codes))
    return [tuple(unique[i : i + MAX_NODES]) for i in range(0, len(unique), MAX_NODES)]


class CaisoAdapter:
    market = MARKET
    fixed_nodes = FIXED_NODES
    datasets: tuple[DatasetInfo, ...] = ()

    def __init__(self, upstream: Upstream, cache: RecordCache) -> None:
        self.upstream = upstream
        self.cache = cache

    async def aclose(self) -> None:
        await self.upstream.aclose()

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        raise UnsupportedDataset(f"{self.market.iso.value} does not serve {request.kind.value} yet")

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
        pieces = [(nodes, span) for nodes in batches(codes) for span in spans(window, report.max_days, self.market.tz)]
        # All pieces go at once: the Upstream's limiter queues them at OASIS's pace.
        results = await asyncio.gather(*(self._records(report, nodes, span) for nodes, span in pieces))
        for records in results:
            for record in records:
                series = found.get(record.node)
                if series is not None and window.contains(record.start):
                    series[record.start] = record
        return {code: [series[start] for start in sorted(series)] for code, series in found.items()}

    async def _records(self, report: Report, nodes: tuple[str, ...], span: Window) -> list[PriceRecord]:
        key = (report.queryname, report.market_run_id, nodes, span.start, span.end)
        return await self.cache.get(key, lambda: self._fetch(report, nodes, span))

    async def _fetch(self, report: Report, nodes: tuple[str, ...], span: Window) -> list[PriceRecord]:
        response = await self.upstream.get(
            URL,
            params={
                "queryname": report.queryname,
                "market_run_id": report.market_run_id,
                "version": report.version,
                "startdatetime": oasis_time(span.start),
                "enddatetime": oasis_time(span.end, round_up=True),
                "node": ",".join(nodes),
                "resultformat": 6,
            },
        )
        return parse.prices(response.content)
