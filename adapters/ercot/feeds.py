"""ERCOT's feeds, each declared once: the public-reports API (api.ercot.com) with its archive for
older daily postings, the settlement point list from MIS, the fuel mix from ERCOT's dashboard.

Endpoints and filter names are those of ERCOT's public-API specification (pubapi-apim-api.json, as
gridstatus ships it) and of captured API answers. ERCOT stamps are Central prevailing time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from ..feed import Clock, Dataset, Document, Feed, NodeList, Prices, QueueSnapshot, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, DatasetKind, MarketRun
from . import crr, parse, parse_datasets, queue
from .parse import Table


@dataclass(frozen=True, slots=True)
class Archive:
    """Which archive postings (`/archive/<emil>`) hold operating days first..last: those posted
    from the first day's start + `after_start` to the last day's end + `after_end` (Central wall
    times, as the listing filters them). Every ERCOT report has an archive back to its first posting.
    """

    after_start: timedelta
    after_end: timedelta
    every: timedelta  # how often ERCOT posts the report: estimates how many postings a window has
    # How far outside the asked days a listed posting's rows may lie (the previous day's last
    # interval, a forecast's horizon): such rows are left out; a row further off is refused.
    reach: timedelta = timedelta(0)
    vintaged: bool = False  # its records are vintages told apart by their posting time

    def postings(self, days: int) -> int:
        """About how many postings `days` operating days take."""
        span = days * DAY - self.after_start + self.after_end
        return max(1, math.ceil(span / self.every))


@dataclass(frozen=True, slots=True)
class Report:
    """A public-API report: its live endpoint (recent days) and its archive (every posting)."""

    path: str  # under the public-reports API
    params: Callable[[date, date], dict[str, str]]  # operating days first..last -> the query's filter
    emil: str  # ERCOT's product id, which also names the report's archive
    archive: Archive
    rows_per_day: int  # rows the live report holds for one operating day (all settlement points)
    point_rows_per_day: int | None = None  # price reports: one settlement point's rows a day

    def pages(self, days: int, points: int | None) -> int:
        """Live pages a query for `days` days takes: of one settlement point each when `points`
        (one query per point), of the whole report otherwise."""
        if points is not None and self.point_rows_per_day is not None:
            return points * max(1, math.ceil(days * self.point_rows_per_day / PAGE_SIZE))
        return max(1, math.ceil(days * self.rows_per_day / PAGE_SIZE))

    def rows(self, days: int, points: int | None) -> int:
        """Rows those pages read upstream: what a query costs beyond the rows it keeps."""
        if points is not None and self.point_rows_per_day is not None:
            return points * days * self.point_rows_per_day
        return days * self.rows_per_day


@dataclass(frozen=True, slots=True)
class MisDocuments:
    """An MIS report: its newest posted document."""

    report_type: int  # MIS report type id
    named: str | None = None  # only documents whose ERCOT file name holds this (a type may post several kinds)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """A document of ERCOT's public dashboards: no key, no sign-in."""

    path: str  # under www.ercot.com/api/1/services/read/


Query = Report | MisDocuments | Dashboard

# Seconds between public-API requests: ERCOT allows about 30 requests a minute per subscription
# key (ERCOT api-specs discussion #100, "approximately 30 calls per 60 seconds (effectively 1
# request every 2 seconds)"; developer.ercot.com, Public API known limits) and answers more with
# 429 and no Retry-After.
SPACING = 2.0
# www.ercot.com (MIS lists and downloads, the dashboards) documents no request rate.
WWW_SPACING = 0.2
PAGE_SIZE = 100_000  # rows per report page; gridstatus uses this size against the live API
ARCHIVE_PAGE_SIZE = 1_000  # the archive listing's largest page
# docIds one `POST /archive/<emil>/download` may ask for (developer portal known limits: 1,000
# files per download; ERCOT's spec: a JSON body {"docIds": [...]} answered by one zip of zips).
ARCHIVE_BATCH = 1_000
# The live report endpoints hold about the last 90 days (gridstatus' HISTORICAL_DAYS_THRESHOLD,
# "varies per dataset"); older days come from the archive, which keeps every posting. Days the
# live answer lacks are asked of the archive once they are a week old, so a shorter live window
# is still answered; a more recent day the live answer lacks is not posted yet (the API trails
# ERCOT's postings by 10-15 minutes at most) or has nothing, and the archive would not have it.
LIVE_DAYS = 90
ARCHIVE_AFTER = timedelta(days=7)
# ERCOT's nodal market began on this operating day; its market reports are archived back to it
# (gridstatus reads AS plans from 12/29/2010 and 60-day disclosures from 07/01/2011 out of the
# public-API archive).
NODAL = date(2010, 12, 1)
POINTS = 1_100  # settlement points in an all-points price report (resource nodes, hubs, zones): estimates


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
WEEK = timedelta(days=7)

