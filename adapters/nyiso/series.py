"""Which NYISO MIS feed serves each market-wide dataset, and how its records are keyed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..model import (
    AncillaryPriceRecord,
    ConstraintRecord,
    DatasetInfo,
    DatasetKind,
    FuelMixRecord,
    InterfaceFlowRecord,
    LoadForecastRecord,
    LoadRecord,
    MarketRun,
)
from .grid import constraint_parser, parse_fuel_mix, parse_interface_flows
from .load import parse_pal, parse_pal_integrated
from .reserves import parse_damasp, parse_rtasp

ISOLF = "isolf"  # the load forecast: one vintage per file, chosen by `published_before`


@dataclass(frozen=True, slots=True)
class SeriesFeed:
    name: str  # MIS folder and file stem
    parse: Callable[[bytes], Sequence[Any]]


LOAD_5_MIN = SeriesFeed("pal", parse_pal)

FEEDS: dict[tuple[DatasetKind, MarketRun | None], SeriesFeed] = {
    (DatasetKind.LOAD, None): LOAD_5_MIN,
    (DatasetKind.LOAD, MarketRun.REAL_TIME_5_MIN): LOAD_5_MIN,
    (DatasetKind.LOAD, MarketRun.REAL_TIME_HOURLY): SeriesFeed("palIntegrated", parse_pal_integrated),
    (DatasetKind.FUEL_MIX, None): SeriesFeed("rtfuelmix", parse_fuel_mix),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY): SeriesFeed("damasp", parse_damasp),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN): SeriesFeed("rtasp", parse_rtasp),
    (DatasetKind.INTERFACE_FLOWS, None): SeriesFeed("ExternalLimitsFlows", parse_interface_flows),
    (DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY): SeriesFeed(
        "DAMLimitingConstraints", constraint_parser(timedelta(hours=1))
    ),
    (DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN): SeriesFeed(
        "LimitingConstraints", constraint_parser(timedelta(minutes=5))
    ),
}

DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        DatasetKind.LOAD,
        "Real-time actual load by zone: 5-minute readings (pal, P-58B); REAL_TIME_HOURLY: integrated "
        "hourly (palIntegrated, P-58C)",
        (MarketRun.REAL_TIME_5_MIN, MarketRun.REAL_TIME_HOURLY),
    ),
    DatasetInfo(DatasetKind.LOAD_FORECAST, "ISO load forecast by zone and NYISO total, hourly, 6 days (isolf, P-7)"),
    DatasetInfo(DatasetKind.FUEL_MIX, "Real-time generation by fuel category, 5-minute (rtfuelmix)"),
    DatasetInfo(
        DatasetKind.ANCILLARY_PRICES,
        "Reserve and regulation prices by zone: day-ahead hourly (damasp), real-time 5-minute (rtasp)",
        (MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_5_MIN),
    ),
    DatasetInfo(
        DatasetKind.CONSTRAINTS,
        "Binding constraints and their cost: day-ahead hourly (DAMLimitingConstraints), real-time "
        "5-minute (LimitingConstraints)",
        (MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_5_MIN),
    ),
    DatasetInfo(DatasetKind.INTERFACE_FLOWS, "Interface flows and limits, 5-minute (ExternalLimitsFlows)"),
)


def series_key(record: Any) -> tuple[Hashable, ...]:
    """What tells a dataset's records of one interval apart, in the order they are listed."""
    if isinstance(record, LoadRecord | LoadForecastRecord):
        return (record.area,)
    if isinstance(record, FuelMixRecord):
        return (record.fuel,)
    if isinstance(record, AncillaryPriceRecord):
        return (record.product, record.area or "")
    if isinstance(record, ConstraintRecord):
        return (record.name,)
    if isinstance(record, InterfaceFlowRecord):
        return (record.interface,)
    raise TypeError(f"not a NYISO series record: {type(record).__name__}")


def ordered_unique(records: list[Any]) -> list[Any]:
    """Ordered by start, then series; where an interval of a series appears twice (a day's file and
    a republished one) the later wins."""
    latest: dict[tuple[Any, ...], Any] = {}
    for record in records:
        latest[(record.start, *series_key(record))] = record
    return [latest[key] for key in sorted(latest)]
