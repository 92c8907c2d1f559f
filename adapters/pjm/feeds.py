"""PJM's Data Miner 2 feeds, each declared once: what to ask for, how to read it, what it serves.

Every feed is asked for the same way (`Query`): its path under api.pjm.com/api/v1, the columns
sent as `fields` (and read back by name), the EPT column an operating-day range filters, and any
fixed filters. The three LMP feeds are also filtered by pnode id, except on archived days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..feed import Clock, Dataset, Feed, NodeList, Prices, Serves, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, RUN_LENGTH, DatasetKind, MarketRun
from . import rows
from .parse import Convert, Reader, nodes, prices

# Seconds between requests: PJM allows non-member keys 6 requests a minute (members 600) and
# answers 429 beyond that; Upstream backs off on a 429 too.
SPACING = 10.0
ROW_COUNT = 50_000  # Data Miner's largest page
# PJM documents no cap on ids per `pnode_id` filter; this keeps the query string well under the
# URL limits of the API gateway (an id is up to 10 digits plus an encoded `;`).
MAX_IDS_PER_REQUEST = 200

DA = MarketRun.DAY_AHEAD_HOURLY
RT5 = MarketRun.REAL_TIME_5_MIN
RTH = MarketRun.REAL_TIME_HOURLY


@dataclass(frozen=True, slots=True)
class Query:
    report: str  # the feed's path under api/v1
    fields: tuple[str, ...]
    date_filter: str | None = "datetime_beginning_ept"  # None: the feed is not asked by day
    filters: tuple[tuple[str, str], ...] = ()
    # LMPs: days older than this are "archived", where Data Miner refuses the pnode filter (and,
    # as in gridstatus `_get_pjm_archive_date`, is asked without `fields`). None: no node filter.
    archive_age: timedelta | None = None


def _feed(
    name: str,
    description: str,
    fields: tuple[str, ...],
    convert: Convert,
    serves: Serves,
    interval: timedelta | None,
    cadence: timedelta,
    **query: Any,
) -> Feed[Query]:
    return Feed(
        ISO.PJM,
        name,
        description,
        Query(name, fields, **query),
        Reader(name, fields, convert),
        serves,
        Clock.UTC,
        interval,
        cadence,
    )


def _lmps(name: str, description: str, run: MarketRun, suffix: str, archive_age: timedelta) -> Feed[Query]:
    fields = (
        "datetime_beginning_utc",
        "pnode_id",
        "row_is_current",
        "version_nbr",
        f"total_lmp_{suffix}",
        f"system_energy_price_{suffix}",
        f"congestion_price_{suffix}",
        f"marginal_loss_price_{suffix}",
    )
    length = RUN_LENGTH[run]
    return _feed(
        name,
        description,
        fields,
        prices(length),
        Prices(run),
        length,
        DAY if run is DA else length,
        filters=(("row_is_current", "TRUE"),),
        archive_age=archive_age,
    )


_FORECAST = ("evaluated_at_utc", "datetime_beginning_utc", "datetime_ending_utc")
_CONSTRAINT = ("datetime_beginning_utc", "datetime_ending_utc", "monitored_facility", "contingency_facility")

# The price feeds in the order of `MARKET.runs`.
FEEDS: tuple[Feed[Query], ...] = (
    _lmps(
        "da_hrl_lmps",
        "Day-ahead hourly LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        DA,
        "da",
        timedelta(days=731),
    ),
    _lmps(
        "rt_fivemin_hrl_lmps",
        "Real-time 5-minute LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        RT5,
        "rt",
        timedelta(days=186),
    ),
    _lmps(
        "rt_hrl_lmps",
        "Real-time hourly (verified) LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        RTH,
        "rt",
        timedelta(days=731),
    ),
    _feed(
        "pnode",
        "Pricing nodes: id, name, type and subtype (latest definition)",
        ("pnode_id", "pnode_name", "pnode_type", "pnode_subtype", "effective_date"),
        nodes,
        NodeList(),
        None,
        DAY,
        date_filter=None,
        filters=(("termination_date", "12/31/9999exact"),),  # active definitions only
    ),
    _feed(
        "hrl_load_metered",
        "Hourly metered load by load area",
        ("datetime_beginning_utc", "load_area", "mw"),
        rows.metered_load,
        Dataset(DatasetKind.LOAD),
        HOUR,
        DAY,
    ),
    _feed(
        "inst_load",
        "Instantaneous load by zone and region, every 5 minutes",
        ("datetime_beginning_utc", "area", "instantaneous_load"),
        rows.instantaneous_load,
        Dataset(DatasetKind.LOAD),
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _feed(
        "load_frcstd_7_day",
        "Seven-day hourly load forecast by forecast area, every vintage with its evaluation time",
        (
            "evaluated_at_datetime_utc",
            "forecast_area",
            "forecast_datetime_beginning_utc",
            "forecast_datetime_ending_utc",
            "forecast_load_mw",
        ),
        rows.load_forecast,
        Dataset(DatasetKind.LOAD_FORECAST),
        HOUR,
        timedelta(hours=12),
        date_filter="forecast_datetime_beginning_ept",
    ),
    _feed(
        "gen_by_fuel",
        "Hourly generation by fuel type",
        ("datetime_beginning_utc", "fuel_type", "mw"),
        rows.fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        HOUR,
        HOUR,
    ),
    _feed(
        "da_reserve_market_results",
        "Day-ahead reserve market clearing prices by locale and service",
        ("datetime_beginning_utc", "locale", "service", "mcp"),
        rows.da_reserves,
        Dataset(DatasetKind.ANCILLARY_PRICES, DA),
        HOUR,
        DAY,
    ),
    _feed(
        "reserve_market_results",
        "Real-time regulation and reserve clearing prices by locale and service (5-minute since 2022-09-01)",
        ("datetime_beginning_utc", "locale", "service", "mcp", "reg_ccp", "reg_pcp"),
        rows.rt_reserves,
        Dataset(DatasetKind.ANCILLARY_PRICES, RT5),
        HOUR,  # the hourly rows before 2022-09-01
        FIVE_MINUTES,
    ),
    _feed(
        "da_marginal_value",
        "Day-ahead binding constraints and their hourly shadow prices",
        (*_CONSTRAINT, "shadow_price"),
        rows.marginal_values,
        Dataset(DatasetKind.CONSTRAINTS, DA),
        HOUR,
        DAY,
    ),
    _feed(
        "rt_marginal_value",
        "Real-time binding constraints and their 5-minute shadow prices",
        (*_CONSTRAINT, "shadow_price"),
        rows.marginal_values,
        Dataset(DatasetKind.CONSTRAINTS, RT5),
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _feed(
        "da_transconstraints",
        "Day-ahead congestion events: binding constraints and how many hours they bind (no prices)",
        (
            "datetime_beginning_utc",
            "datetime_ending_utc",
            "duration",
            "day_ahead_congestion_event",
            "monitored_facility",
            "contingency_facility",
        ),
        rows.congestion_events,
        None,
        timedelta(hours=25),  # an event lasts up to the whole (fall-back) day
        DAY,
    ),
    _feed(
        "hourly_solar_power_forecast",
        "Hourly RTO solar forecast (grid-connected and behind-the-meter), every vintage",
        (*_FORECAST, "solar_forecast_mwh", "solar_forecast_btm_mwh"),
        rows.forecast("SOLAR"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
    ),
    _feed(
        "hourly_wind_power_forecast",
        "Hourly RTO wind forecast, every vintage",
        (*_FORECAST, "wind_forecast_mwh"),
        rows.forecast("WIND"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
    ),
    _feed(
        "solar_gen",
        "Hourly solar generation by area",
        ("datetime_beginning_utc", "area", "solar_generation_mw"),
        rows.actual("SOLAR"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
    ),
    _feed(
        "wind_gen",
        "Hourly wind generation by area",
        ("datetime_beginning_utc", "area", "wind_generation_mw"),
        rows.actual("WIND"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
    ),
)

MARKET = market(ISO.PJM, "PJM Interconnection", "America/New_York", FEEDS)
