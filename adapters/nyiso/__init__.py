"""NYISO: public MIS CSV files, no key."""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO, RUN_LENGTH, MarketRun
from . import sandbox
from .client import MARKET, NyisoAdapter
from .nodes import parse_generators
from .parse import parse_lbmp

__all__ = ["FEEDS", "MARKET", "NyisoAdapter", "create"]

# NYISO documents no rate limit for its public files; stay polite all the same.
MIN_INTERVAL = 0.1


def create(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None, *, min_interval: float | None = None
) -> NyisoAdapter:
    if transport is None and settings.sandbox:
        transport = sandbox.transport(latency=settings.sandbox_latency)
    upstream = Upstream.configured(ISO.NYISO, settings, transport, live_spacing=MIN_INTERVAL, spacing=min_interval)
    return NyisoAdapter(upstream, RecordCache(ISO.NYISO, ttl=settings.cache_ttl))


FEEDS = (
    Feed(
        ISO.NYISO,
        "damlbmp",
        "Day-ahead hourly LBMP by zone or generator (P-2A/P-2B); daily CSV or monthly zip",
        lambda body: parse_lbmp(body, interval_ending=False, length=RUN_LENGTH[MarketRun.DAY_AHEAD_HOURLY]),
    ),
    Feed(
        ISO.NYISO,
        "realtime",
        "Real-time 5-minute LBMP by zone or generator (P-24A/P-24B); daily CSV or monthly zip",
        lambda body: parse_lbmp(body, interval_ending=True, length=RUN_LENGTH[MarketRun.REAL_TIME_5_MIN]),
    ),
    Feed(
        ISO.NYISO,
        "rtlbmp",
        "Real-time hourly integrated LBMP by zone or generator (P-4A/P-4B); daily CSV or monthly zip",
        lambda body: parse_lbmp(body, interval_ending=False, length=RUN_LENGTH[MarketRun.REAL_TIME_HOURLY]),
    ),
    Feed(ISO.NYISO, "generator", "Generator names and PTIDs (generator.csv)", parse_generators),
)
