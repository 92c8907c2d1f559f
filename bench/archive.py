"""The archive's stores: a year of one node's 5-minute prices written and read back.

python -m bench.archive
GRIDQL_BENCH_POSTGRES_URL=postgresql://user:password@localhost/db python -m bench.archive

SQLite always; PostgreSQL too when GRIDQL_BENCH_POSTGRES_URL names a database the user may create
a schema in (the bench's own, dropped afterwards). Written twice: all 366 days in one write, and
a week a write as `gridql backfill` writes them.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from gridql.adapters.archive import Store, open_store
from gridql.adapters.archive.store import Key
from gridql.adapters.model import PriceRecord

DAYS = 366
WEEK = 7


def _year() -> dict[Key, list[Any]]:
    bodies: dict[Key, list[Any]] = {}
    for day in (date(2024, 1, 1) + timedelta(days=i) for i in range(DAYS)):
        base = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
        step = timedelta(minutes=5)
        bodies[("N", day)] = [
            PriceRecord("N", base + i * step, base + (i + 1) * step, 30.5 + i, 29.0, 1.25, 0.25) for i in range(288)
        ]
    return bodies


def measure(name: str, opened: Callable[[], Store], size: Callable[[], int]) -> None:
    """`opened()` is an empty store; `size()` its bytes on disk once written."""
    bodies = _year()
    days = [day for _, day in bodies]
    rows = sum(len(records) for records in bodies.values())
    store = opened()
    began = time.perf_counter()
    store.write("once", bodies, datetime.now(UTC), days)
    once = time.perf_counter() - began
    keys = list(bodies)
    began = time.perf_counter()
    for lo in range(0, DAYS, WEEK):
        week = {key: bodies[key] for key in keys[lo : lo + WEEK]}
        store.write("weekly", week, datetime.now(UTC), [day for _, day in week])
    weekly = time.perf_counter() - began
    reads = []
    for _ in range(5):
        began = time.perf_counter()
        held = store.read("once", ["N"], days)
        reads.append(time.perf_counter() - began)
    assert sum(len(records) for records in held.values()) == rows
    store.close()
    bytes_held = size() / 2  # two feeds of the same year
    print(f"{name}: {rows:,} rows in {DAYS} bodies")
    print(f"  write in one: {once:.3f} s ({rows / once:,.0f} rows/s)")
    print(f"  write a week at a time (backfill): {weekly:.3f} s ({rows / weekly:,.0f} rows/s)")
    print(f"  read back as records: best {min(reads):.3f} s, worst {max(reads):.3f} s of 5")
    print(f"  on disk: {bytes_held / 1e6:.1f} MB ({bytes_held / rows:.1f} MB per million rows: bytes a row)")


def sqlite() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.sqlite"
        measure("SQLite", lambda: open_store(str(path)), lambda: path.stat().st_size)


@contextmanager
def _schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}".encode())
    try:
        joiner = "&" if urlsplit(url).query else "?"
        yield f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE".encode())


def postgres(url: str) -> None:
    import psycopg

    with _schema(url) as scoped:

        def size() -> int:
            with psycopg.connect(scoped, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'bodies'::regclass"
                ).fetchone()
            return int(row[0]) if row is not None else 0

        measure("PostgreSQL", lambda: open_store(scoped, migrate=True), size)


def main() -> None:
    sqlite()
    url = os.environ.get("GRIDQL_BENCH_POSTGRES_URL", "")
    if url:
        postgres(url)
    else:
        print("PostgreSQL: skipped (set GRIDQL_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    main()
