"""NYISO's feeds: every public MIS report gridql reads, declared once.

Each lives in one MIS folder named after it: `<folder>/<YYYYMMDD><folder><suffix>.csv` for a day
and `<folder>/<YYYYMM01><folder><suffix>_csv.zip` for a month. Price reports come as a zonal file
(zones and external proxy buses) and a generator file, told apart by the suffix.

What each feed declares beyond its query, and where it comes from:
- retention: none documented. NYISO keeps a monthly `_csv.zip` of every report for every month
  back to its first (the P-2A/P-24A/P-58C list pages link them all; bulk readers such as
  NYISOToolkit read only the zips). Daily CSVs are a short-lived copy of the latest days: the
  source reads them for the last `DAILY_FILE_DAYS` only, as gridstatus does
  (`_download_nyiso_archive`: "the last 7 days of file are hosted directly as csv").
- earliest: the January 2000 zonal day-ahead and real-time archives hold the same six-column
  layout as today's (a public schema survey of every January 2000-2024; gridstatus reads rtlbmp
  from 1999-12-30); hourly actual load from June 2001 (a public downloader starts its
  palIntegrated loop there). None where no first day is known.
- delay: day-ahead reports (damlbmp, damasp, DAMLimitingConstraints) are posted whole about
  11:00 the day before (about a day ahead, -1 day); isolf dated D is posted on D-1 and forecasts
  D..D+5 (six days ahead). Real-time 5-minute reports are rewritten every RTD run, an interval by
  its end (electricitymaps saw the :40 interval posted at :35:36); hourly ones after the hour.
- labels: the eleven load zones as every zonal file prints them, and "NYISO" for the total
  (isolf's own column; gridql sums the zones of pal/palIntegrated under that label); fuels and
  interfaces as rtfuelmix and ExternalLimitsFlows name them (the recorded 2017-11-22 files);
  reserve products as damasp/rtasp head their columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from ..feed import Clock, Dataset, Document, Feed, NodeList, Prices, QueueSnapshot, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, RUN_LENGTH, DatasetKind, MarketRun, PriceRecord
from ..queue import QueueFile
from . import icap, queue, tcc
from .grid import constraint_parser, parse_fuel_mix, parse_interface_flows
from .load import TOTAL, parse_isolf, parse_pal, parse_pal_integrated
from .nodes import ZONES, parse_generators
from .parse import parse_lbmp
from .reserves import PRODUCTS, parse_damasp, parse_rtasp

# NYISO documents no rate limit for its public files; stay polite all the same.
SPACING = 0.1
# How many daily forecast files back from the window's first day a query may look for a vintage
# published before its cutoff (a late posting falls back to the day before's, and so on).
VINTAGE_LOOKBACK = 3
# Daily CSVs are read for days up to this many days back; older days come from monthly zips
# (gridstatus `_download_nyiso_archive`; NYISO documents no lifetime for the daily copies).
DAILY_FILE_DAYS = 7

ZONE_LABELS: tuple[str, ...] = tuple(sorted(ZONES.values()))
AREA_LABELS: tuple[str, ...] = (*ZONE_LABELS, TOTAL)
FUELS = ("Dual Fuel", "Natural Gas", "Nuclear", "Other Fossil Fuels", "Other Renewables", "Wind", "Hydro")
INTERFACES = (
    "CENTRAL EAST - VC",
    "DYSINGER EAST",
    "MOSES SOUTH",
    "SCH - HQ - NY",
    "SCH - HQ_CEDARS",
    "SCH - HQ_IMPORT_EXPORT",
    "SCH - NE - NY",
    "SCH - NPX_1385",
    "SCH - NPX_CSC",
    "SCH - OH - NY",
    "SCH - PJ - NY",
    "SCH - PJM_HTP",
    "SCH - PJM_NEPTUNE",
    "SCH - PJM_VFT",
    "SPR/DUN-SOUTH",
    "TOTAL EAST",
    "UPNY CONED",
    "WEST CENTRAL",
)
DAY_AHEAD_PRODUCTS = tuple(name for name, _, required in PRODUCTS if required)
REAL_TIME_PRODUCTS = tuple(name for name, _, _ in PRODUCTS)
# A price report's zonal file: the 11 zones and 4 external proxies; its generator file, about
# 600 PTIDs an interval, read whole whatever generators a query names.
ZONE_ROWS = 15
GENERATORS = 600
# Binding constraints an interval: a few, rarely tens.
CONSTRAINTS = 10

# About a day ahead: posted ~11:00 the day before, 13 h before the first hour, 36 h before the last.
DAY_AHEAD = -DAY
AFTER_THE_HOUR = HOUR + FIVE_MINUTES
EARLIEST_LBMP = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Lbmp:
    """How an LBMP report's bodies are read: its clock and interval length."""

    interval_ending: bool
    length: timedelta

    def parser(
        self, nodes: Collection[str] | None = None, written: datetime | None = None, growing: bool = False
    ) -> Callable[[bytes], list[PriceRecord]]:
        """Bytes -> records, only of `nodes` where given; `written`: a bare CSV's Last-Modified;
        `growing`: a file of today or later whose write time is unknown (`parse_lbmp`)."""
        return partial(
            parse_lbmp,
            interval_ending=self.interval_ending,
            length=self.length,
            nodes=nodes,
            written=written,
            growing=growing,
        )


