"""PJM through Data Miner 2 (api.pjm.com/api/v1): LMPs, the pnode list and the market-wide feeds."""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO, MarketRun
from . import sandbox
from .client import MARKET, PjmAdapter
from .parse import LMP_FEEDS, parse_nodes, price_parser
from .tables import TABLE_FEEDS

__all__ = ["FEEDS", "MARKET", "PjmAdapter", "create"]

# Seconds between requests: PJM allows non-member keys 6 requests a minute (members 600) and
# answers 429 beyond that; Upstream backs off on a 429 too.
MIN_INTERVAL = 10.0

FEEDS: tuple[Feed, ...] = (
    Feed(
        ISO.PJM,
        "da_hrl_lmps",
        "Day-ahead hourly LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        price_parser(LMP_FEEDS[MarketRun.DAY_AHEAD_HOURLY]),
    ),
    Feed(
        ISO.PJM,
        "rt_hrl_lmps",
        "Real-time hourly (verified) LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        price_parser(LMP_FEEDS[MarketRun.REAL_TIME_HOURLY]),
    ),
    Feed(
        ISO.PJM,
        "rt_fivemin_hrl_lmps",
        "Real-time 5-minute LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        price_parser(LMP_FEEDS[MarketRun.REAL_TIME_5_MIN]),
    ),
    Feed(ISO.PJM, "pnode", "Pricing nodes: id, name, type and subtype (latest definition)", parse_nodes),
    *(Feed(ISO.PJM, table.name, table.description, table.parse) for table in TABLE_FEEDS),
)


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    min_interval: float | None = None,
) -> PjmAdapter:
    if transport is None and settings.sandbox:
        transport = sandbox.transport(latency=settings.sandbox_latency)
    upstream = Upstream.configured(ISO.PJM, settings, transport, live_spacing=MIN_INTERVAL, spacing=min_interval)
    return PjmAdapter(
        upstream,
        RecordCache(ISO.PJM, ttl=settings.cache_ttl),
        api_key=settings.pjm_api_key,
        require_key=not settings.sandbox,
    )
