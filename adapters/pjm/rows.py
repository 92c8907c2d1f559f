"""Data Miner 2's market-wide rows -> records: load, load forecast, fuel mix, reserves, constraints,
renewables.

Each converter takes a feed's rows in its `Reader.columns` order. Instants come from the `*_utc`
columns only; an hourly row without an ending column lasts one hour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from ..model import (
    FIVE_MINUTES,
    HOUR,
    AncillaryPriceRecord,
    ConstraintRecord,
    FuelMixRecord,
    LoadForecastRecord,
    LoadRecord,
    RenewableRecord,
)
from .parse import Convert, Reader, Row, bad, finite, optional, stamp

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


def _utc(text: Any) -> datetime:
    """A `*_utc` stamp -> an aware datetime; converters memoize it with `functools.cache` per
    body, since a page repeats each stamp once per area."""
    return stamp(text).replace(tzinfo=UTC)


def _number(value: Any, reader: Reader, column: str) -> float:
    return finite(value, reader, column, bools=False)


def _optional(value: Any, reader: Reader, column: str) -> float | None:
    return optional(value, reader, column, bools=False)


def _label(value: Any, reader: Reader, column: str) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise bad(f"{reader.name}: a row has no {column}")
    return text


def _to_minute(instant: datetime) -> datetime:
    """Nearest whole minute: instantaneous readings are stamped a few seconds off the 5-minute mark."""
    return instant.replace(second=0) + (timedelta(minutes=1) if instant.second >= 30 else timedelta())


def _by_label(
    reader: Reader,
    rows: Sequence[Row],
    label_column: str,
    value_column: str,
    record: Callable[[str, datetime, datetime, float], Any],
    length: timedelta = HOUR,
    align: Callable[[datetime], datetime] | None = None,
) -> list[Any]:
    """Rows of (utc, label, value) -> one record per label and start, the last row winning."""
    at = cache(_utc)
    out: dict[tuple[str, datetime], Any] = {}
    for utc, label, value in rows:
        start = at(utc) if align is None else align(at(utc))
        name = _label(label, reader, label_column)
        out[(name, start)] = record(name, start, start + length, _number(value, reader, value_column))
    return list(out.values())


def metered_load(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    return _by_label(reader, rows, "load_area", "mw", LoadRecord)


def instantaneous_load(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    return _by_label(reader, rows, "area", "instantaneous_load", LoadRecord, FIVE_MINUTES, _to_minute)


def load_forecast(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = cache(_utc)
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


def load_forecast_history(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    """load_frcstd_hist: (evaluated_at_utc, forecast_area, forecast_hour_beginning_utc, mw), every
    vintage; the feed has no ending column, a row is one hour (gridstatus `_handle_load_forecast`)."""
    at = cache(_utc)
    out = []
    for evaluated, area, begin, mw in rows:
        start = at(begin)
        load = _number(mw, reader, "forecast_load_mw")
        out.append(LoadForecastRecord(_label(area, reader, "forecast_area"), start, start + HOUR, load, at(evaluated)))
    return out


def fuel_mix(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    return _by_label(reader, rows, "fuel_type", "mw", FuelMixRecord)


def da_reserves(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = cache(_utc)
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
    at = cache(_utc)
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
    at = cache(_utc)
    out: dict[tuple[str, datetime], ConstraintRecord] = {}
    for begin, end, monitored, contingency, shadow in rows:
        start = at(begin)
        name = constraint_name(_label(monitored, reader, "monitored_facility"), str(contingency or "").strip())
        out[(name, start)] = ConstraintRecord(name, start, at(end), _number(shadow, reader, "shadow_price"))
    return list(out.values())


def congestion_events(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    at = cache(_utc)
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
        at = cache(_utc)
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
        def record(label: str, start: datetime, end: datetime, mw: float) -> RenewableRecord:
            return RenewableRecord(source, label, start, end, mw, False)

        return _by_label(reader, rows, "area", reader.columns[2], record)

    return convert
