"""The one HTTP client every adapter uses: spacing per ISO, retries with backoff, coded errors.

Transports are pluggable (httpx's own mechanism): the sandbox and the tests pass an
`httpx.MockTransport`, production passes none and reaches the ISO.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from . import stats, tracing
from .config import Settings
from .errors import (
    UpstreamBadResponse,
    UpstreamBroken,
    UpstreamBusy,
    UpstreamError,
    UpstreamThrottled,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from .model import ISO

if TYPE_CHECKING:
    from .shared import Shared  # redis is the `redis` extra's

log = logging.getLogger("gridql.upstream")
MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # total tries, the first included
    backoff: float = 0.5  # seconds; doubles each retry, with full jitter
    max_backoff: float = 20.0
    max_retry_after: float = 60.0  # a longer Retry-After fails now rather than hold the request


@dataclass(frozen=True, slots=True)
class _Call:
    """One logical request as the caller made it."""

    method: str
    url: str
    params: Mapping[str, str | int] | None
    headers: Mapping[str, str] | None  # the caller's own (keys, tokens): sent to `url`'s host only
    data: Mapping[str, str] | None
    json: object

    @property
    def what(self) -> str:
        """How messages name it: never the query, which may hold a key."""
        return f"{self.method} {httpx.URL(self.url).copy_with(query=None)}"


class QueueFull(Exception):
    """A request would wait past its limit for its slot: refused, no slot taken."""

    def __init__(self, ahead: float, queued: int) -> None:
        super().__init__(f"{queued} requests queued, {ahead:.1f} s ahead")
        self.ahead = ahead
        self.queued = queued


class RateLimiter:
    """Spaces requests to one ISO at least `interval` seconds apart, in arrival order. Its queue
    is bounded by time: a request that would wait longer than it may for its slot is refused.
    With `shared`, every replica's requests to the upstream `name` are spaced together: each
    takes its slot in Redis as it arrives, so the slots held there are every replica's queue, and
    the wait a request is refused for counts them all."""

    def __init__(self, interval: float, shared: Shared | None = None, name: str = "") -> None:
        self.interval = interval
        self._shared = shared if interval > 0 else None
        self._name = name
        self._lock = asyncio.Lock()
        self._next = 0.0
        self.waiting = 0  # requests queued for a slot, the one sleeping to its slot included (without `shared`)

    def ahead(self) -> float:
        """Seconds before a request arriving now is sent (without `shared`): the slot being waited
        for, then one interval for each request queued before it."""
        return max(0.0, self._next - time.monotonic()) + self.waiting * self.interval

    async def wait(self, longest: float = math.inf) -> None:
        """Wait for this request's slot; raise `QueueFull`, taking none, if that is over `longest` s."""
        if self._shared is not None:
            # Not behind this process's lock: a slot taken in Redis at once is one the other
            # replicas see queued. `_next` is only a 429's hold here.
            hold = self._next - time.monotonic()
            taken, delay = await self._shared.reserve(self._name, self.interval, hold, longest)
            if not taken:
                raise QueueFull(delay, round(delay / self.interval))
            await asyncio.sleep(delay)
            return
        ahead = self.ahead()
        if ahead > longest:
            raise QueueFull(ahead, self.waiting)
        self.waiting += 1  # until its slot is taken, or it is cancelled
        try:
            async with self._lock:
                now = time.monotonic()
                delay = self._next - now
                if delay > 0:
                    await asyncio.sleep(delay)
                    now += delay
                self._next = now + self.interval
        finally:
            self.waiting -= 1

    def hold(self, seconds: float) -> None:
        """Push the next slot back, e.g. after a 429 told us to wait."""
        self._next = max(self._next, time.monotonic() + seconds)


