"""PJM through Data Miner 2 (api.pjm.com/api/v1): hourly and 5-minute LMPs and the pnode list."""

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

__all__ = ["FEEDS", "MARKET", "PjmAdapter", "create"]

MIN_INTERVAL = 0.1  # seconds between requests; PJM answers 429 beyond its per-key rate, Upstream backs off

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
