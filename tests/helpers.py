"""Test helpers shared by every ISO's tests: instants, a recording transport, contiguity checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import httpx

from gridql.adapters.model import Window

from .conftest import SAMPLES

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def z(text: str) -> datetime:
    """`2025-11-02T05:00Z` -> an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def recorded(path: str) -> bytes:
    """A recorded ISO response, e.g. `recorded("pjm/dm2_da_hrl_lmps_hubs_2025-05-01_2025-05-02.csv")`."""
    return (SAMPLES / path).read_bytes()


class Recording(httpx.AsyncBaseTransport):
    """Answers through `handler` (a function, or another transport) and keeps every request it saw."""

    def __init__(self, handler: Handler | httpx.AsyncBaseTransport) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if isinstance(self.handler, httpx.AsyncBaseTransport):
            return await self.handler.handle_async_request(request)
        response = self.handler(request)
        if isinstance(response, Awaitable):
            response = await response
        return response

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]


def assert_contiguous(records: Sequence[Any], length: timedelta | None = None) -> None:
    """Ordered, no gaps, no overlaps; each `length` long when given."""
    for before, after in pairwise(records):
        assert before.end == after.start, (before, after)
    if length is not None:
        assert all(r.end - r.start == length for r in records)


def assert_inside(records: Sequence[Any], window: Window) -> None:
    assert all(window.start <= r.start < window.end for r in records)
