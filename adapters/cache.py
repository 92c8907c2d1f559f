"""A TTL cache of normalized records with async single-flight and stale-if-error.

cachetools has no coroutine support, so its caches are only the storage here: concurrent misses
for one key share one in-flight fetch, and a failed fetch is never stored. Past its TTL a value is
kept a while longer (`stale_ttl`): when the ISO then fails, that older value is served, and the
request's stats say which ISO and how old, rather than failing the answer.

Behind it may sit a `Level` other processes share (Redis: adapters/shared.py): a miss here asks
it before the ISO, and what is fetched is put there. A value found there keeps its age: it
expires here when it would have where it was fetched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from cachetools import TLRUCache

from . import stats
from .errors import UpstreamError
from .model import ISO

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    stored_at: float  # time.monotonic()


# What one cached record costs, measured with tracemalloc on a month of NYISO 5-minute prices
# (271 bytes: the slotted record, its floats, the lists holding it; stamps are shared).
RECORD_BYTES = 272


def size_of(entry: _Entry[Any]) -> int:
    """An entry's estimated bytes: a piece's records, grouped by node or not."""
    value = entry.value
    groups = value.values() if isinstance(value, dict) else [value]
    return 256 + RECORD_BYTES * sum(len(group) if isinstance(group, list | tuple) else 1 for group in groups)


class Level(Protocol[V]):
    """A cache other processes share, behind this one."""

    async def get(self, key: Hashable) -> tuple[V, float] | None:
        """The value held for `key` and its age in seconds, or None."""
        ...

    async def put(self, key: Hashable, value: V) -> None: ...

    async def holding(self, keys: Sequence[Hashable]) -> set[Hashable]:
        """Which of `keys` it holds: what asking for costs no upstream request."""
        ...

    def flight(self, key: Hashable) -> AbstractAsyncContextManager[bool]:
        """Held while `key` is fetched: True when taken at once, False when another process held
        it (and has since put what it fetched, or failed)."""
        ...


class RecordCache:
    """Bounded by estimated bytes (`max_bytes`), not entry count: one entry may be a year of one
    node or a month of every node. A piece larger than the whole bound is served, not kept.
    `stale_after`: when older data exists and the ISO has not answered within this many seconds,
    the older data is served while the fetch goes on and refreshes the cache."""

    def __init__(
        self,
        iso: ISO,
        *,
        ttl: float,
        stale_ttl: float = 86_400.0,
        max_bytes: int = 1 << 30,
        stale_after: float = 5.0,
        shared: Level[Any] | None = None,
    ) -> None:
        self.iso = iso
        self.stale_after = stale_after
        self.shared = shared
        kept = max(ttl, stale_ttl)
        # Each entry expires `ttl` after it was fetched (here or by another replica), not after it was stored.
        self._fresh: TLRUCache[Hashable, _Entry[Any]] = TLRUCache(
            maxsize=max_bytes, ttu=lambda _key, entry, _now: entry.stored_at + ttl, getsizeof=size_of
        )
        self._stale: TLRUCache[Hashable, _Entry[Any]] = TLRUCache(
            maxsize=max_bytes, ttu=lambda _key, entry, _now: entry.stored_at + kept, getsizeof=size_of
        )
        self._inflight: dict[Hashable, asyncio.Task[tuple[_Entry[Any], bool]]] = {}
        # Lookups answered without a new fetch (fresh, or joining one in flight), and those that
        # started one: /metrics' hit ratio.
        self.hits = 0
        self.misses = 0
        self._waiting: dict[Hashable, int] = {}  # callers awaiting each in-flight fetch

    def __contains__(self, key: Hashable) -> bool:
        """Fresh in the cache, or being fetched: asking for it costs no new upstream request."""
        return key in self._fresh or key in self._inflight

    async def holding(self, keys: Sequence[Hashable]) -> set[Hashable]:
        """Which of `keys` are fresh here or being fetched, or held by the shared level behind."""
        here = {key for key in keys if key in self}
        rest = [key for key in keys if key not in here]
        if self.shared is None or not rest:
            return here
        return here | await self.shared.holding(rest)

    async def get(
        self, key: Hashable, fetch: Callable[[], Awaitable[V]], *, keep: bool = False, stale_for: float | None = None
    ) -> V:
        """The value for `key`, fetched once for all concurrent callers. A caller giving up (a
        deadline, a dropped client) leaves the fetch to the others; when the last one gives up
        the fetch is cancelled, as nobody would read it, unless `keep` says its result is wanted
        anyway (the archive keeps what is fetched). `stale_for` bounds, for this key, how old a
        value may be to stand in for a failing or hanging ISO (the cache's `stale_ttl` otherwise)."""
        self._waiting[key] = self._waiting.get(key, 0) + 1
        answered = False
        try:
            value = await self._get(key, fetch, stale_for)
            answered = True  # stale data while the ISO hangs too: that fetch still refreshes the cache
            return value
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                task = self._inflight.get(key)
                if task is not None and not answered and not keep:
                    task.cancel()

    async def _get(self, key: Hashable, fetch: Callable[[], Awaitable[V]], stale_for: float | None) -> V:
        entry = self._fresh.get(key)
        if entry is not None:
            self.hits += 1
            stats.count_cache_hit(self.iso)
            return entry.value  # type: ignore[no-any-return]
        task = self._inflight.get(key)
        if task is None:
            self.misses += 1
            # The fetch runs as its own task: a caller that gives up (a deadline, a dropped client)
            # does not cancel it for the others waiting on it.
            task = self._inflight[key] = asyncio.create_task(self._fill(key, fetch, stale_for))
            task.add_done_callback(_retrieve)
        else:
            self.hits += 1
            stats.count_cache_hit(self.iso)
        old = self._standing_in(key, stale_for)
        if old is not None:
            done, _ = await asyncio.wait({task}, timeout=self.stale_after)
            if not done:  # the ISO hangs: answer with what we have; the fetch still fills the cache
                stats.mark_stale(self.iso, time.monotonic() - old.stored_at)
                return old.value  # type: ignore[no-any-return]
        filled, stale = await asyncio.shield(task)
        if stale:
            stats.mark_stale(self.iso, time.monotonic() - filled.stored_at)
        return filled.value  # type: ignore[no-any-return]

    def _standing_in(self, key: Hashable, stale_for: float | None) -> _Entry[Any] | None:
        """The older value that may be served for `key` when the ISO fails: within `stale_for`."""
        old = self._stale.get(key)
        if old is not None and stale_for is not None and time.monotonic() - old.stored_at > stale_for:
            return None
        return old

    async def _fill(
        self, key: Hashable, fetch: Callable[[], Awaitable[V]], stale_for: float | None
    ) -> tuple[_Entry[V], bool]:
        try:
            entry = await self._shared_entry(key)
            if entry is None:
                entry = await self._fetched(key, fetch)
        except UpstreamError:
            old = self._standing_in(key, stale_for)
            if old is None:
                raise
            return old, True
        finally:
            del self._inflight[key]
        try:
            self._fresh[key] = self._stale[key] = entry
        except ValueError:  # larger than the whole bound: served once, never kept
            self._fresh.pop(key, None)
        return entry, False

    async def _fetched(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> _Entry[V]:
        """Fetched, and put in the shared level; under its lock, so other processes missing `key`
        at once wait for this fetch and take what it put rather than fetch it too."""
        if self.shared is None:
            return _Entry(await fetch(), time.monotonic())
        async with self.shared.flight(key) as first:
            held = None if first else await self._shared_entry(key)
            if held is not None:
                return held
            entry = _Entry(await fetch(), time.monotonic())
            await self.shared.put(key, entry.value)
            return entry

    async def _shared_entry(self, key: Hashable) -> _Entry[Any] | None:
        """What another process fetched for `key`, of the age it has there."""
        found = await self.shared.get(key) if self.shared is not None else None
        if found is None:
            return None
        stats.count_cache_hit(self.iso)
        value, age = found
        return _Entry(value, time.monotonic() - age)


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a failed fetch's exception as seen: its callers got it; nobody else must warn about it."""
    if not task.cancelled():
        task.exception()
