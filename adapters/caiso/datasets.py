"""OASIS market-wide reports -> records: load, load forecasts, wind and solar, AS prices, shadow prices.

Each parser reads the CSV form (`resultformat=6`, what the adapter asks for) and the XML form
(what OASIS sends without it, and what the recorded samples are). Column and element names:
CSV `INTERVALSTARTTIME_GMT`, `XML_DATA_ITEM`, `TAC_AREA_NAME`, `MARKET_RUN_ID`, `MW`; XML
`INTERVAL_START_GMT`, `DATA_ITEM`, `RESOURCE_NAME`, `MKT_TYPE` (in REPORT_HEADER), `VALUE`.
Instants are the GMT columns; OPR_DT/OPR_HR are not needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from ..model import AncillaryPriceRecord, ConstraintRecord, LoadForecastRecord, LoadRecord, RenewableRecord
from .oasis import Field, bad, instant, number, table

PACIFIC = ZoneInfo("America/Los_Angeles")

_START = Field(("INTERVALSTARTTIME_GMT", "INTERVAL_START_GMT"))
_END = Field(("INTERVALENDTIME_GMT", "INTERVAL_END_GMT"))
_MARKET = Field(("MARKET_RUN_ID", "MKT_TYPE"))
_ITEM = Field(("XML_DATA_ITEM", "DATA_ITEM"))

# The daily demand forecasts are published at 09:10 Pacific, `days` before the operating day they
# forecast (OASIS Publications Schedule, as gridstatus cites it). OASIS prints no publication time.
_DAILY_FORECAST_DAYS = {"7DA": 7, "2DA": 2, "DAM": 1}
_DAILY_FORECAST_TIME = (9, 10)
# Real-time forecasts carry no publication time either: RTPD (15-minute) runs 22.5 minutes and RTD
# (5-minute) 2.5 minutes before the interval starts (gridstatus's convention).
_REAL_TIME_LEAD = {timedelta(minutes=15): timedelta(minutes=22.5), timedelta(minutes=5): timedelta(minutes=2.5)}
# The day-ahead wind and solar forecast is published at 07:00 Pacific the day before.
_RENEWABLES_DAM_TIME = (7, 0)

ACTUAL = "ACTUAL"


def _operating_day(start: datetime) -> date:
    return start.astimezone(PACIFIC).date()


@lru_cache(maxsize=4096)
def _published(day: date, days_before: int, hour: int, minute: int) -> datetime:
    local = day - timedelta(days=days_before)
    return datetime(local.year, local.month, local.day, hour, minute, tzinfo=PACIFIC).astimezone(UTC)


def _interval(stamps: Callable[[str], datetime], start_text: str, end_text: str) -> tuple[datetime, datetime]:
    start, end = stamps(start_text), stamps(end_text)
    if end <= start:
        raise bad(f"OASIS interval {start_text} ends at {end_text}, not after it starts")
    return start, end


# --- SLD_FCST: actual load and the demand forecasts ---------------------------------------------

_DEMAND_FIELDS = (_START, _END, _MARKET, Field(("TAC_AREA_NAME", "RESOURCE_NAME")), Field(("MW", "VALUE")))


def demand(body: bytes) -> tuple[list[LoadRecord], list[LoadForecastRecord]]:
    """An SLD_FCST answer -> (actual load rows, forecast rows); one report holds one market_run_id."""
    stamps = cache(instant)
    loads: list[LoadRecord] = []
    forecasts: list[LoadForecastRecord] = []
    vintages: dict[tuple[str, int], datetime] = {}  # memo: a report repeats each stamp once per area
    for start_text, end_text, market, area, text in table(body, _DEMAND_FIELDS):
        start, end = _interval(stamps, start_text, end_text)
        mw = number(text, "load")
        if market == ACTUAL:
            loads.append(LoadRecord(area, start, end, mw))
            continue
        days_before = _DAILY_FORECAST_DAYS.get(market)
        if days_before is not None:
            published = vintages.get((start_text, days_before))
            if published is None:
                day = _operating_day(start)
                published = vintages[start_text, days_before] = _published(day, days_before, *_DAILY_FORECAST_TIME)
        elif market == "RTM" and (end - start) in _REAL_TIME_LEAD:
            published = start - _REAL_TIME_LEAD[end - start]
        else:
            raise bad(f"SLD_FCST row for market {market!r}, interval {start_text}: unknown forecast horizon")
        forecasts.append(LoadForecastRecord(area, start, end, mw, published))
    loads.sort(key=lambda r: (r.start, r.area))
    forecasts.sort(key=lambda r: (r.start, r.area, r.end))
    return loads, forecasts


def load(body: bytes) -> list[LoadRecord]:
    return demand(body)[0]


def load_forecasts(body: bytes) -> list[LoadForecastRecord]:
    return demand(body)[1]


# --- SLD_REN_FCST: wind and solar by trading hub ------------------------------------------------

_RENEWABLE_FIELDS = (
    _START,
    _END,
    _MARKET,
    Field(("TRADING_HUB",)),
    Field(("RENEWABLE_TYPE",)),
    Field(("MW", "VALUE")),
)
_SOURCES = {"SOLAR": "SOLAR", "WIND": "WIND"}


def renewables(body: bytes) -> list[RenewableRecord]:
    """An SLD_REN_FCST answer -> wind and solar by trading hub; ACTUAL is output, DAM a forecast."""
    stamps = cache(instant)
    records: list[RenewableRecord] = []
    for start_text, end_text, market, hub, kind, text in table(body, _RENEWABLE_FIELDS):
        source = _SOURCES.get(kind.upper())
        if source is None:
            raise bad(f"SLD_REN_FCST renewable type {kind!r} is neither Solar nor Wind")
        start, end = _interval(stamps, start_text, end_text)
        mw = number(text, "renewable output")
        if market == ACTUAL:
            records.append(RenewableRecord(source, hub, start, end, mw, forecast=False))
        elif market == "DAM":
            published = _published(_operating_day(start), 1, *_RENEWABLES_DAM_TIME)
            records.append(RenewableRecord(source, hub, start, end, mw, True, published, "DAM"))
        else:
            raise bad(f"SLD_REN_FCST market {market!r} is not served (ACTUAL and DAM are)")
    records.sort(key=lambda r: (r.start, r.source, r.area or ""))
    return records


# --- PRC_AS / PRC_INTVL_AS: ancillary service clearing prices ----------------------------------

_AS_FIELDS = (_START, _END, Field(("ANC_TYPE",)), Field(("ANC_REGION",)), Field(("MW", "VALUE", "PRC")))


def ancillary_prices(body: bytes) -> list[AncillaryPriceRecord]:
    """A PRC_AS or PRC_INTVL_AS answer -> one price per (type, region, interval), $/MW.

    Products keep OASIS's ANC_TYPE codes: RU, RD, SR, NR, RMU, RMD (regulation up/down, spinning,
    non-spinning, regulation mileage up/down); areas its ANC_REGION names (AS_CAISO_EXP, AS_SP26 ...).
    """
    stamps = cache(instant)
    found: dict[tuple[datetime, str, str], AncillaryPriceRecord] = {}
    for start_text, end_text, product, region, text in table(body, _AS_FIELDS):
        start, end = _interval(stamps, start_text, end_text)
        found[start, product, region] = AncillaryPriceRecord(product, region, start, end, number(text, "AS price"))
    return [found[key] for key in sorted(found)]


# --- PRC_NOMOGRAM: nomogram and branch shadow prices -------------------------------------------

_CONSTRAINT_FIELDS = (_START, _END, Field(("NOMOGRAM_ID", "NOMOGRAM_ID_XML", "RESOURCE_NAME")), Field(("PRC", "VALUE")))


def constraints(body: bytes) -> list[ConstraintRecord]:
    """A PRC_NOMOGRAM answer -> one shadow price ($/MWh) per (constraint, interval). OASIS prints
    no limit or flow here."""
    stamps = cache(instant)
    found: dict[tuple[datetime, str], ConstraintRecord] = {}
    for start_text, end_text, name, text in table(body, _CONSTRAINT_FIELDS):
        start, end = _interval(stamps, start_text, end_text)
        found[start, name] = ConstraintRecord(name, start, end, number(text, "shadow price"))
    return [found[key] for key in sorted(found)]


# --- ENE_SLRS: system load and resource schedules -----------------------------------------------


@dataclass(slots=True)
class ScheduleValue:
    """One ENE_SLRS value: a schedule total (ISO_TOT_GEN_MW, ISO_TOT_IMP_MW, ...) for an interval."""

    item: str
    resource: str  # Caiso_Totals, or a TAC area
    start: datetime
    end: datetime
    mw: float


_SCHEDULE_FIELDS = (_START, _END, _ITEM, Field(("TAC_ZONE_NAME", "RESOURCE_NAME")), Field(("MW", "VALUE")))


def schedules(body: bytes) -> list[ScheduleValue]:
    """An ENE_SLRS answer -> its schedule totals, by interval then item."""
    stamps = cache(instant)
    records = [
        ScheduleValue(item, resource, *_interval(stamps, start_text, end_text), number(text, "schedule"))
        for start_text, end_text, item, resource, text in table(body, _SCHEDULE_FIELDS)
    ]
    records.sort(key=lambda r: (r.start, r.item, r.resource))
    return records
