"""Soak: many clients, mixed queries and injected faults against `gridql serve --sandbox` on loopback,
with a hostile mix alongside.

    python -m bench.soak                      # 64 clients and the hostile mix for 60 s
    python -m bench.soak --clients 16 --seconds 15
    python -m bench.soak --no-hostile         # the ordinary clients only

Next to the ordinary clients, one client of each hostile kind runs for the whole soak, each sending
its requests one after another:

- bypass: year-long typed series whose size hides in variable defaults or a float for an Int
  (QUERY_TOO_EXPENSIVE, and never executed: no data, nothing read upstream);
- fan_out: 24 fragments each spreading the next twice, ~1 KB (QUERY_TOO_EXPENSIVE);
- chunked: a 30 MB body with no Content-Length (413 REQUEST_TOO_LARGE);
- slow_silent / slow_drip: raw sockets that send nothing, or headers a byte a second (408, then close);
- malformed: null, 5, a string, non-UTF-8, gzip garbage, JSON nested 100,000 deep (400 BAD_REQUEST);
- trivial: the cheapest real query, whose p50/p99 is the latency a light client sees under this load.

Bounded in time, loopback only. Reports each kind's statuses, error codes and p50/p99, RSS (peak of
the first and the last 10 s, and the process's peak), and exits non-zero on any 5xx (a JSON 503
OVERLOADED from the concurrency limit aside, counted separately), any uncoded or internal error, and
any hostile request answered otherwise than expected.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from gridql.graph.server import HEADER_TIMEOUT

from . import workloads
from .server import Server

FAULTS = "CAISO=latency:0.05,ERCOT/np6-905=503"
DAY = workloads.dashboard_day().isoformat()
Query = tuple[str, dict[str, Any]]  # a query and its variables
MIX: list[Query] = [
    (workloads.DASHBOARD, {"ids": workloads.DASHBOARD_NODES, "date": DAY}),
    (
        'query($d: Date!) { node(id: "PJM:51288") { prices(run: DAY_AHEAD_HOURLY, date: $d) { start lmp } } }',
        {"d": DAY},
    ),
    ('query($d: Date!) { market(iso: NYISO) { load(date: $d, area: "N.Y.C.") { start mw } } }', {"d": DAY}),
    ("query($d: Date!) { market(iso: PJM) { fuelMix(date: $d) { start fuel mw } } }", {"d": DAY}),
    # ERCOT's 15-minute feed is faulted: UPSTREAM_UNAVAILABLE, then the circuit opens.
    (
        'query($d: Date!) { node(id: "ERCOT:HB_HOUSTON") { prices(run: REAL_TIME_15_MIN, date: $d) { lmp } } }',
        {"d": DAY},
    ),
    ('{ nodes(ids: ["NYISO:1", "MISO:2"]) { id } }', {}),
    ('{ node(id: "NYISO:61761") { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01", days: 9999) { lmp } } }', {}),
]

Expect = tuple[int, list[str]]  # the status and the error codes a request must get
TOO_EXPENSIVE: Expect = (200, ["QUERY_TOO_EXPENSIVE"])
BAD_REQUEST: Expect = (400, ["BAD_REQUEST"])
JSON = {"content-type": "application/json"}
UNCODED = ("UNCODED", "INTERNAL_SERVER_ERROR")

_YEAR = f'prices(run: REAL_TIME_5_MIN, date: "2024-01-01", days: $d) {{ {workloads.COLUMNS} }}'
_YEAR_SPAN = f"prices(run: REAL_TIME_5_MIN, start: $s, end: $e) {{ {workloads.COLUMNS} }}"
BYPASS: list[tuple[str, str, dict[str, Any]]] = [
    ("variable default", f'query($d: Int = 366) {{ node(id: "NYISO:61761") {{ {_YEAR} }} }}', {}),
    ("float for an Int", f'query($d: Int = 366) {{ node(id: "NYISO:61761") {{ {_YEAR} }} }}', {"d": 366.0}),
    (
        "start/end defaults",
        'query($s: DateTime = "2024-01-01T00:00:00Z", $e: DateTime = "2024-12-31T00:00:00Z") '
        f'{{ node(id: "NYISO:61761") {{ {_YEAR_SPAN} }} }}',
        {},
    ),
]


def _fan_out(depth: int) -> str:
    # 2**depth copies of the innermost selection in about 40 bytes a fragment.
    fragments = [f"fragment F{i} on Node {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth)]
    fragments.append(f"fragment F{depth} on Node {{ id }}")
    return '{ node(id: "NYISO:61761") { ...F0 } } ' + " ".join(fragments)


FAN_OUT = _fan_out(24)
MALFORMED: list[tuple[str, bytes, dict[str, str]]] = [
    ("null", b"null", JSON),
    ("a number", b"5", JSON),
    ("a string", b'"a string"', JSON),
    ("not UTF-8", b'{"query": "\xff\xfe"}', JSON),
    ("gzip garbage", b"\x1f\x8b not gzip at all", {**JSON, "content-encoding": "gzip"}),
    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, JSON),
]
CHUNK = b" " * 1_000_000
TRIVIAL = '{ nodes(ids: ["NYISO:61761"]) { id } }'  # one catalogue look-up, nothing read upstream
# The headers a slow client drips; never finished, so only the header deadline ends the request.
DRIP = b"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n" + b"x-slow: y\r\n" * 1000
KEEPALIVE = 2.0  # seconds a client keeps an idle connection: under uvicorn's 5
SLOW_WAIT = HEADER_TIMEOUT + 10  # past this a slow client has not been cut off: the deadline failed


@dataclass
class Tally:
    """What one kind of client got back, and every answer that fails the soak, by what was wrong."""

    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)
    overloaded: int = 0
    problems: Counter[str] = field(default_factory=Counter)

    def record(self, what: str, status: int, codes: list[str], ms: float, expect: Expect | None) -> None:
        self.statuses[status] += 1
        self.codes.update(codes)
        self.times.append(ms)
        if status == 503 and codes == ["OVERLOADED"]:
            self.overloaded += 1  # the concurrency limit, documented and coded: not a failure
            return
        problem = _problem(status, codes, expect)
        if problem is not None:
            self.problems[f"{what}: {problem}"] += 1

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.times),
            "statuses": dict(self.statuses),
            "error_codes": dict(self.codes),
            "p50_ms": percentile(self.times, 0.5),
            "p99_ms": percentile(self.times, 0.99),
            "overloaded": self.overloaded,
            "problems": dict(self.problems),
        }


def _problem(status: int, codes: list[str], expect: Expect | None) -> str | None:
    """Why an answer fails the soak, or None. Status 0 is no answer at all."""
    if status == 0 or status >= 500:
        return f"status {status} {codes}"
    if any(code in UNCODED for code in codes):
        return f"uncoded error, status {status} {codes}"
    if expect is not None and (status, codes) != expect:
        return f"expected {expect[0]} {expect[1]}, got {status} {codes}"
    return None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(sorted(values)[int(q * (len(values) - 1))], 1)


def _document(body: bytes) -> dict[str, Any] | None:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None


def error_codes(body: bytes) -> list[str]:
    """The code of each error in a JSON answer; an answer that is not a JSON object is one UNCODED."""
    document = _document(body)
    if document is None:
        return ["UNCODED"]
    return [(error.get("extensions") or {}).get("code") or "UNCODED" for error in document.get("errors") or []]


async def post(
    client: httpx.AsyncClient, tally: Tally, what: str, expect: Expect | None, **request: Any
) -> dict[str, Any] | None:
    """POST /graphql, record the answer in `tally` and return its JSON (None if it had none)."""
    began = time.perf_counter()
    try:
        response = await client.post("/graphql", **request)
        status, body = response.status_code, response.content
    except httpx.TransportError as exc:  # the server reset or dropped the connection: no answer
        status, body, what = 0, b"", f"{what} ({type(exc).__name__}: {exc})"
    ms = (time.perf_counter() - began) * 1000
    codes = error_codes(body) if status else []
    tally.record(what, status, codes, ms, expect)
    return _document(body)


async def ordinary(client: httpx.AsyncClient, tally: Tally, deadline: float, queries: Iterator[Query]) -> None:
    while time.perf_counter() < deadline:
        query, variables = next(queries)
        await post(client, tally, "ordinary", None, json={"query": query, "variables": variables})


async def bypass(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    for what, query, variables in itertools.cycle(BYPASS):
        if time.perf_counter() >= deadline:
            return
        answer = await post(client, tally, what, TOO_EXPENSIVE, json={"query": query, "variables": variables})
        # Refused is not enough: the estimate must stop it before anything runs.
        answer = answer or {}
        cost = ((answer.get("extensions") or {}).get("gridql") or {}).get("cost") or {}
        if answer.get("data") or cost.get("readUpstream"):
            tally.problems[f"{what}: executed"] += 1


async def fan_out(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    while time.perf_counter() < deadline:
        await post(client, tally, "fan-out", TOO_EXPENSIVE, json={"query": FAN_OUT})


async def _thirty_megabytes() -> AsyncIterator[bytes]:
    # An async iterator makes httpx send the body chunked, with no Content-Length to refuse it by.
    for _ in range(30):
        yield CHUNK


async def chunked(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    expect: Expect = (413, ["REQUEST_TOO_LARGE"])
    while time.perf_counter() < deadline:
        await post(client, tally, "chunked 30 MB", expect, content=_thirty_megabytes(), headers=JSON)


async def malformed(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    for what, body, headers in itertools.cycle(MALFORMED):
        if time.perf_counter() >= deadline:
            return
        await post(client, tally, what, BAD_REQUEST, content=body, headers=headers)


async def trivial(client: httpx.AsyncClient, tally: Tally, deadline: float) -> None:
    while time.perf_counter() < deadline:
        await post(client, tally, "trivial", (200, []), json={"query": TRIVIAL})


async def _drip(writer: asyncio.StreamWriter) -> None:
    for byte in DRIP:
        writer.write(bytes([byte]))
        await asyncio.sleep(1)


async def _slow_request(port: int, drip: bool) -> bytes:
    """Everything the server says to a client that never finishes its headers, up to its close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    dripping = asyncio.create_task(_drip(writer)) if drip else None
    try:
        return await asyncio.wait_for(reader.read(), SLOW_WAIT)  # read() returns when the server closes
    except (TimeoutError, OSError):
        return b""
    finally:
        if dripping is not None:
            dripping.cancel()
        writer.close()


