"""ERCOT: settlement point prices from the public-reports API (api.ercot.com); nodes from MIS.

Runs: DAY_AHEAD_HOURLY (NP4-190-CD), REAL_TIME_15_MIN (NP6-905-CD), REAL_TIME_5_MIN (SCED LMPs,
NP6-788-CD). Every API call carries the account's subscription key and a B2C id token.
"""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO
from . import parse, sandbox
from .client import MARKET, ErcotAdapter

__all__ = ["FEEDS", "MARKET", "ErcotAdapter", "create"]

MIN_INTERVAL = 0.2  # seconds between requests; ERCOT answers bursts with 429

FEEDS: tuple[Feed, ...] = (
    Feed(
        ISO.ERCOT,
        "NP4-190-CD",
        "DAM settlement point prices, hourly: API np4-190-cd/dam_stlmnt_pnt_prices JSON or MIS DAMSPNP4190 CSV/zip",
        parse.feed("NP4-190-CD", parse.dam_prices),
    ),
    Feed(
        ISO.ERCOT,
        "NP6-905-CD",
        "Real-time settlement point prices, 15-minute: API np6-905-cd/spp_node_zone_hub JSON or MIS "
        "SPPHLZNP6905 CSV/zip",
        parse.feed("NP6-905-CD", parse.rt_prices),
    ),
    Feed(
        ISO.ERCOT,
        "NP6-788-CD",
        "SCED LMPs by resource node, load zone and hub: API np6-788-cd/lmp_node_zone_hub JSON or MIS "
        "LMPSROSNODENP6788 CSV/zip",
        parse.feed("NP6-788-CD", parse.sced_lmps),
    ),
    Feed(
        ISO.ERCOT,
        "NP4-160-SG",
        "Settlement Points List and Electrical Buses Mapping (MIS zip): hubs, load zones, resource nodes",
        parse.settlement_points,
    ),
)


def create(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    min_interval: float | None = None,
) -> ErcotAdapter:
    if settings.sandbox:
        settings = sandbox.credentials(settings)  # sandbox mode never reaches ERCOT, whatever the transport
        if transport is None:
            transport = sandbox.transport(latency=settings.sandbox_latency)
    upstream = Upstream.configured(ISO.ERCOT, settings, transport, live_spacing=MIN_INTERVAL, spacing=min_interval)
    return ErcotAdapter(upstream, RecordCache(ISO.ERCOT, ttl=settings.cache_ttl), settings)