# Archive postings, by how ERCOT posts each report (EMIL "generating frequency"; gridstatus reads
# the archives the same way: daily DAM files the day before, load the day after, 15-minute SPPs
# at each interval's end, SCED files after each run, forecasts every hour).
DAY_BEFORE = Archive(-DAY, -DAY, DAY)
DAY_AFTER = Archive(DAY, DAY, DAY)
# the file of the interval ending at 00:00 opens the day's postings: the day before's last interval
EVERY_QUARTER = Archive(timedelta(0), timedelta(minutes=30), QUARTER, reach=QUARTER)
EVERY_SCED_RUN = Archive(timedelta(0), QUARTER, FIVE_MINUTES, reach=QUARTER)
# the seven-day forecast: posted hourly, each posting the current day and the next seven
HOURLY_FORECAST = Archive(-WEEK, timedelta(0), HOUR, reach=WEEK + DAY, vintaged=True)
# wind and solar: posted hourly, actuals of the past 48 hours and forecasts of the next 168
HOURLY_ACTUALS = Archive(-WEEK, 2 * DAY + HOUR, HOUR, reach=WEEK + 2 * DAY, vintaged=True)


def _report(
    query: Report,
    description: str,
    build: Callable[[Table], Sequence[Any]],
    serves: Prices | Dataset,
    clock: Clock,
    interval: timedelta,
    cadence: timedelta,
    delay: timedelta,
    earliest: date | None,
    labels: dict[str, tuple[str, ...]] | None = None,
    name: str | None = None,
) -> Feed[Report]:
    # Every report is archived back to its first posting: no retention limit (retention None).
    return Feed(
        ISO.ERCOT, name or query.emil, description, query, parse.Tables(query.emil, build), serves, clock, interval,
        cadence, None, delay, earliest, labels or {},
    )  # fmt: skip


DAM_SPP = Report(
    "np4-190-cd/dam_stlmnt_pnt_prices", delivery_days, "NP4-190-CD", DAY_BEFORE, 24 * POINTS, point_rows_per_day=24
)
RT_SPP = Report(
    "np6-905-cd/spp_node_zone_hub", delivery_days, "NP6-905-CD", EVERY_QUARTER, 96 * POINTS, point_rows_per_day=96
)
SCED_LMP = Report(
    "np6-788-cd/lmp_node_zone_hub", sced_times, "NP6-788-CD", EVERY_SCED_RUN, 288 * POINTS, point_rows_per_day=288
)
SETTLEMENT_POINTS = "NP4-160-SG"
FUEL_MIX = "fuel-mix"
AS_DISCLOSURE = "NP3-911-ER"

# Labels as the records carry them.
WEATHER_ZONE_AREAS = (*(area for _, area in parse_datasets.WEATHER_ZONES), parse_datasets.TOTAL)
FORECAST_ZONE_AREAS = tuple(area for _, area in parse_datasets.FORECAST_ZONES)
# the dashboard's fuel types (gridstatus' ERCOT fuel-mix columns)
FUELS = ("Coal and Lignite", "Hydro", "Natural Gas", "Nuclear", "Other", "Power Storage", "Solar", "Wind")
AS_PRODUCTS = ("REGUP", "REGDN", "RRS", "NSPIN", "ECRS")  # ECRS from 06/10/2023
# Real-time co-optimization with batteries (RTC+B) went live for operating day 12/05/2025: ERCOT's
# real-time AS clearing prices (NP6-331-CD, NP6-332-CD) begin with it (ERCOT's data product pages).
RTC = date(2025, 12, 5)
# The first SCED system lambda posting (NP6-322-CD data product page, first run 12/11/2013).
SCED_LAMBDA_FIRST = date(2013, 12, 11)
WIND_AREAS = tuple(area for _, _, area in parse_datasets.WIND.areas if area is not None)

# Typical time from an interval's start to its posting on the public API, which trails ERCOT's
# own posting by up to 10-15 minutes (ERCOT api-specs discussion #68).
API_LAG = timedelta(minutes=10)

# The GIS report: a monthly xlsx posted to the MIS, its newest posting read (gridstatus does the same).
QUEUE: Feed[MisDocuments] = Feed(
    ISO.ERCOT,
    "GIS_Report",
    "Interconnection queue: large and small generation requests, inactive and cancelled projects (ERCOT's "
    "monthly Generator Interconnection Status report, MIS report type 15933, xlsx)",
    MisDocuments(15933, "GIS_Report"),
    queue.parse,
    QueueSnapshot(),
    Clock.UTC,  # no intervals
    None,
    timedelta(days=30),
)

