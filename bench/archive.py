"""The embedded archive: a year of one node's 5-minute prices written and read back.

python -m bench.archive
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from adapters.archive import SQLiteStore
from adapters.model import PriceRecord

DAYS = 366


def main() -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(DAYS)]
    bodies = {}
    for day in days:
        base = datetime(day.year, day.month, day.day, 5, tzinfo=UTC)
        step = timedelta(minutes=5)
        bodies[("N", day)] = [
            PriceRecord("N", base + i * step, base + (i + 1) * step, 30.5 + i, 29.0, 1.25, 0.25) for i in range(288)
        ]
    rows = sum(len(records) for records in bodies.values())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.sqlite"
        store = SQLiteStore(path)
        began = time.perf_counter()
        store.write("rt", bodies, datetime.now(UTC), days)
        wrote = time.perf_counter() - began
        reads = []
        for _ in range(5):
            began = time.perf_counter()
            held = store.read("rt", ["N"], days)
            reads.append(time.perf_counter() - began)
        assert sum(len(records) for records in held.values()) == rows
        size = path.stat().st_size
        store.close()
    print(f"{rows:,} rows in {DAYS} bodies: write {wrote:.3f} s ({rows / wrote:,.0f} rows/s)")
    print(f"read back as records: best {min(reads):.3f} s, worst {max(reads):.3f} s of 5")
    print(f"on disk: {size / 1e6:.1f} MB ({size / rows:.1f} MB per million rows: bytes a row)")


if __name__ == "__main__":
    main()
