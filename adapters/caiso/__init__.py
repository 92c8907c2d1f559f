"""CAISO: LMPs and market-wide reports from OASIS (SingleZip, CSV in a zip), APnodes from its atlas,
and CAISO's daily published files (Today's Outlook fuel source, Daily Renewables Watch)."""

from __future__ import annotations

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO
from . import datasets, files, parse, sandbox
from .client import CaisoAdapter
from .reports import HASP, MARKET, NODE_LIST, REPORTS, SCHEDULES

__all__ = ["FEEDS", "MARKET", "CaisoAdapter", "create"]

# OASIS allows one request per 5 s (CAISO OASIS release notes, fall 2015) and answers a faster
# caller with HTTP 429 "retry your request after 5 seconds". The seed's 0.15 s would be refused.
MIN_INTERVAL = 5.0
# CAISO's published files (www.caiso.com, content.caiso.com) state no limit; one a second is polite
# and keeps a month of daily files under a minute.
FILES_MIN_INTERVAL = 1.0

FEEDS: tuple[Feed, ...] = (
    *(
        Feed(ISO.CAISO, report.queryname, report.description, parse.prices)
        for report in {r.queryname: r for r in (*REPORTS.values(), HASP)}.values()
    ),
    Feed(ISO.CAISO, NODE_LIST, "Aggregated pricing nodes (APnodes) with their types", parse.nodes),
    Feed(
        ISO.CAISO,
        "SLD_FCST",
        "Load forecasts by TAC area (DAM, 2DA, 7DA, RTM) with publication time",
        datasets.load_forecasts,
    ),
    Feed(
        ISO.CAISO, "SLD_FCST_ACTUAL", "Actual hourly load by TAC area (SLD_FCST, market_run_id=ACTUAL)", datasets.load
    ),
    Feed(
        ISO.CAISO,
        "SLD_REN_FCST",
        "Wind and solar by trading hub, actual (ACTUAL) and forecast (DAM)",
        datasets.renewables,
    ),
    Feed(ISO.CAISO, "PRC_AS", "Day-ahead ancillary service prices by type and region", datasets.ancillary_prices),
    Feed(ISO.CAISO, "PRC_INTVL_AS", "Fifteen-minute ancillary service prices", datasets.ancillary_prices),
    Feed(ISO.CAISO, "PRC_NOMOGRAM", "Nomogram and branch shadow prices", datasets.constraints),
    Feed(
        ISO.CAISO, SCHEDULES, "System load and resource schedules (totals; not served as a dataset)", datasets.schedules
    ),
    Feed(
        ISO.CAISO,
        files.RENEWABLES_WATCH,
        "Daily Renewables Watch: hourly ISO-wide wind and solar",
        files.renewables_watch,
    ),
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
    published = Upstream.configured(
        ISO.CAISO, settings, transport, live_spacing=FILES_MIN_INTERVAL, spacing=min_interval
    )
    return CaisoAdapter(upstream, RecordCache(ISO.CAISO, ttl=settings.cache_ttl), published)
