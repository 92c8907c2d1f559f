"""NYISO: public MIS CSV files, no key.

Node prices (damlbmp, realtime, rtlbmp), the generator list, and the market-wide datasets: actual
load (pal, palIntegrated), the load forecast (isolf), fuel mix (rtfuelmix), ancillary prices
(damasp, rtasp), interface flows (ExternalLimitsFlows) and limiting constraints
(DAMLimitingConstraints, LimitingConstraints).
"""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO, RUN_LENGTH, MarketRun
from . import sandbox
from .client import MARKET, NyisoAdapter
from .grid import constraint_parser, parse_fuel_mix, parse_interface_flows
from .load import parse_isolf, parse_pal, parse_pal_integrated
from .nodes import parse_generators
from .parse import parse_lbmp
from .reserves import parse_damasp, parse_rtasp

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
    Feed(
        ISO.NYISO,
        "pal",
        "Real-time actual load by zone, 5-minute readings (P-58B); daily CSV or monthly zip",
        parse_pal,
    ),
    Feed(
        ISO.NYISO,
        "palIntegrated",
        "Integrated real-time actual load by zone, hourly (P-58C); daily CSV or monthly zip",
        parse_pal_integrated,
    ),
    Feed(
        ISO.NYISO,
        "isolf",
        "ISO load forecast by zone and NYISO total, hourly for six days (P-7); one vintage per daily CSV",
        parse_isolf,
    ),
    Feed(
        ISO.NYISO,
        "rtfuelmix",
        "Real-time generation by fuel category, 5-minute; daily CSV or monthly zip",
        parse_fuel_mix,
    ),
    Feed(ISO.NYISO, "damasp", "Day-ahead reserve and regulation prices by zone, hourly", parse_damasp),
    Feed(
        ISO.NYISO, "rtasp", "Real-time reserve and regulation prices by zone, 5-minute (interval-ending)", parse_rtasp
    ),
    Feed(ISO.NYISO, "ExternalLimitsFlows", "Interface flows and limits, 5-minute", parse_interface_flows),
    Feed(
        ISO.NYISO,
        "LimitingConstraints",
        "Real-time binding constraints and their cost, 5-minute",
        constraint_parser(RUN_LENGTH[MarketRun.REAL_TIME_5_MIN]),
    ),
    Feed(
        ISO.NYISO,
        "DAMLimitingConstraints",
        "Day-ahead binding constraints and their cost, hourly",
        constraint_parser(RUN_LENGTH[MarketRun.DAY_AHEAD_HOURLY]),
    ),
)
