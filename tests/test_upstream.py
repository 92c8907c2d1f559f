"""The shared machinery every adapter relies on: retries, Retry-After, coded errors, cache, spacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gridql.adapters import stats
from gridql.adapters.cache import RecordCache
from gridql.adapters.config import Secret, Settings
from gridql.adapters.errors import (
    UpstreamBadResponse,
    UpstreamBusy,
    UpstreamThrottled,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gridql.adapters.http import RetryPolicy, Upstream
from gridql.adapters.model import ISO

Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler that answers with the given responses (or raises the given errors) in turn."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


def upstream(handler: Handler, *, attempts: int = 3, min_interval: float = 0.0) -> Upstream:
    return Upstream(
        ISO.PJM,
        min_interval=min_interval,
        retry=RetryPolicy(attempts=attempts, backoff=0.001),
        transport=httpx.MockTransport(handler),
    )


async def test_5xx_is_retried_then_succeeds() -> None:
    handler, seen = scripted(httpx.Response(503), httpx.Response(502), httpx.Response(200, text="ok"))
    response = await upstream(handler).get("https://api.example/feed")
    assert response.text == "ok" and len(seen) == 3


async def test_5xx_every_time_is_upstream_unavailable() -> None:
    handler, seen = scripted(*(httpx.Response(500) for _ in range(3)))
    with pytest.raises(UpstreamUnavailable, match=r"PJM: GET https://api.example/feed answered HTTP 500"):
        await upstream(handler).get("https://api.example/feed")
    assert len(seen) == 3


async def test_retry_after_is_honoured() -> None:
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "0.3"}), httpx.Response(200))
    began = time.monotonic()
    await upstream(handler).get("https://api.example/feed")
    assert len(seen) == 2
    assert time.monotonic() - began >= 0.3


async def test_a_long_retry_after_fails_at_once_as_throttled() -> None:
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(UpstreamThrottled, match="asks to wait 3600 s") as caught:
        await upstream(handler).get("https://api.example/feed")
    assert caught.value.code == "UPSTREAM_THROTTLED" and len(seen) == 1


async def test_client_errors_are_not_retried() -> None:
    handler, seen = scripted(httpx.Response(400))
    with pytest.raises(UpstreamBadResponse, match="HTTP 400"):
        await upstream(handler).get("https://api.example/feed")
    assert len(seen) == 1


async def test_timeouts_and_resets_are_coded() -> None:
    handler, _ = scripted(*(httpx.ReadTimeout("slow") for _ in range(2)))
    with pytest.raises(UpstreamTimeout) as timeout:
        await upstream(handler, attempts=2).get("https://api.example/feed")
    assert timeout.value.code == "UPSTREAM_TIMEOUT"
    handler, _ = scripted(httpx.ConnectError("reset"), httpx.ConnectError("reset"))
    with pytest.raises(UpstreamUnavailable, match="ConnectError"):
        await upstream(handler, attempts=2).get("https://api.example/feed")


async def test_error_messages_never_carry_the_query_string_or_key() -> None:
    handler, seen = scripted(httpx.Response(403))
    client = upstream(handler)
    with pytest.raises(UpstreamBadResponse) as caught:
        await client.get(
            "https://api.example/feed",
            params={"subscription-key": "s3cret-key"},
            headers={"Ocp-Apim-Subscription-Key": "s3cret-key"},
        )
    assert seen[0].headers["Ocp-Apim-Subscription-Key"] == "s3cret-key"
    assert "s3cret" not in str(caught.value)
    secret = Secret("s3cret-key")
    assert "s3cret" not in repr(secret) and "s3cret" not in str(Settings(pjm_api_key=secret))


async def test_requests_to_one_iso_are_spaced() -> None:
    handler, _ = scripted(*(httpx.Response(200) for _ in range(3)))
    client = upstream(handler, min_interval=0.1)
    began = time.monotonic()
    await asyncio.gather(*(client.get("https://api.example/feed") for _ in range(3)))
    assert time.monotonic() - began >= 0.2


async def test_a_request_that_would_queue_past_the_deadline_is_refused_sending_nothing() -> None:
    """At one request every 0.2 s with 0.5 s of patience, three fit (sent at 0, 0.2 and 0.4 s);
    the rest are refused at once as UPSTREAM_BUSY, and the ISO's circuit is not marked."""
    handler, seen = scripted(*(httpx.Response(200) for _ in range(4)))
    client = Upstream(ISO.PJM, min_interval=0.2, longest_wait=0.5, transport=httpx.MockTransport(handler))
    results = await asyncio.gather(*(client.get("https://api.example/feed") for _ in range(6)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, UpstreamBusy)]
    assert len(seen) == 3 and len(refused) == 3
    assert refused[0].code == "UPSTREAM_BUSY" and "would wait about" in str(refused[0])
    assert client.breaker.state == "closed" and client.failed == 0
    await asyncio.sleep(0.6)  # the queue drained: a new request is sent again
    await client.get("https://api.example/feed")
    assert len(seen) == 4


