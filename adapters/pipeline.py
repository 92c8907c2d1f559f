"""The one pipeline every feed's data flows through, and the adapter every ISO is built from.

    plan -> fetch -> parse -> validate -> cache -> clip -> vintages -> ordered records

Only planning and fetching differ per ISO: each ISO's `source` module cuts a request into the
pieces its upstream allows (`Source.plan`) and fetches one piece (`Source.fetch`: auth, paging,
archives). Everything else is here, once, for every feed:

- parsing runs off the event loop (a month's file must not stall other requests);
- every record is checked before it is cached: it starts inside the piece it was fetched for,
  ends after it starts and no later than the feed's longest interval, and carries finite
  numbers. A body that fails is refused as UPSTREAM_BAD_RESPONSE and never stored;
- each piece is cached by (feed, piece), deduplicated and ordered by the kind's key, a later row
  for the same key replacing an earlier one;
- pieces are clipped to the half-open window asked for and joined, a later piece winning at a seam;
- forecasts keep one vintage per series and interval, by one rule (`latest_vintages`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from . import stats
from .archive import Archive, ArchiveUnavailable, day_window, open_store, operating_days
from .cache import RecordCache
from .config import Settings
from .errors import NotPublished, UpstreamBadResponse, UpstreamTooSlow
from .feed import Catalog, Document, Feed, Prices, coverage
from .http import Upstream
from .model import (
    AncillaryPriceRecord,
    Archived,
    CapacityPriceRecord,
    ConstraintRecord,
    Coverage,
    DatasetInfo,
    DatasetKind,
    FtrCongestionRecord,
    FuelMixRecord,
    InterconnectionProject,
    InterfaceFlowRecord,
    LoadForecastRecord,
    LoadRecord,
    MarketInfo,
    MarketRun,
    Node,
    PriceRecord,
    RenewableRecord,
    SeriesRequest,
    SystemLambdaRecord,
    TransmissionRightRecord,
    Window,
)
from .queue import SNAPSHOT_TTL

if TYPE_CHECKING:
    from .shared import Shared  # redis is the `redis` extra's


@dataclass(frozen=True, slots=True)
class Piece:
    """What one fetch covers: the intervals its answer may hold, and what else tells it apart
    (a node group, an archive flag, a file name): hashable, it is the piece's cache key."""

    covers: Window | None  # None: no time window (a node list, a dashboard of today)
    detail: Hashable = None
    # Upstream seconds fetching it takes at the ISO's documented pace (requests x spacing, pages
    # included): a plan over the request deadline is refused before anything is sent.
    seconds: float = field(default=0.0, compare=False)
    # Records fetching it reads upstream (every node of a file, every vintage, pages included):
    # what a query costs beyond what it returns. 0 where the source does not know.
    rows: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ask:
    """What a caller asked of one feed."""

    window: Window | None
    now: datetime
    codes: tuple[str, ...] = ()  # nodes, for price feeds
    published_before: datetime | None = None


Parser = Callable[[bytes], Sequence[Any]]


class Parse(Protocol):
    """The pipeline's parse stage, handed to `Source.fetch`: runs a parser (the feed's own unless
    another is given, for a body whose reading needs the piece) off the event loop."""

    def __call__(self, body: bytes, parser: Parser | None = None) -> Awaitable[list[Any]]: ...


class Source(Protocol):
    """What is truly per ISO: its upstreams, how a request is cut into pieces, how one is fetched."""

    @property
    def upstreams(self) -> Sequence[Upstream]: ...

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]: ...

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        """The piece's records, every body parsed through `parse`. Raise `NotPublished` when the
        ISO has not posted it yet (nothing is cached), an `UpstreamError` on failure."""
        ...


# --- keys: what tells records of one kind apart, and how they are ordered ------------------------

