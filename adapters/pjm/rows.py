"""Data Miner 2's market-wide rows -> records: load, load forecast, fuel mix, reserves, constraints,
renewables.

Each converter takes a feed's rows in its `Reader.columns` order. Instants come from the `*_utc`
columns only; an hourly row without an ending column lasts one hour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..model import (
    AncillaryPriceRecord,
    ConstraintRecord,
    FuelMixRecord,
    LoadForecastRecord,
    LoadRecord,
    RenewableRecord,
)
from .parse import Convert, Reader, Row, bad, stamp

HOUR = timedelta(hours=1)
FIVE_MINUTES = timedelta(minutes=5)
# Real-time reserve results went from hourly to 5-minute rows on 2022-09-01 (EPT) (gridstatus
# AS_MARKET_RESULTS_GRANULARITY_CHANGE_DATE); the feed has no ending column to tell them apart.
RT_RESERVES_FIVE_MINUTE_FROM = datetime(2022, 9, 1, 4, tzinfo=UTC)


@dataclass(slots=True)
class CongestionEvent:
    """A day-ahead congestion event: a constraint binding in the day-ahead market for `hours` hours.

    The feed carries no shadow price, so it is parsed (`gridql parse`) but not served as a
    ConstraintRecord; the hourly shadow prices come from the day-ahead marginal values.
    """

    name: str  # monitored facility
    contingency: str
    event: str  # day_ahead_congestion_event
    start: datetime
    end: datetime
    hours: int


class _Instants:
    """UTC stamp text -> aware datetime, memoized: a page repeats each stamp once per area."""

    def __init__(self) -> None:
        self._seen: dict[Any, datetime] = {}

    def __call__(self, text: Any) -> datetime:
        instant = self._seen.get(text)
        if instant is None:
            instant = self._seen[text] = stamp(text).replace(tzinfo=UTC)
        return instant


def _number(value: Any, reader: Reader, column: str) -> float:
    if type(value) is float:
        number = value
    else:
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
    if not math.isfinite(number):
        raise bad(f"{reader.name}: {column} {value!r} is not a number")
    return number


def _optional(value: Any, reader: Reader, column: str) -> float | None:
    return None if value is None or value == "" else _number(value, reader, column)


def _label(value: Any, reader: Reader, column: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise bad(f"{reader.name}: a row has no {column}")
    return text


def _to_minute(instant: datetime) -> datetime:
    """Nearest whole minute: instantaneous readings are stamped a few seconds off the 5-minute mark."""
    return instant.replace(second=0) + (timedelta(minutes=1) if instant.second >= 30 else timedelta())


def metered_load(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], LoadRecord] = {}
    for utc, area, mw in rows:
        start = at(utc)
        label = _label(area, reader, "load_area")
        out[(label, start)] = LoadRecord(label, start, start + HOUR, _number(mw, reader, "mw"))
    return list(out.values())


def instantaneous_load(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], LoadRecord] = {}
    for utc, area, mw in rows:
        start = _to_minute(at(utc))
        label = _label(area, reader, "area")
        out[(label, start)] = LoadRecord(label, start, start + FIVE_MINUTES, _number(mw, reader, "instantaneous_load"))
    return list(out.values())


def load_forecast(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    return [
        LoadForecastRecord(
            _label(area, reader, "forecast_area"),
            at(begin),
            at(end),
            _number(mw, reader, "forecast_load_mw"),
            at(evaluated),
        )
        for evaluated, area, begin, end, mw in rows
    ]


def fuel_mix(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], FuelMixRecord] = {}
    for utc, fuel, mw in rows:
        start = at(utc)
        label = _label(fuel, reader, "fuel_type")
        out[(label, start)] = FuelMixRecord(label, start, start + HOUR, _number(mw, reader, "mw"))
    return list(out.values())


def da_reserves(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, str, datetime], AncillaryPriceRecord] = {}
    for utc, locale, service, mcp in rows:
        start = at(utc)
        product, area = _label(service, reader, "service"), _label(locale, reader, "locale")
        price = _number(mcp, reader, "mcp")
        out[(product, area, start)] = AncillaryPriceRecord(product, area, start, start + HOUR, price)
    return list(out.values())


def rt_reserves(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    """`mcp` per service; regulation rows also carry its capability and performance clearing
    prices, served as products `<service>_CCP` and `<service>_PCP`."""
    at = _Instants()
    out: dict[tuple[str, str, datetime], AncillaryPriceRecord] = {}
    for utc, locale, service, mcp, ccp, pcp in rows:
        start = at(utc)
        end = start + (FIVE_MINUTES if start >= RT_RESERVES_FIVE_MINUTE_FROM else HOUR)
        product, area = _label(service, reader, "service"), _label(locale, reader, "locale")
        out[(product, area, start)] = AncillaryPriceRecord(product, area, start, end, _number(mcp, reader, "mcp"))
        for suffix, value in (("CCP", ccp), ("PCP", pcp)):
            price = _optional(value, reader, f"reg_{suffix.lower()}")
            if price is not None:
                name = f"{product}_{suffix}"
                out[(name, area, start)] = AncillaryPriceRecord(name, area, start, end, price)
    return list(out.values())


def constraint_name(monitored: str, contingency: str) -> str:
    """One constraint = a monitored facility under one contingency (`ACTUAL`: no contingency)."""
    return f"{monitored} / {contingency}"


def marginal_values(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    out: dict[tuple[str, datetime], ConstraintRecord] = {}
    for begin, end, monitored, contingency, shadow in rows:
        start = at(begin)
        name = constraint_name(_label(monitored, reader, "monitored_facility"), str(contingency or "").strip())
        out[(name, start)] = ConstraintRecord(name, start, at(end), _number(shadow, reader, "shadow_price"))
    return list(out.values())


def congestion_events(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = _Instants()
    return [
        CongestionEvent(
            _label(monitored, reader, "monitored_facility"),
            str(contingency or "").strip(),
            str(event or "").strip(),
            at(begin),
            at(end),
            int(_number(hours, reader, "duration")),
        )
        for begin, end, hours, event, monitored, contingency in rows
    ]


def forecast(source: str) -> Convert:
    """Hourly RTO-wide forecasts (evaluated, begin, end, value columns...): one record per value
    column, the column's name its `model`."""

    def convert(reader: Reader, rows: Sequence[Row]) -> list[Any]:
        models = reader.columns[3:]
        at = _Instants()
        out = []
        for evaluated, begin, end, *values in rows:
            published, start, stop = at(evaluated), at(begin), at(end)
            for model, value in zip(models, values, strict=True):
                mw = _number(value, reader, model)
                out.append(RenewableRecord(source, None, start, stop, mw, True, published, model))
        return out

    return convert


def actual(source: str) -> Convert:
    """Hourly output by area (utc, area, mw)."""

    def convert(reader: Reader, rows: Sequence[Row]) -> list[Any]:
        column = reader.columns[2]
        at = _Instants()
        out: dict[tuple[str, datetime], RenewableRecord] = {}
        for utc, area, mw in rows:
            start = at(utc)
            label = _label(area, reader, "area")
            out[(label, start)] = RenewableRecord(
                source, label, start, start + HOUR, _number(mw, reader, column), False
            )
        return list(out.values())

    return convert
