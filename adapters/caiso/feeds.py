"""Every CAISO feed, declared once: OASIS SingleZip reports and CAISO's daily published files.

Query names, versions and market_run_ids are gridstatus's (`caiso_constants.py`), which is what
the public clients that work today send; column layouts are the ones those clients read.

What each feed declares beyond its query, and where it comes from:
- windows: OASIS refuses a SingleZip request spanning more than 31 days with error 1004 "Data can
  be requested for period of 31 days only" (OASIS Interface Specification, errors section; the
  refusal is reproduced in public captures). The tighter limits clients cite -- one hour for
  interval reports, one trade date for hourly ones -- hold only for `grp_type=ALL` / `ALL_APNODES`
  requests (OASIS FAQ; gridstatus `_determine_lmp_frequency` asks 31 days whenever it names its
  nodes, and holds HASP to one hour only because it asks HASP for all nodes). gridql always names
  its nodes, so every report is asked 31 days at a time; should OASIS refuse a piece anyway, the
  source splits it to the limit the refusal names (`source.py`).
- retention: OASIS keeps about 39 months of its reports (error 1014 "Start Date is beyond the
  limit"; the OASIS report catalogues derived from the interface specification list 39 months for
  every report served here). CAISO's daily files document none.
- delay: from the start of the first interval a publication covers to the publication; negative
  for what is posted ahead. Day-ahead results post at 13:00 Pacific the day before (11 h ahead of
  the operating day), the demand forecasts at 09:10 Pacific 1, 2 and 7 days before, the day-ahead
  wind and solar forecast at 07:00 the day before (gridstatus publish-time offsets; OASIS
  Publications Schedule). Real-time runs post by the end of their interval; hourly actuals once
  the hour is over; the Daily Renewable Report about 10:00 Pacific the next day (gridstatus
  `get_curtailment`).
- labels: as OASIS and the files print them: TAC areas from the recorded SLD_FCST answer (CAISO's
  own TAC areas and the WEIM balancing areas; WEIM membership grows over the years), AS types
  and regions from gridstatus's `as_clearing_prices` parameters, hubs from SLD_REN_FCST, fuels
  from fuelsource.csv's header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..feed import Clock, Dataset, Feed, NodeList, Prices, QueueSnapshot, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, QUARTER_HOUR, DatasetKind, MarketRun
from ..queue import QueueFile
from . import datasets, files, parse, queue

SINGLE_ZIP = "https://oasis.caiso.com/oasisapi/SingleZip"

# OASIS allows one request per 5 s (CAISO OASIS release notes, fall 2015) and answers a faster
# caller with HTTP 429 "retry your request after 5 seconds".
OASIS_SPACING = 5.0
# CAISO's published files (www.caiso.com, content.caiso.com) state no limit; one a second is polite
# and keeps a month of daily files under a minute.
FILES_SPACING = 1.0

# OASIS answers error 1017 "Please select a maximum of 10 nodes or use the ALL option" past this.
MAX_NODES = 10

# Error 1004 past 31 days (see the module docstring).
MAX_DAYS = 31

# About 39 months (39 x 365.25 / 12 days).
OASIS_RETENTION = timedelta(days=1187)


@dataclass(frozen=True, slots=True)
class Oasis:
    """How to ask OASIS SingleZip for a report."""

    queryname: str
    version: int
    # One request per market_run_id; a report asked for several serves them as one feed. Empty:
    # the query takes no market_run_id.
    market_run_ids: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # further fixed parameters, e.g. anc_type=ALL
    # Pacific operating days one request may span with named nodes (or no node filter).
    max_days: int = MAX_DAYS
    by_node: bool = False  # the request names its nodes, at most MAX_NODES of them
    csv: bool = True  # asked as CSV (resultformat=6); the atlas is read in its XML form
    # Rows the answer holds for one interval: per node named when `by_node`, of the whole report
    # otherwise (every TAC area, hub or region); the atlas, with no interval, all its rows. What a
    # request reads upstream, not only what a query keeps.
    rows: int = 1


@dataclass(frozen=True, slots=True)
class DailyFile:
    """One of CAISO's files, one per Pacific day at `url` (formatted with `day`)."""

    url: str  # formatted with `day` (a date) and `slug` (`jun-17-2025`)
    # For a file whose body does not say which day it is: read with the day from its URL.
    read: Callable[[bytes, date], Sequence[Any]] | None = None
    # Today's file, where the day's own URL is posted only once the day is over (Today's Outlook
    # `current/`); asked with a cache-busting `_` parameter, as CAISO's CDN serves a stale copy
    # of an unchanged URL (gridstatus `_get_historical`).
    current: str | None = None
    # A re-posted version, asked when `url` is 404 (gridstatus tries `-corrected.html`).
    corrected: str | None = None
    # When, after the day's local midnight, the file is normally posted: a 404 later than this is
    # an error, not "not yet published".
    posted: timedelta = DAY
    # The file moved: from this day on, the day's file is the other one.
    moved: tuple[date, DailyFile] | None = None

    def on(self, day: date) -> DailyFile:
        """The file (this one or where it moved) that holds `day`."""
        if self.moved is not None and day >= self.moved[0]:
            return self.moved[1].on(day)
        return self

    def at(self, url: str, day: date) -> str:
        return url.format(day=day, slug=f"{_MONTHS[day.month - 1]}-{day:%d-%Y}")


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

