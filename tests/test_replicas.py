"""Replicas over one archive and one Redis: the same query sent to both at once is one upstream
request, and each ISO's spacing holds across them."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from adapters.config import Settings
from adapters.errors import UpstreamBusy
from adapters.http import Upstream
from adapters.model import ISO
from adapters.shared import Shared

from .sandbox_app import Stack

QUERY = '{ node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-06-02") { start lmp } } }'


async def test_two_replicas_asked_the_same_at_once_make_one_upstream_request(archive: str, redis_url: str) -> None:
    replicas = [Stack(archive=archive, redis_url=redis_url) for _ in range(2)]
    answers = await asyncio.gather(*(replica.query(QUERY) for replica in replicas))
    assert sum(sum(replica.counts.values()) for replica in replicas) == 1
    first, second = (answer["data"] for answer in answers)
    assert first == second and len(first["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]


async def test_the_spacing_of_an_iso_holds_across_replicas(redis_url: str) -> None:
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return httpx.Response(200, request=request)

    budgets = [Shared(redis_url) for _ in range(2)]  # a client each, as two processes have
    replicas = [
        Upstream(ISO.PJM, min_interval=0.2, transport=httpx.MockTransport(answer), shared=budget) for budget in budgets
    ]
    await asyncio.gather(*(replica.get("https://pjm.test/x") for replica in replicas for _ in range(3)))
    gaps = [b - a for a, b in zip(sorted(sent), sorted(sent)[1:], strict=False)]
    assert len(sent) == 6 and min(gaps) >= 0.19, gaps
    for replica, budget in zip(replicas, budgets, strict=True):
        await replica.aclose()
        await budget.aclose()


def test_with_redis_workers_share_one_spacing_instead_of_dividing_it(redis_url: str) -> None:
    settings = Settings(workers=4, redis_url=redis_url)
    alone = Upstream.configured(ISO.PJM, "api", settings, None, live_spacing=10.0)
    shared = Upstream.configured(ISO.PJM, "api", settings, None, live_spacing=10.0, shared=Shared(redis_url))
    assert (alone.limiter.interval, shared.limiter.interval) == (40.0, 10.0)


def test_a_redis_url_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="GRIDQL_REDIS_URL must be a redis://"):
        Settings(redis_url="localhost:6379")


async def test_a_request_that_would_wait_past_the_deadline_behind_another_replicas_queue_is_refused(
    redis_url: str,
) -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, request=request)

    budgets = [Shared(redis_url) for _ in range(2)]
    first, second = (
        Upstream(ISO.PJM, min_interval=1.0, longest_wait=2.5, transport=httpx.MockTransport(answer), shared=budget)
        for budget in budgets
    )
    queued = [asyncio.create_task(first.get(f"https://pjm.test/first/{i}")) for i in range(4)]
    await asyncio.sleep(0.1)
    # The first replica's fourth is refused too: three of its own hold the next 3 s.
    assert queued[3].done() and isinstance(queued[3].exception(), UpstreamBusy)
    with pytest.raises(UpstreamBusy, match=r"would wait about 3 s, past the 2.5 s deadline") as refused:
        await second.get("https://pjm.test/second")  # alone in its process: its own queue is empty
    assert refused.value.code == "UPSTREAM_BUSY" and "3 requests are already queued" in str(refused.value)
    assert sent == ["/first/0"]  # refused at once, before it queued
    await asyncio.gather(*queued[:3])
    await second.get("https://pjm.test/second")  # the queue drained: its turn comes within the deadline
    assert sent[-1] == "/second" and len(sent) == 4
    for replica, budget in zip((first, second), budgets, strict=True):
        await replica.aclose()
        await budget.aclose()