_SERIES: dict[type, Callable[[Any], tuple[Any, ...]]] = {
    PriceRecord: lambda r: (r.node,),
    LoadRecord: lambda r: (r.area,),
    LoadForecastRecord: lambda r: (r.area, r.model or ""),
    FuelMixRecord: lambda r: (r.fuel,),
    AncillaryPriceRecord: lambda r: (r.product, r.area or ""),
    ConstraintRecord: lambda r: (r.name,),
    RenewableRecord: lambda r: (r.source, r.area or "", r.forecast, r.model or ""),
    InterfaceFlowRecord: lambda r: (r.interface,),
    # Bids (PJM) differ by side and price too; the parser merges bids identical in all of these.
    TransmissionRightRecord: lambda r: (
        r.auction,
        r.node,
        r.time_of_use or "",
        r.hedge_type or "",
        r.trade_type or "",
        r.price,
    ),
    FtrCongestionRecord: lambda r: (r.node, r.time_of_use, r.simulated),
    CapacityPriceRecord: lambda r: (r.auction, r.area, r.product or ""),
    SystemLambdaRecord: lambda r: (),  # one system-wide series
}
_VALUES: dict[type, Callable[[Any], tuple[float | None, ...]]] = {
    PriceRecord: attrgetter("lmp", "energy", "congestion", "loss"),
    LoadRecord: attrgetter("mw", "mw"),
    LoadForecastRecord: attrgetter("mw", "mw"),
    FuelMixRecord: attrgetter("mw", "mw"),
    AncillaryPriceRecord: attrgetter("price", "price"),
    ConstraintRecord: attrgetter("shadow_price", "limit_mw", "flow_mw"),
    RenewableRecord: attrgetter("mw", "mw"),
    InterfaceFlowRecord: attrgetter("flow_mw", "positive_limit_mw", "negative_limit_mw"),
    TransmissionRightRecord: attrgetter("price", "bid_mw"),
    FtrCongestionRecord: attrgetter("price", "price"),
    CapacityPriceRecord: attrgetter("price", "price"),
    SystemLambdaRecord: attrgetter("price", "price"),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def series_key(record: Any) -> tuple[Any, ...]:
    return _SERIES[type(record)](record)


def order(record: Any) -> tuple[Any, ...]:
    """Start first, then the series: the order every answer is given in."""
    return (record.start, *series_key(record))


_VINTAGED = (LoadForecastRecord, RenewableRecord)


def _identity(record: Any) -> tuple[Any, ...]:
    """One row of one vintage: forecasts published at different times are different rows, and so
    are intervals of different lengths from one start (PJM's hourly metered and 5-minute load).
    A price's versions are one row: the later one read replaces the earlier."""
    published = record.published_at if isinstance(record, _VINTAGED) else None
    return (*order(record), record.end, published or _EPOCH)


def ordered_unique(records: Sequence[Any]) -> list[Any]:
    """Ordered by start and series; a later record with the same identity replaces an earlier one."""
    latest = {_identity(record): record for record in records}
    return [latest[key] for key in sorted(latest)]


def latest_vintages(records: Sequence[Any], published_before: datetime | None) -> list[Any]:
    """Per series and interval, the record of the latest vintage published strictly before
    `published_before` (the latest of all when None). A record without a publication time counts
    as the oldest vintage; actual values (no vintages) are each their own series and stay."""
    best: dict[tuple[Any, ...], Any] = {}
    for record in records:
        published = getattr(record, "published_at", None)
        if published is not None and published_before is not None and published >= published_before:
            continue
        key = (*order(record), record.end)
        held = best.get(key)
        if held is None or (published or _EPOCH) >= (held.published_at or _EPOCH):
            best[key] = record
    return [best[key] for key in sorted(best)]


# --- validation --------------------------------------------------------------------------------


def validate(feed: Feed[Any], piece: Piece, records: Sequence[Any]) -> None:
    """Refuse a body whose records could put a wrong number in the cache."""
    if not records or isinstance(records[0], Node | InterconnectionProject):
        return  # no intervals: a list of things, as of the fetch
    values = _VALUES.get(type(records[0]))
    if values is None:
        raise TypeError(f"{feed.name} parsed to {type(records[0]).__name__}, which no dataset serves")
    covers, longest = piece.covers, feed.interval
    for record in records:
        start, end = record.start, record.end
        problem = None
        if covers is not None and not covers.start <= start < covers.end:
            span = f"{covers.start.isoformat()} - {covers.end.isoformat()}"
            problem = f"starts at {start.isoformat()}, outside the {span} asked for"
        elif end <= start:
            problem = f"ends at {end.isoformat()}, not after it starts ({start.isoformat()})"
        elif longest is not None and end - start > longest:
            problem = f"lasts {end - start} from {start.isoformat()}, longer than the feed's {longest} intervals"
        elif not all(v is None or math.isfinite(v) for v in values(record)):
            problem = f"at {start.isoformat()} holds a number that is not finite"
        if problem is not None:
            raise UpstreamBadResponse(feed.iso, f"{feed.name}: a record {problem}")


# --- the pipeline ------------------------------------------------------------------------------

# A piece's records as cached: by series (node) for price feeds, one group otherwise; each group
# ordered by start, so clipping to a window is two bisections.
Groups = dict[Hashable, list[Any]]
_START = attrgetter("start")


def _before_first_day(feed: Feed[Any], window: Window | None) -> bool:
    # Midnight UTC of the first day: before every US market's local midnight of it, so no zone is needed.
    if feed.earliest is None or window is None:
        return False
    first = feed.earliest
    return window.end <= datetime(first.year, first.month, first.day, tzinfo=UTC)


async def _off_loop(parser: Parser, body: bytes) -> list[Any]:
    return list(await asyncio.to_thread(parser, body))


class Pipeline:
    def __init__(
        self,
        source: Source,
        cache: RecordCache,
        deadline: float,
        archive: Archive | None = None,
        shared: Shared | None = None,
    ) -> None:
        self.source = source
        self.cache = cache
        self.deadline = deadline
        self.archive = archive
        self.shared = shared

    async def reads(self, feed: Feed[Any], ask: Ask) -> int:
        """Records answering `ask` would read upstream: the planned pieces neither cached nor archived."""
        return sum(p.rows for p in await self._unheld(feed, ask))

    async def upstream_seconds(self, feed: Feed[Any], ask: Ask) -> float:
        """Upstream seconds answering `ask` takes at the ISO's pace, for what is neither cached nor archived."""
        return sum(p.seconds for p in await self._unheld(feed, ask))

    async def _unheld(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        _, rest = await self._split(feed, ask)
        if rest is None:
            return []
        return await self._uncached(feed, self._plan(feed, rest))

    async def _uncached(self, feed: Feed[Any], pieces: list[Piece]) -> list[Piece]:
        """The pieces neither this process's cache nor the replicas' shared one holds."""
        held = await self.cache.holding([(feed.name, piece) for piece in pieces])
        return [piece for piece in pieces if (feed.name, piece) not in held]

    def _plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        """The source's pieces; none for a document, which only the archive answers, nor for a
        window that ends before the ISO first published the feed (answered OUTSIDE_RETENTION)."""
        if isinstance(feed.query, Document) or _before_first_day(feed, ask.window):
            return []
        return self.source.plan(feed, ask)

    async def _split(self, feed: Feed[Any], ask: Ask) -> tuple[list[date] | None, Ask | None]:
        """The days the archive answers `ask` for (None: the archive is not asked: there is none,
        or the record cache holds it all), and what is left to fetch (None: nothing)."""
        archive, window = self.archive, ask.window
        if archive is None or window is None or feed.interval is None or self._cached(feed, ask):
            return None, ask
        series = ask.codes or ("",)
        days = operating_days(window, archive.tz)
        try:
            held = await archive.answerable(feed, series, days, ask.now)
        except ArchiveUnavailable:
            return None, ask  # all of it from the ISO (the archive said why)
        missing = [day for day in days if any((name, day) not in held for name in series)]
        if not missing:
            return days, None
        span = day_window(missing[0], missing[-1], archive.tz)
        rest = Window(max(window.start, span.start), min(window.end, span.end))
        return [day for day in days if day < missing[0] or day > missing[-1]], dataclasses.replace(ask, window=rest)

    async def run(self, feed: Feed[Any], ask: Ask) -> Groups:
        """The feed's records for `ask`: validated, cached per piece, archived per day, clipped and joined."""
        held, rest = await self._split(feed, ask)
        if rest is None or self.shared is None or held is None:
            return await self._answer(feed, ask, held, rest)
        # Replicas asked the same at once: one fetches and archives it, the others wait for it
        # and then find it in the shared archive.
        async with self.shared.flight(_flight(feed, rest)) as first:
            if not first:
                held, rest = await self._split(feed, ask)
            return await self._answer(feed, ask, held, rest)

    async def _answer(self, feed: Feed[Any], ask: Ask, held: list[date] | None, rest: Ask | None) -> Groups:
        """`held` days from the archive, `rest` fetched; with `held` None, all of `ask` fetched."""
        archive = self.archive
        if archive is None or held is None:
            return await self._fetched(feed, ask)
        try:
            bodies = await archive.read(feed, ask.codes or ("",), held)
        except ArchiveUnavailable:
            return await self._fetched(feed, ask)  # gone since it was asked what it holds: all from the ISO
        found: dict[Hashable, list[list[Any]]] = {}
        for (name, _), records in bodies.items():
            records = _clipped(records, ask.window) if ask.window is not None else records
            if records:
                found.setdefault(name if ask.codes else None, []).append(records)
        if rest is not None:
            fetched = await self._fetched(feed, rest)
            await self._keep_empty(feed, rest, fetched)
            for group, records in fetched.items():
                found.setdefault(group, []).append(records)
        return {group: _joined(sorted(parts, key=lambda part: part[0].start)) for group, parts in found.items()}

    async def _keep_empty(self, feed: Feed[Any], ask: Ask, fetched: Groups) -> None:
        """The asked (series, day)s the ISO answered with no rows: archived as such once settled."""
        archive = self.archive
        if archive is None or ask.window is None or isinstance(feed.query, Document):
            return  # a document's days are the archive's only once imported
        days = operating_days(ask.window, archive.tz)
        asked = [(name, day) for day in days for name in ask.codes or ("",)]
        await archive.keep_empty(feed, asked, fetched.values(), ask.now)

    def _cached(self, feed: Feed[Any], ask: Ask) -> bool:
        """Every piece the window needs is in the record cache: the archive has nothing to add."""
        if isinstance(feed.query, Document):
            return False  # only the archive holds a document's records
        pieces = self._plan(feed, ask)
        # No pieces: the ISO has nothing of the window to ask for (past its retention); the archive may.
        return bool(pieces) and all((feed.name, piece) in self.cache for piece in pieces)

    async def _fetched(self, feed: Feed[Any], ask: Ask) -> Groups:
        pieces = self._plan(feed, ask)
        upstream = sum(p.seconds for p in pieces if (feed.name, p) not in self.cache)
        if upstream > self.deadline:  # unless the replicas' shared cache holds enough of it
            upstream = sum(p.seconds for p in await self._uncached(feed, pieces))
        if upstream > self.deadline:
            raise UpstreamTooSlow(
                feed.iso,
                f"{feed.name}: this window takes about {upstream:.0f} s of upstream requests at the ISO's "
                f"documented pace, over the {self.deadline:.0f} s request deadline; ask for fewer days or nodes",
            )
        parts = await asyncio.gather(*(self._piece(feed, piece, ask.now) for piece in pieces))
        window, wanted = ask.window, set(ask.codes)
        found: dict[Hashable, list[list[Any]]] = {}
        for part in parts:
            for group, records in part.items():
                if wanted and group not in wanted:
                    continue
                if window is not None:
                    records = _clipped(records, window)
                if records:
                    found.setdefault(group, []).append(records)
        return {group: _joined(pieces) for group, pieces in found.items()}

    async def _piece(self, feed: Feed[Any], piece: Piece, now: datetime) -> Groups:
        async def fill() -> Groups:
            async def parse(body: bytes, parser: Parser | None = None) -> list[Any]:
                return await _off_loop(parser or feed.parse, body)

            with stats.fetching(feed.name):
                records = await self.source.fetch(feed, piece, parse)
            groups = await asyncio.to_thread(_checked, feed, piece, records)  # a month's rows: seconds of CPU
            if self.archive is not None and feed.interval is not None:
                await self.archive.keep(feed, records, now)
            return groups

        try:
            groups: Groups = await self.cache.get(
                (feed.name, piece),
                fill,
                keep=self.archive is not None,
                stale_for=feed.stale_window.total_seconds(),
            )
        except NotPublished:
            return {}
        return groups


def _flight(feed: Feed[Any], ask: Ask) -> str:
    """What `ask` fetches of `feed`, spelled the same by every replica."""
    window = ask.window
    span = "" if window is None else f"{window.start.isoformat()}/{window.end.isoformat()}"
    before = "" if ask.published_before is None else ask.published_before.isoformat()
    return f"{feed.iso.value}|{feed.name}|{span}|{','.join(ask.codes)}|{before}"


def _clipped(records: list[Any], window: Window) -> list[Any]:
    """The records (ordered by start) starting inside the window: two bisections."""
    lo = bisect_left(records, window.start, key=_START)
    return records[lo : bisect_left(records, window.end, lo, key=_START)]


def _joined(pieces: list[list[Any]]) -> list[Any]:
    """Pieces' records (each ordered and unique) joined in order: concatenated where each piece
    starts after the one before ends, the common case; ordered and deduplicated where pieces
    overlap at a seam."""
    if all(order(a[-1]) < order(b[0]) for a, b in pairwise(pieces)):
        return [record for piece in pieces for record in piece]
    return ordered_unique([record for piece in pieces for record in piece])


def _checked(feed: Feed[Any], piece: Piece, records: Sequence[Any]) -> Groups:
    validate(feed, piece, records)
    return _grouped(records)


def _grouped(records: Sequence[Any]) -> Groups:
    if not records:
        return {}
    if isinstance(records[0], Node):
        return {None: list({node.code: node for node in records}.values())}
    if isinstance(records[0], InterconnectionProject):
        return {None: list(records)}  # the ISO's order; its own ids may repeat across its sheets
    if isinstance(records[0], PriceRecord):
        by_node: Groups = {}
        for record in records:
            by_node.setdefault(record.node, []).append(record)
        return {node: ordered_unique(series) for node, series in by_node.items()}
    return {None: ordered_unique(records)}


def _now() -> datetime:
    return datetime.now(UTC)


class FeedAdapter:
    """An ISO's adapter (`base.Adapter`), built from its catalog of feeds and its source."""

    def __init__(
        self,
        market: MarketInfo,
        fixed_nodes: Sequence[Node],
        catalog: Catalog,
        source: Source,
        cache: RecordCache,
        *,
        clock: Callable[[], datetime] = _now,
        deadline: float = 60.0,
        archive: Archive | None = None,
        shared: Shared | None = None,
    ) -> None:
        self.market = market
        self.fixed_nodes = tuple(fixed_nodes)
        self.catalog = catalog
        self.source = source
        self.clock = clock
        self.pipeline = Pipeline(source, cache, deadline, archive, shared)
        # A queue file is today's snapshot, a large workbook: kept hours, in its own cache, never archived.
        self.snapshots = Pipeline(
            source, RecordCache(market.iso, ttl=SNAPSHOT_TTL.total_seconds(), max_bytes=1 << 28), deadline
        )

    @property
    def datasets(self) -> Sequence[DatasetInfo]:
        return self.catalog.datasets

    @property
    def upstreams(self) -> Sequence[Upstream]:
        return self.source.upstreams

    @property
    def caches(self) -> Sequence[RecordCache]:
        return (self.pipeline.cache, self.snapshots.cache)

    async def aclose(self) -> None:
        for upstream in self.upstreams:
            await upstream.aclose()
        if self.pipeline.archive is not None:
            self.pipeline.archive.store.close()
        if self.pipeline.shared is not None:
            await self.pipeline.shared.aclose()

    def coverage(self, kind: DatasetKind | None, run: MarketRun | None = None) -> Coverage:
        """What the ISO serves as of now: of a dataset (of one run, or of all its feeds with `run`
        None), or with `kind` None of the node prices of `run` (of every run with `run` None too)."""
        if kind is not None:
            feeds = self.catalog.dataset(kind, run) if run is not None else self.catalog.serving(kind)
        elif run is not None:
            feeds = (self.catalog.prices(run),)
        else:
            feeds = tuple(self.catalog.prices(r) for r in self.catalog.runs)
        return coverage(feeds, self.market.tz, self.clock())

    async def archived(self, kind: DatasetKind | None) -> Archived | None:
        archive = self.pipeline.archive
        if archive is None:
            return None
        feeds = (
            self.catalog.serving(kind)
            if kind is not None
            else [f for f in self.catalog.feeds if isinstance(f.serves, Prices)]
        )
        held = await archive.extents()
        found = [held[feed.name] for feed in feeds if feed.name in held]
        if not found:
            return None
        first, last = min(e.first for e in found), max(e.last for e in found)
        return Archived(first, last, sum(e.days for e in found))

    def labels(self, kind: DatasetKind) -> dict[str, tuple[str, ...]]:
        return self.catalog.labels(kind)

    async def nodes(self) -> Sequence[Node]:
        """The fixed nodes (hubs and zones, always listed, by their known names), then the rest."""
        groups = await self.pipeline.run(self.catalog.nodes(), Ask(None, self.clock()))
        listed = {node.code: node for node in self.fixed_nodes}
        for node in groups.get(None, ()):
            listed.setdefault(node.code, node)
        return list(listed.values())

    async def interconnection_queue(self) -> Sequence[InterconnectionProject]:
        """Every project in the ISO's current queue file."""
        groups = await self.snapshots.run(self.catalog.queue(), Ask(None, self.clock()))
        return groups.get(None, [])

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        feed = self.catalog.prices(run)
        wanted = tuple(dict.fromkeys(codes))
        if not wanted:
            return {}
        groups = await self.pipeline.run(feed, Ask(window, self.clock(), wanted))
        return {code: groups.get(code, []) for code in wanted}

    async def reads(self, run: MarketRun, codes: Sequence[str], window: Window) -> int:
        """Records node prices of `run` for `codes` would read upstream, planned and not cached."""
        ask = Ask(window, self.clock(), tuple(dict.fromkeys(codes)))
        return await self.pipeline.reads(self.catalog.prices(run), ask)

    async def series_reads(self, request: SeriesRequest) -> int:
        """Records answering the dataset request would read upstream, planned and not cached."""
        ask = Ask(request.window, self.clock(), published_before=request.published_before)
        feeds = self.catalog.dataset(request.kind, request.run)
        return sum(await asyncio.gather(*(self.pipeline.reads(feed, ask) for feed in feeds)))

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        feeds = self.catalog.dataset(request.kind, request.run)
        ask = Ask(request.window, self.clock(), published_before=request.published_before)
        parts = await asyncio.gather(*(self.pipeline.run(feed, ask) for feed in feeds))
        records = [record for part in parts for group in part.values() for record in group]
        if records and isinstance(records[0], _VINTAGED):
            return latest_vintages(records, request.published_before)
        return ordered_unique(records) if len(parts) > 1 else records


# (name, the ISO's live spacing in seconds) -> that upstream of the ISO, configured from settings.
UpstreamFactory = Callable[[str, float], Upstream]


@dataclass(frozen=True, slots=True)
class Declaration:
    """An ISO, declared once: its market, the nodes known without asking, its feeds, and how its
    source is built from its upstreams. `create` is the ISO package's front door."""

    market: MarketInfo
    fixed_nodes: Sequence[Node]
    feeds: Sequence[Feed[Any]]
    source: Callable[[UpstreamFactory, Settings], Source]

    def create(
        self,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        min_interval: float | None = None,
    ) -> FeedAdapter:
        """The ISO's adapter. With `transport` None it reaches the ISO; the sandbox and the tests
        pass theirs. `min_interval` pins the spacing of every upstream (tests)."""
        iso = self.market.iso
        shared = pieces = None
        if settings.redis_url:
            from .shared import Pieces, Shared

            shared = Shared(settings.redis_url)
            pieces = Pieces(shared, iso.value, settings.cache_ttl)

        def upstream(name: str, live_spacing: float) -> Upstream:
            return Upstream.configured(
                iso, name, settings, transport, live_spacing=live_spacing, spacing=min_interval, shared=shared
            )

        return FeedAdapter(
            self.market,
            self.fixed_nodes,
            Catalog(iso, self.feeds),
            self.source(upstream, settings),
            RecordCache(
                iso,
                ttl=settings.cache_ttl,
                max_bytes=settings.cache_bytes,
                stale_after=settings.stale_after,
                shared=pieces,
            ),
            clock=clock or _now,
            deadline=settings.request_deadline,
            archive=Archive(open_store(settings.archive), self.market.tz) if settings.archive else None,
            shared=shared,
        )