@dataclass(frozen=True, slots=True)
class Mis:
    """How to ask the MIS for a report."""

    folder: str  # the MIS folder, also the file stem
    zone: str | None = None  # price reports: the suffix of the zonal file ...
    gen: str | None = None  # ... and of the generator file
    lbmp: Lbmp | None = None  # price reports: how their files read
    file: str | None = None  # an undated file, posted anew in place (the generator list)
    horizon_days: int = 0  # forecasts: each dated file is a vintage forecasting its day and the next ones
    # Records a file holds an interval (the zonal file's, for prices; the list's, undated): what
    # reading it costs, whatever a query keeps of it.
    rows: int = 1


def _prices(
    folder: str, run: MarketRun, description: str, clock: Clock, cadence: timedelta, delay: timedelta
) -> Feed[Mis]:
    length = RUN_LENGTH[run]
    reading = Lbmp(clock is Clock.LOCAL_END, length)
    return Feed(
        ISO.NYISO,
        folder,
        description,
        Mis(folder, zone="_zone", gen="_gen", lbmp=reading, rows=ZONE_ROWS),
        reading.parser(),
        Prices(run),
        clock,
        length,
        cadence,
        retention=None,
        delay=delay,
        earliest=EARLIEST_LBMP,
        folds_by_order=True,  # LBMP files have no `Time Zone` column
    )


def _mis(
    folder: str,
    description: str,
    parse: Callable[[bytes], Sequence[Any]],
    serves: Dataset,
    clock: Clock,
    interval: timedelta,
    cadence: timedelta,
    *,
    delay: timedelta,
    labels: Mapping[str, tuple[str, ...]],
    earliest: date | None = None,
    horizon_days: int = 0,
    folds_by_order: bool = False,
    rows: int | None = None,
) -> Feed[Mis]:
    """A dataset's MIS report; its files hold a record an interval for every label combination
    unless `rows` says otherwise."""
    if rows is None:
        rows = math.prod(len(values) for values in labels.values())
    return Feed(
        ISO.NYISO,
        folder,
        description,
        Mis(folder, horizon_days=horizon_days, rows=rows),
        parse,
        serves,
        clock,
        interval,
        cadence,
        retention=None,
        delay=delay,
        earliest=earliest,
        labels=labels,
        folds_by_order=folds_by_order,
    )


# ICAP auction results are a monthly workbook on nyiso.com, not an MIS report: imported, never
# fetched (its document folder changes every year).
ICAP_REPORT: Feed[Document] = Feed(
    ISO.NYISO,
    "ICAP-Market-Report",
    "ICAP auction clearing prices by locality (NYCA, GHIJ, NYC, LI) and auction (Strip, Monthly, Spot) for each "
    "month, $/kW-month: the monthly ICAP Market Report workbook's MCP Table (import it with `gridql import`)",
    Document("https://www.nyiso.com/installed-capacity-market: ICAP-Market-Report-<Month>-<Year>.xlsx"),
    icap.parse,
    Dataset(DatasetKind.CAPACITY_PRICES),
    Clock.LOCAL_START,
    timedelta(days=31),
    timedelta(days=30),  # a report a month
    revisions=timedelta(0),
)

# The interconnection queue workbook on nyiso.com, updated monthly.
QUEUE: Feed[QueueFile] = Feed(
    ISO.NYISO,
    "NYISO-Interconnection-Queue",
    "Interconnection queue: active and cluster projects, withdrawn ones and those in service (NYISO's "
    "interconnection queue workbook, xlsx)",
    QueueFile("https://www.nyiso.com/documents/20142/1407078/NYISO-Interconnection-Queue.xlsx"),
    queue.parse,
    QueueSnapshot(),
    Clock.UTC,  # no intervals
    None,
    timedelta(days=30),
)


# TCC auction results are downloads from tcc.nyiso.com (an auction's "Download CSV"), not MIS
# reports: imported, never fetched (the site names an auction by an internal id, with no listing
# a client can read). A term lasts at most two years (the two-year TCCs).
TCC_TERM = timedelta(days=731)
TCC_NODAL_PRICES: Feed[Document] = Feed(
    ISO.NYISO,
    "TCC-Nodal-Price",
    "TCC auction clearing prices by PTID and term, $ per TCC (1 MW) for the term: the Nodal Price report of "
    "each auction round, downloaded as CSV (import it with `gridql import`); a path's price is its POW's less "
    "its POI's",
    Document("https://tcc.nyiso.com/tcc/public/view_nodal_prices.do: the round's Download CSV"),
    tcc.nodal_prices,
    Dataset(DatasetKind.TRANSMISSION_RIGHTS),
    Clock.LOCAL_START,
    TCC_TERM,
    timedelta(days=30),  # a round or a balance-of-period auction every month
    revisions=timedelta(0),
)
TCC_AWARDS: Feed[Document] = Feed(
    ISO.NYISO,
    "TCC-Summary-of-Awards",
    "TCC auction awards by path (POI to POW), side (Bid/Offer), TCCs awarded (MW) and clearing price, $ per TCC "
    "for the term: the Summary of Awards of each auction round, downloaded as CSV (import it with `gridql import`)",
    Document("https://tcc.nyiso.com/tcc/public/view_awards_summary.do: the round's Download CSV"),
    tcc.awards,
    Dataset(DatasetKind.TRANSMISSION_RIGHTS),
    Clock.LOCAL_START,
    TCC_TERM,
    timedelta(days=30),
    revisions=timedelta(0),
)

