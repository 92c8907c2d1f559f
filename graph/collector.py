"""Keeps Python's cycle collector off the records a server holds.

A warm server holds millions of cached records and parsed documents, and a full collection walks
every one of them: 1.1 s with a year of NYISO 5-minute prices cached (1.9 million tracked
objects), paid by whichever request happens to trigger it. Records are freed by reference
counting, never by the collector, so the server moves what has survived to the oldest generation
out of the collector's sight (`gc.freeze`) at a steady pace. The young generations are collected
first, so the objects a request leaves in a cycle are reclaimed and not frozen; a cycle that goes
stale after reaching the oldest generation stays until the process ends, which is why the pace is
minutes and not every request.

The collector also starts later than Python's default (700 net new objects): a typed list of
6,000 rows holds as many tuples for the few milliseconds of its request, and at the default every
one of them lived through enough young collections to count towards a full one, which came every
~20 requests and paused one for 150-200 ms. At 50,000 the rows are freed, by reference counting,
before the collector ever looks: the p99 of warm typed queries went from 7x to under 2x their p50.
"""

from __future__ import annotations

import asyncio
import gc


def freeze_survivors() -> None:
    gc.collect(1)
    gc.freeze()


YOUNG_THRESHOLDS = (50_000, 20, 100)


async def keep_frozen(every: float) -> None:
    """Run for the life of the server; `every` seconds apart. Python's thresholds are back when it
    is cancelled."""
    previous = gc.get_threshold()
    gc.set_threshold(*YOUNG_THRESHOLDS)
    try:
        while True:
            await asyncio.sleep(every)
            freeze_survivors()
    finally:
        gc.set_threshold(*previous)
