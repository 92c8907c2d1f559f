"""Keeps Python's cycle collector off the records a server holds.

A warm server holds millions of cached records and parsed documents, and a full collection walks
every one of them: 1.1 s with a year of NYISO 5-minute prices cached (1.9 million tracked
objects), paid by whichever request happens to trigger it. Records are freed by reference
counting, never by the collector, so the server moves what has survived to the oldest generation
out of the collector's sight (`gc.freeze`) at a steady pace. The young generations are collected
first, so the objects a request leaves in a cycle are reclaimed and not frozen; a cycle that goes
stale after reaching the oldest generation stays until the process ends, which is why the pace is
minutes and not every request.
"""

from __future__ import annotations

import asyncio
import gc


def freeze_survivors() -> None:
    gc.collect(1)
    gc.freeze()


async def keep_frozen(every: float) -> None:
    """Run for the life of the server; `every` seconds apart."""
    while True:
        await asyncio.sleep(every)
        freeze_survivors()
