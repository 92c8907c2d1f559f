"""What gridql replicas share through Redis (GRIDQL_REDIS_URL): each ISO's request spacing, and
one lock per fetch, so replicas asked the same thing at once make one upstream request.

Without Redis both stay in-process (`http.RateLimiter`, `cache.RecordCache`'s single-flight), and
N workers of one server each space their requests N times as far apart instead.

Slots are reserved in Redis's own clock (`TIME`), so replicas on machines whose clocks differ
still space their requests. A fetch's lock lapses after `LOCK_SECONDS` should its holder die; a
replica that waited on it finds what the holder fetched in the shared archive, not upstream.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis

PREFIX = "gridql:"
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
        replica held it, and has since fetched and archived what it holds or died)."""
        key = f"{PREFIX}flight:{hashlib.sha256(what.encode()).hexdigest()}"
        token = secrets.token_hex(16)
        first = True
        deadline = time.monotonic() + LOCK_SECONDS
        while not await self.redis.set(key, token, nx=True, px=int(LOCK_SECONDS * 1000)):
            first = False
            if time.monotonic() > deadline:
                break  # a holder that never lets go: fetch anyway rather than wait for ever
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield first
        finally:
            # Let go even when the fetch was cancelled: the others should not wait for the lapse.
            await asyncio.shield(self._release(keys=[key], args=[token]))

    async def aclose(self) -> None:
        await self.redis.aclose()
