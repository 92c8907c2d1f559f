"""What gridql replicas share through Redis (GRIDQL_REDIS_URL): each ISO's request spacing, one
lock per fetch, so replicas asked the same thing at once make one upstream request, and the hot
cache of fetched pieces (`Pieces`), so what one replica fetched another answers from.

Without Redis both stay in-process (`http.RateLimiter`, `cache.RecordCache`'s single-flight), and
N workers of one server each space their requests N times as far apart instead.

Slots are reserved in Redis's own clock (`TIME`), so replicas on machines whose clocks differ
still space their requests. A fetch's lock lapses after `LOCK_SECONDS` should its holder die; a
replica that waited on it finds what the holder fetched in the shared archive, not upstream.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import math
import secrets
import time
import zlib
from collections.abc import AsyncIterator, Hashable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date, datetime
from enum import Enum
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from .archive import codec

log = logging.getLogger("gridql.shared")

PREFIX = "gridql:"
# A fetched piece is shared when its compressed columns are at most this large: a month of every
# NYISO zone's 5-minute prices is about 1 MB. Larger ones (a month of every PJM pnode) stay in
# the process that fetched them rather than fill Redis and its network.
PIECE_BYTES = 8 << 20
LOCK_SECONDS = 120.0
POLL_SECONDS = 0.05  # how often a replica waiting on another's fetch looks again

# KEYS[1] the upstream's next free slot; ARGV[1] its spacing, ARGV[2] seconds it must hold off
# (an ISO's Retry-After), ARGV[3] the longest a request may wait. Answers how long to wait for the
# next slot, and takes it unless that is longer: checked and taken at once, so requests arriving
# together, from any replica, each count the ones before them.
_RESERVE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local slot = math.max(now + tonumber(ARGV[2]), tonumber(redis.call('GET', KEYS[1]) or '0'))
if slot - now > tonumber(ARGV[3]) then
  return {0, string.format('%.6f', slot - now)}
end
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', math.ceil((after - now) * 1000) + 1000)
return {1, string.format('%.6f', slot - now)}
"""

# Deletes the lock only if this holder still owns it (it may have lapsed and been taken since).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Shared:
    """One Redis client for an ISO's adapter: its upstreams' spacing and its fetches' locks."""

    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url)
        self._reserve: Any = self.redis.register_script(_RESERVE)
        self._release: Any = self.redis.register_script(_RELEASE)

    async def reserve(
        self, upstream: str, interval: float, hold: float, longest: float = math.inf
    ) -> tuple[bool, float]:
        """Whether this upstream's next slot across replicas was taken for this request (not when
        the wait for it is over `longest`), and the seconds to wait for it."""
        limit = repr(min(longest, 1e12))  # a number Lua reads, however long
        taken, delay = await self._reserve(keys=[f"{PREFIX}spacing:{upstream}"], args=[interval, max(0.0, hold), limit])
        return bool(taken), max(0.0, float(delay))

    @asynccontextmanager
    async def flight(self, what: str) -> AsyncIterator[bool]:
        """Hold the lock on fetching `what`; yields whether it was taken at once (False: another
        replica held it, and has since fetched and shared or archived what it holds, or died).
        With Redis unreachable, yields True holding nothing: the fetch goes ahead alone."""
        key = f"{PREFIX}flight:{hashlib.sha256(what.encode()).hexdigest()}"
        token = secrets.token_hex(16)
        try:
            first = await self._take(key, token)
        except RedisError as exc:
            log.warning("Redis is unavailable, fetching without the replicas' lock: %s", exc)
            yield True
            return
        try:
            yield first
        finally:
            # Let go even when the fetch was cancelled: the others should not wait for the lapse.
            with contextlib.suppress(RedisError):
                await asyncio.shield(self._release(keys=[key], args=[token]))

    async def _take(self, key: str, token: str) -> bool:
        first = True
        deadline = time.monotonic() + LOCK_SECONDS
        while not await self.redis.set(key, token, nx=True, px=int(LOCK_SECONDS * 1000)):
            first = False
            if time.monotonic() > deadline:
                break  # a holder that never lets go: fetch anyway rather than wait for ever
            await asyncio.sleep(POLL_SECONDS)
        return first

    async def aclose(self) -> None:
        await self.redis.aclose()


