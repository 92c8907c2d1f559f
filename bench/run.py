"""gridql's benchmark suite: every workload over real HTTP against `gridql serve --sandbox` on loopback.

    python -m bench.run            # the full suite (a few minutes)
    python -m bench.run --quick    # a short smoke of every workload

Prints one table and writes it as JSON (bench/results/latest.json) so runs can be compared.
This is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

from gridql.adapters import registry
from gridql.adapters.config import Settings
from gridql.adapters.model import ISO, Window

from . import parse, workloads
from .server import REPO, Server

RESULTS = REPO / "bench" / "results"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed_floor(build: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        build()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


async def _post(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    began = time.perf_counter()
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    elapsed = (time.perf_counter() - began) * 1000
    body: dict[str, Any] = orjson.loads(response.content)  # the client's own decoding kept small
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"benchmark query failed: {response.status_code} {str(body.get('errors'))[:300]}")
    return elapsed, body


def _upstream(body: dict[str, Any]) -> int:
    return sum(s["requests"] for s in body["extensions"]["gridql"]["upstream"].values())


async def _sequential(
    server: Server, name: str, query: str, variables: dict[str, Any], count: int, floor_ms: float | None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        _, first = await _post(client, query, variables)  # warm: fills the caches
        times = []
        began = time.perf_counter()
        for _ in range(count):
            elapsed, body = await _post(client, query, variables)
            times.append(elapsed)
        wall = time.perf_counter() - began
    p50 = statistics.median(times)
    return {
        "workload": name,
        "requests": count,
        "p50_ms": round(p50, 2),
        "p99_ms": round(_percentile(times, 0.99), 2),
        "throughput_rps": round(count / wall, 1),
        "floor_ms": None if floor_ms is None else round(floor_ms, 2),
        "ratio_to_floor": None if floor_ms is None else round(p50 / floor_ms, 2),
        "upstream_requests": f"{_upstream(first)} cold, {_upstream(body)} warm",
        "peak_rss_mb": round(server.rss_mb()[1], 1),
    }


async def _load(server: Server, clients: int, seconds: float, workers: int) -> dict[str, Any]:
    variables = {"ids": workloads.DASHBOARD_NODES, "date": workloads.dashboard_day().isoformat()}
    rss_before = server.rss_mb()[0]
    times: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            try:
                elapsed, _ = await _post(client, workloads.DASHBOARD, variables)
                times.append(elapsed)
            except (RuntimeError, httpx.HTTPError):
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        wall = time.perf_counter() - began
    rss_after, peak = server.rss_mb()
    return {
        "workload": f"W4 load, {clients} clients, {seconds:.0f} s, {workers} worker{'s' if workers > 1 else ''}",
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(_percentile(times, 0.99), 2),
        "throughput_rps": round(len(times) / wall, 1),
        "floor_ms": None,
        "ratio_to_floor": None,
        "upstream_requests": f"errors: {errors}",
        "peak_rss_mb": round(peak, 1),
        "rss_before_after_mb": [round(rss_before, 1), round(rss_after, 1)],
    }


async def _healthz_worst(server: Server, stop: asyncio.Event) -> float:
    """The longest a /healthz request waited while `stop` was unset, ms: what one cold query costs everyone else."""
    worst = 0.0
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        while not stop.is_set():
            began = time.perf_counter()
            await client.get("/healthz")
            worst = max(worst, (time.perf_counter() - began) * 1000)
            await asyncio.sleep(0.05)
    return worst


async def _cold_query(
    server: Server, client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> tuple[float, float, float, dict[str, Any]]:
    """(total ms, server CPU ms, worst /healthz wait ms, answer) of one query nobody asked for before."""
    stop = asyncio.Event()
    health = asyncio.create_task(_healthz_worst(server, stop))
    await asyncio.sleep(0.1)
    cpu = server.cpu_s()
    total, body = await _post(client, query, variables)
    cpu = server.cpu_s() - cpu
    stop.set()
    return total, cpu * 1000, await health, body


async def _cold(latency: float, runs: int) -> list[dict[str, Any]]:
    """W3: answers nobody asked for yet. Total time, the server's CPU for it (parsing and generating the
    sandbox's wire files), the part beyond the slowest ISO's span, and how long /healthz waited meanwhile."""
    rows = []
    with Server(latency=latency) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=300) as client:
            totals, cpus, overheads, health = [], [], [], []
            for i in range(runs):
                day = date.today() - timedelta(days=2 + i)
                dash = {"ids": workloads.DASHBOARD_NODES, "date": day.isoformat()}
                total, cpu, worst, body = await _cold_query(server, client, workloads.DASHBOARD, dash)
                upstream = body["extensions"]["gridql"]["upstream"]
                totals.append(total)
                cpus.append(cpu)
                health.append(worst)
                overheads.append(total - max(s["elapsedMs"] for s in upstream.values()))
            requests = " ".join(f"{iso}={s['requests']}" for iso, s in upstream.items())
            rows.append(_cold_row(f"W3 dashboard, cold, upstream latency {latency * 1000:.0f} ms", totals, cpus,
                                  health, requests, server, overheads))  # fmt: skip
            year = {"id": workloads.LONG_NODE, "date": "2023-01-01", "days": 366}
            total, cpu, worst, body = await _cold_query(server, client, workloads.LONG, year)
            requests = f"{_upstream(body)}"
            rows.append(_cold_row("W3 long series, 366 days, cold", [total], [cpu], [worst], requests, server, None))
    return rows


def _cold_row(
    name: str,
    totals: list[float],
    cpus: list[float],
    health: list[float],
    requests: str,
    server: Server,
    overheads: list[float] | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "workload": name,
        "requests": len(totals),
        "p50_ms": round(statistics.median(totals), 2),
        "p99_ms": round(_percentile(totals, 0.99), 2),
        "server_cpu_ms": round(statistics.median(cpus), 1),
        "upstream_requests": requests,
        "peak_rss_mb": round(server.rss_mb()[1], 1),
        "healthz_worst_wait_ms": round(max(health), 1),
    }
    if overheads:
        row["overhead_beyond_slowest_upstream_ms"] = {
            "p50": round(statistics.median(overheads), 2),
            "max": round(max(overheads), 2),
        }
    return row


async def _records() -> tuple[dict[tuple[str, str], list[workloads.Interval]], dict[int, list[workloads.Interval]]]:
    """The same records the server serves, read in-process through the same sandboxed adapters and
    held as the floor starts from: slotted intervals, local times resolved."""
    adapters = registry.build(Settings(sandbox=True))
    day = workloads.dashboard_day()
    dashboard: dict[tuple[str, str], list[workloads.Interval]] = {}
    for node_id in workloads.DASHBOARD_NODES:
        iso_name, code = node_id.split(":", 1)
        adapter = adapters[ISO(iso_name)]
        for alias, run in workloads.RUNS.items():
            window = Window.days(day, 1, adapter.market.tz)
            records = (await adapter.prices(run, [code], window))[code]
            dashboard[(node_id, alias)] = workloads.held(records, workloads.TIMEZONES[ISO(iso_name)])
    nyiso = adapters[ISO.NYISO]
    long: dict[int, list[workloads.Interval]] = {}
    for days in (31, 366):
        window = Window.days(date(2025, 1, 1), days, nyiso.market.tz)
        records = (await nyiso.prices(workloads.RUNS["rt"], ["61761"], window))["61761"]
        long[days] = workloads.held(records, workloads.TIMEZONES[ISO.NYISO])
    for adapter in adapters.values():
        await adapter.aclose()
    return dashboard, long


def _table(rows: list[dict[str, Any]]) -> str:
    headers = ["workload", "requests", "p50_ms", "p99_ms", "throughput_rps", "floor_ms", "ratio_to_floor",
               "ratio_to_columns", "server_cpu_ms", "healthz_worst_wait_ms", "upstream_requests",
               "peak_rss_mb"]  # fmt: skip
    cells = [[("" if row.get(h) is None else str(row.get(h))) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(lines)


FLOOR_REPEATS = 20


async def main(quick: bool, samples: Path) -> dict[str, Any]:
    count = 20 if quick else 200
    dashboard, long = await _records()
    floor_cols = _timed_floor(lambda: workloads.floor_dashboard(dashboard, typed=False), FLOOR_REPEATS)
    floor_rows = _timed_floor(lambda: workloads.floor_dashboard(dashboard, typed=True), FLOOR_REPEATS)
    intervals = sum(len(v) for v in dashboard.values())
    rows: list[dict[str, Any]] = []
    day = workloads.dashboard_day().isoformat()
    load_seconds = 3.0 if quick else 30.0
    with Server() as server:
        dash = {"ids": workloads.DASHBOARD_NODES, "date": day}
        w1 = await _sequential(server, f"W1 dashboard, warm, columns ({intervals} intervals)", workloads.DASHBOARD,
                               dash, count, floor_cols)  # fmt: skip
        w1_typed = await _sequential(server, "W1 dashboard, warm, typed list", workloads.DASHBOARD_TYPED, dash,
                                     count, floor_rows)  # fmt: skip
        rows += [w1, _against(w1_typed, w1)]
        w2: dict[int, dict[str, Any]] = {}
        for days in (31, 366):
            if quick and days == 366:
                continue
            n = len(long[days])
            floor = _timed_floor(lambda n=days: workloads.floor_long(long[n], typed=False), FLOOR_REPEATS)
            variables = {"id": workloads.LONG_NODE, "date": "2025-01-01", "days": days}
            w2[days] = await _sequential(server, f"W2 long series, {days} days, columns ({n} intervals)",
                                         workloads.LONG, variables, max(20, count // 10), floor)  # fmt: skip
            rows.append(w2[days])
        floor = _timed_floor(lambda: workloads.floor_long(long[31], typed=True), FLOOR_REPEATS)
        variables = {"id": workloads.LONG_NODE, "date": "2025-01-01", "days": 31}
        w2_typed = await _sequential(server, f"W2 long series, 31 days, typed list ({len(long[31])} intervals)",
                                     workloads.LONG_TYPED, variables, max(20, count // 10), floor)  # fmt: skip
        rows.append(_against(w2_typed, w2[31]))
        single = [await _load(server, clients, load_seconds, 1) for clients in (16, 64)]
    with Server(workers=2) as server:
        await _sequential(server, "warm-up", workloads.DASHBOARD, dash, 20, None)  # each worker fills its cache
        for one, clients in zip(single, (16, 64), strict=True):
            two = await _load(server, clients, load_seconds, 2)
            two["throughput_vs_1_worker"] = round(two["throughput_rps"] / one["throughput_rps"], 2)
            rows += [one, two]
    rows += await _cold(latency=0.2, runs=3 if quick else 10)
    parse_rows = parse.run(samples, budget=0.2 if quick else 1.0)
    return {"quick": quick, "workloads": rows, "parse": parse_rows}


def _against(typed: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """The typed list's row with its p50 as a multiple of the same answer as columns, from the same run."""
    return {**typed, "ratio_to_columns": round(typed["p50_ms"] / columns["p50_ms"], 2)}


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke of every workload")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    samples = Path(os.environ.get("GRIDQL_SAMPLES_DIR", REPO / "tests" / "recorded"))
    report = asyncio.run(main(args.quick, samples))
    print(_table(report["workloads"]))
    for row in report["workloads"]:
        for key in ("overhead_beyond_slowest_upstream_ms", "rss_before_after_mb", "throughput_vs_1_worker"):
            if key in row:
                print(f"{row['workload']}: {key} = {row[key]}")
    print()
    print(_table_parse(report["parse"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {args.out}")


def _table_parse(rows: list[dict[str, Any]]) -> str:
    lines = ["W5 parse: file | records | gridql rows/s | pandas rows/s | speedup"]
    lines += [
        f"{r['file']} | {r['records']} | {r['gridql_rows_per_s']:,} | {r['pandas_rows_per_s']:,} | {r['speedup']}x"
        for r in rows
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    cli()
