"""NYISO's feeds: every public MIS report gridql reads, declared once.

Each lives in one MIS folder named after it: `<folder>/<YYYYMMDD><folder><suffix>.csv` for a day
and `<folder>/<YYYYMM01><folder><suffix>_csv.zip` for a month. Price reports come as a zonal file
(zones and external proxy buses) and a generator file, told apart by the suffix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..feed import Clock, Dataset, Feed, NodeList, Prices, market
from ..model import DAY, FIVE_MINUTES, HOUR, ISO, RUN_LENGTH, DatasetKind, MarketRun
from .grid import constraint_parser, parse_fuel_mix, parse_interface_flows
from .load import parse_isolf, parse_pal, parse_pal_integrated
from .nodes import parse_generators
from .parse import parse_lbmp
from .reserves import parse_damasp, parse_rtasp

# NYISO documents no rate limit for its public files; stay polite all the same.
SPACING = 0.1
# How many daily forecast files back from the window's first day a query may look for a vintage
# published before its cutoff (a late posting falls back to the day before's, and so on).
VINTAGE_LOOKBACK = 3


@dataclass(frozen=True, slots=True)
class Mis:
    """How to ask the MIS for a report."""

    folder: str  # the MIS folder, also the file stem
    zone: str | None = None  # price reports: the suffix of the zonal file ...
    gen: str | None = None  # ... and of the generator file
    file: str | None = None  # an undated file, posted anew in place (the generator list)
    horizon_days: int = 0  # forecasts: each dated file is a vintage forecasting its day and the next ones


def _prices(folder: str, run: MarketRun, description: str, clock: Clock, cadence: timedelta) -> Feed[Mis]:
    ending = clock is Clock.LOCAL_END
    length = RUN_LENGTH[run]
    return Feed(
        ISO.NYISO,
        folder,
        description,
        Mis(folder, zone="_zone", gen="_gen"),
        lambda body: parse_lbmp(body, interval_ending=ending, length=length),
        Prices(run),
        clock,
        length,
        cadence,
    )


def _mis(
    folder: str,
    description: str,
    parse: Callable[[bytes], Sequence[Any]],
    serves: Dataset,
    clock: Clock,
    interval: timedelta,
    cadence: timedelta,
    horizon_days: int = 0,
) -> Feed[Mis]:
    return Feed(
        ISO.NYISO, folder, description, Mis(folder, horizon_days=horizon_days), parse, serves, clock, interval, cadence
    )


FEEDS: tuple[Feed[Mis], ...] = (
    _prices(
        "damlbmp",
        MarketRun.DAY_AHEAD_HOURLY,
        "Day-ahead hourly LBMP by zone or generator (P-2A/P-2B); daily CSV or monthly zip",
        Clock.LOCAL_START,
        DAY,
    ),
    _prices(
        "realtime",
        MarketRun.REAL_TIME_5_MIN,
        "Real-time 5-minute LBMP by zone or generator (P-24A/P-24B); daily CSV or monthly zip",
        Clock.LOCAL_END,
        FIVE_MINUTES,
    ),
    _prices(
        "rtlbmp",
        MarketRun.REAL_TIME_HOURLY,
        "Real-time hourly integrated LBMP by zone or generator (P-4A/P-4B); daily CSV or monthly zip",
        Clock.LOCAL_START,
        HOUR,
    ),
    Feed(
        ISO.NYISO,
        "generator",
        "Generator names and PTIDs (generator.csv)",
        Mis("generator", file="generator.csv"),
        parse_generators,
        NodeList(),
        Clock.LOCAL_START,
        None,
        DAY,
    ),
    _mis(
        "pal",
        "Real-time actual load by zone, 5-minute readings (P-58B); daily CSV or monthly zip",
        parse_pal,
        Dataset(DatasetKind.LOAD, MarketRun.REAL_TIME_5_MIN, default=True),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _mis(
        "palIntegrated",
        "Integrated real-time actual load by zone, hourly (P-58C); daily CSV or monthly zip",
        parse_pal_integrated,
        Dataset(DatasetKind.LOAD, MarketRun.REAL_TIME_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        HOUR,
    ),
    _mis(
        "isolf",
        "ISO load forecast by zone and NYISO total, hourly for six days (P-7); one vintage per daily CSV",
        parse_isolf,
        Dataset(DatasetKind.LOAD_FORECAST),
        Clock.LOCAL_START,
        HOUR,
        DAY,
        horizon_days=6,
    ),
    _mis(
        "rtfuelmix",
        "Real-time generation by fuel category, 5-minute; daily CSV or monthly zip",
        parse_fuel_mix,
        Dataset(DatasetKind.FUEL_MIX),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _mis(
        "damasp",
        "Day-ahead reserve and regulation prices by zone, hourly",
        parse_damasp,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        DAY,
    ),
    _mis(
        "rtasp",
        "Real-time reserve and regulation prices by zone, 5-minute (interval-ending)",
        parse_rtasp,
        Dataset(DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_END,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _mis(
        "ExternalLimitsFlows",
        "Interface flows and limits, 5-minute",
        parse_interface_flows,
        Dataset(DatasetKind.INTERFACE_FLOWS),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _mis(
        "LimitingConstraints",
        "Real-time binding constraints and their cost, 5-minute",
        constraint_parser(FIVE_MINUTES),
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN),
        Clock.LOCAL_START,
        FIVE_MINUTES,
        FIVE_MINUTES,
    ),
    _mis(
        "DAMLimitingConstraints",
        "Day-ahead binding constraints and their cost, hourly",
        constraint_parser(HOUR),
        Dataset(DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY),
        Clock.LOCAL_START,
        HOUR,
        DAY,
    ),
)

MARKET = market(ISO.NYISO, "New York ISO", "America/New_York", FEEDS)