# A piece's records as the pipeline caches them: by node for price feeds, one group otherwise.
Groups = dict[Hashable, list[Any]]


class Pieces:
    """The hot cache of fetched pieces in Redis, behind each replica's own (`cache.Level`): zlib'd
    JSON columns (`archive.codec`, never pickle: Redis must not be able to run code in a
    replica), kept `ttl` seconds from when they were fetched. A piece missing everywhere is
    fetched under its lock, so replicas missing it at once make one request. Redis failing is a
    miss, not an error: the ISO is asked instead."""

    def __init__(self, shared: Shared, iso: str, ttl: float) -> None:
        self.shared = shared
        self.redis = shared.redis
        self.iso = iso
        self.ttl = ttl

    def flight(self, key: Hashable) -> AbstractAsyncContextManager[bool]:
        return self.shared.flight(f"piece|{self.iso}|{_spelled(key)}")

    def _key(self, key: Hashable) -> str:
        return f"{PREFIX}piece:{self.iso}:{hashlib.sha256(_spelled(key).encode()).hexdigest()}"

    async def get(self, key: Hashable) -> tuple[Groups, float] | None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                name = self._key(key)
                pipe.get(name)
                pipe.pttl(name)
                blob, left = await pipe.execute()
        except RedisError as exc:
            log.warning("the shared cache (Redis) is unavailable, asking the ISO: %s", exc)
            return None
        if blob is None or left < 0:
            return None
        try:
            groups = await asyncio.to_thread(_decoded, blob)  # a month of rows: CPU work
        except (zlib.error, orjson.JSONDecodeError, codec.CorruptBody) as exc:
            log.warning("a shared cache entry does not decode, asking the ISO: %s", exc)
            return None
        return groups, max(0.0, self.ttl - left / 1000)

    async def holding(self, keys: Sequence[Hashable]) -> set[Hashable]:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.exists(self._key(key))
                found = await pipe.execute()
        except RedisError:
            return set()  # get says why
        return {key for key, held in zip(keys, found, strict=True) if held}

    async def put(self, key: Hashable, value: Groups) -> None:
        if self.ttl <= 0:
            return
        try:
            blob = await asyncio.to_thread(_encoded, value)
        except KeyError:
            return  # records the codec does not know (a queue's projects): this process's alone
        if len(blob) > PIECE_BYTES:
            return
        try:
            await self.redis.set(self._key(key), blob, px=max(1, int(self.ttl * 1000)))
        except RedisError as exc:
            log.warning("the shared cache (Redis) is unavailable, not sharing a fetched piece: %s", exc)


def _encoded(groups: Groups) -> bytes:
    return zlib.compress(orjson.dumps([[group, codec.columns(records)] for group, records in groups.items()]), 1)


def _decoded(blob: bytes) -> Groups:
    return {group: codec.from_columns(data) for group, data in orjson.loads(zlib.decompress(blob))}


def _spelled(value: Any) -> str:
    """A cache key spelled the same by every replica: by the fields it is compared by, instants in
    UTC. (A dataclass's repr would include fields it is not compared by, like the time asked.)"""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f"{f.name}={_spelled(getattr(value, f.name))}" for f in dataclasses.fields(value) if f.compare)
        return f"{type(value).__name__}({','.join(fields)})"
    if isinstance(value, tuple | list):
        return f"({','.join(_spelled(v) for v in value)})"
    if isinstance(value, frozenset | set):
        return f"{{{','.join(sorted(_spelled(v) for v in value))}}}"
    if isinstance(value, datetime):
        return value.timestamp().hex() if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    return repr(value)