async def test_upstream_requests_are_counted_per_request() -> None:
    handler, _ = scripted(httpx.Response(503), httpx.Response(200))
    request_stats = stats.RequestStats()
    stats.current.set(request_stats)
    await upstream(handler).get("https://api.example/feed")
    assert request_stats.of(ISO.PJM).upstream_requests == 2


async def test_cache_is_single_flight_and_counts_hits() -> None:
    cache = RecordCache(ISO.NYISO, ttl=60)
    calls = 0

    async def fetch() -> list[int]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return [1, 2, 3]

    request_stats = stats.RequestStats()
    stats.current.set(request_stats)
    results = await asyncio.gather(*(cache.get("day", fetch) for _ in range(5)))
    assert results == [[1, 2, 3]] * 5 and calls == 1
    assert await cache.get("day", fetch) == [1, 2, 3] and calls == 1
    assert request_stats.of(ISO.NYISO).cache_hits == 5


async def test_a_failed_fetch_is_not_cached() -> None:
    cache = RecordCache(ISO.NYISO, ttl=60)
    outcomes: list[Exception | str] = [UpstreamUnavailable(ISO.NYISO, "down"), "data"]

    async def fetch() -> str:
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    with pytest.raises(UpstreamUnavailable):
        await cache.get("day", fetch)
    assert await cache.get("day", fetch) == "data"


async def test_a_caller_giving_up_does_not_cancel_the_shared_fetch() -> None:
    cache = RecordCache(ISO.NYISO, ttl=60)
    release = asyncio.Event()

    async def fetch() -> str:
        await release.wait()
        return "data"

    first = asyncio.create_task(cache.get("day", fetch))
    second = asyncio.create_task(cache.get("day", fetch))
    await asyncio.sleep(0)
    first.cancel()  # say, its request hit the deadline
    release.set()
    assert await second == "data"
    assert first.cancelled()
    assert await cache.get("day", fetch) == "data"


@pytest.mark.parametrize("keep", [False, True])
async def test_a_fetch_everyone_gave_up_on_is_cancelled_unless_kept(keep: bool) -> None:
    cache = RecordCache(ISO.NYISO, ttl=60)
    started, finished = asyncio.Event(), asyncio.Event()
    release = asyncio.Event()

    async def fetch() -> str:
        started.set()
        await release.wait()
        finished.set()
        return "data"

    callers = [asyncio.create_task(cache.get("day", fetch, keep=keep)) for _ in range(2)]
    await started.wait()
    for caller in callers:
        caller.cancel()  # both clients went away
    await asyncio.sleep(0)
    release.set()
    await asyncio.sleep(0.01)
    assert finished.is_set() is keep
    assert ("day" in cache) is keep  # kept: the fetch filled the cache for the next caller


async def test_stale_data_older_than_the_feeds_window_is_not_served() -> None:
    cache = RecordCache(ISO.ERCOT, ttl=0.01, stale_ttl=60)
    down = UpstreamUnavailable(ISO.ERCOT, "down")
    outcomes: list[Exception | str] = ["old", down, down]

    async def fetch() -> str:
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    assert await cache.get("now", fetch, stale_for=0.05) == "old"
    await asyncio.sleep(0.02)  # past the TTL, within the stale window: served stale
    assert await cache.get("now", fetch, stale_for=0.05) == "old"
    await asyncio.sleep(0.05)  # past the stale window: the failure is the answer
    with pytest.raises(UpstreamUnavailable):
        await cache.get("now", fetch, stale_for=0.05)


async def test_stale_data_is_served_when_the_iso_fails_and_says_so() -> None:
    cache = RecordCache(ISO.NYISO, ttl=0.05, stale_ttl=60)
    outcomes: list[Exception | str] = ["old data", UpstreamUnavailable(ISO.NYISO, "down"), "new data"]

    async def fetch() -> str:
        item = outcomes.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    assert await cache.get("day", fetch) == "old data"
    await asyncio.sleep(0.1)  # past the TTL
    request_stats = stats.RequestStats()
    stats.current.set(request_stats)
    assert await cache.get("day", fetch) == "old data"
    age = request_stats.of(ISO.NYISO).stale_seconds
    assert age is not None and age >= 0.1
    # Stale data is not fresh data: the next request asks the ISO again.
    assert await cache.get("day", fetch) == "new data"


async def test_the_circuit_opens_after_repeated_failures_then_probes() -> None:
    handler, seen = scripted(*(httpx.Response(503) for _ in range(5)), httpx.Response(200, text="back"))
    client = upstream(handler, attempts=1)
    client.breaker.cooldown = 0.2
    for _ in range(5):
        with pytest.raises(UpstreamUnavailable, match="HTTP 503"):
            await client.get("https://api.example/feed")
    assert client.breaker.state == "open"
    with pytest.raises(UpstreamUnavailable, match="circuit open after 5 failures"):
        await client.get("https://api.example/feed")
    assert len(seen) == 5  # failed fast: the ISO was not asked
    await asyncio.sleep(0.25)
    assert client.breaker.state == "half-open"
    assert (await client.get("https://api.example/feed")).text == "back"
    assert client.breaker.state == "closed" and len(seen) == 6


