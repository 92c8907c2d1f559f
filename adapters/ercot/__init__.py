"""ERCOT: prices and market-wide reports from the public-reports API (api.ercot.com), its
archive for older daily postings, nodes from MIS, the fuel mix from ERCOT's dashboard.

Every API call carries the account's subscription key and a B2C id token; MIS and the dashboard
need neither.
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
from .nodes import FIXED
from .source import ErcotSource

__all__ = ["FEEDS", "MARKET", "create"]


def _now() -> datetime:
    return datetime.now(UTC)


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    min_interval: float | None = None,
) -> FeedAdapter:
    def upstream(name: str) -> Upstream:
        return Upstream.configured(ISO.ERCOT, name, settings, transport, live_spacing=SPACING, spacing=min_interval)

    source = ErcotSource(upstream("public-api"), upstream("www"), settings)
    cache = RecordCache(ISO.ERCOT, ttl=settings.cache_ttl)
    return FeedAdapter(MARKET, FIXED, Catalog(ISO.ERCOT, FEEDS), source, cache, clock=clock or _now)
