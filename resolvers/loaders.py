"""Per-request DataLoaders: every node's `prices` in one query collapse into one adapter call per
(ISO, run, window), and the node catalog of each ISO is read once per request.

aiodataloader binds the running event loop when a loader is built, so loaders are built per request,
inside the async context getter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from aiodataloader import DataLoader

from gridql.adapters import stats
from gridql.adapters.base import Adapter
from gridql.adapters.model import ISO, MarketRun, Node, PriceRecord, SeriesRequest, Window

from .meter import Meter

PriceKey = tuple[ISO, MarketRun, Window, str]
Catalog = dict[str, Node]


class CatalogLoader(DataLoader[ISO, Catalog]):
    """ISO -> its whole node list, fetched (or read from cache) once per request."""

    def __init__(self, adapters: Mapping[ISO, Adapter]) -> None:
        super().__init__()
        self.adapters = adapters

    # aiodataloader takes an exception in place of a value: that key fails, the others do not.
    async def batch_load_fn(self, isos: Sequence[ISO]) -> list[Catalog | BaseException]:  # type: ignore[override]
        async def one(iso: ISO) -> Catalog:
            with stats.timed(iso):
                return {node.code: node for node in await self.adapters[iso].nodes()}

        return await asyncio.gather(*(one(iso) for iso in isos), return_exceptions=True)


class NodeLoader(DataLoader[tuple[ISO, str], Node | None]):
    """(ISO, node code) -> Node or None. Hubs and zones resolve from the adapter's fixed list; only
    other codes need the ISO's node list."""

    def __init__(self, adapters: Mapping[ISO, Adapter], catalog: CatalogLoader) -> None:
        super().__init__()
        self.adapters = adapters
        self.catalog = catalog

    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[tuple[ISO, str]]
    ) -> list[Node | BaseException | None]:
        fixed = {iso: {n.code: n for n in self.adapters[iso].fixed_nodes} for iso in {iso for iso, _ in keys}}
        needed = sorted({iso for iso, code in keys if code not in fixed[iso]}, key=lambda iso: iso.value)
        catalogs = dict(
            zip(needed, await asyncio.gather(*map(self.catalog.load, needed), return_exceptions=True), strict=True)
        )
        results: list[Node | BaseException | None] = []
        for iso, code in keys:
            if code in fixed[iso]:
                results.append(fixed[iso][code])
            else:
                catalog = catalogs[iso]
                results.append(catalog if isinstance(catalog, BaseException) else catalog.get(code))
        return results


class PriceLoader(DataLoader[PriceKey, list[PriceRecord]]):
    def __init__(self, adapters: Mapping[ISO, Adapter], meter: Meter) -> None:
        super().__init__()
        self.adapters = adapters
        self.meter = meter

    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[PriceKey]
    ) -> list[list[PriceRecord] | BaseException]:
        groups: dict[tuple[ISO, MarketRun, Window], list[str]] = {}
        for iso, run, window, code in keys:
            codes = groups.setdefault((iso, run, window), [])
            if code not in codes:
                codes.append(code)

        async def one(iso: ISO, run: MarketRun, window: Window, codes: list[str]) -> dict[str, list[PriceRecord]]:
            adapter = self.adapters[iso]
            reads = await adapter.reads(run, codes, window)
            self.meter.charge(iso, reads, f"{run.name} prices at {len(codes)} node(s)")
            with stats.timed(iso):
                return await adapter.prices(run, codes, window)

        group_keys = list(groups)
        outcomes = await asyncio.gather(*(one(*group, groups[group]) for group in group_keys), return_exceptions=True)
        by_group = dict(zip(group_keys, outcomes, strict=True))
        results: list[list[PriceRecord] | BaseException] = []
        for iso, run, window, code in keys:
            outcome = by_group[(iso, run, window)]
            results.append(outcome if isinstance(outcome, BaseException) else outcome.get(code, []))
        return results


class SeriesLoader(DataLoader[tuple[ISO, SeriesRequest], Sequence[Any]]):
    """(ISO, dataset request) -> records; the same dataset asked twice in one query is fetched once."""

    def __init__(self, adapters: Mapping[ISO, Adapter], meter: Meter) -> None:
        super().__init__()
        self.adapters = adapters
        self.meter = meter

    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[tuple[ISO, SeriesRequest]]
    ) -> list[Sequence[Any] | BaseException]:
        async def one(iso: ISO, request: SeriesRequest) -> Sequence[Any]:
            adapter = self.adapters[iso]
            self.meter.charge(iso, await adapter.series_reads(request), request.kind.value)
            with stats.timed(iso):
                return await adapter.series(request)

        return await asyncio.gather(*(one(iso, request) for iso, request in keys), return_exceptions=True)


class Loaders:
    def __init__(self, adapters: Mapping[ISO, Adapter], meter: Meter) -> None:
        self.catalog = CatalogLoader(adapters)
        self.node = NodeLoader(adapters, self.catalog)
        self.prices = PriceLoader(adapters, meter)
        self.series = SeriesLoader(adapters, meter)