def test_live_spacing_can_be_set_per_iso(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDQL_PJM_MIN_INTERVAL", "0.1")
    settings = Settings.from_env()
    pjm = Upstream.configured(ISO.PJM, "dataminer", settings, None, live_spacing=10.0)
    nyiso = Upstream.configured(ISO.NYISO, "mis", settings, None, live_spacing=0.5)
    assert (pjm.limiter.interval, nyiso.limiter.interval) == (0.1, 0.5)


def test_each_of_n_workers_spaces_its_requests_n_times_as_far_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDQL_PJM_MIN_INTERVAL", "0.1")
    settings = Settings.from_env(workers=3)
    pjm = Upstream.configured(ISO.PJM, "dataminer", settings, None, live_spacing=10.0)
    nyiso = Upstream.configured(ISO.NYISO, "mis", settings, None, live_spacing=0.5)
    assert (pjm.limiter.interval, nyiso.limiter.interval) == pytest.approx((0.3, 1.5))


# --- every httpx failure is coded; credentials stay with their host ---------------------------------

KEY = {"Ocp-Apim-Subscription-Key": "s3cret-key"}


async def test_a_corrupt_gzip_body_is_a_bad_response_counted_against_the_circuit() -> None:
    corrupt = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip at all"))
    handler, _ = scripted(corrupt)
    client = upstream(handler)
    with pytest.raises(UpstreamBadResponse, match="does not decode") as caught:
        await client.get("https://api.example/feed")
    assert caught.value.code == "UPSTREAM_BAD_RESPONSE" and caught.value.iso is ISO.PJM
    assert client.breaker.failures == 1 and client.failed == 1


async def test_a_redirect_loop_and_a_redirect_to_another_scheme_are_refused() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://api.example/feed"})

    with pytest.raises(UpstreamBadResponse, match="redirected more than 5 times"):
        await upstream(loop).get("https://api.example/feed")
    downgrade, _ = scripted(httpx.Response(301, headers={"Location": "http://api.example/feed"}))
    with pytest.raises(UpstreamBadResponse, match=r"redirected to another scheme \(http\)"):
        await upstream(downgrade).get("https://api.example/feed")


async def test_credentials_follow_a_redirect_on_their_host_only() -> None:
    handler, seen = scripted(
        httpx.Response(302, headers={"Location": "/v2/feed"}),
        httpx.Response(302, headers={"Location": "https://cdn.elsewhere.example/feed.csv"}),
        httpx.Response(200, text="ok"),
    )
    response = await upstream(handler).get("https://api.example/feed", headers=KEY)
    assert response.text == "ok"
    assert [str(r.url) for r in seen] == [
        "https://api.example/feed",
        "https://api.example/v2/feed",
        "https://cdn.elsewhere.example/feed.csv",
    ]
    assert [r.headers.get("Ocp-Apim-Subscription-Key") for r in seen] == ["s3cret-key", "s3cret-key", None]


# --- the record cache: bounded by bytes, and never waiting long on a hanging ISO --------------------


def _records(n: int) -> dict[str, list[int]]:
    return {"node": list(range(n))}  # the size estimate counts records, whatever they are


async def test_the_cache_is_bounded_by_bytes_not_entries() -> None:
    from gridql.adapters.cache import RECORD_BYTES

    cache = RecordCache(ISO.NYISO, ttl=60, max_bytes=2 * (256 + 100 * RECORD_BYTES) + 1)
    fetched: list[str] = []

    async def fetch(key: str, n: int) -> dict[str, list[int]]:
        fetched.append(key)
        return _records(n)

    for key in ("a", "b", "c"):  # three pieces of 100 records: only two fit
        await cache.get(key, lambda key=key: fetch(key, 100))  # type: ignore[misc]
    await cache.get("a", lambda: fetch("a", 100))
    assert fetched == ["a", "b", "c", "a"]  # the oldest was evicted for the third
    huge = await cache.get("huge", lambda: fetch("huge", 10_000))
    assert len(huge["node"]) == 10_000  # larger than the whole bound: served
    await cache.get("huge", lambda: fetch("huge", 10_000))
    assert fetched.count("huge") == 2  # ... and never kept


async def test_a_hanging_iso_gets_its_older_data_served_while_the_fetch_goes_on() -> None:
    cache = RecordCache(ISO.NYISO, ttl=0.01, stale_ttl=60, stale_after=0.05)
    await cache.get("k", _async_value(_records(1)))
    await asyncio.sleep(0.02)  # past the TTL
    release = asyncio.Event()

    async def hanging() -> dict[str, list[int]]:
        await release.wait()
        return _records(2)

    request = stats.RequestStats()
    stats.current.set(request)
    began = time.monotonic()
    served = await cache.get("k", hanging)
    assert served == _records(1) and time.monotonic() - began < 1.0
    assert request.of(ISO.NYISO).stale_seconds is not None
    release.set()
    await asyncio.sleep(0.01)
    assert await cache.get("k", hanging) == _records(2)  # the fetch finished and refreshed the cache


def _async_value(value: dict[str, list[int]]) -> Callable[[], Any]:
    async def fetch() -> dict[str, list[int]]:
        return value

    return fetch
