"""PJM's Data Miner 2 feeds, each declared once: what to ask for, how to read it, what it serves.

Every feed is asked for the same way (`Query`): its path under api.pjm.com/api/v1, the columns
sent as `fields` (and read back by name), the EPT column an operating-day range filters, and any
fixed filters. The three LMP feeds are also filtered by pnode id, except on archived days (hubs and
zones are asked there by `type`, other nodes a whole day at a time). The two real-time ones name
their unverified feed (`Query.fallback`), asked for the recent days PJM has not verified yet: its
rows are PRELIMINARY, the verified ones VERIFIED (CORRECTED once re-posted). The load forecast is
served by two feeds: the seven-day one for its recent vintages, the history for past days.

Publication (`retention`, `cadence`, `delay`, `earliest`) and labels are declared per feed, each
with its source: gridstatus `pjm.py` (docstrings, endpoint constants and tests), PJM's Data Miner
API Guide and FAQs as quoted in public clients' notes, and the recorded samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..feed import Clock, Dataset, Document, Feed, NodeList, Prices, QueueSnapshot, Serves, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, RUN_LENGTH, DatasetKind, MarketRun, PriceVersion
from ..queue import QueueFile
from . import ftr, queue, rows, rpm
from .parse import Convert, Reader, nodes, prices, unverified_prices

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
    # LMPs: days older than this are "archived" (Data Miner's Historic tier). Per PJM's Data Miner
    # API Guide (v15, as quoted in public clients' notes) archived queries take only the date,
    # `type`, `row_is_current` and `version_nbr` filters: no `pnode_id`, and no `type` on the
    # 5-minute feed; gridstatus `_get_lmp` asks them without `fields`. None: no node filter.
    archive_age: timedelta | None = None
    archive_types: bool = False  # archived days accept the `type` filter (the hourly LMP feeds)
    # Rows one operating day holds, for the upstream-time estimate (`Piece.seconds`): per node for
    # the LMP feeds, in all for the rest.
    rows_per_day: int = 1_000
    # Start the filter this much before each day's midnight (readings stamped a few seconds early,
    # gridstatus `get_load`), or this many days before it (forecasts filtered by evaluation time:
    # the vintages that cover a day were evaluated up to `lookback` before it); the rows outside
    # the day asked for are then dropped.
    early: timedelta = timedelta(0)
    lookback: timedelta = timedelta(0)
    # LMPs: the feed that posts an interval before this one verifies it, asked for the days that
    # may still lack verified rows (`verified_lag` back from now).
    fallback: Feed[Query] | None = None
    verified_lag: timedelta | None = None
    # A history feed: only operating days before today (EPT) are in it.
    past_days_only: bool = False
    # Prices read by pnode name (the unverified hourly feed carries no pnode id); not filtered.
    by_name: bool = False
    # The FTR feeds are asked a month at a time, by this filter (`date_filter` None): the auction
    # named for the month (`market_name`), or the month the values apply to (`effective_day`).
    # Their rows name nodes; the source swaps in pnode ids. `rows_per_month`: what a month reads.
    by_month: str | None = None
    rows_per_month: int = 0


def _feed(
    name: str,
    description: str,
    fields: tuple[str, ...],
    convert: Convert,
    serves: Serves,
    interval: timedelta | None,
    cadence: timedelta,
    *,
    retention: timedelta | None = None,
    delay: timedelta = timedelta(0),
    earliest: date | None = None,
    labels: Mapping[str, tuple[str, ...]] | None = None,
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
        retention=retention,
        delay=delay,
        earliest=earliest,
        labels=labels or {},
    )


# Pnodes priced per interval: 13,018 on 2021-06-03 (gridstatus PR #942); an archived day is read
# whole, so its cost is this many rows per interval.
PRICED_PNODES = 13_000
# Pnodes of a `type` in the LMP feeds (the pnode list's subtypes: 12 HUB, 34 ZONE in 2025,
# battalion-energy/power_market_pipeline PJM_CURRENT_STATUS.md): what an archived `type` read costs.
TYPE_PNODES = {"HUB": 12, "ZONE": 34}


def _lmps(
    name: str,
    description: str,
    run: MarketRun,
    suffix: str,
    archive_age: timedelta,
    *,
    delay: timedelta,
    earliest: date | None,
    cadence: timedelta,
    fallback: Feed[Query] | None = None,
) -> Feed[Query]:
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
        # day-ahead prices have one version unless corrected; real-time ones here are verified
        prices(length, None if run is DA else PriceVersion.VERIFIED),
        Prices(run),
        length,
        cadence,
        delay=delay,
        earliest=earliest,
        filters=(("row_is_current", "TRUE"),),
        archive_age=archive_age,
        archive_types=run is not RT5,
        rows_per_day=DAY // length,
        fallback=fallback,
        # PJM verifies real-time LMPs by noon of the next business day ("Hourly Settlement LMPs --
        # around noon, the previous day's ...; Friday and Saturday by noon on Monday"); a holiday
        # adds a day: the unverified feed is asked for the last four days too.
        verified_lag=None if fallback is None else timedelta(days=4),
    )


def _unverified(name: str, description: str, run: MarketRun, *, by_name: bool) -> Feed[Query]:
    """Real-time LMPs as posted before verification: no energy component (derived), no
    `row_is_current`/`version_nbr` (gridstatus `get_lmp_real_time_unverified_*`). The hourly feed
    lists hubs, zones and aggregates by `pnode_name` only."""
    node = "pnode_name" if by_name else "pnode_id"
    fields = ("datetime_beginning_utc", node, "total_lmp_rt", "congestion_price_rt", "marginal_loss_price_rt")
    length = RUN_LENGTH[run]
    return _feed(
        name,
        description,
        fields,
        unverified_prices(length, by_name=by_name),
        None,  # served as the fallback of the verified feed of the run
        length,
        length,
        # posted within minutes of the interval's end (gridstatus: "the freshest data")
        delay=length + timedelta(minutes=5),
        rows_per_day=(DAY // length) * (60 if by_name else 1),
        by_name=by_name,
    )


RT5_UNVERIFIED = _unverified(
    "rt_unverified_fivemin_lmps",
    "Real-time 5-minute LMPs per pnode as posted, before PJM verifies them",
    RT5,
    by_name=False,
)
RTH_UNVERIFIED = _unverified(
    "rt_unverified_hrl_lmps",
    "Real-time hourly LMPs of hubs, zones and aggregates as posted, before PJM verifies them",
    RTH,
    by_name=True,
)

# Labels as the records carry them (the sandbox's tables hold the same, from gridstatus and
# recorded rows): inst_load areas (gridstatus `get_load` docstring), hrl_load_metered load areas,
# forecast areas of load_frcstd_7_day and load_frcstd_hist (gridstatus test columns), fuel types
# (gen_by_fuel), reserve services and locales.
LOAD_AREAS = (
    "AECO", "BC", "DPLCO", "EASTON", "JC", "ME", "PE", "PEPCO", "SMECO", "PLCO", "UGI", "PN", "PS",
    "RECO", "AEPAPT", "AEPIMP", "AEPKPT", "AEPOPT", "AP", "OE", "PAPWR", "CE", "DAY", "DEOK", "DUQ",
    "EKPC", "OVEC", "DOM", "VMEU",
)  # fmt: skip
INST_AREAS = (
    "AE", "AEP", "APS", "ATSI", "BC", "COMED", "DAYTON", "DEOK", "DOM", "DPL", "DUQ", "EKPC", "JC",
    "ME", "PE", "PEP", "PJM MID ATLANTIC REGION", "PJM RTO", "PJM SOUTHERN REGION",
    "PJM WESTERN REGION", "PL", "PN", "PS", "RECO",
)  # fmt: skip
FORECAST_AREAS = (
    "AE/MIDATL", "AEP", "AP", "ATSI", "BG&E/MIDATL", "COMED", "DAYTON", "DEOK", "DOMINION",
    "DP&L/MIDATL", "DUQUESNE", "EKPC", "JCP&L/MIDATL", "METED/MIDATL", "MID_ATLANTIC_REGION",
    "PECO/MIDATL", "PENELEC/MIDATL", "PEPCO/MIDATL", "PPL/MIDATL", "PSE&G/MIDATL", "RECO/MIDATL",
    "RTO_COMBINED", "SOUTHERN_REGION", "UGI/MIDATL", "WESTERN_REGION",
)  # fmt: skip
HISTORY_AREAS = ("AEP", "APS", "ATSI", "COMED", "DAY", "DEOK", "DOM", "DUQ", "EKPC", "MIDATL", "RTO")
FUELS = (
    "Coal", "Gas", "Hydro", "Multiple Fuels", "Nuclear", "Oil", "Other", "Other Renewables", "Solar",
    "Storage", "Wind",
)  # fmt: skip
RENEWABLE_AREAS = ("MIDATL", "OTHER", "RFC", "RTO", "SOUTH", "WEST")

_FORECAST = ("evaluated_at_utc", "datetime_beginning_utc", "datetime_ending_utc")
_CONSTRAINT = ("datetime_beginning_utc", "datetime_ending_utc", "monitored_facility", "contingency_facility")

_SOLAR_WIND: dict[str, tuple[str, ...]] = {"source": ("SOLAR", "WIND")}
# gridstatus `get_solar_forecast_hourly` / `get_wind_forecast_hourly`: "Only available in past 30
# days"; each vintage covers the 48 hours from its evaluation (recorded sample).
FORECAST_RETENTION = timedelta(days=30)
FORECAST_HORIZON = timedelta(hours=48)

# The FTR bid feeds: every bid into an auction, posted about four months after it (the public PJM FTR
# warehouse ETL, NOTES); no node filter is accepted, so a monthly auction is read whole: about 1.44
# million rows (29 pages) in 2025. PJM publishes the bids, not the clearing prices.
FTR_BIDS_DELAY = timedelta(days=123)


def _ftr_bids(name: str, description: str, serves: Serves, interval: timedelta) -> Feed[Query]:
    return _feed(
        name,
        description,
        ftr.BID_COLUMNS,
        ftr.bids,
        serves,
        interval,
        timedelta(days=30),
        delay=FTR_BIDS_DELAY,
        earliest=date(2006, 1, 1),  # the public clients' earliest monthly auction, JAN 2006
        date_filter=None,
        by_month="market_name",
        rows_per_month=1_440_000,
    )


# RPM results are a workbook on pjm.com, not a Data Miner feed: imported, never fetched.
RPM_RESULTS: Feed[Document] = Feed(
    ISO.PJM,
    "rpm-auctions-resource-clearing-price-summary",
    "RPM resource clearing prices by LDA, delivery year, auction (BRA and incremental) and product, $/MW-day: "
    "PJM's workbook of all RPM auctions held to date (import it with `gridql import`)",
    Document(
        "https://www.pjm.com/-/media/DotCom/markets-ops/rpm/rpm-auction-info/"
        "rpm-auctions-resource-clearing-price-summary.xlsx"
    ),
    rpm.parse,
    Dataset(DatasetKind.CAPACITY_PRICES),
    Clock.LOCAL_START,
    timedelta(days=366),
    timedelta(days=365),  # one Base Residual Auction a delivery year, incremental ones after
    earliest=date(2007, 6, 1),  # RPM's first delivery year, 2007/2008
    revisions=timedelta(0),
)

# The planning queue export behind pjm.com's interconnection queue page: the whole queue, rewritten as
# PJM's planners update it (daily); no history is kept, only today's file.
QUEUE: Feed[QueueFile] = Feed(
    ISO.PJM,
    "PlanningQueueExport",
    "Interconnection queue: every new-service request, active, suspended, in service and withdrawn (PJM's "
    "planning queue export, xlsx)",
    QueueFile("https://services.pjm.com/PJMPlanningApi/api/Queue/ExportToXls", method="POST"),
    queue.parse,
    QueueSnapshot(),
    Clock.UTC,  # no intervals
    None,
    DAY,
)

# The price feeds in the order of `MARKET.runs`; each real-time one names the unverified feed that
# answers the intervals it has not verified yet. Their `delay` is the run's as served: the
# unverified rows (PRELIMINARY) appear within minutes, the verified ones replace them later.
FEEDS: tuple[Feed[Any], ...] = (
    _lmps(
        "da_hrl_lmps",
        "Day-ahead hourly LMPs per pnode (Data Miner 2 JSON page or CSV export)",
        DA,
        "da",
        timedelta(days=731),
        delay=-DAY,  # posted by about 13:30 EPT the day before
        earliest=date(2000, 6, 1),  # PJM's day-ahead market opened 2000-06-01
        cadence=DAY,
    ),
    _lmps(
        "rt_fivemin_hrl_lmps",
        "Real-time 5-minute LMPs per pnode, verified, unverified ones until then (Data Miner 2)",
        RT5,
        "rt",
        timedelta(days=186),
        delay=RT5_UNVERIFIED.delay,
        earliest=None,  # not documented
        cadence=FIVE_MINUTES,
        fallback=RT5_UNVERIFIED,
    ),
    _lmps(
        "rt_hrl_lmps",
        "Real-time hourly LMPs per pnode, verified, unverified ones until then (Data Miner 2)",
        RTH,
        "rt",
        timedelta(days=731),
        delay=RTH_UNVERIFIED.delay,
        earliest=date(1998, 4, 1),  # PJM's real-time LMPs began 1998-04-01
        cadence=HOUR,
        fallback=RTH_UNVERIFIED,
    ),
    RT5_UNVERIFIED,
    RTH_UNVERIFIED,
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
        delay=DAY,  # metered values are posted the next day
        earliest=date(1993, 1, 1),  # metadata: archiveCutoffDays null, history from 1993
        labels={"area": LOAD_AREAS},
        rows_per_day=24 * len(LOAD_AREAS),
    ),
    _feed(
        "inst_load",
        "Instantaneous load by zone and region, every 5 minutes",
        ("datetime_beginning_utc", "area", "instantaneous_load"),
        rows.instantaneous_load,
        Dataset(DatasetKind.LOAD),
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={"area": INST_AREAS},
        rows_per_day=288 * len(INST_AREAS),
        # a reading is stamped up to a few seconds either side of its mark: the day's 00:00
        # reading can be stamped 23:59:5x the day before (gridstatus asks a minute early too)
        early=timedelta(minutes=1),
    ),
    _feed(
        "load_frcstd_7_day",
        "Seven-day hourly load forecast by forecast area, the recent vintages with their evaluation time",
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
        timedelta(minutes=30),  # gridstatus: "updates every half hour on the quarter"
        # only the recent vintages are kept (gridstatus: "Only today's forecast is available";
        # history is load_frcstd_hist)
        retention=timedelta(days=2),
        delay=-7 * DAY,
        labels={"area": FORECAST_AREAS},
        rows_per_day=24 * len(FORECAST_AREAS) * 4,
        date_filter="forecast_datetime_beginning_ept",
    ),
    _feed(
        "load_frcstd_hist",
        "Historical hourly load forecasts by forecast area, every vintage, for past operating days",
        ("evaluated_at_utc", "forecast_area", "forecast_hour_beginning_utc", "forecast_load_mw"),
        rows.load_forecast_history,
        Dataset(DatasetKind.LOAD_FORECAST),
        HOUR,
        DAY,
        delay=DAY,  # a day's vintages are in the history once the day is over
        labels={"area": HISTORY_AREAS},
        rows_per_day=24 * len(HISTORY_AREAS) * 10,  # ten vintages a day (gridstatus test)
        date_filter="forecast_hour_beginning_ept",  # gridstatus `get_load_forecast_historical`
        past_days_only=True,
    ),
    _feed(
        "gen_by_fuel",
        "Hourly generation by fuel type",
        ("datetime_beginning_utc", "fuel_type", "mw"),
        rows.fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        HOUR,
        HOUR,
        delay=HOUR,
        earliest=date(2016, 1, 1),  # gridstatus `get_fuel_mix`: "earliest date available appears to be 1/1/2016"
        labels={"fuel": FUELS},
        rows_per_day=24 * len(FUELS),
    ),
    _feed(
        "da_reserve_market_results",
        "Day-ahead reserve market clearing prices by locale and service",
        ("datetime_beginning_utc", "locale", "service", "mcp"),
        rows.da_reserves,
        Dataset(DatasetKind.ANCILLARY_PRICES, DA),
        HOUR,
        DAY,
        delay=-DAY,
        labels={
            "product": ("SR", "PR", "30MIN"),
            "area": ("PJM RTO Reserve Zone", "Mid-Atlantic/Dominion Reserve Subzone"),
        },
        rows_per_day=24 * 5,
    ),
    _feed(
        "reserve_market_results",
        "Real-time regulation and reserve clearing prices by locale and service (5-minute since 2022-09-01)",
        ("datetime_beginning_utc", "locale", "service", "mcp", "reg_ccp", "reg_pcp"),
        rows.rt_reserves,
        Dataset(DatasetKind.ANCILLARY_PRICES, RT5),
        HOUR,  # the hourly rows before 2022-09-01
        FIVE_MINUTES,
        delay=2 * FIVE_MINUTES,
        earliest=date(2013, 6, 14),  # gridstatus AS_MARKET_RESULTS_START_DATE
        labels={"product": ("REG", "SR", "PR", "30MIN", "REG_CCP", "REG_PCP"), "area": ("PJM_RTO", "MAD")},
        rows_per_day=288 * 6,
    ),
    _feed(
        "da_marginal_value",
        "Day-ahead binding constraints and their hourly shadow prices",
        (*_CONSTRAINT, "shadow_price"),
        rows.marginal_values,
        Dataset(DatasetKind.CONSTRAINTS, DA),
        HOUR,
        DAY,
        delay=-DAY,
        rows_per_day=24 * 10,
    ),
    _feed(
        "rt_marginal_value",
        "Real-time binding constraints and their 5-minute shadow prices",
        (*_CONSTRAINT, "shadow_price"),
        rows.marginal_values,
        Dataset(DatasetKind.CONSTRAINTS, RT5),
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=2 * FIVE_MINUTES,
        rows_per_day=288 * 10,
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
        retention=FORECAST_RETENTION,
        delay=-FORECAST_HORIZON,
        labels=_SOLAR_WIND,
        rows_per_day=24 * 48,
        # filtered by evaluation time, as every known client and the recorded sample do
        date_filter="evaluated_at_ept",
        lookback=FORECAST_HORIZON,
    ),
    _feed(
        "hourly_wind_power_forecast",
        "Hourly RTO wind forecast, every vintage",
        (*_FORECAST, "wind_forecast_mwh"),
        rows.forecast("WIND"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
        retention=FORECAST_RETENTION,
        delay=-FORECAST_HORIZON,
        labels=_SOLAR_WIND,
        rows_per_day=24 * 48,
        date_filter="evaluated_at_ept",
        lookback=FORECAST_HORIZON,
    ),
    _feed(
        "solar_gen",
        "Hourly solar generation by area",
        ("datetime_beginning_utc", "area", "solar_generation_mw"),
        rows.actual("SOLAR"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
        delay=HOUR,
        labels={**_SOLAR_WIND, "area": RENEWABLE_AREAS},
        rows_per_day=24 * len(RENEWABLE_AREAS),
    ),
    _feed(
        "wind_gen",
        "Hourly wind generation by area",
        ("datetime_beginning_utc", "area", "wind_generation_mw"),
        rows.actual("WIND"),
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
        delay=HOUR,
        labels={**_SOLAR_WIND, "area": RENEWABLE_AREAS},
        rows_per_day=24 * len(RENEWABLE_AREAS),
    ),
    _ftr_bids(
        "ftr_bids_mnt",
        "Bids into PJM's monthly FTR auctions, by path, class type, hedge type and side, with quoted MW and "
        "price, posted about four months after each auction (clearing prices sit behind PJM's member login)",
        Dataset(DatasetKind.TRANSMISSION_RIGHTS),
        timedelta(days=92),  # a quarter, the longest product of a monthly auction
    ),
    # Parsed (`gridql parse`), not served: the `market_name` labels of the annual and long-term
    # auctions, which the requests would be filtered by, are not confirmed. Their columns are taken
    # to be the monthly feed's (the three share Data Miner's "FTR Auction Bids" definition).
    _ftr_bids(
        "ftr_bids_annual",
        "Bids into PJM's annual FTR auction (parse only; same columns as ftr_bids_mnt)",
        None,
        timedelta(days=366),
    ),
    _ftr_bids(
        "ftr_bids_long_term",
        "Bids into PJM's long-term FTR auctions (parse only; same columns as ftr_bids_mnt)",
        None,
        timedelta(days=3 * 366),
    ),
    _feed(
        "ftr_cong_lmp",
        "FTR credit calculator congestion LMPs: each node's congestion price per month and FTR class type, as it "
        "was and as simulated with planned transmission upgrades",
        ftr.CONGESTION_COLUMNS,
        ftr.congestion,
        Dataset(DatasetKind.FTR_CONGESTION_PRICES),
        timedelta(days=31),
        timedelta(days=30),
        # kept seven years, from 2014 (public FTR research notes, NOTES)
        retention=timedelta(days=7 * 365),
        earliest=date(2014, 1, 1),
        date_filter=None,
        by_month="effective_day",
        rows_per_month=15_000,  # ~14,500 nodes a month (the public FTR warehouse ETL)
    ),
    RPM_RESULTS,
    QUEUE,
)

MARKET = market(ISO.PJM, "PJM Interconnection", "America/New_York", FEEDS)
