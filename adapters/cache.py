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
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}

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
        pending = self._inflight.get(key)
        if pending is not None:
            stats.count_cache_hit(self.iso)
            return await asyncio.shield(pending)  # type: ignore[no-any-return]
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await fetch()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        else:
            self._store[key] = value
            future.set_result(value)
            return value
        finally:
            del self._inflight[key]
