"""A TTL cache of normalized records with async single-flight and stale-if-error.

cachetools has no coroutine support, so its TTLCaches are only the storage here: concurrent misses
for one key share one in-flight fetch, and a failed fetch is never stored. Past its TTL a value is
kept a while longer (`stale_ttl`): when the ISO then fails, that older value is served, and the
request's stats say which ISO and how old, rather than failing the answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cachetools import TTLCache

from . import stats
from .errors import UpstreamError
from .model import ISO

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    stored_at: float  # time.monotonic()


class RecordCache:
    def __init__(self, iso: ISO, *, ttl: float, stale_ttl: float = 86_400.0, maxsize: int = 4096) -> None:
        self.iso = iso
        self._fresh: TTLCache[Hashable, _Entry[Any]] = TTLCache(maxsize=maxsize, ttl=ttl)
        self._stale: TTLCache[Hashable, _Entry[Any]] = TTLCache(maxsize=maxsize, ttl=max(ttl, stale_ttl))
        self._inflight: dict[Hashable, asyncio.Task[tuple[_Entry[Any], bool]]] = {}

    def __contains__(self, key: Hashable) -> bool:
        """Fresh in the cache, or being fetched: asking for it costs no new upstream request."""
        return key in self._fresh or key in self._inflight

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> V:
        entry = self._fresh.get(key)
        if entry is not None:
            stats.count_cache_hit(self.iso)
            return entry.value  # type: ignore[no-any-return]
        task = self._inflight.get(key)
        if task is None:
            # The fetch runs as its own task: a caller that gives up (a deadline, a dropped client)
            # does not cancel it for the others waiting on it.
            task = self._inflight[key] = asyncio.create_task(self._fill(key, fetch))
            task.add_done_callback(_retrieve)
        else:
            stats.count_cache_hit(self.iso)
        filled, stale = await asyncio.shield(task)
        if stale:
            stats.mark_stale(self.iso, time.monotonic() - filled.stored_at)
        return filled.value  # type: ignore[no-any-return]

    async def _fill(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> tuple[_Entry[V], bool]:
        try:
            entry = _Entry(await fetch(), time.monotonic())
        except UpstreamError:
            old = self._stale.get(key)
            if old is None:
                raise
            return old, True
        finally:
            del self._inflight[key]
        self._fresh[key] = self._stale[key] = entry
        return entry, False


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failed fetch's exception as seen: its callers got it; nobody else must warn about it."""
    if not task.cancelled():
        task.exception()
