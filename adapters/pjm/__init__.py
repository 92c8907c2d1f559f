"""PJM through Data Miner 2 (api.pjm.com/api/v1): LMPs, the pnode list and the market-wide feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feed import Catalog
from ..http import Upstream
from ..model import ISO, Node
from ..pipeline import FeedAdapter
from .feeds import FEEDS, MARKET, SPACING
from .nodes import HUBS, ZONES
from .parse import node_type
from .source import DataMiner

__all__ = ["FEEDS", "FIXED_NODES", "MARKET", "create"]

# Hubs and zones resolve without a request: PJM's full pnode list is ~20,000 rows.
FIXED_NODES: tuple[Node, ...] = tuple(Node(ISO.PJM, str(p.id), p.name, node_type(p.subtype)) for p in (*HUBS, *ZONES))


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    min_interval: float | None = None,
) -> FeedAdapter:
    """PJM's adapter; with `transport` None it reaches Data Miner and needs GRIDQL_PJM_API_KEY."""
    upstream = Upstream.configured(
        ISO.PJM, "dataminer", settings, transport, live_spacing=SPACING, spacing=min_interval
    )
    source = DataMiner(upstream, settings.pjm_api_key)
    cache = RecordCache(ISO.PJM, ttl=settings.cache_ttl)
    catalog = Catalog(ISO.PJM, FEEDS)
    if clock is None:
        return FeedAdapter(MARKET, FIXED_NODES, catalog, source, cache)
    return FeedAdapter(MARKET, FIXED_NODES, catalog, source, cache, clock=clock)
