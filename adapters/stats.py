"""Accounting of upstream work: per request, reported in `extensions.gridql`, and the counts
/metrics renders (`Histogram`, kept by each upstream and cache: graph/metrics.py reads them).

A ContextVar carries the current request's stats down to the shared HTTP client and cache, so
adapters need no extra parameters; tasks started inside the request inherit it. Another names the
feed being fetched, so the HTTP client can say which feed each upstream request was for.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .model import ISO


@dataclass(slots=True)
class IsoStats:
    upstream_requests: int = 0
    auth_requests: int = 0  # sign-ins (ERCOT's id token): reported apart from data requests
    cache_hits: int = 0
    first_start: float | None = None
    last_end: float | None = None
    stale_seconds: float | None = None  # set when cached data past its TTL was served: the oldest
    archive_unavailable: bool = False  # the archive could not be reached: answered from the ISO, not archived

    @property
    def elapsed_ms(self) -> float:
        if self.first_start is None or self.last_end is None:
            return 0.0
        return round((self.last_end - self.first_start) * 1000, 2)


@dataclass(slots=True)
class RequestStats:
    isos: dict[ISO, IsoStats] = field(default_factory=dict)

    def of(self, iso: ISO) -> IsoStats:
        stats = self.isos.get(iso)
        if stats is None:
            stats = self.isos[iso] = IsoStats()
        return stats


current: ContextVar[RequestStats | None] = ContextVar("gridql_request_stats", default=None)
# The feed whose piece is being fetched (set by the pipeline around each fetch).
feed: ContextVar[str] = ContextVar("gridql_feed", default="none")

# Upper bounds, seconds, of the upstream latency buckets: a sandbox answer takes milliseconds, a
# live ISO's month file tens of seconds.
UPSTREAM_SECONDS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Histogram:
    """Observations counted by upper bound, as a Prometheus histogram: `counts[i]` are those at
    most `bounds[i]` (and above the bound before it), the last those above every bound."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.counts = [0] * (len(self.bounds) + 1)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value

    @property
    def count(self) -> int:
        return sum(self.counts)

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, observations at most it), the last bound infinite: Prometheus' buckets."""
        total = 0
        buckets = []
        for bound, n in zip((*self.bounds, float("inf")), self.counts, strict=True):
            total += n
            buckets.append((bound, total))
        return buckets


@contextmanager
def fetching(name: str) -> Iterator[None]:
    """Upstream requests made in this block are for the feed `name`."""
    token = feed.set(name)
    try:
        yield
    finally:
        feed.reset(token)


def count_request(iso: ISO, *, auth: bool = False) -> None:
    stats = current.get()
    if stats is None:
        return
    if auth:
        stats.of(iso).auth_requests += 1
    else:
        stats.of(iso).upstream_requests += 1


def count_cache_hit(iso: ISO) -> None:
    stats = current.get()
    if stats is not None:
        stats.of(iso).cache_hits += 1


def mark_stale(iso: ISO, age: float) -> None:
    stats = current.get()
    if stats is not None:
        s = stats.of(iso)
        s.stale_seconds = age if s.stale_seconds is None else max(s.stale_seconds, age)


def mark_archive_unavailable(iso: ISO) -> None:
    stats = current.get()
    if stats is not None:
        stats.of(iso).archive_unavailable = True


@contextmanager
def timed(iso: ISO) -> Iterator[None]:
    """Widen the ISO's elapsed span to cover this block."""
    stats = current.get()
    begin = time.perf_counter()
    try:
        yield
    finally:
        if stats is not None:
            s = stats.of(iso)
            s.first_start = begin if s.first_start is None else min(s.first_start, begin)
            end = time.perf_counter()
            s.last_end = end if s.last_end is None else max(s.last_end, end)
