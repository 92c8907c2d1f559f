"""ERCOT market-wide reports -> normalized records: load, load forecast, fuel mix, ancillary
service prices and cleared quantities, constraints, wind and solar.

Reports arrive as public-API pages (camelCase fields, boolean flags) or as MIS/archive CSVs
(PascalCase or UPPER_SNAKE headers, Y/N flags); `Table.index` matches either spelling. Hourly
reports are hour ENDING in Central prevailing time with a DSTFlag on the repeated hour, like the
price reports (see `parse`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

from ..model import (
    FIVE_MINUTES,
    HOUR,
    AncillaryPriceRecord,
    ConstraintRecord,
    FuelMixRecord,
    LoadForecastRecord,
    LoadRecord,
    RenewableRecord,
    SystemLambdaRecord,
)
from ..timeutil import FoldByOrder, to_utc
from .parse import (
    TZ,
    Table,
    bad_response,
    central_to_utc,
    convert_rows,
    hour_span,
    parse_day,
    parse_flag,
    parse_stamp,
    quarter_span,
    read_json,
    read_table,
    sced_span,
    zip_tables,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # orders a vintage without a posting time first

TOTAL = "ERCOT"  # the system-wide total, under ERCOT's name like the other ISOs' totals
# (API field and its other spellings, area label): labels as ERCOT's MIS load files head them
WEATHER_ZONES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("coast",), "COAST"),
    (("east",), "EAST"),
    (("farWest",), "FAR_WEST"),
    (("north",), "NORTH"),
    (("northC", "northCentral"), "NORTH_C"),
    (("southern",), "SOUTHERN"),
    (("southC", "southCentral"), "SOUTH_C"),
    (("west",), "WEST"),
)
# Forecast zones share names with weather zones (NORTH, WEST) but are other areas: prefixed.
FORECAST_ZONES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("north",), "FZ_NORTH"),
    (("south",), "FZ_SOUTH"),
    (("west",), "FZ_WEST"),
    (("houston",), "FZ_HOUSTON"),
)


def _number(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


class _Hours:
    """Row -> its hour-ending interval, memoized: a report repeats each hour once per column group."""

    def __init__(self, table: Table) -> None:
        self._day = table.index("deliveryDate", "operatingDay", "OperDay")
        self._hour = table.index("hourEnding")
        self._dst = table.find("DSTFlag")
        self._spans: dict[tuple[Any, Any, Any], tuple[datetime, datetime]] = {}

    def __call__(self, row: Sequence[Any]) -> tuple[datetime, datetime]:
        key = (row[self._day], row[self._hour], False if self._dst is None else row[self._dst])
        span = self._spans.get(key)
        if span is None:
            span = self._spans[key] = hour_span(*key)
        return span


class _Posted:
    """`postedDatetime` (Central wall time, no offset) -> UTC, memoized. ERCOT gives no flag for a
    posting inside the repeated hour; such a stamp is read as its first (daylight) pass. An
    archive document's posting time (added from the listing, see `parse.Tables.documents`)
    carries its UTC offset."""

    def __init__(self, table: Table) -> None:
        self._column = table.find("postedDatetime")
        self._seen: dict[Any, datetime] = {}

    def __call__(self, row: Sequence[Any]) -> datetime | None:
        if self._column is None:
            return None  # an MIS/archive CSV: its posting time is the document's, not a column
        value = row[self._column]
        instant = self._seen.get(value)
        if instant is None:
            text = str(value).strip()
            if len(text) > 19 and text[19:20] in "+-":  # an archive posting's time, with its offset
                instant = datetime.fromisoformat(text).astimezone(UTC)
            else:
                instant = to_utc(parse_stamp(text), TZ)
            self._seen[value] = instant
        return instant


R = TypeVar("R")


class _Kept(Generic[R]):
    """Records by a sort key (start first), a later row for the same key replacing an earlier
    one. Reports mostly arrive in key order without repeats: then the records are kept as they
    came, and the dedupe-and-sort pass runs only for a body that needs it."""

    def __init__(self) -> None:
        self._items: list[tuple[Any, R]] = []
        self._in_order = True

    def add(self, key: tuple[Any, ...], record: R) -> None:
        if self._items and key <= self._items[-1][0]:
            self._in_order = False
        self._items.append((key, record))

    def records(self) -> list[R]:
        if self._in_order:
            return [record for _, record in self._items]
        latest = dict(self._items)
        return [latest[key] for key in sorted(latest)]


# --- actual load, by weather zone and by forecast zone -------------------------------------------


def actual_load(table: Table, zones: tuple[tuple[tuple[str, ...], str], ...], with_total: bool) -> list[LoadRecord]:
    """Hourly actual load: one record per zone and hour (a later row for the same hour wins)."""
    hours = _Hours(table)
    columns = [(table.index(*names), area) for names, area in zones]
    if with_total:
        columns.append((table.index("total", "systemTotal"), TOTAL))
    columns.sort(key=lambda column: column[1])  # by area: an hour's records come out in order
    kept: _Kept[LoadRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = hours(row)
        for i, area in columns:
            kept.add((start, area), LoadRecord(area, start, end, _number(row[i])))

    convert_rows(table, step)
    return kept.records()


def weather_zone_load(table: Table) -> list[LoadRecord]:
    return actual_load(table, WEATHER_ZONES, with_total=True)


def forecast_zone_load(table: Table) -> list[LoadRecord]:
    # The forecast-zone total is the same system load as the weather-zone total: not repeated.
    return actual_load(table, FORECAST_ZONES, with_total=False)


# --- seven-day load forecast ----------------------------------------------------------------------


def load_forecast(table: Table) -> list[LoadForecastRecord]:
    """Every vintage of ERCOT's in-use forecast model, by weather zone and system total.

    The report carries several models per posting; `inUseFlag` marks the one ERCOT operates on,
    and only that one is kept, so an area has one forecast per vintage: ERCOT's own, with the
    model's name in `model` (ERCOT switches models now and then). Vintages are told apart by
    `postedDatetime`.
    """
    hours, posted = _Hours(table), _Posted(table)
    i_use, i_model = table.find("inUseFlag"), table.find("model")
    columns = [(table.index(*names), area) for names, area in WEATHER_ZONES]
    columns.append((table.index("systemTotal", "total"), TOTAL))
    kept: _Kept[LoadForecastRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        if i_use is not None and not parse_flag(row[i_use]):
            return
        start, end = hours(row)
        published = posted(row)
        model = None if i_model is None else str(row[i_model]).strip() or None
        for i, area in columns:
            record = LoadForecastRecord(area, start, end, _number(row[i]), published, model)
            kept.add((start, area, published or _EPOCH), record)

    convert_rows(table, step)
    return kept.records()


# --- wind and solar --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Production:
    source: str  # "WIND" / "SOLAR"
    areas: tuple[tuple[str, str, str | None], ...]  # API suffix, MIS suffix, area label
    models: tuple[str, ...]  # ERCOT's forecast products in the report


WIND = Production(
    "WIND",
    (
        ("SystemWide", "SystemWide", None),
        ("LoadZoneSouthHouston", "LZSouthHouston", "LZ_SOUTH_HOUSTON"),
        ("LoadZoneWest", "LZWest", "LZ_WEST"),
        ("LoadZoneNorth", "LZNorth", "LZ_NORTH"),
    ),
    ("STWPF", "WGRPP"),  # short-term wind power forecast; wind generation resource production potential
)
SOLAR = Production(
    "SOLAR",
    (("SystemWide", "SystemWide", None),),
    ("STPPF", "PVGRPP"),  # short-term PV power forecast; PV generation resource production potential
)


def production(table: Table, kind: Production) -> list[RenewableRecord]:
    """Hourly actual output (`gen...`, forecast=False) and every vintage of each forecast product.

    Each hourly posting repeats the whole horizon: an hour's actual is taken from the latest
    posting that has it; forecasts keep their posting time for vintage selection. Empty cells
    (actuals of future hours, forecasts ERCOT did not fill) are skipped.
    """
    hours, posted = _Hours(table), _Posted(table)
    actual_columns = [
        (table.index(f"gen{api}", f"actual{api}", f"gen{mis}", f"actual{mis}"), area) for api, mis, area in kind.areas
    ]
    forecast_columns = [
        (table.index(f"{model}{api}", f"{model}{mis}"), area, model)
        for api, mis, area in kind.areas
        for model in kind.models
    ]
    actuals: dict[Hashable, tuple[datetime | None, RenewableRecord]] = {}
    forecasts: dict[Hashable, RenewableRecord] = {}

    def step(row: Sequence[Any]) -> None:
        start, end = hours(row)
        published = posted(row)
        for i, area in actual_columns:
            value = row[i]
            if value is None or value == "":
                continue
            before = actuals.get((area, start))
            if before is None or published is None or before[0] is None or published >= before[0]:
                actuals[(area, start)] = (
                    published,
                    RenewableRecord(kind.source, area, start, end, _number(value), False),
                )
        for i, area, model in forecast_columns:
            value = row[i]
            if value is None or value == "":
                continue
            forecasts[(area, start, model, published)] = RenewableRecord(
                kind.source, area, start, end, _number(value), True, published, model
            )

    convert_rows(table, step)
    records = [record for _, record in actuals.values()] + list(forecasts.values())
    return sorted(records, key=_renewable_order)


def _renewable_order(r: RenewableRecord) -> tuple[Any, ...]:
    return (
        r.start,
        r.source,
        r.area or "",
        r.forecast,
        r.model or "",
        r.published_at or _EPOCH,
    )


# --- DAM ancillary service clearing prices ---------------------------------------------------------


def ancillary_prices(table: Table) -> list[AncillaryPriceRecord]:
    """MCPC per AS product (REGUP, REGDN, RRS, NSPIN, ECRS) and hour, ERCOT-wide (area None)."""
    hours = _Hours(table)
    i_type, i_price = table.index("ancillaryType"), table.index("MCPC")
    kept: _Kept[AncillaryPriceRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = hours(row)
        product = str(row[i_type]).strip()
        if not product:
            raise ValueError("empty ancillary type")
        kept.add((start, product), AncillaryPriceRecord(product, None, start, end, _number(row[i_price])))

    convert_rows(table, step)
    return kept.records()


# --- real-time ancillary service clearing prices (RTC+B, from 12/05/2025) ----------------------


def rt_ancillary_prices(table: Table) -> list[AncillaryPriceRecord]:
    """Real-time MCPC per AS type and 15-minute settlement interval, ERCOT-wide (area None). The
    API names the columns deliveryInt and repeatHourFlag, the MIS CSV DeliveryInterval and
    RepeatedHourFlag; the flag marks the second pass through a repeated hour, as DSTFlag does."""
    i_day, i_hour = table.index("deliveryDate"), table.index("deliveryHour")
    i_interval = table.index("deliveryInterval", "deliveryInt")
    i_flag, i_type, i_price = (
        table.index("repeatHourFlag", "repeatedHourFlag"),
        table.index("ASType"),
        table.index("MCPC"),
    )
    span = cache(quarter_span)  # five products share each interval
    kept: _Kept[AncillaryPriceRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = span(row[i_day], row[i_hour], row[i_interval], row[i_flag])
        product = _product(row[i_type])
        kept.add((start, product), AncillaryPriceRecord(product, None, start, end, _number(row[i_price])))

    convert_rows(table, step)
    return kept.records()


def sced_ancillary_prices(table: Table) -> list[AncillaryPriceRecord]:
    """Real-time MCPC per AS type of every SCED run, each holding until the product's next run
    (as SCED LMPs do); the last run in the body gets the nominal 5 minutes. From 08/27/2026 ERCOT
    heads the price CappedMCPC (beside UncappedMCPC): the capped price is the one read."""
    i_stamp, i_flag = table.index("SCEDTimestamp"), table.index("repeatHourFlag", "repeatedHourFlag")
    i_type, i_price = table.index("ASType"), table.index("MCPC", "cappedMCPC")
    span = cache(sced_span)
    kept: _Kept[AncillaryPriceRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = span(row[i_stamp], row[i_flag])
        product = _product(row[i_type])
        kept.add((start, product), AncillaryPriceRecord(product, None, start, end, _number(row[i_price])))

    convert_rows(table, step)
    records = kept.records()
    by_product: dict[str, list[AncillaryPriceRecord]] = {}
    for record in records:
        by_product.setdefault(record.product, []).append(record)
    for series in by_product.values():
        for current, following in itertools.pairwise(series):
            current.end = following.start
    return records


def _product(value: Any) -> str:
    product = str(value).strip()
    if not product:
        raise ValueError("empty AS type")
    return product


# --- system lambda, SCED and DAM ------------------------------------------------------------------


def sced_system_lambda(table: Table) -> list[SystemLambdaRecord]:
    """The system lambda of every SCED run, holding until the next run; the last run in the body
    gets the nominal 5 minutes. The MIS CSV heads the stamp SCEDTimeStamp; from 08/27/2026 ERCOT
    heads the value CappedSystemLambda (beside UncappedSystemLambda): the capped one is read."""
    i_stamp, i_flag = table.index("SCEDTimestamp"), table.index("repeatHourFlag", "repeatedHourFlag")
    i_value = table.index("systemLambda", "cappedSystemLambda")
    kept: _Kept[SystemLambdaRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = sced_span(row[i_stamp], row[i_flag])
        kept.add((start,), SystemLambdaRecord(start, end, _number(row[i_value])))

    convert_rows(table, step)
    records = kept.records()
    for current, following in itertools.pairwise(records):
        current.end = following.start
    return records


def dam_system_lambda(table: Table) -> list[SystemLambdaRecord]:
    """The DAM system lambda of each hour."""
    hours = _Hours(table)
    i_value = table.index("systemLambda")
    kept: _Kept[SystemLambdaRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = hours(row)
        kept.add((start,), SystemLambdaRecord(start, end, _number(row[i_value])))

    convert_rows(table, step)
    return kept.records()


# --- constraints, SCED and DAM --------------------------------------------------------------------


def _constraint_name(constraint: Any, contingency: Any) -> str:
    # One constraint can bind under several contingencies at once: ERCOT identifies the binding
    # pair, so the name carries both.
    name, outage = str(constraint).strip(), str(contingency or "").strip()
    if not name:
        raise ValueError("empty constraint name")
    return f"{name} / {outage}" if outage else name


def _optional(value: Any) -> float | None:
    return None if value is None or value == "" else _number(value)


def sced_constraints(table: Table) -> list[ConstraintRecord]:
    """Binding constraints of each SCED run. A run's result holds until the next run: the interval
    is [stamp, next run's stamp), at most the nominal 5 minutes (a run binding nothing posts no row)."""
    i_stamp, i_repeat = table.index("SCEDTimestamp"), table.index("repeatedHourFlag", "repeatHourFlag")
    i_name, i_cont = table.index("constraintName"), table.index("contingencyName")
    i_price, i_limit, i_value = table.index("shadowPrice"), table.index("limit"), table.index("value")
    starts: dict[tuple[Any, Any], datetime] = {}
    found: _Kept[ConstraintRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        key = (row[i_stamp], row[i_repeat])
        start = starts.get(key)
        if start is None:
            start = starts[key] = central_to_utc(parse_stamp(key[0]), parse_flag(key[1]))
        name = _constraint_name(row[i_name], row[i_cont])
        record = ConstraintRecord(
            name, start, start + FIVE_MINUTES, _number(row[i_price]), _optional(row[i_limit]), _optional(row[i_value])
        )
        found.add((start, name), record)

    convert_rows(table, step)
    following = dict(itertools.pairwise(sorted(set(starts.values()))))
    records = found.records()
    for record in records:
        nxt = following.get(record.start)
        if nxt is not None and nxt < record.end:
            record.end = nxt
    return records


def dam_constraints(table: Table) -> list[ConstraintRecord]:
    """DAM binding constraints per hour with their limit and flow (MW)."""
    hours = _Hours(table)
    i_name, i_cont = table.index("constraintName"), table.index("contingencyName")
    i_price = table.index("shadowPrice")
    i_limit, i_value = table.index("constraintLimit"), table.index("constraintValue")
    found: _Kept[ConstraintRecord] = _Kept()

    def step(row: Sequence[Any]) -> None:
        start, end = hours(row)
        name = _constraint_name(row[i_name], row[i_cont])
        record = ConstraintRecord(
            name, start, end, _number(row[i_price]), _optional(row[i_limit]), _optional(row[i_value])
        )
        found.add((start, name), record)

    convert_rows(table, step)
    return found.records()


# --- fuel mix (the grid-conditions dashboard document) ------------------------------------------


def fuel_mix(body: bytes, source: str) -> list[FuelMixRecord]:
    """The generation-by-fuel dashboard document: {"data": {day: {stamp: {fuel: {"gen": MW}}}}}.

    ERCOT stamps each point a few seconds off a 5-minute mark, before or after it (e.g.
    `2026-04-24 22:19:57-0500`, `22:20:02`); gridstatus rounds the stamps to the nearest minute
    and long read that mark as the interval's end. So here: a stamp names its nearest 5-minute
    mark, and the point is the 5-minute interval ending there. Two stamps near one mark are one
    interval (ERCOT splits an interval's fuels across two stamps now and then, out of order):
    their fuels are merged, the later stamp winning for a fuel both carry. A stamp more than
    `_STAMP_SLACK` from any mark is no 5-minute point and is left out. A fuel whose value or
    `gen` is null is a missing value, left out; a value of another shape is refused. Stamps
    carry their UTC offset, which settles the repeated fall-back hour; one without an offset is
    Central time, its repeated hour told apart by order.
    """
    payload = read_json(body, source)
    days = payload.get("data")
    if not isinstance(days, dict):
        raise bad_response(f"{source}: no `data` object by day")
    folds = FoldByOrder(TZ)
    points: list[tuple[datetime, datetime, dict[str, Any]]] = []  # (stamp, end, fuels)
    for number, (stamp, fuels) in enumerate(_dashboard_points(days, source), 1):
        try:
            if not isinstance(fuels, dict):
                raise ValueError("not an object of fuels")
            instant = _stamp(stamp, folds)
            end = _nearest_mark(instant)
            if end is not None:
                points.append((instant, end, fuels))
        except (ValueError, TypeError) as exc:
            raise bad_response(f"{source}: point {number} ({stamp}): {exc}") from None
    latest: dict[tuple[datetime, str], FuelMixRecord] = {}
    for instant, end, fuels in sorted(points, key=lambda point: point[0]):
        for fuel, value in fuels.items():
            if value is None:
                continue
            if not isinstance(value, dict):
                raise bad_response(f"{source}: {instant.isoformat()}: {fuel}: {value!r} is not an object with a `gen`")
            mw = value.get("gen")
            if mw is None:
                continue
            try:
                latest[(end, fuel)] = FuelMixRecord(fuel, end - FIVE_MINUTES, end, _number(mw))
            except (ValueError, TypeError):
                raise bad_response(f"{source}: {instant.isoformat()}: {fuel}: gen {mw!r} is not a number") from None
    return [latest[key] for key in sorted(latest)]


_STAMP_SLACK = timedelta(seconds=30)  # how far off its 5-minute mark a dashboard stamp may lie


def _dashboard_points(days: dict[str, Any], source: str) -> Iterable[tuple[str, Any]]:
    for day in sorted(days):
        points = days[day]
        if not isinstance(points, dict):
            raise bad_response(f"{source}: day {day} is not an object of points")
        yield from points.items()


def _stamp(stamp: str, folds: FoldByOrder) -> datetime:
    text = stamp.strip()
    if len(text) > 19:  # `YYYY-MM-DD HH:MM:SS-0500`
        return datetime.fromisoformat(text[:19] + text[19:22] + ":" + text[22:24]).astimezone(UTC)
    return folds.to_utc(None, datetime.fromisoformat(text))


def _nearest_mark(instant: datetime) -> datetime | None:
    """The 5-minute mark nearest `instant` (UTC marks are Central marks), or None when it is more
    than `_STAMP_SLACK` away."""
    floor = instant.replace(minute=instant.minute - instant.minute % 5, second=0, microsecond=0)
    mark = floor if instant - floor <= FIVE_MINUTES / 2 else floor + FIVE_MINUTES
    return mark if abs(instant - mark) <= _STAMP_SLACK else None


# --- 2-Day AS disclosure: cleared DAM AS quantities ------------------------------------------------

_CLEARED = "2d_Cleared_DAM_AS_"
_CLEARED_HEADER = "Total Cleared AS - "


@dataclass(slots=True)
class ClearedAncillaryRecord:
    """MW of one AS product the DAM cleared in one hour (a quantity, not a price)."""

    product: str  # as ERCOT heads the column: RegUp, RegDown, NonSpin, RRSPFR, ECRSS, ...
    start: datetime
    end: datetime
    mw: float


def cleared_ancillary(body: bytes, source: str) -> list[ClearedAncillaryRecord]:
    """The `2d_Cleared_DAM_AS_*` members of a 2-Day AS Disclosure zip, one member in memory at a
    time (or one such CSV on its own)."""
    if body.startswith(b"PK\x03\x04"):
        members = zip_tables(body, source, lambda name: name.rsplit("/", 1)[-1].startswith(_CLEARED))
    else:
        members = iter([(source, body)])
    records: list[ClearedAncillaryRecord] = []
    count = 0
    for name, data in members:
        count += 1
        records += _cleared_member(read_table(data, f"{source} {name}"))
    if not count:
        raise bad_response(f"{source}: the zip holds no {_CLEARED}* CSV")
    return sorted(records, key=lambda r: (r.start, r.product))


def _cleared_member(table: Table) -> list[ClearedAncillaryRecord]:
    i_day, i_hour = table.index("Delivery Date"), table.index("Hour Ending")
    i_mw = next((i for i, c in enumerate(table.columns) if c.strip().startswith(_CLEARED_HEADER)), None)
    if i_mw is None:
        raise bad_response(f"{table.source}: no `{_CLEARED_HEADER}<product>` column")
    product = table.columns[i_mw].strip().removeprefix(_CLEARED_HEADER).strip()
    out: list[ClearedAncillaryRecord] = []

    def step(row: Sequence[Any]) -> None:
        start = _elapsed_hour(parse_day(row[i_day]), int(row[i_hour]))
        out.append(ClearedAncillaryRecord(product, start, start + HOUR, _number(row[i_mw])))

    convert_rows(table, step)
    return out


def _elapsed_hour(day: date, ending: int) -> datetime:
    """Hour ending N of a day in a report with no DST flag: the Nth hour after local midnight, so a
    fall-back day runs to 25 and a spring-forward day to 23 (ERCOT's AS reports count this way)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)
    nxt = day + timedelta(days=1)
    length = (datetime(nxt.year, nxt.month, nxt.day, tzinfo=TZ).astimezone(UTC) - midnight) // HOUR
    if not 1 <= ending <= length:
        raise ValueError(f"hour ending {ending} is out of range for {day:%m/%d/%Y} ({length} hours)")
    return midnight + (ending - 1) * HOUR
