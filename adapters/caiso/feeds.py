"""Every CAISO feed, declared once: OASIS SingleZip reports and CAISO's daily published files.

Query names, versions and market_run_ids are gridstatus's (`caiso_constants.py`), which is what
the public clients that work today send; column layouts are the ones those clients read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..feed import Clock, Dataset, Feed, NodeList, Prices, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, QUARTER_HOUR, DatasetKind, MarketRun
from . import datasets, files, parse

SINGLE_ZIP = "https://oasis.caiso.com/oasisapi/SingleZip"

# OASIS allows one request per 5 s (CAISO OASIS release notes, fall 2015) and answers a faster
# caller with HTTP 429 "retry your request after 5 seconds".
OASIS_SPACING = 5.0
# CAISO's published files (www.caiso.com, content.caiso.com) state no limit; one a second is polite
# and keeps a month of daily files under a minute.
FILES_SPACING = 1.0

# OASIS answers error 1017 "Please select a maximum of 10 nodes or use the ALL option" past this.
MAX_NODES = 10


@dataclass(frozen=True, slots=True)
class Oasis:
    """How to ask OASIS SingleZip for a report."""

    queryname: str
    version: int
    # One request per market_run_id; a report asked for several serves them as one feed. Empty:
    # the query takes no market_run_id.
    market_run_ids: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # further fixed parameters, e.g. anc_type=ALL
    # Pacific operating days one request may span: error 1004 "Data can be requested for period
    # of 31 days only" past it.
    max_days: int = 31
    max_hours: int | None = None  # a tighter limit in hours, for the reports held to one hour
    by_node: bool = False  # the request names its nodes, at most MAX_NODES of them
    csv: bool = True  # asked as CSV (resultformat=6); the atlas is read in its XML form


@dataclass(frozen=True, slots=True)
class DailyFile:
    """One of CAISO's files, one per Pacific day at `url` (formatted with `day`)."""

    url: str
    # For a file whose body does not say which day it is: read with the day from its URL.
    read: Callable[[bytes, date], Sequence[Any]] | None = None


Query = Oasis | DailyFile


_AS_ALL = (("anc_type", "ALL"), ("anc_region", "ALL"))


def _feed(
    name: str,
    description: str,
    query: Query,
    parser: Callable[[bytes], Sequence[Any]],
    serves: Prices | Dataset | NodeList | None,
    interval: timedelta | None,
    cadence: timedelta,
    clock: Clock = Clock.UTC,
) -> Feed[Query]:
    return Feed(ISO.CAISO, name, description, query, parser, serves, clock, interval, cadence)