Query = Oasis | DailyFile


_AS_ALL = (("anc_type", "ALL"), ("anc_region", "ALL"))

# Rows an OASIS answer holds an interval, as read in the recorded files: LMP, MCE, MCC, MCL and
# MGHG per node (4 per node in the all-APNode zip of 2020, before MGHG); 34 TAC areas in the
# 7DA load forecast; about 12 AS regions x 6 products; tens of nomograms.
_LMP_ROWS = 5
_TAC_AREAS = 34
_AS_ROWS = 72
_NOMOGRAMS = 30

# The Daily Renewables Watch text files (content.caiso.com/green/renewrpt/) gave way to the HTML
# Daily Renewable Report (www.caiso.com/documents/daily-renewable-report-<mon-dd-yyyy>.html);
# gridstatus reads the HTML report from June 2025 on (PR #629, 2025-06; its tests cover
# 2025-06-29 on). Days before are read from the text files, years of which CAISO keeps.
RENEWABLE_REPORT_FROM = date(2025, 6, 1)

TAC_AREAS = (
    *("CA ISO-TAC", "PGE-TAC", "SCE-TAC", "SDGE-TAC", "VEA-TAC", "MWD-TAC"),
    *("AVA", "AVRN", "AZPS", "BANC", "BANCMID", "BANCRDNG", "BANCRSVL", "BANCSMUD", "BANCWASN", "BPAT"),
    *("EPE", "IPCO", "LADWP", "NEVP", "NWMT", "PACE", "PACW", "PGE", "PNM", "PSEI", "SCL", "SRP"),
    *("TEPC", "TIDC", "TPWR", "WALC", "WALCAEPCO", "WALCDSW"),
)
AS_TYPES = ("NR", "RD", "RMD", "RMU", "RU", "SR")
AS_REGIONS = ("AS_CAISO", "AS_CAISO_EXP", "AS_NP26", "AS_NP26_EXP", "AS_SP26", "AS_SP26_EXP")
TRADING_HUBS = ("NP15", "SP15", "ZP26")
SOURCES = ("SOLAR", "WIND")


def _feed(
    name: str,
    description: str,
    query: Query,
    parser: Callable[[bytes], Sequence[Any]],
    serves: Prices | Dataset | NodeList | None,
    interval: timedelta | None,
    cadence: timedelta,
    clock: Clock = Clock.UTC,
    *,
    delay: timedelta,
    retention: timedelta | None = OASIS_RETENTION,
    earliest: date | None = None,
    labels: Mapping[str, tuple[str, ...]] | None = None,
    folds_by_order: bool = False,
) -> Feed[Query]:
    return Feed(
        ISO.CAISO,
        name,
        description,
        query,
        parser,
        serves,
        clock,
        interval,
        cadence,
        retention,
        delay,
        earliest,
        labels or {},
        folds_by_order,
    )


_DAY_AHEAD = -timedelta(hours=11)  # 13:00 Pacific the day before the operating day

# The Public Queue Report workbook on caiso.com, rewritten as CAISO updates the queue (about monthly).
QUEUE: Feed[QueueFile] = Feed(
    ISO.CAISO,
    "PublicQueueReport",
    "Interconnection queue: active, completed and withdrawn generation projects (CAISO's Public Queue Report, xlsx)",
    QueueFile("https://www.caiso.com/PublishedDocuments/PublicQueueReport.xlsx"),
    queue.parse,
    QueueSnapshot(),
    Clock.UTC,  # no intervals
    None,
    timedelta(days=30),
)

