"""Replicas over one archive and one Redis: the same query sent to both at once is one upstream
request, and each ISO's spacing holds across them."""

from __future__ import annotations

import asyncio
import re
import time
from itertools import pairwise
from pathlib import Path

import httpx
import pytest

from gridql.adapters.cache import RecordCache
from gridql.adapters.config import Settings
from gridql.adapters.errors import UpstreamBusy
from gridql.adapters.http import Upstream
from gridql.adapters.model import ISO
from gridql.adapters.shared import Shared

from .sandbox_app import Stack

QUERY = '{ node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-06-02") { start lmp } } }'


async def test_two_replicas_asked_the_same_at_once_make_one_upstream_request(archive: str, redis_url: str) -> None:
    replicas = [Stack(archive=archive, redis_url=redis_url) for _ in range(2)]
    answers = await asyncio.gather(*(replica.query(QUERY) for replica in replicas))
    assert sum(sum(replica.counts.values()) for replica in replicas) == 1
    first, second = (answer["data"] for answer in answers)
    assert first == second and len(first["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]


async def test_two_replicas_without_an_archive_asked_the_same_at_once_make_one_upstream_request(
    redis_url: str,
) -> None:
    replicas = [Stack(redis_url=redis_url, sandbox_latency=0.3) for _ in range(2)]  # a fetch takes a while
    answers = await asyncio.gather(*(replica.query(QUERY) for replica in replicas))
    assert sum(sum(replica.counts.values()) for replica in replicas) == 1  # the other took what it shared
    first, second = (answer["data"] for answer in answers)
    assert first == second and len(first["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]


async def test_the_spacing_of_an_iso_holds_across_replicas(redis_url: str) -> None:
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return httpx.Response(200, request=request)

    budgets = [Shared(redis_url) for _ in range(2)]  # a client each, as two processes have
    replicas = [
        Upstream(ISO.PJM, min_interval=0.3, transport=httpx.MockTransport(answer), shared=budget) for budget in budgets
    ]
    await asyncio.gather(*(replica.get("https://pjm.test/x") for replica in replicas for _ in range(3)))
    times = sorted(sent)
    gaps = [b - a for a, b in pairwise(times)]
    # Slots are reserved 0.3 s apart; a sender woken late by a busy machine may shorten the gap to
    # the next by its lateness (seen: 28 ms with five test runs on two cores), never the whole run.
    assert len(sent) == 6 and min(gaps) >= 0.25 and times[-1] - times[0] >= 5 * 0.3 - 0.05, gaps
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
        Upstream(ISO.PJM, min_interval=2.0, longest_wait=5.0, transport=httpx.MockTransport(answer), shared=budget)
        for budget in budgets
    )
    queued = [asyncio.create_task(first.get(f"https://pjm.test/first/{i}")) for i in range(4)]
    await asyncio.wait(queued, return_when=asyncio.FIRST_EXCEPTION)
    # One of its own four is refused: whichever reached Redis last, behind three holding the next 6 s.
    (busy,) = [task for task in queued if task.done() and task.exception() is not None]
    assert isinstance(busy.exception(), UpstreamBusy)
    # Alone in its process, its own queue empty: refused for the first replica's. (6 s less the
    # time since they took their slots, on a loaded machine perhaps more than half a second.)
    with pytest.raises(UpstreamBusy, match=r"would wait about [56] s, past the 5 s deadline") as refused:
        await second.get("https://pjm.test/second")
    assert refused.value.code == "UPSTREAM_BUSY"
    assert re.search(r"\b[23] requests are already queued for api", str(refused.value)), refused.value
    assert len(sent) == 1 and sent[0].startswith("/first/")  # refused at once, before it queued
    taken, wait = await budgets[1].reserve("PJM:api", 2.0, 0.0)
    assert taken and 4.0 < wait <= 6.0  # the next slot is the fourth: the refused ones took none
    for task in queued:
        task.cancel()
    await asyncio.gather(*queued, return_exceptions=True)
    for replica, budget in zip((first, second), budgets, strict=True):
        await replica.aclose()
        await budget.aclose()


BOTH = (
    '{ node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-06-02") { start lmp } } '
    'market(iso: NYISO) { series(dataset: LOAD, date: "2025-06-02") { start area mw } } }'
)


@pytest.mark.parametrize("archives", ["none", "each its own"])
async def test_a_replica_answers_from_what_another_fetched_with_no_upstream_request(
    redis_url: str, archives: str, tmp_path: Path
) -> None:
    def replica(name: str) -> Stack:
        return Stack(redis_url=redis_url, archive=None if archives == "none" else str(tmp_path / f"{name}.sqlite"))

    first, second = replica("a"), replica("b")
    fetched = await first.query(BOTH)
    assert first.counts == {ISO.PJM: 1, ISO.NYISO: 1}
    answered = await second.query(BOTH)
    assert sum(second.counts.values()) == 0  # nothing upstream: both pieces came from Redis
    assert answered["data"] == fetched["data"]
    assert len(answered["data"]["market"]["series"]["mw"]) == 288 * 12  # type: ignore[index]  # 12 areas, 5-minute
    report = answered["extensions"]["gridql"]  # type: ignore[index]
    assert report["upstream"]["PJM"]["requests"] == 0 and report["upstream"]["PJM"]["cacheHits"] >= 1
    # What a query reads upstream counts what Redis holds as held: nothing, where the first read rows.
    assert fetched["extensions"]["gridql"]["cost"]["readUpstream"] > 0 == report["cost"]["readUpstream"]  # type: ignore[index]
    again = await second.query(BOTH)  # now from its own process's cache, in front of Redis
    assert sum(second.counts.values()) == 0 and again["data"] == fetched["data"]


async def test_a_window_too_slow_to_fetch_in_time_is_answered_when_another_replica_fetched_it(
    redis_url: str,
) -> None:
    await Stack(redis_url=redis_url).query(QUERY)  # a day of PJM: one page, 10 s at PJM's pace
    hurried = Stack(redis_url=redis_url, request_deadline=5)
    alone = Stack(request_deadline=5)
    refused = await alone.query(QUERY)
    assert refused["errors"][0]["extensions"]["code"] == "UPSTREAM_TOO_SLOW"  # type: ignore[index]
    answered = await hurried.query(QUERY)
    assert "errors" not in answered and sum(hurried.counts.values()) == 0
    assert len(answered["data"]["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]


async def test_a_shared_piece_is_compact_and_lives_as_long_as_the_cache_ttl(redis_url: str) -> None:
    from redis.asyncio import Redis

    await Stack(redis_url=redis_url, cache_ttl=60).query(QUERY)
    client = Redis.from_url(redis_url)
    (key,) = [key async for key in client.scan_iter("gridql:piece:PJM:*")]
    size, left = await client.strlen(key), await client.pttl(key)
    await client.aclose()
    assert 0 < size < 1_000 and 55_000 < left <= 60_000, (size, left)  # a day of one node: 24 prices


async def test_a_piece_another_replica_fetched_expires_here_when_it_would_have_there() -> None:
    class Shared:
        asked = 0

        async def get(self, key: object) -> tuple[dict[str, list[int]], float] | None:
            self.asked += 1
            return {"node": [1, 2]}, 0.9  # fetched 0.9 s ago, of a 1 s TTL

        async def put(self, key: object, value: object) -> None:
            pytest.fail("a piece found in the shared cache is not put back")

    async def fetch() -> dict[str, list[int]]:
        pytest.fail("a piece in the shared cache was fetched")

    shared = Shared()
    cache = RecordCache(ISO.PJM, ttl=1.0, shared=shared)
    assert await cache.get("piece", fetch) == {"node": [1, 2]}
    assert await cache.get("piece", fetch) == {"node": [1, 2]} and shared.asked == 1  # in this process now
    await asyncio.sleep(0.15)
    assert await cache.get("piece", fetch) == {"node": [1, 2]} and shared.asked == 2  # expired here 0.1 s in


async def test_a_redis_that_is_down_is_a_cache_miss_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    stack = Stack(redis_url="redis://127.0.0.1:1/0")  # a closed port
    body = await stack.query(QUERY)
    assert "errors" not in body and len(body["data"]["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]
    assert stack.counts == {ISO.PJM: 1}
    assert any("the shared cache (Redis) is unavailable" in r.getMessage() for r in caplog.records)