FEEDS: tuple[Feed[Query], ...] = (
    _feed(
        "PRC_LMP",
        "Day-ahead hourly LMP and components",
        Oasis("PRC_LMP", 12, ("DAM",), by_node=True),
        parse.prices,
        Prices(MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
    ),
    # Interval reports are held to one operating day per request: the limit recorded for 5-minute
    # queries. gridstatus asks these for 31 days when it names the nodes, so this may be stricter
    # than OASIS needs.
    _feed(
        "PRC_RTPD_LMP",
        "Fifteen-minute market (RTPD) LMP and components",
        Oasis("PRC_RTPD_LMP", 3, ("RTPD",), max_days=1, by_node=True),
        parse.prices,
        Prices(MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
    ),
    _feed(
        "PRC_INTVL_LMP",
        "Real-time dispatch 5-minute LMP and components",
        Oasis("PRC_INTVL_LMP", 3, ("RTM",), max_days=1, by_node=True),
        parse.prices,
        Prices(MarketRun.REAL_TIME_5_MIN),
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    # HASP prints 15-minute prices in a column named MW (gridstatus reads it so).
    _feed(
        "PRC_HASP_LMP",
        "Hour-ahead (HASP) 15-minute LMP and components",
        Oasis("PRC_HASP_LMP", 3, ("HASP",), max_days=1, by_node=True),
        parse.prices,
        Prices(MarketRun.HOUR_AHEAD_15_MIN),
        QUARTER_HOUR,
        HOUR,
    ),
    _feed(
        "ATL_APNODE",
        "Aggregated pricing nodes (APnodes) with their types",
        Oasis("ATL_APNODE", 1, params=(("APnode_type", "ALL"),), csv=False),
        parse.nodes,
        NodeList(),
        None,
        DAY,
    ),
    # System demand: one query, one market_run_id per horizon; ACTUAL is the hourly integrated load.
    _feed(
        "SLD_FCST_ACTUAL",
        "Actual hourly integrated load by TAC area, CA ISO-TAC the ISO total (SLD_FCST market_run_id=ACTUAL)",
        Oasis("SLD_FCST", 1, ("ACTUAL",)),
        datasets.load,
        Dataset(DatasetKind.LOAD),
        HOUR,
        HOUR,
    ),
    _feed(
        "SLD_FCST",
        "Hourly load forecast by TAC area: the latest of the seven-day, two-day and day-ahead forecasts "
        "(7DA/2DA/DAM, published 09:10 Pacific 7, 2 and 1 days ahead)",
        Oasis("SLD_FCST", 1, ("7DA", "2DA", "DAM")),
        datasets.load_forecasts,
        Dataset(DatasetKind.LOAD_FORECAST),
        HOUR,
        DAY,
    ),
    _feed(
        "SLD_REN_FCST",
        "Wind and solar by trading hub, hourly actual and day-ahead forecast (ACTUAL/DAM)",
        Oasis("SLD_REN_FCST", 1, ("ACTUAL", "DAM")),
        datasets.renewables,
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        HOUR,
    ),
    _feed(
        "DailyRenewablesWatch",
        "ISO-wide hourly actual wind and solar, from the Daily Renewables Watch",
        DailyFile("https://content.caiso.com/green/renewrpt/{day:%Y%m%d}_DailyRenewablesWatch.txt"),
        files.renewables_watch,
        Dataset(DatasetKind.RENEWABLES),
        HOUR,
        DAY,
        Clock.LOCAL_HOUR_ENDING,
    ),
    _feed(
        "fuelsource",
        "Generation by fuel every 5 minutes (Today's Outlook fuelsource.csv, by day)",
        DailyFile("https://www.caiso.com/outlook/history/{day:%Y%m%d}/fuelsource.csv", files.fuel_mix),
        files.undated_fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        FIVE_MINUTES,
        FIVE_MINUTES,
        Clock.LOCAL_START,
    ),
    _feed(
        "PRC_AS",
        "Day-ahead ancillary service prices by type (RU, RD, SR, NR, RMU, RMD) and region",
        Oasis("PRC_AS", 12, ("DAM",), _AS_ALL),
        datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
    ),
    # gridstatus holds PRC_INTVL_AS to one hour per request (`max_query_frequency: "1h"`).
    _feed(
        "PRC_INTVL_AS",
        "Fifteen-minute market ancillary service prices by type and region",
        Oasis("PRC_INTVL_AS", 1, ("RTM",), _AS_ALL, max_days=1, max_hours=1),
        datasets.ancillary_prices,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
    ),
    _feed(
        "PRC_NOMOGRAM",
        "Day-ahead nomogram and branch shadow prices",
        Oasis("PRC_NOMOGRAM", 1, ("DAM",)),
        datasets.constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        HOUR,
        DAY,
    ),
    # market_run_id=RTM of PRC_NOMOGRAM is the fifteen-minute (RTPD) run.
    _feed(
        "PRC_NOMOGRAM_RTM",
        "Fifteen-minute nomogram and branch shadow prices (PRC_NOMOGRAM market_run_id=RTM)",
        Oasis("PRC_NOMOGRAM", 1, ("RTM",)),
        datasets.constraints,
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_15_MIN),
        QUARTER_HOUR,
        QUARTER_HOUR,
    ),
    # Parsed (`gridql parse`), not served: schedule totals fit no dataset; see README.
    _feed(
        "ENE_SLRS",
        "System load and resource schedules (totals; not served as a dataset)",
        Oasis("ENE_SLRS", 1, ("DAM",), (("tac_zone_name", "ALL"), ("schedule", "ALL"))),
        datasets.schedules,
        None,
        HOUR,
        DAY,
    ),
)

MARKET = market(ISO.CAISO, "California ISO", "America/Los_Angeles", FEEDS)