FEEDS: tuple[Feed[Any], ...] = (
    _feed(
        "PRC_LMP",
        "Day-ahead hourly LMP and components",
        Oasis("PRC_LMP", 12, ("DAM",), by_node=True, rows=_LMP_ROWS),
        parse.prices,
        Prices(MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
        delay=_DAY_AHEAD,
    ),
    _feed(
        "PRC_RTPD_LMP",
        "Fifteen-minute market (RTPD) LMP and components",
        Oasis("PRC_RTPD_LMP", 3, ("RTPD",), by_node=True, rows=_LMP_ROWS),
        parse.prices,
        Prices(MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
        delay=QUARTER_HOUR,
        earliest=date(2014, 5, 1),  # the fifteen-minute market began with FERC Order 764
    ),
    _feed(
        "PRC_INTVL_LMP",
        "Real-time dispatch 5-minute LMP and components",
        Oasis("PRC_INTVL_LMP", 3, ("RTM",), by_node=True, rows=_LMP_ROWS),
        parse.prices,
        Prices(MarketRun.REAL_TIME_5_MIN),
        FIVE_MINUTES,
        FIVE_MINUTES,
        delay=FIVE_MINUTES,
    ),
    # HASP prints 15-minute prices in a column named MW (gridstatus reads it so).
    _feed(
        "PRC_HASP_LMP",
        "Hour-ahead (HASP) 15-minute LMP and components",
        Oasis("PRC_HASP_LMP", 3, ("HASP",), by_node=True, rows=_LMP_ROWS),
        parse.prices,
        Prices(MarketRun.HOUR_AHEAD_15_MIN),
        QUARTER_HOUR,
        HOUR,
        delay=QUARTER_HOUR,
    ),
    _feed(
        "ATL_APNODE",
        "Aggregated pricing nodes (APnodes) with their types",
        Oasis("ATL_APNODE", 1, params=(("APnode_type", "ALL"),), csv=False, rows=4_000),
        parse.nodes,
        NodeList(),
        None,
        DAY,
        delay=timedelta(0),
        retention=None,
    ),
    # System demand: one query, one market_run_id per horizon; ACTUAL is the hourly integrated load.
    _feed(
        "SLD_FCST_ACTUAL",
        "Actual hourly integrated load by TAC area, CA ISO-TAC the ISO total (SLD_FCST market_run_id=ACTUAL)",
        Oasis("SLD_FCST", 1, ("ACTUAL",), rows=_TAC_AREAS),
        datasets.load,
        Dataset(DatasetKind.LOAD),
        HOUR,
        HOUR,
        delay=HOUR,
        labels={"area": TAC_AREAS},
    ),
    _feed(
        "SLD_FCST",
        "Hourly load forecast by TAC area: the latest of the seven-day, two-day and day-ahead forecasts "
        "(7DA/2DA/DAM, published 09:10 Pacific 7, 2 and 1 days ahead)",
        Oasis("SLD_FCST", 1, ("7DA", "2DA", "DAM"), rows=_TAC_AREAS),
        datasets.load_forecasts,
        Dataset(DatasetKind.LOAD_FORECAST),
        HOUR,
        DAY,
        delay=-(6 * DAY + timedelta(hours=14, minutes=50)),  # the 7DA: 09:10 Pacific seven days before
        labels={"area": TAC_AREAS},
    ),
    _feed(
        "SLD_REN_FCST",
        "Wind and solar by trading hub, hourly actual and day-ahead forecast (ACTUAL/DAM)",
        Oasis("SLD_REN_FCST", 1, ("ACTUAL", "DAM"), rows=6),
        datasets.renewables,
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
        delay=-timedelta(hours=17),  # the DAM forecast: 07:00 Pacific the day before
        labels={"source": SOURCES, "area": TRADING_HUBS},
    ),
    # The Daily Renewables Watch moved from text files to the HTML Daily Renewable Report; each day
    # is read from the file that holds it.
    _feed(
        "DailyRenewablesWatch",
        "ISO-wide actual wind and solar: hourly from the Daily Renewables Watch text files, 5-minute "
        f"from the HTML Daily Renewable Report from {RENEWABLE_REPORT_FROM} on",
        DailyFile(
            "https://content.caiso.com/green/renewrpt/{day:%Y%m%d}_DailyRenewablesWatch.txt",
            moved=(
                RENEWABLE_REPORT_FROM,
                DailyFile(
                    "https://www.caiso.com/documents/daily-renewable-report-{slug}.html",
                    files.renewable_report,
                    corrected="https://www.caiso.com/documents/daily-renewable-report-{slug}-corrected.html",
                    posted=DAY + timedelta(hours=12),
                ),
            ),
        ),
        files.renewables_watch,
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        DAY,
        Clock.LOCAL_START,
        delay=DAY + timedelta(hours=10),
        retention=None,
        labels={"source": SOURCES},
    ),
    _feed(
        "fuelsource",
        "Generation by fuel every 5 minutes (Today's Outlook fuelsource.csv: today's current file, past days' history)",
        DailyFile(
            "https://www.caiso.com/outlook/history/{day:%Y%m%d}/fuelsource.csv",
            files.fuel_mix,
            current="https://www.caiso.com/outlook/current/fuelsource.csv",
            posted=DAY + timedelta(hours=2),
        ),
        files.undated_fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        FIVE_MINUTES,
        FIVE_MINUTES,
        Clock.LOCAL_START,
        delay=timedelta(minutes=10),
        retention=None,
        # The first day Today's Outlook keeps a history for (gridstatus's availability notes; not
        # re-verified here).
        earliest=date(2018, 4, 10),
        labels={"fuel": files.FUELS},
        folds_by_order=True,  # Pacific wall-clock times only
    ),
    _feed(
        "PRC_AS",
        "Day-ahead ancillary service prices by type (RU, RD, SR, NR, RMU, RMD) and region",
        Oasis("PRC_AS", 12, ("DAM",), _AS_ALL, rows=_AS_ROWS),
        datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
        delay=_DAY_AHEAD,
        labels={"product": AS_TYPES, "area": AS_REGIONS},
    ),
    _feed(
        "PRC_INTVL_AS",
        "Fifteen-minute market ancillary service prices by type and region",
        Oasis("PRC_INTVL_AS", 1, ("RTM",), _AS_ALL, rows=_AS_ROWS),
        datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
        delay=QUARTER_HOUR,
        labels={"product": AS_TYPES, "area": AS_REGIONS},
    ),
    _feed(
        "PRC_NOMOGRAM",
        "Day-ahead nomogram and branch shadow prices",
        Oasis("PRC_NOMOGRAM", 1, ("DAM",), rows=_NOMOGRAMS),
        datasets.constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
        delay=_DAY_AHEAD,
    ),
    # market_run_id=RTM of PRC_NOMOGRAM is the fifteen-minute (RTPD) run.
    _feed(
        "PRC_NOMOGRAM_RTM",
        "Fifteen-minute nomogram and branch shadow prices (PRC_NOMOGRAM market_run_id=RTM)",
        Oasis("PRC_NOMOGRAM", 1, ("RTM",), rows=_NOMOGRAMS),
        datasets.constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
        delay=QUARTER_HOUR,
    ),
    # Parsed (`gridql parse`), not served: schedule totals fit no dataset; see README.
    _feed(
        "ENE_SLRS",
        "System load and resource schedules (totals; not served as a dataset)",
        Oasis("ENE_SLRS", 1, ("DAM",), (("tac_zone_name", "ALL"), ("schedule", "ALL")), rows=_TAC_AREAS),
        datasets.schedules,
        None,
        HOUR,
        DAY,
        delay=_DAY_AHEAD,
    ),
    QUEUE,
)

# California's resource adequacy is bilateral: load-serving entities contract capacity to meet the CPUC's
# requirements; CAISO runs no capacity auction (its CPM backstop procurement sets no market price).
NO_CAPACITY_MARKET = (
    "CAISO has no capacity market: resource adequacy is contracted bilaterally by load-serving entities under "
    "CPUC and local requirements, and CAISO holds no capacity auction (its Capacity Procurement Mechanism is a "
    "backstop with an administered price)"
)

MARKET = market(
    ISO.CAISO, "California ISO", "America/Los_Angeles", FEEDS, {DatasetKind.CAPACITY_PRICES: NO_CAPACITY_MARKET}
)