FEEDS: tuple[Feed[Any], ...] = (
    _prices(
        "damlbmp",
        MarketRun.DAY_AHEAD_HOURLY,
        "Day-ahead hourly LBMP by zone or generator (P-2A/P-2B); daily CSV or monthly zip",
        Clock.LOCAL_START,
        DAY,
        DAY_AHEAD,
    ),
    _prices(
        "realtime",
        MarketRun.REAL_TIME_5_MIN,
        "Real-time 5-minute RTD LBMP by zone or generator (P-24A/P-24B; today's RTC advisory rows left out); "
        "daily CSV or monthly zip",
        Clock.LOCAL_END,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _prices(
        "rtlbmp",
        MarketRun.REAL_TIME_HOURLY,
        "Real-time hourly integrated LBMP by zone or generator (P-4A/P-4B); daily CSV or monthly zip",
        Clock.LOCAL_START,
        HOUR,
        AFTER_THE_HOUR,
    ),
    Feed(
        ISO.NYISO,
        "generator",
        "Generator names and PTIDs (generator.csv)",
        Mis("generator", file="generator.csv", rows=GENERATORS),
        parse_generators,
        NodeList(),
        Clock.LOCAL_START,
        None,
        DAY,
    ),
    _mis(
        "pal",
        "Real-time actual load by zone, 5-minute readings (P-58B), and NYISO: the sum of the eleven zones at each "
        "stamp, labelled as isolf labels its total; daily CSV or monthly zip",
        parse_pal,
        Dataset(DatasetKind.LOAD, MarketRun.REAL_TIME_5_MIN, default=True),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={"area": AREA_LABELS},
    ),
    _mis(
        "palIntegrated",
        "Integrated real-time actual load by zone, hourly (P-58C), and NYISO: the sum of the eleven zones each "
        "hour, labelled as isolf labels its total; daily CSV or monthly zip",
        parse_pal_integrated,
        Dataset(DatasetKind.LOAD, MarketRun.REAL_TIME_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        HOUR,
        delay=AFTER_THE_HOUR,
        labels={"area": AREA_LABELS},
        earliest=date(2001, 6, 1),
    ),
    _mis(
        "isolf",
        "ISO load forecast by zone and NYISO total, hourly for six days (P-7); one vintage per daily CSV",
        parse_isolf,
        Dataset(DatasetKind.LOAD_FORECAST),
        Clock.LOCAL_START,
        HOUR,
        DAY,
        delay=-6 * DAY,
        labels={"area": AREA_LABELS},
        horizon_days=6,
        folds_by_order=True,  # no `Time Zone` column
    ),
    _mis(
        "rtfuelmix",
        "Real-time generation by fuel category, 5-minute; daily CSV or monthly zip",
        parse_fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={"fuel": FUELS},
    ),
    _mis(
        "damasp",
        "Day-ahead reserve and regulation prices by zone, hourly",
        parse_damasp,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        DAY,
        delay=DAY_AHEAD,
        labels={"product": DAY_AHEAD_PRODUCTS, "area": ZONE_LABELS},
    ),
    _mis(
        "rtasp",
        "Real-time reserve and regulation prices by zone, 5-minute (interval-ending)",
        parse_rtasp,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_END,
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={"product": REAL_TIME_PRODUCTS, "area": ZONE_LABELS},
    ),
    _mis(
        "ExternalLimitsFlows",
        "Interface flows and limits, 5-minute",
        parse_interface_flows,
        Dataset(DatasetKind.INTERFACE_FLOWS),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={"interface": INTERFACES},
        folds_by_order=True,  # no `Time Zone` column
    ),
    _mis(
        "LimitingConstraints",
        "Real-time binding constraints and their cost, 5-minute",
        constraint_parser(FIVE_MINUTES),
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
        labels={},
        rows=CONSTRAINTS,
    ),
    _mis(
        "DAMLimitingConstraints",
        "Day-ahead binding constraints and their cost, hourly",
        constraint_parser(HOUR),
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        DAY,
        delay=DAY_AHEAD,
        labels={},
        rows=CONSTRAINTS,
    ),
    ICAP_REPORT,
    TCC_NODAL_PRICES,
    TCC_AWARDS,
    QUEUE,
)

MARKET = market(ISO.NYISO, "New York ISO", "America/New_York", FEEDS)
