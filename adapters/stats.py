"""Per-request accounting of upstream work, reported in `extensions.gridql`.

A ContextVar carries the current request's stats down to the shared HTTP client and cache, so
adapters need no extra parameters; tasks started inside the request inherit it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
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
