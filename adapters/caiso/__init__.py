"""CAISO: LMPs and market-wide reports from OASIS (SingleZip, CSV in a zip), APnodes from its atlas,
and CAISO's daily published files (Today's Outlook fuel source, Daily Renewables Watch)."""

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
from .feeds import FEEDS, FILES_SPACING, MARKET, OASIS_SPACING
from .nodes import FIXED_NODES
from .source import CaisoSource

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
    oasis = Upstream.configured(
        ISO.CAISO, "oasis", settings, transport, live_spacing=OASIS_SPACING, spacing=min_interval
    )
    files = Upstream.configured(
        ISO.CAISO, "files", settings, transport, live_spacing=FILES_SPACING, spacing=min_interval
    )
    return FeedAdapter(
        MARKET,
        FIXED_NODES,
        Catalog(ISO.CAISO, FEEDS),
        CaisoSource(oasis, files, MARKET.tz),
        RecordCache(ISO.CAISO, ttl=settings.cache_ttl),
        clock=clock or _now,
    )
