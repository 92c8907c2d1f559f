"""A feed: one upstream report, declared once, the single source of truth about it.

A `Feed` says what the ISO calls the report, how to ask for it (`query`, a value only the ISO's
source reads), how to read its body (`parse`: bytes as the ISO serves them -> normalized records),
what it serves, its clock, the nominal length of its intervals, how often the ISO publishes it and
how far back the ISO keeps it. Everything else -- planning requests, fetching, validating,
clipping, vintages, caching -- is the pipeline's (`pipeline.py`), the same for every feed.

`Catalog` finds an ISO's feeds by what they serve; its refusals are the one wording every ISO uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from .errors import UnsupportedDataset, UnsupportedRun
from .model import DAY, HOUR, ISO, Coverage, DatasetInfo, DatasetKind, MarketInfo, MarketRun


class Clock(Enum):
    """How the ISO stamps a row: the parser turns each into UTC instants."""

    UTC = "UTC instants"
    LOCAL_START = "local wall-clock interval start"
    LOCAL_END = "local wall-clock interval end"
    LOCAL_HOUR_ENDING = "local hour ending (1..24, or 25 on a fall-back day)"


@dataclass(frozen=True, slots=True)
class Prices:
    """Node prices of one market run."""

    run: MarketRun


@dataclass(frozen=True, slots=True)
class Dataset:
    """A market-wide dataset. `run` None: the kind is not keyed by run. `default`: a run-keyed
    feed that also answers when no run is asked for (the kind's usual form)."""

    kind: DatasetKind
    run: MarketRun | None = None
    default: bool = False


@dataclass(frozen=True, slots=True)
class NodeList:
    """The ISO's list of priced nodes."""


@dataclass(frozen=True, slots=True)
class Document:
    """The query of a report the ISO publishes as a document (a workbook on its site), not as a
    feed: gridql does not fetch it. `gridql import` reads the file into the archive, which serves
    it; `where` says where the ISO posts it."""

    where: str


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """The ISO's interconnection queue: one current snapshot, not an interval series."""


# None: parse-only (`gridql parse`), not served by the API.
Serves = Prices | Dataset | NodeList | QueueSnapshot | None

Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Feed(Generic[Q]):
    iso: ISO
    name: str  # the ISO's own name for the report, e.g. damlbmp, da_hrl_lmps, NP6-788-CD, PRC_LMP
    description: str  # shown by `Market.datasets` and `gridql parse --list`
    query: Q  # how to ask for it; only the ISO's source reads this
    parse: Callable[[bytes], Sequence[Any]]
    serves: Serves
    clock: Clock
    interval: timedelta | None  # the longest interval one record may span; None: no intervals (node lists)
    cadence: timedelta  # how often the ISO publishes it
    retention: timedelta | None = None  # how far back the ISO keeps it; None: no documented limit
    # Typical time from an interval's start to its publication; negative for what is published
    # ahead (day-ahead markets, forecasts).
    delay: timedelta = timedelta(0)
    earliest: date | None = None  # the first operating day the ISO published it, where known
    # The ISO's own labels a filter may name, by record field ("area", "fuel", "product", ...).
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The file stamps the repeated fall-back hour twice in local time with nothing telling the two
    # apart: the parser places rows by their order (`timeutil.FoldByOrder`), and answers say so.
    folds_by_order: bool = False
    # How long after an operating day the ISO may still revise it (corrections, verification):
    # past it the archive holds the day as settled and never fetches it again.
    revisions: timedelta = timedelta(days=7)
    # How old cached records may be and still stand in for the ISO's answer when it fails or
    # hangs (marked stale in the answer's stats); None: twelve publications, between an hour and a
    # day (`stale_window`).
    stale: timedelta | None = None

    @property
    def stale_window(self) -> timedelta:
        """How old a cached copy may be to stand in for the ISO. Sized by cadence: a 5-minute feed's
        copy an hour old is an hour of intervals short; a daily file's copy a day old is at most one
        publication behind. Days past, the archive answers (for as long as it is on)."""
        if self.stale is not None:
            return self.stale
        return max(HOUR, min(DAY, 12 * self.cadence))


FOLDED_BY_ORDER = (
    "the ISO's file stamps the repeated fall-back hour twice in local time without an offset: gridql places "
    "those rows in file order, the first of each pair in daylight time and the second in standard time"
)


def coverage(feeds: Sequence[Feed[Any]], tz: ZoneInfo, now: datetime) -> Coverage:
    """What `feeds` together serve as of `now`: from the earliest start any of them reaches (None
    when one reaches back without a known limit) to the latest any has published."""
    starts = [_earliest(f, tz, now) for f in feeds]
    retentions = [f.retention for f in feeds]
    delay = min(f.delay for f in feeds)
    return Coverage(
        earliest=min(s for s in starts if s is not None) if all(starts) else None,
        latest=now - delay,
        retention=max(r for r in retentions if r is not None) if all(retentions) else None,
        cadence=min(f.cadence for f in feeds),
        delay=delay,
        repeated_hour=FOLDED_BY_ORDER if any(f.folds_by_order for f in feeds) else None,
        document="; ".join(f"{f.name} ({f.query.where})" for f in feeds if isinstance(f.query, Document)) or None,
    )


def _earliest(feed: Feed[Any], tz: ZoneInfo, now: datetime) -> datetime | None:
    bounds = [now - feed.retention] if feed.retention is not None else []
    if feed.earliest is not None:
        first = feed.earliest
        bounds.append(datetime(first.year, first.month, first.day, tzinfo=tz).astimezone(UTC))
    return max(bounds) if bounds else None


def market(
    iso: ISO,
    name: str,
    timezone: str,
    feeds: Sequence[Feed[Any]],
    absent: Mapping[DatasetKind, str] | None = None,
) -> MarketInfo:
    """The ISO's market; its runs are those its price feeds serve, in their order. `absent`: the
    datasets the market has no market for, with why."""
    runs = tuple(f.serves.run for f in feeds if isinstance(f.serves, Prices))
    return MarketInfo(iso, name, timezone, runs, tuple((absent or {}).items()))


def unsupported_run(iso: ISO, run: MarketRun, runs: Iterable[MarketRun]) -> UnsupportedRun:
    published = ", ".join(r.name for r in runs)
    return UnsupportedRun(f"{iso.value} does not publish {run.name}; it publishes {published}")


def unsupported_dataset(
    iso: ISO, kind: DatasetKind, run: MarketRun | None, info: DatasetInfo | None
) -> UnsupportedDataset:
    if info is None:
        return UnsupportedDataset(f"{iso.value} does not serve {kind.value}; see `Market.datasets` for what it does")
    asked = f"for {run.name}" if run is not None else "without a run"
    if not info.runs:
        return UnsupportedDataset(f"{iso.value} does not serve {kind.value} {asked}: it has no runs, leave `run` out")
    runs = ", ".join(r.name for r in info.runs)
    return UnsupportedDataset(f"{iso.value} does not serve {kind.value} {asked}; it serves it for {runs}")


class Catalog:
    """One ISO's feeds, found by what they serve."""

    def __init__(self, iso: ISO, feeds: Sequence[Feed[Any]]) -> None:
        names = [feed.name.lower() for feed in feeds]
        if len(set(names)) != len(names) or any(feed.iso is not iso for feed in feeds):
            raise ValueError(f"{iso.value} feeds must be the ISO's own, each named once")
        self.iso = iso
        self.feeds = tuple(feeds)
        self._prices = {f.serves.run: f for f in feeds if isinstance(f.serves, Prices)}
        self.runs: tuple[MarketRun, ...] = tuple(self._prices)
        self.datasets: tuple[DatasetInfo, ...] = tuple(self._infos())

    def prices(self, run: MarketRun) -> Feed[Any]:
        feed = self._prices.get(run)
        if feed is None:
            raise unsupported_run(self.iso, run, self.runs)
        return feed

    def nodes(self) -> Feed[Any]:
        return next(f for f in self.feeds if isinstance(f.serves, NodeList))

    def queue(self) -> Feed[Any]:
        """The ISO's interconnection queue feed."""
        found = next((f for f in self.feeds if isinstance(f.serves, QueueSnapshot)), None)
        if found is None:
            raise UnsupportedDataset(f"{self.iso.value} does not serve an interconnection queue")
        return found

    def dataset(self, kind: DatasetKind, run: MarketRun | None) -> tuple[Feed[Any], ...]:
        """The feeds that together serve `kind` (for `run`)."""
        found = tuple(
            f
            for f in self.feeds
            if isinstance(f.serves, Dataset)
            and f.serves.kind is kind
            and (f.serves.run is run or (run is None and f.serves.default))
        )
        if not found:
            info = next((d for d in self.datasets if d.kind is kind), None)
            raise unsupported_dataset(self.iso, kind, run, info)
        return found

    def serving(self, kind: DatasetKind) -> tuple[Feed[Any], ...]:
        """Every feed of `kind`, of any run; raises UnsupportedDataset when there is none."""
        found = tuple(f for f in self.feeds if isinstance(f.serves, Dataset) and f.serves.kind is kind)
        if not found:
            raise unsupported_dataset(self.iso, kind, None, None)
        return found

    def labels(self, kind: DatasetKind) -> dict[str, tuple[str, ...]]:
        """The labels each filterable field of `kind` takes, as its feeds declare them."""
        found: dict[str, list[str]] = {}
        for f in self.feeds:
            if isinstance(f.serves, Dataset) and f.serves.kind is kind:
                for name, values in f.labels.items():
                    known = found.setdefault(name, [])
                    known += [v for v in values if v not in known]
        return {name: tuple(values) for name, values in found.items()}

    def _infos(self) -> Iterable[DatasetInfo]:
        for kind in DatasetKind:
            serving = [f for f in self.feeds if isinstance(f.serves, Dataset) and f.serves.kind is kind]
            if not serving:
                continue
            runs: list[MarketRun] = []
            for f in serving:
                run = f.serves.run  # type: ignore[union-attr]
                if run is not None and run not in runs:
                    runs.append(run)
            description = "; ".join(f"{f.description} ({f.name})" for f in serving)
            yield DatasetInfo(kind, description, tuple(runs))