def _raw_status(answer: bytes) -> int:
    status_line = answer.split(b"\r\n", 1)[0].split(b" ")
    return int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0


async def slow(port: int, tally: Tally, deadline: float, *, drip: bool) -> None:
    what = "headers a byte a second" if drip else "silent connection"
    # Each takes the header deadline to answer: start none that would outlast the soak.
    while time.perf_counter() + HEADER_TIMEOUT < deadline:
        began = time.perf_counter()
        answer = await _slow_request(port, drip)
        ms = (time.perf_counter() - began) * 1000
        status = _raw_status(answer)
        codes = error_codes(answer.partition(b"\r\n\r\n")[2]) if status else []
        tally.record(what, status, codes, ms, (408, ["REQUEST_TIMEOUT"]))


def hostile(
    client: httpx.AsyncClient, probe: httpx.AsyncClient, port: int, deadline: float, tallies: dict[str, Tally]
) -> list[Coroutine[Any, Any, None]]:
    for kind in ("bypass", "fan_out", "chunked", "slow_silent", "slow_drip", "malformed", "trivial"):
        tallies[kind] = Tally()
    return [
        bypass(client, tallies["bypass"], deadline),
        fan_out(client, tallies["fan_out"], deadline),
        chunked(client, tallies["chunked"], deadline),
        slow(port, tallies["slow_silent"], deadline, drip=False),
        slow(port, tallies["slow_drip"], deadline, drip=True),
        malformed(client, tallies["malformed"], deadline),
        # Its own connection, so that it waits on the server alone and not on the hostile clients' pool.
        trivial(probe, tallies["trivial"], deadline),
    ]


