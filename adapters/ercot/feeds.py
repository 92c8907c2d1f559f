"""ERCOT's feeds, each declared once: the public-reports API (api.ercot.com) with its archive for
older daily postings, the settlement point list from MIS, the fuel mix from ERCOT's dashboard.

Endpoints and filter names are those of ERCOT's public-API specification (pubapi-apim-api.json, as
gridstatus ships it) and of captured API answers. ERCOT stamps are Central prevailing time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from ..feed import Clock, Dataset, Feed, NodeList, Prices, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, DatasetKind, MarketRun
from . import parse, parse_datasets
from .parse import Table


@dataclass(frozen=True, slots=True)
class Report:
    """A public-API report."""

    path: str  # under the public-reports API
    params: Callable[[date, date], dict[str, str]]  # operating days first..last -> the query's filter
    emil: str  # ERCOT's product id, which also names the report's archive
    # Days from an operating day to the one daily archive posting that holds it, for reports
    # posted once a day; None for reports posted every 5/15/60 minutes, which are not read back
    # from the archive (that would be one download per posting, up to 288 per day).
    posted: int | None = None


@dataclass(frozen=True, slots=True)
class MisDocuments:
    """An MIS report: its newest posted document."""

    report_type: int  # MIS report type id


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A document of ERCOT's public dashboards: no key, no sign-in."""

    path: str  # under www.ercot.com/api/1/services/read/


Query = Report | MisDocuments | Dashboard

# Seconds between requests, per host; ERCOT answers bursts with 429.
SPACING = 0.2
PAGE_SIZE = 100_000  # rows per report page; gridstatus uses this size against the live API
ARCHIVE_PAGE_SIZE = 1_000  # the archive listing's largest page


def delivery_days(first: date, last: date) -> dict[str, str]:
    return {"deliveryDateFrom": first.isoformat(), "deliveryDateTo": last.isoformat()}


def operating_days(first: date, last: date) -> dict[str, str]:
    # the actual-load reports name the day `operatingDay` (they reject deliveryDate filters)
    return {"operatingDayFrom": first.isoformat(), "operatingDayTo": last.isoformat()}


def in_use_delivery_days(first: date, last: date) -> dict[str, str]:
    # only ERCOT's in-use load forecast model: a seventh of the rows of all models
    return {**delivery_days(first, last), "inUseFlag": "true"}


def sced_times(first: date, last: date) -> dict[str, str]:
    # SCED stamps are Central wall times: a whole day of runs, both passes of a repeated hour.
    return {
        "SCEDTimestampFrom": f"{first.isoformat()}T00:00:00",
        "SCEDTimestampTo": f"{(last + timedelta(days=1)).isoformat()}T00:00:00",
    }


QUARTER = timedelta(minutes=15)
# A SCED LMP holds until the next run, which is late now and then; a gap of a whole settlement
# interval is no SCED price but a broken body (a stray stamp).
SCED_LONGEST = timedelta(minutes=15)


def _report(
    query: Report,
    description: str,
    build: Callable[[Table], Sequence[Any]],
    serves: Prices | Dataset,
    clock: Clock,
    interval: timedelta,
    cadence: timedelta,
    name: str | None = None,
) -> Feed[Report]:
    return Feed(
        ISO.ERCOT, name or query.emil, description, query, parse.Tables(query.emil, build), serves, clock, interval,
        cadence,
    )  # fmt: skip


DAM_SPP = Report("np4-190-cd/dam_stlmnt_pnt_prices", delivery_days, "NP4-190-CD", posted=-1)
RT_SPP = Report("np6-905-cd/spp_node_zone_hub", delivery_days, "NP6-905-CD")
SCED_LMP = Report("np6-788-cd/lmp_node_zone_hub", sced_times, "NP6-788-CD")
SETTLEMENT_POINTS = "NP4-160-SG"
FUEL_MIX = "fuel-mix"
AS_DISCLOSURE = "NP3-911-ER"

