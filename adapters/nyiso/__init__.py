"""NYISO: public MIS CSV files, no key.

Node prices, the generator list, and the market-wide datasets (actual load, the load forecast,
fuel mix, ancillary prices, interface flows, limiting constraints): every report is declared in
`feeds.py`, planned and fetched by `source.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feed import Catalog
from ..http import Upstream
from ..model import ISO
from ..pipeline import FeedAdapter
from .feeds import FEEDS, MARKET, SPACING
from .nodes import zonal_nodes
from .source import MisSource

__all__ = ["FEEDS", "MARKET", "create"]

FIXED_NODES = tuple(zonal_nodes())


def _now() -> datetime:
    return datetime.now(UTC)


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    min_interval: float | None = None,
) -> FeedAdapter:
    """The NYISO adapter; with no transport, it reaches NYISO."""
    mis = Upstream.configured(ISO.NYISO, "mis", settings, transport, live_spacing=SPACING, spacing=min_interval)
    cache = RecordCache(ISO.NYISO, ttl=settings.cache_ttl)
    return FeedAdapter(MARKET, FIXED_NODES, Catalog(ISO.NYISO, FEEDS), MisSource(mis), cache, clock=clock or _now)