async def soak(clients: int, seconds: float, with_hostile: bool = True) -> dict[str, Any]:
    tallies: dict[str, Tally] = {"ordinary": Tally()}
    rss: list[tuple[float, float]] = []
    with Server(faults=FAULTS) as server:
        began = time.perf_counter()
        deadline = began + seconds
        queries = itertools.cycle(MIX)

        async def sample_rss() -> None:
            while time.perf_counter() < deadline:
                rss.append((time.perf_counter() - began, server.rss_mb()[0]))
                await asyncio.sleep(1)

        # uvicorn closes a connection idle for 5 s, httpx's default expiry: a request sent on one as it
        # closes is reset. The clients let idle connections go first, as a client of any server should.
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=KEEPALIVE)
        others = httpx.Limits(keepalive_expiry=KEEPALIVE)
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client,
            httpx.AsyncClient(base_url=server.url, timeout=120, limits=others) as hostile_client,
            httpx.AsyncClient(base_url=server.url, timeout=120, limits=others) as probe,
        ):
            tasks = [sample_rss(), *(ordinary(client, tallies["ordinary"], deadline, queries) for _ in range(clients))]
            if with_hostile:
                tasks += hostile(hostile_client, probe, server.port, deadline, tallies)
            await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        peak = server.rss_mb()[1]
    return _report(clients, wall, seconds, tallies, rss, peak)


