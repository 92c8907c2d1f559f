"""Soak: many clients, mixed queries and injected faults against `gridql serve --sandbox` on loopback.

    python -m bench.soak                      # 64 clients for 60 s
    python -m bench.soak --clients 16 --seconds 10

Bounded in time, loopback only. Reports status codes, error codes, p50/p99 and RSS growth from the
first 10 s to the last 10 s (peak of each), and exits non-zero if any response was a 5xx or carried an uncoded or
internal error.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections import Counter
from typing import Any

import httpx
import orjson

from . import workloads
from .server import Server

FAULTS = "CAISO=latency:0.05,ERCOT/np6-905=503"
DAY = workloads.dashboard_day().isoformat()
MIX: list[tuple[str, dict[str, Any]]] = [
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


async def soak(clients: int, seconds: float) -> dict[str, Any]:
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    times: list[float] = []
    rss: list[tuple[float, float]] = []
    with Server(faults=FAULTS) as server:
        began = time.perf_counter()
        deadline = began + seconds
        queries = itertools.cycle(MIX)

        async def client_loop(client: httpx.AsyncClient) -> None:
            while time.perf_counter() < deadline:
                query, variables = next(queries)
                t = time.perf_counter()
                response = await client.post("/graphql", json={"query": query, "variables": variables})
                times.append((time.perf_counter() - t) * 1000)
                statuses[response.status_code] += 1
                for error in orjson.loads(response.content).get("errors") or []:
                    codes[(error.get("extensions") or {}).get("code") or "UNCODED"] += 1

        async def sample_rss() -> None:
            while time.perf_counter() < deadline:
                rss.append((time.perf_counter() - began, server.rss_mb()[0]))
                await asyncio.sleep(1)

        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
            await asyncio.gather(sample_rss(), *(client_loop(client) for _ in range(clients)))
        wall = time.perf_counter() - began
    first = [mb for t, mb in rss if t <= 10] or [rss[0][1]]
    last = [mb for t, mb in rss if t >= wall - 10] or [rss[-1][1]]
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(times),
        "throughput_rps": round(len(times) / wall, 1),
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(sorted(times)[int(0.99 * (len(times) - 1))], 1),
        "statuses": dict(statuses),
        "error_codes": dict(codes),
        # Peaks of each window: the first seconds fill the caches, which is warm-up, not growth.
        "rss_first_10s_mb": round(max(first), 1),
        "rss_last_10s_mb": round(max(last), 1),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    report = asyncio.run(soak(args.clients, args.seconds))
    for key, value in report.items():
        print(f"{key}: {value}")
    growth = report["rss_last_10s_mb"] / report["rss_first_10s_mb"] - 1
    print(f"rss_growth: {growth:.1%}")
    failures = sum(n for status, n in report["statuses"].items() if status >= 500)
    failures += report["error_codes"].get("UNCODED", 0) + report["error_codes"].get("INTERNAL_SERVER_ERROR", 0)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    cli()
