"""The archive: gridql keeps what it fetched, per feed, series and operating day.

A stage of the pipeline (adapters/pipeline.py): before a window is planned, the days the archive
holds are taken from it and only the others are fetched; what is fetched is stored. A day is
*settled* once it is past the feed's revision window (`Feed.revisions`): it is never fetched
again. A day not settled yet (today, yesterday's real-time prices still being verified) is served
from the archive for one publication cadence after it was fetched, then fetched again; a day that
changed is kept as a new revision. A day the ISO answered with no rows is stored empty, so it is
not asked again.

The store (adapters/archive/store.py: SQLite or PostgreSQL) blocks; every call runs off the event
loop, the planner's lookups too: a PostgreSQL that is slow to answer must not stall other requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..feed import Feed
from ..model import PriceRecord, Window
from .locations import open_store
from .store import ArchiveError, Key, Store

__all__ = ["Archive", "ArchiveError", "Store", "open_store", "operating_days"]


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

    async def answerable(self, feed: Feed[Any], series: Sequence[str], days: Sequence[date], now: datetime) -> set[Key]:
        """The (series, day)s the archive answers for: settled ones, and ones fetched within the
        feed's publication cadence (metadata only: a quick indexed read)."""
        marks = await asyncio.to_thread(self.store.marks, feed.name, series, days)
        return {key for key, mark in marks.items() if mark.settled or now - mark.fetched_at < feed.cadence}

    async def read(self, feed: Feed[Any], series: Sequence[str], days: Sequence[date]) -> dict[Key, list[Any]]:
        return await asyncio.to_thread(self.store.read, feed.name, series, days)

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
        await asyncio.to_thread(self.keep_now, feed, records, now)

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

        await asyncio.to_thread(empty)

    def _write(self, feed: Feed[Any], bodies: dict[Key, list[Any]], now: datetime) -> None:
        if bodies:
            settled = {day for _, day in bodies if self.settled(feed, day, now)}
            self.store.write(feed.name, bodies, now, settled)
