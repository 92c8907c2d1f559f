"""Deterministic, plausible prices for the sandbox: the same node and instant give the same numbers.

Every ISO's sandbox transport prints these values in its own wire format, so the adapters' real
request-building and parsing code runs offline.
"""

from __future__ import annotations

import math
import zlib
from datetime import datetime


def _unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) from its inputs (not Python's salted hash())."""
    return (zlib.crc32(repr(parts).encode()) & 0xFFFFFFFF) / 2**32


def price(node: str, run: str, start_utc: datetime, local_hour: float) -> tuple[float, float, float]:
    """(energy, congestion, loss) in $/MWh, rounded to cents; LMP is their sum.

    A daily shape peaking in the evening (local time), a per-node offset, and noise per interval.
    """
    base = 28.0 + 18.0 * math.sin((local_hour - 10.0) / 24.0 * 2 * math.pi) ** 2
    noise = (_unit(run, start_utc.timestamp()) - 0.5) * 6.0
    energy = round(base + noise, 2)
    node_bias = _unit(node) - 0.5
    congestion = round(node_bias * 8.0 + (_unit(node, run, start_utc.timestamp()) - 0.5) * 2.0, 2)
    loss = round(node_bias * 1.5, 2)
    return energy, congestion, loss