FEEDS: tuple[Feed[Any], ...] = (
    _report(
        DAM_SPP,
        "DAM settlement point prices, hourly: API np4-190-cd/dam_stlmnt_pnt_prices JSON, or MIS DAMSPNP4190 "
        "CSV/zip from the archive",
        parse.prices(parse.dam_prices),
        Prices(MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
    _report(
        RT_SPP,
        "Real-time settlement point prices, 15-minute: API np6-905-cd/spp_node_zone_hub JSON or MIS "
        "SPPHLZNP6905 CSV/zip",
        parse.prices(parse.rt_prices),
        Prices(MarketRun.REAL_TIME_15_MIN),
        Clock.LOCAL_HOUR_ENDING,
        QUARTER,
        QUARTER,
    ),
    _report(
        SCED_LMP,
        "SCED LMPs by resource node, load zone and hub, each holding until the next run: API "
        "np6-788-cd/lmp_node_zone_hub JSON or MIS LMPSROSNODENP6788 CSV/zip",
        parse.prices(parse.sced_lmps),
        Prices(MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        SCED_LONGEST,
        FIVE_MINUTES,
    ),
    _report(
        RT_SPP,
        "Real-time hourly prices: the simple average of the hour's four 15-minute settlement point prices "
        "(ERCOT publishes no hourly real-time price), from API np6-905-cd/spp_node_zone_hub",
        parse.prices(lambda table: parse.hourly_average(parse.rt_prices(table))),
        Prices(MarketRun.REAL_TIME_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        QUARTER,
        name=f"{RT_SPP.emil}-HOURLY",
    ),
    Feed(
        ISO.ERCOT,
        SETTLEMENT_POINTS,
        "Settlement Points List and Electrical Buses Mapping (MIS zip): hubs, load zones, resource nodes",
        MisDocuments(10008),
        partial(parse.settlement_points, source=SETTLEMENT_POINTS),
        NodeList(),
        Clock.UTC,  # no stamps
        None,
        timedelta(days=30),
    ),
    _report(
        Report("np6-345-cd/act_sys_load_by_wzn", operating_days, "NP6-345-CD", posted=1),
        "Hourly actual load by weather zone with the ERCOT total",
        parse_datasets.weather_zone_load,
        Dataset(DatasetKind.LOAD),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
    _report(
        Report("np6-346-cd/act_sys_load_by_fzn", operating_days, "NP6-346-CD", posted=1),
        "Hourly actual load by forecast zone, areas prefixed FZ_",
        parse_datasets.forecast_zone_load,
        Dataset(DatasetKind.LOAD),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
    _report(
        Report("np3-565-cd/lf_by_model_weather_zone", in_use_delivery_days, "NP3-565-CD"),
        "Seven-day hourly load forecast by weather zone and ERCOT total: ERCOT's in-use model, named in "
        "`model`, every vintage",
        parse_datasets.load_forecast,
        Dataset(DatasetKind.LOAD_FORECAST),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
    ),
    Feed(
        ISO.ERCOT,
        FUEL_MIX,
        "5-minute generation by fuel, today and yesterday: www.ercot.com dashboards/fuel-mix.json",
        Dashboard("dashboards/fuel-mix.json"),
        partial(parse_datasets.fuel_mix, source=FUEL_MIX),
        Dataset(DatasetKind.FUEL_MIX),
        Clock.LOCAL_END,
        FIVE_MINUTES,
        FIVE_MINUTES,
        retention=2 * DAY,
    ),
    _report(
        Report("np4-188-cd/dam_clear_price_for_cap", delivery_days, "NP4-188-CD", posted=-1),
        "DAM clearing prices for capacity (AS MCPC), hourly: REGUP, REGDN, RRS, NSPIN, ECRS",
        parse_datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
    _report(
        Report("np6-86-cd/shdw_prices_bnd_trns_const", sced_times, "NP6-86-CD"),
        "SCED shadow prices and binding transmission constraints, each run until the next (at most 5 minutes)",
        parse_datasets.sced_constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _report(
        Report("np4-191-cd/dam_shadow_prices", delivery_days, "NP4-191-CD", posted=-1),
        "DAM shadow prices and binding constraints, hourly",
        parse_datasets.dam_constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
    _report(
        Report("np4-732-cd/wpp_hrly_avrg_actl_fcast", delivery_days, "NP4-732-CD"),
        "Wind power production, hourly actual and forecasts (STWPF, WGRPP)",
        lambda table: parse_datasets.production(table, parse_datasets.WIND),
        Dataset(DatasetKind.RENEWABLES),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
    ),
    _report(
        Report("np4-737-cd/spp_hrly_avrg_actl_fcast", delivery_days, "NP4-737-CD"),
        "Solar power production, hourly actual and forecasts (STPPF, PVGRPP)",
        lambda table: parse_datasets.production(table, parse_datasets.SOLAR),
        Dataset(DatasetKind.RENEWABLES),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
    ),
    Feed(
        ISO.ERCOT,
        AS_DISCLOSURE,
        "2-Day AS Disclosure zip (archive np3-911-er): cleared DAM AS quantities (MW) per product and hour",
        None,
        partial(parse_datasets.cleared_ancillary, source=AS_DISCLOSURE),
        None,
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
    ),
)

MARKET = market(ISO.ERCOT, "Electric Reliability Council of Texas", "America/Chicago", FEEDS)
