"""A TTL cache of normalized records with async single-flight.

cachetools has no coroutine support, so its TTLCache is only the storage here: concurrent misses
for one key share one in-flight fetch, and a failed fetch is never stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from cachetools import TTLCache

from . import stats
from .model import ISO

V = TypeVar("V")


class RecordCache:
    def __init__(self, iso: ISO, *, ttl: float, maxsize: int = 4096) -> None:
        self.iso = iso
        self._store: TTLCache[Hashable, Any] = TTLCache(maxsize=maxsize, ttl=ttl)
        self._inflight: dict[Hashable, asyncio.Task[Any]] = {}

    def clear(self) -> None:
        self._store.clear()

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> V:
        try:
            value: V = self._store[key]
        except KeyError:
            pass
        else:
            stats.count_cache_hit(self.iso)
            return value
        task = self._inflight.get(key)
        if task is None:
            # The fetch runs as its own task: a caller that gives up (a deadline, a dropped client)
            # does not cancel it for the others waiting on it.
            task = self._inflight[key] = asyncio.create_task(self._fill(key, fetch))
            task.add_done_callback(_retrieve)
        else:
            stats.count_cache_hit(self.iso)
        return await asyncio.shield(task)  # type: ignore[no-any-return]

    async def _fill(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await fetch()
            self._store[key] = value
            return value
        finally:
            del self._inflight[key]


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failed fetch's exception as seen: its callers got it; nobody else must warn about it."""
    if not task.cancelled():
        task.exception()
