"""Data Miner 2's market-wide feeds -> records: load, load forecast, fuel mix, reserves, constraints, renewables.

Each `TableFeed` names the feed, the columns requested with `fields` (and read back by name), the
column its operating-day filter applies to, and the row converter. Instants come from the `*_utc`
columns only; an hourly row without an ending column lasts one hour. Bodies are the JSON envelope
the API serves or the CSV the DM2 web UI exports, like the LMP feeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import UpstreamBadResponse
from ..model import (
    ISO,
    AncillaryPriceRecord,
    ConstraintRecord,
    FuelMixRecord,
    LoadForecastRecord,
    LoadRecord,
    RenewableRecord,
)
from .parse import csv_rows, first_byte, read_page, stamp

HOUR = timedelta(hours=1)
FIVE_MINUTES = timedelta(minutes=5)
# reserve_market_results went from hourly to 5-minute rows on 2022-09-01 (EPT) (gridstatus
# AS_MARKET_RESULTS_GRANULARITY_CHANGE_DATE); the feed has no ending column to tell them apart.
RT_RESERVES_FIVE_MINUTE_FROM = datetime(2022, 9, 1, 4, tzinfo=UTC)

Row = tuple[Any, ...]


@dataclass(slots=True)
class CongestionEvent:
    """A `da_transconstraints` row: a constraint binding in the day-ahead market for `hours` hours.

    The feed carries no shadow price, so it is parsed (`gridql parse`) but not served as a
    ConstraintRecord; the hourly shadow prices come from `da_marginal_value`.
    """

    name: str  # monitored facility
    contingency: str
    event: str  # day_ahead_congestion_event
    start: datetime
    end: datetime
    hours: int


@dataclass(frozen=True, slots=True)
class TableFeed:
    name: str
    description: str
    columns: tuple[str, ...]  # sent as `fields`, read by name, handed to `convert` in this order
    convert: Callable[[TableFeed, Sequence[Row]], list[Any]]
    date_filter: str = "datetime_beginning_ept"  # the EPT column the operating-day range filters

    def records(self, items: Iterable[Mapping[str, Any]]) -> list[Any]:
        """Rows of a JSON envelope (any number of pages) -> records."""
        try:
            rows = [tuple(item[c] for c in self.columns) for item in items]
        except KeyError as exc:
            raise bad(f"{self.name} rows lack the column {exc.args[0]!r}") from None
        except TypeError:
            raise bad(f"{self.name} items are not JSON objects") from None
        return self.convert(self, rows)

    def parse(self, body: bytes) -> list[Any]:
        """One body, JSON envelope or DM2 CSV export -> records (every vintage of a forecast)."""
        if first_byte(body) == "{":
            return self.records(read_page(body).items)
        return self.convert(self, csv_rows(body, self.columns))


def bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.PJM, message)


class _Instants:
    """UTC stamp text -> aware datetime, memoized: a page repeats each stamp once per area."""

    def __init__(self) -> None:
        self._seen: dict[Any, datetime] = {}

    def __call__(self, text: Any) -> datetime:
        instant = self._seen.get(text)
        if instant is None:
            instant = self._seen[text] = stamp(text).replace(tzinfo=UTC)
        return instant


def _number(value: Any, feed: TableFeed, column: str) -> float:
    if type(value) is float:
        number = value
    else:
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
    if not math.isfinite(number):
        raise bad(f"{feed.name}: {column} {value!r} is not a number")
    return number


def _optional(value: Any, feed: TableFeed, column: str) -> float | None:
    return None if value is None or value == "" else _number(value, feed, column)


def _label(value: Any, feed: TableFeed, column: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise bad(f"{feed.name}: a row has no {column}")
    return text


def _to_minute(instant: datetime) -> datetime:
    """Nearest whole minute: instantaneous readings are stamped a few seconds off the 5-minute mark."""
    return instant.replace(second=0) + (timedelta(minutes=1) if instant.second >= 30 else timedelta())


# --- converters: rows in `columns` order -> records ------------------------------------------------


def _metered_load(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], LoadRecord] = {}
    for utc, area, mw in rows:
        start = at(utc)
        label = _label(area, feed, "load_area")
        out[(label, start)] = LoadRecord(label, start, start + HOUR, _number(mw, feed, "mw"))
    return list(out.values())


def _instantaneous_load(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], LoadRecord] = {}
    for utc, area, mw in rows:
        start = _to_minute(at(utc))
        label = _label(area, feed, "area")
        out[(label, start)] = LoadRecord(label, start, start + FIVE_MINUTES, _number(mw, feed, "instantaneous_load"))
    return list(out.values())


def _load_forecast(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    return [
        LoadForecastRecord(
            _label(area, feed, "forecast_area"),
            at(begin),
            at(end),
            _number(mw, feed, "forecast_load_mw"),
            at(evaluated),
        )
        for evaluated, area, begin, end, mw in rows
    ]


def _fuel_mix(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], FuelMixRecord] = {}
    for utc, fuel, mw in rows:
        start = at(utc)
        label = _label(fuel, feed, "fuel_type")
        out[(label, start)] = FuelMixRecord(label, start, start + HOUR, _number(mw, feed, "mw"))
    return list(out.values())


def _da_reserves(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, str, datetime], AncillaryPriceRecord] = {}
    for utc, locale, service, mcp in rows:
        start = at(utc)
        product, area = _label(service, feed, "service"), _label(locale, feed, "locale")
        price = _number(mcp, feed, "mcp")
        out[(product, area, start)] = AncillaryPriceRecord(product, area, start, start + HOUR, price)
    return list(out.values())


def _rt_reserves(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    """`mcp` per service; regulation rows also carry its capability and performance clearing
    prices, served as products `<service>_CCP` and `<service>_PCP`."""
    at = _Instants()
    out: dict[tuple[str, str, datetime], AncillaryPriceRecord] = {}
    for utc, locale, service, mcp, ccp, pcp in rows:
        start = at(utc)
        end = start + (FIVE_MINUTES if start >= RT_RESERVES_FIVE_MINUTE_FROM else HOUR)
        product, area = _label(service, feed, "service"), _label(locale, feed, "locale")
        out[(product, area, start)] = AncillaryPriceRecord(product, area, start, end, _number(mcp, feed, "mcp"))
        for suffix, value in (("CCP", ccp), ("PCP", pcp)):
            price = _optional(value, feed, f"reg_{suffix.lower()}")
            if price is not None:
                name = f"{product}_{suffix}"
                out[(name, area, start)] = AncillaryPriceRecord(name, area, start, end, price)
    return list(out.values())


def constraint_name(monitored: str, contingency: str) -> str:
    """One constraint = a monitored facility under one contingency (`ACTUAL`: no contingency)."""
    return f"{monitored} / {contingency}"


def _marginal_values(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], ConstraintRecord] = {}
    for begin, end, monitored, contingency, shadow in rows:
        start = at(begin)
        name = constraint_name(_label(monitored, feed, "monitored_facility"), str(contingency or "").strip())
        out[(name, start)] = ConstraintRecord(name, start, at(end), _number(shadow, feed, "shadow_price"))
    return list(out.values())


def _congestion_events(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    return [
        CongestionEvent(
            _label(monitored, feed, "monitored_facility"),
            str(contingency or "").strip(),
            str(event or "").strip(),
            at(begin),
            at(end),
            int(_number(hours, feed, "duration")),
        )
        for begin, end, hours, event, monitored, contingency in rows
    ]


def _forecast(source: str, models: tuple[str, ...]) -> Callable[[TableFeed, Sequence[Row]], list[Any]]:
    """Hourly RTO-wide forecasts, one record per value column; the column name is the `model`."""

    def convert(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
        at = _Instants()
        out = []
        for evaluated, begin, end, *values in rows:
            published, start, stop = at(evaluated), at(begin), at(end)
            for model, value in zip(models, values, strict=True):
                mw = _number(value, feed, model)
                out.append(RenewableRecord(source, None, start, stop, mw, True, published, model))
        return out

    return convert


def _actual(source: str, column: str) -> Callable[[TableFeed, Sequence[Row]], list[Any]]:
    def convert(feed: TableFeed, rows: Sequence[Row]) -> list[Any]:
        at = _Instants()
        out: dict[tuple[str, datetime], RenewableRecord] = {}
        for utc, area, mw in rows:
            start = at(utc)
            label = _label(area, feed, "area")
            out[(label, start)] = RenewableRecord(source, label, start, start + HOUR, _number(mw, feed, column), False)
        return list(out.values())

    return convert


HRL_LOAD_METERED = TableFeed(
    "hrl_load_metered",
    "Hourly metered load by load area",
    ("datetime_beginning_utc", "load_area", "mw"),
    _metered_load,
)
INST_LOAD = TableFeed(
    "inst_load",
    "Instantaneous load by zone and region, every 5 minutes",
    ("datetime_beginning_utc", "area", "instantaneous_load"),
    _instantaneous_load,
)
LOAD_FRCSTD_7_DAY = TableFeed(
    "load_frcstd_7_day",
    "Seven-day hourly load forecast by forecast area, every vintage with its evaluation time",
    (
        "evaluated_at_datetime_utc",
        "forecast_area",
        "forecast_datetime_beginning_utc",
        "forecast_datetime_ending_utc",
        "forecast_load_mw",
    ),
    _load_forecast,
    date_filter="forecast_datetime_beginning_ept",
)
GEN_BY_FUEL = TableFeed(
    "gen_by_fuel",
    "Hourly generation by fuel type",
    ("datetime_beginning_utc", "fuel_type", "mw"),
    _fuel_mix,
)
DA_RESERVE_MARKET_RESULTS = TableFeed(
    "da_reserve_market_results",
    "Day-ahead reserve market clearing prices by locale and service",
    ("datetime_beginning_utc", "locale", "service", "mcp"),
    _da_reserves,
)
RESERVE_MARKET_RESULTS = TableFeed(
    "reserve_market_results",
    "Real-time regulation and reserve clearing prices by locale and service (5-minute since 2022-09-01)",
    ("datetime_beginning_utc", "locale", "service", "mcp", "reg_ccp", "reg_pcp"),
    _rt_reserves,
)
DA_MARGINAL_VALUE = TableFeed(
    "da_marginal_value",
    "Day-ahead binding constraints and their hourly shadow prices",
    ("datetime_beginning_utc", "datetime_ending_utc", "monitored_facility", "contingency_facility", "shadow_price"),
    _marginal_values,
)
RT_MARGINAL_VALUE = TableFeed(
    "rt_marginal_value",
    "Real-time binding constraints and their 5-minute shadow prices",
    ("datetime_beginning_utc", "datetime_ending_utc", "monitored_facility", "contingency_facility", "shadow_price"),
    _marginal_values,
)
DA_TRANSCONSTRAINTS = TableFeed(
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
    _congestion_events,
)
HOURLY_SOLAR_POWER_FORECAST = TableFeed(
    "hourly_solar_power_forecast",
    "Hourly RTO solar forecast (grid-connected and behind-the-meter), every vintage",
    (
        "evaluated_at_utc",
        "datetime_beginning_utc",
        "datetime_ending_utc",
        "solar_forecast_mwh",
        "solar_forecast_btm_mwh",
    ),
    _forecast("SOLAR", ("solar_forecast_mwh", "solar_forecast_btm_mwh")),
)
HOURLY_WIND_POWER_FORECAST = TableFeed(
    "hourly_wind_power_forecast",
    "Hourly RTO wind forecast, every vintage",
    ("evaluated_at_utc", "datetime_beginning_utc", "datetime_ending_utc", "wind_forecast_mwh"),
    _forecast("WIND", ("wind_forecast_mwh",)),
)
SOLAR_GEN = TableFeed(
    "solar_gen",
    "Hourly solar generation by area",
    ("datetime_beginning_utc", "area", "solar_generation_mw"),
    _actual("SOLAR", "solar_generation_mw"),
)
WIND_GEN = TableFeed(
    "wind_gen",
    "Hourly wind generation by area",
    ("datetime_beginning_utc", "area", "wind_generation_mw"),
    _actual("WIND", "wind_generation_mw"),
)

TABLE_FEEDS: tuple[TableFeed, ...] = (
    HRL_LOAD_METERED,
    INST_LOAD,
    LOAD_FRCSTD_7_DAY,
    GEN_BY_FUEL,
    DA_RESERVE_MARKET_RESULTS,
    RESERVE_MARKET_RESULTS,
    DA_MARGINAL_VALUE,
    RT_MARGINAL_VALUE,
    DA_TRANSCONSTRAINTS,
    HOURLY_SOLAR_POWER_FORECAST,
    HOURLY_WIND_POWER_FORECAST,
    SOLAR_GEN,
    WIND_GEN,
)
