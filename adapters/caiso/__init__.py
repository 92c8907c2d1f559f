"""CAISO: LMPs from OASIS price reports (SingleZip, CSV in a zip) and APnodes from its atlas."""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO
from . import parse, sandbox
from .client import CaisoAdapter
from .reports import MARKET, NODE_LIST, REPORTS

__all__ = ["FEEDS", "MARKET", "CaisoAdapter", "create"]

# OASIS allows one request per 5 s (CAISO OASIS release notes, fall 2015) and answers a faster
# caller with HTTP 429 "retry your request after 5 seconds". The seed's 0.15 s would be refused.
MIN_INTERVAL = 5.0

FEEDS: tuple[Feed, ...] = (
    *(Feed(ISO.CAISO, report.queryname, report.description, parse.prices) for report in REPORTS.values()),
    Feed(ISO.CAISO, NODE_LIST, "Aggregated pricing nodes (APnodes) with their types", parse.nodes),
)


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    min_interval: float | None = None,
) -> CaisoAdapter:
    if transport is None and settings.sandbox:
        transport = sandbox.transport(latency=settings.sandbox_latency)
    upstream = Upstream.configured(ISO.CAISO, settings, transport, live_spacing=MIN_INTERVAL, spacing=min_interval)
    return CaisoAdapter(upstream, RecordCache(ISO.CAISO, ttl=settings.cache_ttl))
