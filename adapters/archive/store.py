"""What every archive store is: one body per (feed, series, operating day, revision).

A series is what a feed's records are told apart by in storage: a node for price feeds, "" for a
market-wide dataset (all its areas, fuels or products of the day in one body). A day the ISO
answered with no data is stored as an empty body, so it is not asked again. A day fetched again
with different records is a new revision; the old one stays.

The stores: `sqlite.SQLiteStore` (embedded, one file, no server) and `postgres.PostgresStore`
(shared by replicas). Their calls block; the pipeline runs them off the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .migrations import Migration

Key = tuple[str, date]  # (series, operating day)


class ArchiveError(Exception):
    """The archive cannot be used: it is unreachable, or its schema is not the one this gridql
    reads. One line for the operator (graph.cli prints it), never a traceback."""


class ArchiveUnavailable(ArchiveError):
    """The archive cannot be reached now (its PostgreSQL is down, restarting, failing over): the
    pipeline answers from the ISO meanwhile and drops what it would have stored."""


@dataclass(frozen=True, slots=True)
class Mark:
    """When the latest revision of one series' day was fetched, and whether it was settled then."""

    fetched_at: datetime
    settled: bool  # past the feed's revision window when fetched: never fetched again
    revision: int


@dataclass(frozen=True, slots=True)
class Extent:
    """What the archive holds of one feed."""

    feed: str
    first: date
    last: date
    days: int  # (series, day) bodies, latest revisions
    series: int
    revisions: int  # bodies kept in all, older revisions included


class Store(Protocol):
    @property
    def applied(self) -> Sequence[Migration]:
        """The schema migrations opening this store applied."""
        ...

    def marks(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, Mark]:
        """What is held of these series and days (latest revisions), without reading the bodies."""
        ...

    def read(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, list[Any]]:
        """The records of the latest revision of each (series, day) held."""
        ...

    def write(
        self, feed: str, bodies: Mapping[Key, Sequence[Any]], fetched_at: datetime, settled: Iterable[date]
    ) -> None:
        """Store each (series, day)'s records; a changed day becomes a new revision."""
        ...

    def extents(self) -> list[Extent]: ...

    def close(self) -> None: ...
