"""Which Data Miner feeds serve which market-wide dataset, and how forecast vintages are chosen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..model import DatasetInfo, DatasetKind, MarketRun
from .tables import (
    DA_MARGINAL_VALUE,
    DA_RESERVE_MARKET_RESULTS,
    GEN_BY_FUEL,
    HOURLY_SOLAR_POWER_FORECAST,
    HOURLY_WIND_POWER_FORECAST,
    HRL_LOAD_METERED,
    INST_LOAD,
    LOAD_FRCSTD_7_DAY,
    RESERVE_MARKET_RESULTS,
    RT_MARGINAL_VALUE,
    SOLAR_GEN,
    WIND_GEN,
    TableFeed,
)

DA = MarketRun.DAY_AHEAD_HOURLY
RT5 = MarketRun.REAL_TIME_5_MIN

# (kind, run) -> the feeds read for it; run is None for kinds not keyed by run.
SERIES: dict[tuple[DatasetKind, MarketRun | None], tuple[TableFeed, ...]] = {
    (DatasetKind.LOAD, None): (HRL_LOAD_METERED, INST_LOAD),
    (DatasetKind.LOAD_FORECAST, None): (LOAD_FRCSTD_7_DAY,),
    (DatasetKind.FUEL_MIX, None): (GEN_BY_FUEL,),
    (DatasetKind.ANCILLARY_PRICES, DA): (DA_RESERVE_MARKET_RESULTS,),
    (DatasetKind.ANCILLARY_PRICES, RT5): (RESERVE_MARKET_RESULTS,),
    (DatasetKind.CONSTRAINTS, DA): (DA_MARGINAL_VALUE,),
    (DatasetKind.CONSTRAINTS, RT5): (RT_MARGINAL_VALUE,),
    (DatasetKind.RENEWABLES, None): (HOURLY_SOLAR_POWER_FORECAST, HOURLY_WIND_POWER_FORECAST, SOLAR_GEN, WIND_GEN),
}

DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        DatasetKind.LOAD,
        "Hourly metered load by load area (hrl_load_metered) and 5-minute instantaneous load by zone and "
        "region (inst_load)",
    ),
    DatasetInfo(DatasetKind.LOAD_FORECAST, "Seven-day hourly load forecast by forecast area (load_frcstd_7_day)"),
    DatasetInfo(DatasetKind.FUEL_MIX, "Hourly generation by fuel type (gen_by_fuel)"),
    DatasetInfo(
        DatasetKind.ANCILLARY_PRICES,
        "Reserve and regulation clearing prices by locale: day-ahead (da_reserve_market_results), real-time "
        "(reserve_market_results, with regulation capability/performance prices)",
        (DA, RT5),
    ),
    DatasetInfo(
        DatasetKind.CONSTRAINTS,
        "Binding transmission constraints and shadow prices: day-ahead hourly (da_marginal_value), real-time "
        "5-minute (rt_marginal_value)",
        (DA, RT5),
    ),
    DatasetInfo(
        DatasetKind.RENEWABLES,
        "Hourly solar and wind forecasts with their vintages (hourly_solar_power_forecast, "
        "hourly_wind_power_forecast) and hourly actual output by area (solar_gen, wind_gen)",
    ),
)

_FORECAST_KINDS = frozenset({DatasetKind.LOAD_FORECAST, DatasetKind.RENEWABLES})
# The field after `start` that orders (and, with start and model, identifies) a kind's records.
_LABEL = {
    DatasetKind.LOAD: "area",
    DatasetKind.LOAD_FORECAST: "area",
    DatasetKind.FUEL_MIX: "fuel",
    DatasetKind.ANCILLARY_PRICES: "product",
    DatasetKind.CONSTRAINTS: "name",
    DatasetKind.RENEWABLES: "source",
}


def arrange(kind: DatasetKind, records: list[Any], published_before: datetime | None) -> list[Any]:
    """Forecasts: only the latest vintage per interval; then ordered by start and label."""
    if kind in _FORECAST_KINDS:
        records = latest_vintages(records, published_before)
    label = _LABEL[kind]
    if kind is DatasetKind.ANCILLARY_PRICES:
        records.sort(key=lambda r: (r.start, r.product, r.area or ""))
    elif kind is DatasetKind.RENEWABLES:
        records.sort(key=lambda r: (r.start, r.source, r.area or "", r.forecast, r.model or ""))
    else:
        records.sort(key=lambda r: (r.start, getattr(r, label), r.end))
    return records


def latest_vintages(records: Sequence[Any], published_before: datetime | None) -> list[Any]:
    """One record per (series, interval): the one with the latest `published_at` before the cut-off.

    Records without a publication time (actual output) are kept as they are.
    """
    best: dict[tuple[Any, ...], Any] = {}
    kept: list[Any] = []
    for record in records:
        published = record.published_at
        if published is None:
            kept.append(record)
            continue
        if published_before is not None and published >= published_before:
            continue
        key = (
            getattr(record, "source", None),
            record.area,
            getattr(record, "model", None),
            record.start,
        )
        held = best.get(key)
        if held is None or held.published_at < published:
            best[key] = record
    return [*kept, *best.values()]
