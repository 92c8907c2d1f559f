"""The one small protocol every ISO adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from .cache import RecordCache
from .http import Upstream
from .model import (
    Archived,
    Coverage,
    DatasetInfo,
    DatasetKind,
    InterconnectionProject,
    MarketInfo,
    MarketRun,
    Node,
    PriceRecord,
    SeriesRequest,
    Window,
)


class Adapter(Protocol):
    @property
    def market(self) -> MarketInfo: ...

    @property
    def fixed_nodes(self) -> Sequence[Node]:
        """Nodes known without asking the ISO (its hubs and zones): looking one up costs no request."""
        ...

    async def nodes(self) -> Sequence[Node]:
        """Every node the ISO prices, with the ISO's own ids and names."""
        ...

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        """Prices of `run` at the nodes `codes` for intervals starting in `window`.

        One call serves a whole batch of nodes: the adapter makes as few upstream requests as the
        ISO's limits allow (one per file, page or window chunk), never one per node. Result lists
        are ordered by start with no duplicates; a node with no data maps to an empty list.
        Raises `UnsupportedRun` for a run the ISO does not publish, `UpstreamError` on failure.
        """
        ...

    async def reads(self, run: MarketRun, codes: Sequence[str], window: Window) -> int:
        """Records `prices(run, codes, window)` would read upstream (0 where unknown or cached):
        what the query costs beyond the rows it returns."""
        ...

    @property
    def datasets(self) -> Sequence[DatasetInfo]:
        """The market-wide datasets `series` serves."""
        ...

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        """One market-wide dataset over `request.window`: the records of that kind (LoadRecord,
        FuelMixRecord, ...) for every area/fuel/product, ordered by start, starting in the window.

        Raises `UnsupportedDataset` for a kind (or run) not in `datasets`, `UpstreamError` on failure.
        """
        ...

    async def series_reads(self, request: SeriesRequest) -> int:
        """Records `series(request)` would read upstream (0 where unknown or cached)."""
        ...

    async def interconnection_queue(self) -> Sequence[InterconnectionProject]:
        """Every project in the ISO's current interconnection queue file, in the file's order.
        Raises `UnsupportedDataset` where the ISO has none declared, `UpstreamError` on failure."""
        ...

    def coverage(self, kind: DatasetKind | None, run: MarketRun | None = None) -> Coverage:
        """What the ISO serves as of now: of a dataset (one run's, or all of it), or with `kind`
        None of the node prices of `run`. Raises UnsupportedDataset / UnsupportedRun."""
        ...

    async def archived(self, kind: DatasetKind | None) -> Archived | None:
        """What gridql's archive holds of a dataset (with `kind` None: of node prices, every run);
        None without an archive or when it holds none."""
        ...

    def labels(self, kind: DatasetKind) -> dict[str, tuple[str, ...]]:
        """The ISO's own labels each filter of `kind` takes (`area`, `fuel`, ...), where declared."""
        ...

    @property
    def upstreams(self) -> Sequence[Upstream]:
        """Every upstream endpoint the adapter uses, each with its own circuit: /healthz and /metrics."""
        ...

    @property
    def caches(self) -> Sequence[RecordCache]:
        """The record caches the adapter answers from, each counting its hits and misses: /metrics."""
        ...

    async def aclose(self) -> None: ...