class CircuitBreaker:
    """Stops hammering an ISO that keeps failing.

    After `threshold` failed requests in a row the circuit opens: requests fail at once for
    `cooldown` seconds. Then one probe request goes through (half-open); its outcome closes the
    circuit or opens it for another cool-down.
    """

    def __init__(self, iso: ISO, *, threshold: int = 5, cooldown: float = 30.0) -> None:
        self.iso = iso
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if time.monotonic() - self.opened_at >= self.cooldown else "open"

    def check(self) -> None:
        """Raise at once while open; let exactly one probe through once the cool-down is over."""
        state = self.state
        if state == "closed":
            return
        if state == "half-open" and not self._probing:
            self._probing = True
            return
        assert self.opened_at is not None
        wait = max(0.0, self.cooldown - (time.monotonic() - self.opened_at))
        raise UpstreamUnavailable(
            self.iso,
            f"failing repeatedly; not asked again for {wait:.0f} s (circuit open after {self.failures} failures)",
        )

    def release(self) -> None:
        self._probing = False

    def record(self, ok: bool) -> None:
        self._probing = False
        if ok:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = time.monotonic()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Upstream:
    """One of an ISO's HTTP endpoints: one `httpx.AsyncClient`, its rate limiter, retry policy and
    circuit breaker. `name` tells an ISO's upstreams apart in /healthz and /metrics."""

    def __init__(
        self,
        iso: ISO,
        name: str = "api",
        *,
        min_interval: float,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        longest_wait: float = math.inf,
        shared: Shared | None = None,
    ) -> None:
        self.iso = iso
        self.name = name
        self.retry = retry or RetryPolicy()
        self.limiter = RateLimiter(min_interval, shared, f"{iso.value}:{name}")
        # A request that would wait longer than this for its turn is refused (UpstreamBusy): the
        # queue of each ISO's requests is bounded by the time it takes to drain.
        self.longest_wait = longest_wait
        self.breaker = CircuitBreaker(iso)
        self.sent = 0  # HTTP requests sent, retries included
        self.failed = 0  # logical requests that ended in an UpstreamError
        # Seconds each HTTP request took (redirects followed included), by the feed it was for;
        # sign-ins (ERCOT's id token) apart, as "sign-in".
        self.latency: dict[str, stats.Histogram] = {}
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers=dict(headers or {}),
            # Redirects are followed by `_send`, which never carries credentials to another host.
            follow_redirects=False,
        )

    @classmethod
    def configured(
        cls,
        iso: ISO,
        name: str,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None,
        *,
        live_spacing: float,
        spacing: float | None = None,
        shared: Shared | None = None,
    ) -> Upstream:
        """The ISO's client as settings ask: the ISO's own request spacing live, none in the sandbox
        (no ISO to protect), or `spacing` when a test pins it. With `shared` (Redis), every replica
        and worker takes its turn from one spacing; without, each of N server processes keeps its
        own pace, so each spaces its requests N times as far apart and together they keep the ISO's."""
        if spacing is None:
            workers = 1 if shared is not None else settings.workers
            spacing = 0.0 if settings.sandbox else settings.min_intervals.get(iso, live_spacing) * workers
        return cls(
            iso,
            name,
            min_interval=spacing,
            timeout=settings.http_timeout,
            retry=RetryPolicy(attempts=settings.retries),
            transport=transport,
            longest_wait=settings.request_deadline,
            shared=shared,
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        ok_statuses: Collection[int] = (),
    ) -> httpx.Response:
        return await self.request("GET", url, params=params, headers=headers, ok_statuses=ok_statuses)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: object = None,
        ok_statuses: Collection[int] = (),
        auth: bool = False,
    ) -> httpx.Response:
        """Send one logical request; return a 2xx response or raise a coded `UpstreamError`.

        Connect errors, timeouts, 429 and 5xx are retried; other 4xx are not. A status in
        `ok_statuses` (say 404 for a file not yet published) is returned for the caller to judge.
        `auth` marks a sign-in, counted apart from data requests. A request that would queue
        past `longest_wait` behind others at the ISO's pace is refused before it joins the queue.
        """
        self.breaker.check()
        try:
            response = await self._send(_Call(method, url, params, headers, data, json), ok_statuses, auth)
        except QueueFull as full:
            self.breaker.release()  # not sent: no verdict on the ISO
            raise UpstreamBusy(
                self.iso,
                f"{full.queued} requests are already queued for {self.name} at its pace of one every "
                f"{self.limiter.interval:g} s; this one would wait about {full.ahead:.0f} s, past the "
                f"{self.longest_wait:g} s deadline. Retry shortly.",
            ) from None
        except (UpstreamUnavailable, UpstreamTimeout, UpstreamThrottled, UpstreamBroken):
            self.failed += 1
            self.breaker.record(ok=False)
            raise
        except UpstreamError:
            self.failed += 1
            self.breaker.record(ok=True)  # the ISO answered; the request was wrong
            raise
        except BaseException:
            self.breaker.release()  # cancelled: no verdict on the ISO
            raise
        self.breaker.record(ok=True)
        return response

    async def _send(self, call: _Call, ok_statuses: Collection[int], auth: bool) -> httpx.Response:
        what = call.what
        failure: UpstreamError | None = None
        for attempt in range(self.retry.attempts):
            if attempt:
                await asyncio.sleep(self._backoff(attempt))
            # The first try queues only within the deadline; a retry has been admitted already.
            await self.limiter.wait(self.longest_wait if attempt == 0 else math.inf)
            stats.count_request(self.iso, auth=auth)
            self.sent += 1
            try:
                response = await self._timed(call, auth, attempt)
            except httpx.TimeoutException:
                failure = UpstreamTimeout(self.iso, f"{what} timed out")
            except httpx.DecodingError:
                raise UpstreamBroken(self.iso, f"{what} answered a body that does not decode") from None
            except httpx.TransportError as exc:
                failure = UpstreamUnavailable(self.iso, f"{what} failed: {type(exc).__name__}")
            else:
                if response.is_success or response.status_code in ok_statuses:
                    return response
                status = response.status_code
                if status == 429:
                    wait = _retry_after(response)
                    failure = UpstreamThrottled(self.iso, f"{what} was throttled (HTTP 429)")
                    if wait is not None:
                        if wait > self.retry.max_retry_after:
                            raise UpstreamThrottled(
                                self.iso, f"{what} was throttled; the ISO asks to wait {wait:.0f} s"
                            )
                        self.limiter.hold(wait)
                elif status >= 500:
                    failure = UpstreamUnavailable(self.iso, f"{what} answered HTTP {status}")
                else:
                    raise UpstreamBadResponse(self.iso, f"{what} answered HTTP {status}")
            log.warning("%s (attempt %d of %d)", failure, attempt + 1, self.retry.attempts)
        assert failure is not None
        raise failure

    async def _timed(self, call: _Call, auth: bool, attempt: int) -> httpx.Response:
        """`_follow` in its span, its seconds observed in `latency` under the feed being fetched,
        failures too."""
        feed = "sign-in" if auth else stats.feed.get()
        histogram = self.latency.get(feed)
        if histogram is None:
            histogram = self.latency[feed] = stats.Histogram(stats.UPSTREAM_SECONDS)
        url = httpx.URL(call.url)
        attributes = {
            "gridql.iso": self.iso.value,
            "gridql.upstream": self.name,
            "gridql.feed": feed,
            "http.request.method": call.method,
            "server.address": url.host,
            "url.full": str(url.copy_with(query=None)),  # a query may hold a key
            "http.request.resend_count": attempt,
        }
        with tracing.client(f"{call.method} {self.iso.value} {feed}", attributes) as span:
            begin = time.perf_counter()
            try:
                response = await self._follow(call)
            finally:
                histogram.observe(time.perf_counter() - begin)
            span.set_attributes({"http.response.status_code": response.status_code})
            return response

    async def _follow(self, call: _Call) -> httpx.Response:
        """The request, redirects followed by hand: the caller's headers (keys, tokens) go only to
        the host they were meant for; a redirect to another scheme or a loop is refused."""
        origin = httpx.URL(call.url)
        method, data, json = call.method, call.data, call.json
        response = await self.client.request(
            method, call.url, params=call.params, headers=call.headers, data=data, json=json
        )
        for _ in range(MAX_REDIRECTS):
            location = response.headers.get("Location")
            if not response.is_redirect or location is None:
                return response
            await response.aclose()
            target = response.url.join(location)
            if target.scheme != origin.scheme:
                raise UpstreamBroken(self.iso, f"{call.what} redirected to another scheme ({target.scheme})")
            if response.status_code == 303:
                method, data, json = "GET", None, None
            headers = call.headers if target.host == origin.host else None
            response = await self.client.request(method, target, headers=headers, data=data, json=json)
        raise UpstreamBroken(self.iso, f"{call.what} redirected more than {MAX_REDIRECTS} times")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.retry.max_backoff, self.retry.backoff * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)
