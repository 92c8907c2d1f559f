"""ERCOT: prices and market-wide reports from the public-reports API (api.ercot.com), its
archive for older daily postings, nodes from MIS, the fuel mix from ERCOT's dashboard.

Runs: DAY_AHEAD_HOURLY (NP4-190-CD), REAL_TIME_15_MIN (NP6-905-CD), REAL_TIME_5_MIN (SCED LMPs,
NP6-788-CD), REAL_TIME_HOURLY (the hour's four NP6-905-CD prices averaged). Every API call
carries the account's subscription key and a B2C id token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..feeds import Feed
from ..http import Upstream
from ..model import ISO
from . import datasets, parse, sandbox
from .client import MARKET, ErcotAdapter
from .parse import Table

__all__ = ["FEEDS", "MARKET", "ErcotAdapter", "create"]


def _report(source: str, build: Callable[[Table], Sequence[Any]]) -> Callable[[bytes], Sequence[Any]]:
    """A Feed parser for a report in any form: API page, MIS/archive CSV, or the zip around it."""
    return lambda body: build(parse.read_table(body, source))


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
    Feed(
        ISO.ERCOT,
        "NP6-345-CD",
        "Actual system load by weather zone, hourly: API np6-345-cd/act_sys_load_by_wzn or archive CSV/zip",
        _report("NP6-345-CD", datasets.weather_zone_load),
    ),
    Feed(
        ISO.ERCOT,
        "NP6-346-CD",
        "Actual system load by forecast zone, hourly (areas FZ_*): API np6-346-cd/act_sys_load_by_fzn or archive",
        _report("NP6-346-CD", datasets.forecast_zone_load),
    ),
    Feed(
        ISO.ERCOT,
        "NP3-565-CD",
        "Seven-day load forecast by model and weather zone (in-use model, every vintage): API "
        "np3-565-cd/lf_by_model_weather_zone",
        _report("NP3-565-CD", datasets.load_forecast),
    ),
    Feed(
        ISO.ERCOT,
        "NP4-188-CD",
        "DAM clearing prices for capacity (AS MCPC), hourly: API np4-188-cd/dam_clear_price_for_cap or archive",
        _report("NP4-188-CD", datasets.ancillary_prices),
    ),
    Feed(
        ISO.ERCOT,
        "NP4-732-CD",
        "Wind power production, hourly actual and forecasts (STWPF, WGRPP): API np4-732-cd/wpp_hrly_avrg_actl_fcast",
        _report("NP4-732-CD", lambda table: datasets.production(table, datasets.WIND)),
    ),
    Feed(
        ISO.ERCOT,
        "NP4-737-CD",
        "Solar power production, hourly actual and forecasts (STPPF, PVGRPP): API np4-737-cd/spp_hrly_avrg_actl_fcast",
        _report("NP4-737-CD", lambda table: datasets.production(table, datasets.SOLAR)),
    ),
    Feed(
        ISO.ERCOT,
        "NP6-86-CD",
        "SCED shadow prices and binding transmission constraints: API np6-86-cd/shdw_prices_bnd_trns_const",
        _report("NP6-86-CD", datasets.sced_constraints),
    ),
    Feed(
        ISO.ERCOT,
        "NP4-191-CD",
        "DAM shadow prices, hourly: API np4-191-cd/dam_shadow_prices or archive",
        _report("NP4-191-CD", datasets.dam_constraints),
    ),
    Feed(
        ISO.ERCOT,
        "fuel-mix",
        "Generation by fuel, 5-minute, today and yesterday: www.ercot.com dashboards/fuel-mix.json",
        datasets.fuel_mix,
    ),
    Feed(
        ISO.ERCOT,
        "NP3-911-ER",
        "2-Day AS Disclosure zip (archive np3-911-er): cleared DAM AS quantities (MW) per product and hour",
        datasets.cleared_ancillary,
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
