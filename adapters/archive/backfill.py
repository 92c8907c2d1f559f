"""`gridql backfill`: fill the archive with a feed's history, within the ISO's limits.

A week at a time through the adapter's own pipeline, so every request is planned, spaced and
retried as a query's would be and every fetched day is archived. Resumable for free: a run that
was killed starts again where it stopped, because the archive already answers the days it kept
(settled days are never fetched again). Progress goes to `report` after each week.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..errors import UpstreamError
from ..feed import Dataset, Feed, Prices
from ..model import Window
from ..pipeline import Ask, FeedAdapter
from . import day_window

CHUNK_DAYS = 7


@dataclass
class Progress:
    days: int  # days done
    total: int
    rows: int  # records answered
    requests: int  # upstream requests sent
    seconds_left: float  # at the ISO's documented pace, for what the archive does not hold yet
    failed: list[tuple[date, str]]  # first day of a chunk that failed, and why


async def backfill(
    adapter: FeedAdapter,
    feed: Feed[Any],
    first: date,
    last: date,
    nodes: Sequence[str],
    report: Callable[[Progress], None],
) -> Progress:
    """Fetch `feed` from `first` to `last` (operating days, inclusive) into the archive. A chunk
    that fails is reported and skipped; running again retries it (and only it)."""
    if adapter.pipeline.archive is None:
        raise ValueError("there is no archive to fill: GRIDQL_ARCHIVE is off")
    if isinstance(feed.serves, Prices) and not nodes:
        raise ValueError(f"{feed.name} serves node prices: name the nodes to keep (--nodes)")
    if not isinstance(feed.serves, Prices | Dataset):
        raise ValueError(f"{feed.name} is not served by time window; nothing to backfill")
    tz = adapter.market.tz
    total = (last - first).days + 1
    starts = [first + timedelta(days=i) for i in range(0, total, CHUNK_DAYS)]
    chunks = [(lo, min(last, lo + timedelta(days=CHUNK_DAYS - 1))) for lo in starts]
    sent = sum(u.sent for u in adapter.upstreams)
    progress = Progress(0, total, 0, 0, 0.0, [])
    # Planned once: re-planning every remaining week after each one is quadratic over years.
    seconds = [
        await adapter.pipeline.upstream_seconds(feed, Ask(day_window(lo, hi, tz), adapter.clock(), tuple(nodes)))
        for lo, hi in chunks
    ]
    archive = adapter.pipeline.archive
    for done, (lo, hi) in enumerate(chunks):
        window = day_window(lo, hi, tz)
        progress.seconds_left = sum(seconds[done:])
        dropped = archive.dropped
        try:
            progress.rows += await _fetch(adapter, feed, window, nodes)
        except UpstreamError as exc:
            progress.failed.append((lo, str(exc)))
        else:
            if archive.dropped > dropped:  # fetched, but not kept: running again fetches it again
                progress.failed.append((lo, "the archive could not be reached: not archived"))
        progress.days += (hi - lo).days + 1
        progress.requests = sum(u.sent for u in adapter.upstreams) - sent
        report(progress)
    progress.seconds_left = 0.0
    return progress


async def _fetch(adapter: FeedAdapter, feed: Feed[Any], window: Window, nodes: Sequence[str]) -> int:
    serves = feed.serves
    if isinstance(serves, Prices):
        found = await adapter.prices(serves.run, nodes, window)
        return sum(len(records) for records in found.values())
    assert isinstance(serves, Dataset)
    groups = await adapter.pipeline.run(feed, Ask(window, adapter.clock()))
    return sum(len(records) for records in groups.values())