def _report(
    clients: int, wall: float, seconds: float, tallies: dict[str, Tally], rss: list[tuple[float, float]], peak: float
) -> dict[str, Any]:
    ordinary = tallies["ordinary"].summary()
    first = [mb for t, mb in rss if t <= 10] or [rss[0][1]]
    last = [mb for t, mb in rss if t >= seconds - 10] or [rss[-1][1]]
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": ordinary["requests"],
        "throughput_rps": round(ordinary["requests"] / wall, 1),
        "p50_ms": ordinary["p50_ms"],
        "p99_ms": ordinary["p99_ms"],
        "statuses": ordinary["statuses"],
        "error_codes": ordinary["error_codes"],
        "overloaded": ordinary["overloaded"],
        **{kind: tally.summary() for kind, tally in tallies.items() if kind != "ordinary"},
        # Peaks of each window: the first seconds fill the caches, which is warm-up, not growth.
        "rss_first_10s_mb": round(max(first), 1),
        "rss_last_10s_mb": round(max(last), 1),
        "rss_peak_mb": round(peak, 1),
        "problems": dict(sum((tally.problems for tally in tallies.values()), Counter[str]())),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-hostile", action="store_true", help="the ordinary clients only")
    args = parser.parse_args()
    report = asyncio.run(soak(args.clients, args.seconds, with_hostile=not args.no_hostile))
    for key, value in report.items():
        print(f"{key}: {value}")
    growth = report["rss_last_10s_mb"] / report["rss_first_10s_mb"] - 1
    print(f"rss_growth: {growth:.1%}")
    if "trivial" in report:
        probe = report["trivial"]
        print(
            f"trivial query under load: p50 {probe['p50_ms']} ms, p99 {probe['p99_ms']} ms "
            f"over {probe['requests']} sequential requests beside {args.clients} clients and the hostile mix"
        )
    failures = sum(report["problems"].values())
    print(f"verdict: {'FAIL, ' + str(failures) + ' failing answers' if failures else 'ok'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    cli()
