"""The archive: gridql keeps what it fetched, per feed, series and operating day.

A stage of the pipeline (adapters/pipeline.py): before a window is planned, the days the archive
holds are taken from it and only the others are fetched; what is fetched is stored. A day is
*settled* once it is past the feed's revision window (`Feed.revisions`): it is never fetched
again. A day not settled yet (today, yesterday's real-time prices still being verified) is served
from the archive for one publication cadence after it was fetched, then fetched again; a day that
changed is kept as a new revision. A day the ISO answered with no rows is stored empty, so it is
not asked again.

The store (adapters/archive/store.py: SQLite or PostgreSQL) blocks; every call runs off the event
loop, the planner's lookups too, in threads of the archive's own: a PostgreSQL that is slow to
answer holds up the queries waiting on it, not the loop, nor the parsing the others wait on.

An archive that cannot be reached (`ArchiveUnavailable`: PostgreSQL down or restarting) fails no
query: lookups raise it for the pipeline to answer from the ISO instead, writes are dropped with a
warning, and the request's stats say so (a notice on the answer). For `RETRY_SECONDS` after a
failure the store is not asked at all, so an outage costs each query no connection timeout.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from .. import stats
from ..feed import Feed
from ..model import PriceRecord, Window
from .locations import open_store
from .store import ArchiveError, ArchiveUnavailable, Extent, Key, Store

__all__ = ["Archive", "ArchiveError", "ArchiveUnavailable", "Store", "open_store", "operating_days"]

log = logging.getLogger("gridql.archive")
RETRY_SECONDS = 5.0
# What the archive holds is a scan of its index: `Dataset.coverage` reads it at most this often.
EXTENTS_SECONDS = 60.0
# Not the loop's default executor, which parses every ISO's answers: threads blocked on a slow
# database would leave none for it.
_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gridql-archive")
T = TypeVar("T")


def operating_days(window: Window, tz: ZoneInfo) -> list[date]:
    """The operating days in `tz` that [start, end) touches."""
    first = window.start.astimezone(tz).date()
    last = (window.end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def day_window(first: date, last: date, tz: ZoneInfo) -> Window:
    """Operating days first..last as one half-open window (23- and 25-hour days included)."""
    after = last + timedelta(days=1)
    return Window(
        datetime(first.year, first.month, first.day, tzinfo=tz), datetime(after.year, after.month, after.day, tzinfo=tz)
    )


def series_of(record: Any) -> str:
    """What records are stored apart by: the node of a price, one series for a market-wide day."""
    return record.node if isinstance(record, PriceRecord) else ""


class Archive:
    def __init__(self, store: Store, tz: ZoneInfo) -> None:
        self.store = store
        self.tz = tz
        self._down_until = 0.0  # time.monotonic() before which the store is not asked again
        self.dropped = 0  # writes dropped while the store could not be reached
        self._extents: dict[str, Extent] = {}
        self._extents_until = 0.0

    async def _use(self, feed: Feed[Any], call: Callable[..., T], *args: Any) -> T:
        """The store's `call`, off the event loop; ArchiveUnavailable at once during an outage."""
        if time.monotonic() < self._down_until:
            stats.mark_archive_unavailable(feed.iso)
            raise ArchiveUnavailable("the archive could not be reached moments ago")
        try:
            work = functools.partial(contextvars.copy_context().run, call, *args)
            return await asyncio.get_running_loop().run_in_executor(_THREADS, work)
        except ArchiveUnavailable as exc:
            self._down_until = time.monotonic() + RETRY_SECONDS
            stats.mark_archive_unavailable(feed.iso)
            log.warning("%s: %s; answering from the ISO, not archiving, for %g s", feed.name, exc, RETRY_SECONDS)
            raise

    async def answerable(self, feed: Feed[Any], series: Sequence[str], days: Sequence[date], now: datetime) -> set[Key]:
        """The (series, day)s the archive answers for: settled ones, ones fetched within the feed's
        publication cadence, and ones older than the ISO keeps (metadata only: a quick indexed read)."""
        marks = await self._use(feed, self.store.marks, feed.name, series, days)
        # A day the ISO no longer keeps is the archive's to answer, settled or not: asking the ISO
        # again could only get nothing (a feed kept two days is never past a week's revisions).
        gone = None if feed.retention is None else now - feed.retention
        return {
            key
            for key, mark in marks.items()
            if mark.settled
            or now - mark.fetched_at < feed.cadence
            or (gone is not None and day_window(key[1], key[1], self.tz).end <= gone)
        }

    async def read(self, feed: Feed[Any], series: Sequence[str], days: Sequence[date]) -> dict[Key, list[Any]]:
        return await self._use(feed, self.store.read, feed.name, series, days)

    async def extents(self) -> dict[str, Extent]:
        """What the archive holds, by feed name, as of at most `EXTENTS_SECONDS` ago; during an
        outage, what it held when last read."""
        if time.monotonic() >= self._extents_until and time.monotonic() >= self._down_until:
            try:
                held = await asyncio.get_running_loop().run_in_executor(_THREADS, self.store.extents)
            except ArchiveUnavailable:
                self._down_until = time.monotonic() + RETRY_SECONDS
            else:
                self._extents = {extent.feed: extent for extent in held}
                self._extents_until = time.monotonic() + EXTENTS_SECONDS
        return self._extents

    def settled(self, feed: Feed[Any], day: date, now: datetime) -> bool:
        return day_window(day, day, self.tz).end + feed.revisions <= now

    def by_day(self, records: Iterable[Any]) -> dict[Key, list[Any]]:
        """Records by (series, operating day): how they are stored."""
        bodies: dict[Key, list[Any]] = {}
        for record in records:
            bodies.setdefault((series_of(record), record.start.astimezone(self.tz).date()), []).append(record)
        return bodies

    async def keep(self, feed: Feed[Any], records: Sequence[Any], now: datetime) -> None:
        """Store what a piece fetched, every series of it, by operating day. Grouping a month of
        every node is CPU work: it runs off the event loop with the writes."""
        await self._dropping(feed, self.keep_now, feed, records, now)

    def keep_now(self, feed: Feed[Any], records: Sequence[Any], now: datetime) -> None:
        """`keep`, blocking: for callers outside the event loop (the sandbox's documents)."""
        self._write(feed, self.by_day(records), now)

    async def keep_empty(
        self, feed: Feed[Any], asked: Sequence[Key], answered: Iterable[Sequence[Any]], now: datetime
    ) -> None:
        """Store as empty the settled (series, day)s of `asked` that `answered` has no rows for. A
        day not settled is not: it may be posted later, and is asked again."""

        def empty() -> None:
            got = {key for records in answered for key in self.by_day(records)}
            self._write(feed, {k: [] for k in asked if k not in got and self.settled(feed, k[1], now)}, now)

        await self._dropping(feed, empty)

    async def _dropping(self, feed: Feed[Any], call: Callable[..., None], *args: Any) -> None:
        """A write; dropped, with a warning, when the store cannot be reached: what was fetched
        is still answered, and fetched again once the archive is back."""
        try:
            await self._use(feed, call, *args)
        except ArchiveUnavailable:
            self.dropped += 1
            log.warning("%s: not archived (the archive is unavailable); it will be fetched again", feed.name)

    def _write(self, feed: Feed[Any], bodies: dict[Key, list[Any]], now: datetime) -> None:
        if bodies:
            settled = {day for _, day in bodies if self.settled(feed, day, now)}
            self.store.write(feed.name, bodies, now, settled)
