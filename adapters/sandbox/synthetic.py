"""Deterministic, plausible prices for the sandbox: the same node and instant give the same numbers.

Every ISO's sandbox transport prints these values in its own wire format, so the adapters' real
request-building and parsing code runs offline.
"""

from __future__ import annotations

import asyncio
import math
import zlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

import httpx

_MASK = 0xFFFFFFFFFFFFFFFF


def _mix(n: int) -> float:
    """splitmix64 finalizer: a stable pseudo-random number in [0, 1) (Python's hash() is salted)."""
    n = (n + 0x9E3779B97F4A7C15) & _MASK
    n = ((n ^ (n >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    n = ((n ^ (n >> 27)) * 0x94D049BB133111EB) & _MASK
    return ((n ^ (n >> 31)) >> 11) / 2.0**53


@lru_cache(maxsize=65536)
def _seed(text: str) -> int:
    return zlib.crc32(text.encode())


@lru_cache(maxsize=256)
def _shape(quarter_hour: int) -> float:
    hour = quarter_hour / 4
    return 28.0 + 18.0 * math.sin((hour - 10.0) / 24.0 * 2 * math.pi) ** 2


def price(node: str, run: str, start_utc: datetime, local_hour: float) -> tuple[float, float, float]:
    """(energy, congestion, loss) in $/MWh, rounded to cents; LMP is their sum.

    A daily shape peaking in the evening (local time), a per-node offset, and noise per interval.
    """
    instant = int(start_utc.timestamp())
    run_seed = _seed(run)
    energy = round(_shape(int(local_hour * 4)) + (_mix(run_seed * 1_000_003 + instant) - 0.5) * 6.0, 2)
    node_seed = _seed(node)
    node_bias = _mix(node_seed) - 0.5
    congestion = round(node_bias * 8.0 + (_mix((node_seed ^ run_seed) * 1_000_003 + instant) - 0.5) * 2.0, 2)
    loss = round(node_bias * 1.5, 2)
    return energy, congestion, loss


def mock_transport(answer: Callable[[httpx.Request], httpx.Response], latency: float = 0.0) -> httpx.MockTransport:
    """An ISO's sandbox as an httpx transport, each response held back `latency` seconds. A response is
    built in a worker thread: a month's file takes seconds of CPU, which on the event loop would hold up
    every other request the server is answering, as a real ISO's would not."""

    async def handler(request: httpx.Request) -> httpx.Response:
        if latency > 0:
            await asyncio.sleep(latency)
        return await asyncio.to_thread(answer, request)

    return httpx.MockTransport(handler)