# CRR auction results: a zip MIS posts after each auction (about 35 MB a month), its awarded CRRs and
# settlement point shadow prices read when imported (`gridql import`), never fetched.
CRR_WHERE = "www.ercot.com/misapp/GetReports.do?reportTypeId="
CRR_MONTHLY: Feed[Document] = Feed(
    ISO.ERCOT,
    "NP7-803-M",
    "Monthly CRR auction results: awarded CRRs by path, time of use, hedge type (OPT/OBL) and side with MW, and "
    "each settlement point's shadow price by month and time of use, $/MWh (the auction's results zip from MIS, "
    "imported with `gridql import`)",
    Document(f"{CRR_WHERE}11201: <MON><YYYY>MonthlyCRRAuctionResults zip"),
    partial(crr.parse, source="NP7-803-M"),
    Dataset(DatasetKind.TRANSMISSION_RIGHTS),
    Clock.LOCAL_START,
    timedelta(days=31),
    timedelta(days=30),
    revisions=timedelta(0),
)
CRR_LONG_TERM: Feed[Document] = Feed(
    ISO.ERCOT,
    "NP7-802-M",
    "Long-term CRR auction sequence results, the monthly results' layout: one zip per auction year, six-month "
    "strip and sequence (imported with `gridql import`)",
    Document(f"{CRR_WHERE}11203: <YYYY><1st|2nd>6AnnualAuctionSeq<N>CRRAuctionResults zip"),
    partial(crr.parse, source="NP7-802-M"),
    Dataset(DatasetKind.TRANSMISSION_RIGHTS),
    Clock.LOCAL_START,
    timedelta(days=184),  # a six-month strip
    timedelta(days=30),
    revisions=timedelta(0),
)

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
        -DAY,  # posted about 13:30 the day before
        NODAL,
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
        QUARTER + API_LAG,
        NODAL,
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
        FIVE_MINUTES + API_LAG,
        NODAL,
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
        HOUR + API_LAG,
        NODAL,
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
        Report("np6-345-cd/act_sys_load_by_wzn", operating_days, "NP6-345-CD", DAY_AFTER, 24),
        "Hourly actual load by weather zone with the ERCOT total",
        parse_datasets.weather_zone_load,
        Dataset(DatasetKind.LOAD),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
        DAY,  # posted the next day
        None,
        {"area": WEATHER_ZONE_AREAS},
    ),
    _report(
        Report("np6-346-cd/act_sys_load_by_fzn", operating_days, "NP6-346-CD", DAY_AFTER, 24),
        "Hourly actual load by forecast zone, areas prefixed FZ_",
        parse_datasets.forecast_zone_load,
        Dataset(DatasetKind.LOAD),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
        DAY,
        None,
        {"area": FORECAST_ZONE_AREAS},
    ),
    _report(
        # 24 hourly postings a day, each of eight days by hour for every model (the in-use one kept)
        Report("np3-565-cd/lf_by_model_weather_zone", in_use_delivery_days, "NP3-565-CD", HOURLY_FORECAST, 8 * 24 * 24),
        "Seven-day hourly load forecast by weather zone and ERCOT total: ERCOT's in-use model, named in "
        "`model`, every vintage",
        parse_datasets.load_forecast,
        Dataset(DatasetKind.LOAD_FORECAST),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
        -WEEK,  # each posting reaches seven days ahead
        None,
        {"area": WEATHER_ZONE_AREAS},
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
        # The dashboard holds yesterday and today (Central) only, at most two days back; gridstatus
        # refuses any other day (NotSupported). ERCOT's archived "Fuel Mix Report" (monthly
        # IntGenbyFuel workbooks, 15-minute, at ercot.com/gridinfo/generation) is not read yet.
        retention=2 * DAY,
        delay=FIVE_MINUTES + timedelta(minutes=1),
        labels={"fuel": FUELS},
    ),
    _report(
        Report("np4-188-cd/dam_clear_price_for_cap", delivery_days, "NP4-188-CD", DAY_BEFORE, 24 * 5),
        "DAM clearing prices for capacity (AS MCPC), hourly: REGUP, REGDN, RRS, NSPIN, ECRS",
        parse_datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
        -DAY,
        NODAL,
        {"product": AS_PRODUCTS},
    ),
    _report(
        # One posting per settlement interval, five AS types each (ERCOT api-specs issue #146: a
        # whole day is 480 rows).
        Report("np6-331-cd/rt_clear_price_cap", delivery_days, "NP6-331-CD", EVERY_QUARTER, 96 * 5),
        "Real-time clearing prices for capacity (RT MCPC) by 15-minute settlement interval, since RTC+B "
        "(12/05/2025): REGUP, REGDN, RRS, ECRS, NSPIN",
        parse_datasets.rt_ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN),
        Clock.LOCAL_HOUR_ENDING,
        QUARTER,
        QUARTER,
        QUARTER + API_LAG,
        RTC,
        {"product": AS_PRODUCTS},
    ),
    _report(
        Report("np6-332-cd/rt_clear_price_cap_sced", sced_times, "NP6-332-CD", EVERY_SCED_RUN, 288 * 5),
        "Real-time clearing prices for capacity (RT MCPC) of every SCED run, each holding until the next run, "
        "since RTC+B (12/05/2025): REGUP, REGDN, RRS, ECRS, NSPIN; from 08/27/2026 the capped MCPC",
        parse_datasets.sced_ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        SCED_LONGEST,
        FIVE_MINUTES,
        FIVE_MINUTES + API_LAG,
        RTC,
        {"product": AS_PRODUCTS},
    ),
    _report(
        Report("np6-322-cd/sced_system_lambda", sced_times, "NP6-322-CD", EVERY_SCED_RUN, 288),
        "SCED system lambda, $/MWh, of every SCED run, each holding until the next run; from 08/27/2026 the "
        "capped system lambda",
        parse_datasets.sced_system_lambda,
        Dataset(DatasetKind.SYSTEM_LAMBDA, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        SCED_LONGEST,
        FIVE_MINUTES,
        FIVE_MINUTES + API_LAG,
        SCED_LAMBDA_FIRST,
    ),
    _report(
        Report("np4-523-cd/dam_system_lambda", delivery_days, "NP4-523-CD", DAY_BEFORE, 24),
        "DAM system lambda, $/MWh, hourly",
        parse_datasets.dam_system_lambda,
        Dataset(DatasetKind.SYSTEM_LAMBDA, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
        -DAY,
        None,
    ),
    _report(
        Report("np6-86-cd/shdw_prices_bnd_trns_const", sced_times, "NP6-86-CD", EVERY_SCED_RUN, 288 * 20),
        "SCED shadow prices and binding transmission constraints, each run until the next (at most 5 minutes)",
        parse_datasets.sced_constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
        FIVE_MINUTES + API_LAG,
        NODAL,
    ),
    _report(
        Report("np4-191-cd/dam_shadow_prices", delivery_days, "NP4-191-CD", DAY_BEFORE, 24 * 30),
        "DAM shadow prices and binding constraints, hourly",
        parse_datasets.dam_constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        DAY,
        -DAY,
        NODAL,
    ),
    _report(
        # 24 postings a day, each 48 past and 168 coming hours: ten postings' days hold a day's rows
        Report("np4-732-cd/wpp_hrly_avrg_actl_fcast", delivery_days, "NP4-732-CD", HOURLY_ACTUALS, 24 * 240),
        "Wind power production, hourly actual and forecasts (STWPF, WGRPP)",
        lambda table: parse_datasets.production(table, parse_datasets.WIND),
        Dataset(DatasetKind.RENEWABLES),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
        -WEEK,  # forecasts reach 168 hours ahead; actuals follow the hour
        None,
        {"source": ("WIND",), "area": WIND_AREAS},
    ),
    _report(
        Report("np4-737-cd/spp_hrly_avrg_actl_fcast", delivery_days, "NP4-737-CD", HOURLY_ACTUALS, 24 * 240),
        "Solar power production, hourly actual and forecasts (STPPF, PVGRPP)",
        lambda table: parse_datasets.production(table, parse_datasets.SOLAR),
        Dataset(DatasetKind.RENEWABLES),
        Clock.LOCAL_HOUR_ENDING,
        HOUR,
        HOUR,
        -WEEK,
        None,
        {"source": ("SOLAR",)},
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
        delay=2 * DAY,  # disclosed two days after the operating day
    ),
    CRR_MONTHLY,
    CRR_LONG_TERM,
    QUEUE,
)

# ERCOT is an energy-only market: resource adequacy rests on scarcity pricing (the operating reserve
# demand curve), and no capacity is bought, so there is no capacity price to serve.
NO_CAPACITY_MARKET = (
    "ERCOT has no capacity market: it is an energy-only market, where scarcity pricing (the operating reserve "
    "demand curve) rewards capacity and no capacity auction is held"
)

MARKET = market(
    ISO.ERCOT,
    "Electric Reliability Council of Texas",
    "America/Chicago",
    FEEDS,
    {DatasetKind.CAPACITY_PRICES: NO_CAPACITY_MARKET},
)
