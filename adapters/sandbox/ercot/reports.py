"""The sandbox's ERCOT reports beyond prices: load, load forecast, DAM and real-time AS prices,
system lambda, wind, solar, constraints and the fuel-mix dashboard, as deterministic rows in
ERCOT's own field layout.

Values follow plausible Texas shapes (zone loads in MW by ERCOT's weather zones, solar zero at
night, wind stronger at night) with a per-interval wobble; the same query gives the same bytes.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from ...model import HOUR

TZ = ZoneInfo("America/Chicago")
Rows = list[list[Any]]


@dataclass(frozen=True, slots=True)
class Schedule:
    """How ERCOT posts a report, as the sandbox models it:

    - "daily": one file a day, on the operating day + `offset` days at `at` (Central);
    - "quarter": one file per 15-minute settlement interval, 2 minutes after the interval ends;
    - "sced": one file per SCED run, 2 seconds after the run's stamp;
    - "vintage": one file per forecast vintage, at its `postedDatetime` (the API rows' first field).
    """

    kind: str
    offset: int = 0
    at: time = time(0)


DAY_BEFORE = Schedule("daily", -1, time(12, 30, 7))  # DAM results, early afternoon the day before
DAY_AFTER = Schedule("daily", 1, time(4, 15, 7))  # actual load, early the next morning
QUARTERLY = Schedule("quarter")
PER_SCED_RUN = Schedule("sced")
PER_VINTAGE = Schedule("vintage")


@dataclass(frozen=True, slots=True)
class Report:
    emil: str
    name: str
    fields: tuple[tuple[str, str, str], ...]  # name, label, dataType
    rows: Callable[[dict[str, str]], Rows | str]  # query -> rows, or what is wrong
    # The archive CSV's headers, one per field; a vintaged report's CSV has no posting-time column
    # (its first field): the listing's postDatetime says it.
    mis: tuple[str, ...]
    schedule: Schedule


# --- shared helpers -----------------------------------------------------------------------------


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def steps(day: date, step: timedelta) -> Iterator[datetime]:
    """UTC starts of the day's intervals: 23 or 25 hours on DST days."""
    start = datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=TZ).astimezone(UTC)
    while start < end:
        yield start
        start += step


def date_range(query: dict[str, str], prefix: str) -> tuple[date, date] | str:
    try:
        return date.fromisoformat(query[f"{prefix}From"]), date.fromisoformat(query[f"{prefix}To"])
    except (KeyError, ValueError):
        return f"{prefix}From and {prefix}To must be dates (yyyy-MM-dd)"


def wobble(key: str, start: datetime) -> float:
    """A stable number in [-0.5, 0.5) for a series and instant."""
    return zlib.crc32(f"{key}|{start.timestamp():.0f}".encode()) / 2**32 - 0.5


def hour_ending(start: datetime) -> tuple[int, bool]:
    """ERCOT's hour ending (1..24) of the hour starting at `start`, and its DST flag (the second,
    standard-time pass through a repeated hour)."""
    local = start.astimezone(TZ)
    return local.hour + 1, local.fold == 1


def hourly(query: dict[str, str], prefix: str, hour: Callable[[date, datetime, int, bool], Rows]) -> Rows | str:
    """The rows of every hour from `{prefix}From` to `{prefix}To`, each hour's from
    `hour(day, start, hour ending, DST flag)`; or what is wrong with the dates."""
    span = date_range(query, prefix)
    if isinstance(span, str):
        return span
    rows: Rows = []
    for day in days_between(*span):
        for start in steps(day, HOUR):
            rows += hour(day, start, *hour_ending(start))
    return rows


def sced_runs(query: dict[str, str]) -> list[tuple[datetime, datetime, datetime, bool]] | str:
    """Each SCED run stamped from `SCEDTimestampFrom` to `SCEDTimestampTo` (Central wall times):
    its 5-minute slot (UTC), its stamp (UTC), the stamp's wall time and repeated-hour flag."""
    try:
        low = datetime.fromisoformat(query["SCEDTimestampFrom"])
        high = datetime.fromisoformat(query["SCEDTimestampTo"])
    except (KeyError, ValueError):
        return "SCEDTimestampFrom and SCEDTimestampTo must be timestamps (yyyy-MM-ddTHH:mm:ss)"
    runs = []
    for day in days_between(low.date(), high.date()):
        for slot in steps(day, timedelta(minutes=5)):
            stamp = sced_stamp(slot)
            local = stamp.astimezone(TZ)
            wall = local.replace(tzinfo=None, fold=0)
            if low <= wall <= high:
                runs.append((slot, stamp, wall, local.fold == 1))
    return runs


def _round(value: float) -> float:
    return round(value, 2)


# --- load ---------------------------------------------------------------------------------------

_ZONE_BASE = {  # MW around midday in summer, by NP6-345-CD field
    "coast": 14_200.0,
    "east": 1_750.0,
    "farWest": 7_300.0,
    "north": 1_250.0,
    "northC": 15_100.0,
    "southern": 4_300.0,
    "southC": 9_400.0,
    "west": 1_450.0,
}


def zone_load(zone: str, start: datetime, error: float = 0.0) -> float:
    local = start.astimezone(TZ)
    shape = 0.72 + 0.28 * math.sin((local.hour - 10) / 24 * 2 * math.pi) ** 2
    return _round(_ZONE_BASE[zone] * (shape + 0.04 * wobble(zone, start) + error))


def _weather_zone_hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
    zones = [zone_load(zone, start) for zone in _ZONE_BASE]
    return [[day.isoformat(), f"{ending:02d}:00", *zones, _round(sum(zones)), dst]]


def _forecast_zone_hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
    z = {zone: zone_load(zone, start) for zone in _ZONE_BASE}
    north = _round(z["north"] + z["northC"] + z["east"])
    south = _round(z["southern"] + z["southC"])
    west = _round(z["west"] + z["farWest"])
    total = _round(sum(z.values()))
    return [[day.isoformat(), f"{ending:02d}:00", north, south, west, z["coast"], total, dst]]


# --- seven-day load forecast --------------------------------------------------------------------

FORECAST_MODELS = ("A3", "E1", "M", "X")
IN_USE_MODEL = "E1"
FORECAST_POSTINGS = (0, 6, 12, 18)  # Central hours of the day a vintage is posted, at :30


def forecast_postings(day: date) -> list[datetime]:
    """Naive Central posting times of the vintages covering `day`: the seven days before it and
    the day itself (never inside a repeated hour)."""
    return [
        datetime(posted.year, posted.month, posted.day, hour, 30)
        for posted in days_between(day - timedelta(days=7), day)
        for hour in FORECAST_POSTINGS
    ]


def _load_forecast_rows(query: dict[str, str]) -> Rows | str:
    in_use_only = query.get("inUseFlag", "").lower() == "true"
    models = (IN_USE_MODEL,) if in_use_only else FORECAST_MODELS

    def hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
        rows: Rows = []
        for posted in forecast_postings(day):
            for model in models:
                lead = (start - posted.replace(tzinfo=TZ).astimezone(UTC)) / timedelta(days=7)
                error = 0.03 * lead * wobble(f"{model}{posted}", start)
                zones = [zone_load(zone, start, error) for zone in _ZONE_BASE]
                rows.append(
                    [
                        f"{posted:%Y-%m-%dT%H:%M:%S}",
                        day.isoformat(),
                        f"{ending}:00",  # as the API writes it: "1:00" .. "24:00"
                        *zones,
                        _round(sum(zones)),
                        model,
                        model == IN_USE_MODEL,
                        dst,
                    ]
                )
        return rows

    return hourly(query, "deliveryDate", hour)


# --- DAM ancillary service clearing prices ------------------------------------------------------

AS_PRODUCTS = {"REGUP": 9.0, "REGDN": 4.5, "RRS": 6.0, "NSPIN": 3.0, "ECRS": 7.5}  # $/MW, typical


def _as_price_hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
    local = start.astimezone(TZ)
    peak = 1.0 + 1.5 * math.sin((local.hour - 9) / 24 * 2 * math.pi) ** 2
    return [
        [
            day.isoformat(),
            f"{ending:02d}:00",
            product,
            _round(max(0.0, base * peak * (1 + wobble(product, start)))),
            dst,
        ]
        for product, base in AS_PRODUCTS.items()
    ]


# --- real-time ancillary service clearing prices and system lambda ----------------------------

# ERCOT's real-time co-optimization (RTC+B) went live for operating day 12/05/2025: no real-time
# MCPC is posted for earlier days.
RTC_LIVE = date(2025, 12, 5)
RT_AS_PRODUCTS = {"REGUP": 4.0, "REGDN": 2.5, "RRS": 3.0, "ECRS": 2.0, "NSPIN": 1.0}  # $/MW, typical


def _rt_as_price(product: str, base: float, start: datetime) -> float:
    local = start.astimezone(TZ)
    evening = 1.0 + 2.0 * math.exp(-(((local.hour + local.minute / 60) - 19) ** 2) / 4)
    return _round(max(0.0, base * evening * (1 + wobble(f"rt{product}", start))))


def _rt_as_rows(query: dict[str, str]) -> Rows | str:
    span = date_range(query, "deliveryDate")
    if isinstance(span, str):
        return span
    rows: Rows = []
    for day in days_between(*span):
        if day < RTC_LIVE:
            continue
        for start in steps(day, timedelta(minutes=15)):
            local = start.astimezone(TZ)
            hour, interval, repeated = local.hour + 1, local.minute // 15 + 1, local.fold == 1
            rows += [
                [day.isoformat(), hour, interval, repeated, product, _rt_as_price(product, base, start)]
                for product, base in RT_AS_PRODUCTS.items()
            ]
    return rows


def _sced_as_rows(query: dict[str, str]) -> Rows | str:
    runs = sced_runs(query)
    if isinstance(runs, str):
        return runs
    return [
        [f"{wall:%Y-%m-%dT%H:%M:%S}", repeated, product, _rt_as_price(product, base, slot)]
        for slot, _, wall, repeated in runs
        if wall.date() >= RTC_LIVE
        for product, base in RT_AS_PRODUCTS.items()
    ]


def _system_lambda(run: str, start: datetime) -> float:
    local = start.astimezone(TZ)
    daily = 1.0 + 0.6 * math.sin((local.hour + local.minute / 60 - 11) / 24 * 2 * math.pi)
    return round(28.0 * daily * (1 + 0.3 * wobble(f"lambda{run}", start)), 5)


def _sced_lambda_rows(query: dict[str, str]) -> Rows | str:
    runs = sced_runs(query)
    if isinstance(runs, str):
        return runs
    return [[f"{wall:%Y-%m-%dT%H:%M:%S}", repeated, _system_lambda("sced", slot)] for slot, _, wall, repeated in runs]


def _dam_lambda_hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
    return [[day.isoformat(), f"{ending:02d}:00", _system_lambda("dam", start), dst]]


# --- wind and solar -----------------------------------------------------------------------------

WIND_AREAS = {"SystemWide": 1.0, "LoadZoneSouthHouston": 0.22, "LoadZoneWest": 0.63, "LoadZoneNorth": 0.15}
WIND_POSTINGS = (0, 6, 12, 18)  # Central hours, at :55


def _wind(area: str, start: datetime, kind: str) -> float:
    local = start.astimezone(TZ)
    night = 0.55 + 0.35 * math.cos((local.hour - 3) / 24 * 2 * math.pi)
    return _round(24_000 * WIND_AREAS[area] * (night + 0.1 * wobble(f"wind{kind}", start)))


def _solar(start: datetime, kind: str) -> float:
    local = start.astimezone(TZ)
    sun = math.sin((local.hour + 0.5 - 6.5) / 13 * math.pi)  # daylight ~06:30-19:30
    return _round(max(0.0, 26_000 * sun * (1 + 0.08 * wobble(f"solar{kind}", start)))) if sun > 0 else 0.0


def renewable_postings(day: date) -> list[datetime]:
    """Naive Central posting times whose rows cover `day`: two days before it to the next morning."""
    return [
        datetime(posted.year, posted.month, posted.day, hour, 55)
        for posted in days_between(day - timedelta(days=2), day + timedelta(days=1))
        for hour in WIND_POSTINGS
    ]


def _production_hour(solar: bool, day: date, start: datetime, ending: int, dst: bool) -> Rows:
    rows: Rows = []
    for posted in renewable_postings(day):
        # an hour's actual is known once the hour is over
        known = posted.replace(tzinfo=TZ).astimezone(UTC) >= start + HOUR
        if solar:
            values: list[Any] = [
                _solar(start, "gen") if known else None,
                _solar(start, "cop"),
                _solar(start, f"stppf{posted}"),
                _solar(start, f"pvgrpp{posted}"),
            ]
            hsl = _solar(start, "hsl") if known else None
        else:
            values = []
            for area in WIND_AREAS:
                values += [
                    _wind(area, start, "gen") if known else None,
                    _wind(area, start, "cop"),
                    _wind(area, start, f"stwpf{posted}"),
                    _wind(area, start, f"wgrpp{posted}"),
                ]
            hsl = _wind("SystemWide", start, "hsl") if known else None
        rows.append([f"{posted:%Y-%m-%dT%H:%M:%S}", day.isoformat(), ending, *values, hsl, dst])
    return rows


# --- constraints --------------------------------------------------------------------------------

CONSTRAINTS = (  # name, contingency, from station, to station, kV, limit MW
    ("6437__A", "SCELSAN8", "CELANESE", "SAN_MIGL", 138.0, 214.0),
    ("PNHNDL", "BASE CASE", "", "", 0.0, 6_500.0),
    ("BRZSW_LCMNHP1_1", "DBRZNAT5", "BRAZOS_S", "LCMNH_PP", 345.0, 1_085.0),
    ("WHITNE_LONGCR1_1", "SLNGWHI8", "WHITNEY", "LONG_CRK", 138.0, 143.0),
)


def binding(name: str, start: datetime) -> bool:
    return wobble(f"bind{name}", start) < -0.2  # binds in about three intervals of ten


def _constraint(name: str, start: datetime, limit: float) -> tuple[float, float]:
    shadow = _round(5 + 95 * (wobble(f"shadow{name}", start) + 0.5))
    return shadow, _round(limit * (1 + 0.02 * (wobble(f"flow{name}", start) + 0.5)))


def sced_stamp(slot: datetime) -> datetime:
    """SCED runs a little after each 5-minute mark, a different few seconds each time."""
    return slot + timedelta(seconds=5 + zlib.crc32(slot.isoformat().encode()) % 50)


def _sced_constraint_rows(query: dict[str, str]) -> Rows | str:
    runs = sced_runs(query)
    if isinstance(runs, str):
        return runs
    rows: Rows = []
    for slot, _, wall, repeated in runs:
        for number, (name, contingency, src, dst, kv, limit) in enumerate(CONSTRAINTS, 1):
            if not binding(name, slot):
                continue
            shadow, flow = _constraint(name, slot, limit)
            rows.append(
                [f"{wall:%Y-%m-%dT%H:%M:%S}", repeated, number, name, contingency, shadow, 5_000.0,
                 limit, flow, max(0.0, _round(flow - limit)), src, dst, kv, kv, "DC_E"]
            )  # fmt: skip
    return rows


def _dam_constraint_hour(day: date, start: datetime, ending: int, dst: bool) -> Rows:
    rows: Rows = []
    for number, (name, contingency, src, to, kv, limit) in enumerate(CONSTRAINTS, 1):
        if not binding(f"dam{name}", start):
            continue
        shadow, flow = _constraint(f"dam{name}", start, limit)
        local_end = (start + HOUR).astimezone(TZ)
        rows.append(
            [day.isoformat(), f"{ending:02d}:00", number, name, contingency, limit, flow, 0.0, shadow,
             src, to, kv, kv, f"{local_end:%Y-%m-%dT%H:00:00}", dst]
        )  # fmt: skip
    return rows


# --- the reports, keyed by their path under the API ---------------------------------------------

_D, _S, _N, _B, _I, _T = "DATE", "VARCHAR", "DOUBLE", "BOOLEAN", "INTEGER", "DATETIME"

REPORTS: dict[str, Report] = {
    "np6-345-cd/act_sys_load_by_wzn": Report(
        "NP6-345-CD",
        "Actual System Load by Weather Zone",
        (
            ("operatingDay", "Operating Day", _D),
            ("hourEnding", "Hour Ending", _S),
            ("coast", "Coast", _N),
            ("east", "East", _N),
            ("farWest", "Far West", _N),
            ("north", "North", _N),
            ("northC", "North Central", _N),
            ("southern", "Southern", _N),
            ("southC", "South Central", _N),
            ("west", "West", _N),
            ("total", "Total", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "operatingDay", _weather_zone_hour),
        (
            "OperDay",
            "HourEnding",
            "COAST",
            "EAST",
            "FAR_WEST",
            "NORTH",
            "NORTH_C",
            "SOUTHERN",
            "SOUTH_C",
            "WEST",
            "TOTAL",
            "DSTFlag",
        ),
        DAY_AFTER,
    ),
    "np6-346-cd/act_sys_load_by_fzn": Report(
        "NP6-346-CD",
        "Actual System Load by Forecast Zone",
        (
            ("operatingDay", "Operating Day", _D),
            ("hourEnding", "Hour Ending", _S),
            ("north", "North", _N),
            ("south", "South", _N),
            ("west", "West", _N),
            ("houston", "Houston", _N),
            ("total", "Total", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "operatingDay", _forecast_zone_hour),
        ("OperDay", "HourEnding", "NORTH", "SOUTH", "WEST", "HOUSTON", "TOTAL", "DSTFlag"),
        DAY_AFTER,
    ),
    "np3-565-cd/lf_by_model_weather_zone": Report(
        "NP3-565-CD",
        "Seven-Day Load Forecast by Model and Weather Zone",
        (
            ("postedDatetime", "Posted", _T),
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _S),
            ("coast", "Coast", _N),
            ("east", "East", _N),
            ("farWest", "Far West", _N),
            ("north", "North", _N),
            ("northCentral", "North Central", _N),
            ("southern", "Southern", _N),
            ("southCentral", "South Central", _N),
            ("west", "West", _N),
            ("systemTotal", "System Total", _N),
            ("model", "Model", _S),
            ("inUseFlag", "In Use Flag", _B),
            ("DSTFlag", "DST Flag", _B),
        ),
        _load_forecast_rows,
        (
            "DeliveryDate",
            "HourEnding",
            "Coast",
            "East",
            "FarWest",
            "North",
            "NorthCentral",
            "Southern",
            "SouthCentral",
            "West",
            "SystemTotal",
            "Model",
            "InUseFlag",
            "DSTFlag",
        ),
        PER_VINTAGE,
    ),
    "np4-188-cd/dam_clear_price_for_cap": Report(
        "NP4-188-CD",
        "DAM Clearing Prices for Capacity",
        (
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _S),
            ("ancillaryType", "Ancillary Type", _S),
            ("MCPC", "MCPC", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "deliveryDate", _as_price_hour),
        ("DeliveryDate", "HourEnding", "AncillaryType", "MCPC", "DSTFlag"),
        DAY_BEFORE,
    ),
    "np6-331-cd/rt_clear_price_cap": Report(
        "NP6-331-CD",
        "Real-Time Clearing Prices for Capacity by 15-Minute Settlement Interval",
        (
            ("deliveryDate", "Delivery Date", _D),
            ("deliveryHour", "Delivery Hour", _I),
            ("deliveryInt", "Delivery Interval", _I),
            ("repeatHourFlag", "Repeated Hour Flag", _B),
            ("ASType", "AS Type", _S),
            ("MCPC", "MCPC", _N),
        ),
        _rt_as_rows,
        ("DeliveryDate", "DeliveryHour", "DeliveryInterval", "RepeatedHourFlag", "ASType", "MCPC"),
        QUARTERLY,
    ),
    "np6-332-cd/rt_clear_price_cap_sced": Report(
        "NP6-332-CD",
        "Real-Time Clearing Prices for Capacity by SCED Interval",
        (
            ("SCEDTimestamp", "SCED Timestamp", _T),
            ("repeatHourFlag", "Repeated Hour Flag", _B),
            ("ASType", "AS Type", _S),
            ("MCPC", "MCPC", _N),
        ),
        _sced_as_rows,
        ("SCEDTimestamp", "RepeatedHourFlag", "ASType", "MCPC"),
        PER_SCED_RUN,
    ),
    "np6-322-cd/sced_system_lambda": Report(
        "NP6-322-CD",
        "SCED System Lambda",
        (
            ("SCEDTimestamp", "SCED Time Stamp", _T),
            ("repeatHourFlag", "Repeated Hour Flag", _B),
            ("systemLambda", "System Lambda", _N),
        ),
        _sced_lambda_rows,
        ("SCEDTimeStamp", "RepeatedHourFlag", "SystemLambda"),
        PER_SCED_RUN,
    ),
    "np4-523-cd/dam_system_lambda": Report(
        "NP4-523-CD",
        "DAM System Lambda",
        (
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _S),
            ("systemLambda", "System Lambda", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "deliveryDate", _dam_lambda_hour),
        ("DeliveryDate", "HourEnding", "SystemLambda", "DSTFlag"),
        DAY_BEFORE,
    ),
    "np4-732-cd/wpp_hrly_avrg_actl_fcast": Report(
        "NP4-732-CD",
        "Wind Power Production - Hourly Averaged Actual and Forecasted Values",
        (
            ("postedDatetime", "Posted", _T),
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _I),
            *(
                (f"{kind}{area}", f"{kind} {area}", _N)
                for area in WIND_AREAS
                for kind in ("gen", "COPHSL", "STWPF", "WGRPP")
            ),
            ("HSLSystemWide", "HSL System Wide", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "deliveryDate", partial(_production_hour, False)),
        (
            "DELIVERY_DATE",
            "HOUR_ENDING",
            *(
                f"{kind}_{area}"
                for area in ("SYSTEM_WIDE", "LZ_SOUTH_HOUSTON", "LZ_WEST", "LZ_NORTH")
                for kind in ("ACTUAL", "COP_HSL", "STWPF", "WGRPP")
            ),
            "HSL_SYSTEM_WIDE",
            "DSTFlag",
        ),
        PER_VINTAGE,
    ),
    "np4-737-cd/spp_hrly_avrg_actl_fcast": Report(
        "NP4-737-CD",
        "Solar Power Production - Hourly Averaged Actual and Forecasted Values",
        (
            ("postedDatetime", "Posted", _T),
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _I),
            ("genSystemWide", "Gen System Wide", _N),
            ("COPHSLSystemWide", "COP HSL System Wide", _N),
            ("STPPFSystemWide", "STPPF System Wide", _N),
            ("PVGRPPSystemWide", "PVGRPP System Wide", _N),
            ("HSLSystemWide", "HSL System Wide", _N),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "deliveryDate", partial(_production_hour, True)),
        (
            "DELIVERY_DATE",
            "HOUR_ENDING",
            "GEN_SYSTEM_WIDE",
            "COP_HSL_SYSTEM_WIDE",
            "STPPF_SYSTEM_WIDE",
            "PVGRPP_SYSTEM_WIDE",
            "HSL_SYSTEM_WIDE",
            "DSTFlag",
        ),
        PER_VINTAGE,
    ),
    "np6-86-cd/shdw_prices_bnd_trns_const": Report(
        "NP6-86-CD",
        "SCED Shadow Prices and Binding Transmission Constraints",
        (
            ("SCEDTimestamp", "SCED Timestamp", _T),
            ("repeatedHourFlag", "Repeat Hour Flag", _B),
            ("constraintID", "Constraint Id", _I),
            ("constraintName", "Constraint Name", _S),
            ("contingencyName", "Contingency Name", _S),
            ("shadowPrice", "Shadow Price", _N),
            ("maxShadowPrice", "Max Shadow Price", _N),
            ("limit", "Limit", _N),
            ("value", "Value", _N),
            ("violatedMW", "Violated MW", _N),
            ("fromStation", "From Station", _S),
            ("toStation", "To Station", _S),
            ("fromStationkV", "From Station kV", _N),
            ("toStationkV", "To Station kV", _N),
            ("CCTStatus", "CCT Status", _S),
        ),
        _sced_constraint_rows,
        (
            "SCEDTimestamp",
            "RepeatedHourFlag",
            "ConstraintID",
            "ConstraintName",
            "ContingencyName",
            "ShadowPrice",
            "MaxShadowPrice",
            "Limit",
            "Value",
            "ViolatedMW",
            "FromStation",
            "ToStation",
            "FromStationkV",
            "ToStationkV",
            "CCTStatus",
        ),
        PER_SCED_RUN,
    ),
    "np4-191-cd/dam_shadow_prices": Report(
        "NP4-191-CD",
        "DAM Shadow Prices",
        (
            ("deliveryDate", "Delivery Date", _D),
            ("hourEnding", "Hour Ending", _S),
            ("constraintId", "Constraint Id", _I),
            ("constraintName", "Constraint Name", _S),
            ("contingencyName", "Contingency Name", _S),
            ("constraintLimit", "Constraint Limit", _I),
            ("constraintValue", "Constraint Value", _I),
            ("violationAmount", "Violation Amount", _I),
            ("shadowPrice", "Shadow Price", _N),
            ("fromStation", "From Station", _S),
            ("toStation", "To Station", _S),
            ("fromStationkV", "From Station kV", _N),
            ("toStationkV", "To Station kV", _N),
            ("deliveryTime", "Delivery Time", _T),
            ("DSTFlag", "DST Flag", _B),
        ),
        lambda query: hourly(query, "deliveryDate", _dam_constraint_hour),
        (
            "DeliveryDate",
            "HourEnding",
            "ConstraintID",
            "ConstraintName",
            "ContingencyName",
            "ConstraintLimit",
            "ConstraintValue",
            "ViolationAmount",
            "ShadowPrice",
            "FromStation",
            "ToStation",
            "FromStationkV",
            "ToStationkV",
            "DeliveryTime",
            "DSTFlag",
        ),
        DAY_BEFORE,
    ),
}


# --- fuel mix dashboard -------------------------------------------------------------------------

FUELS = {  # ERCOT's dashboard labels and typical MW
    "Coal and Lignite": 8_500.0,
    "Hydro": 150.0,
    "Natural Gas": 30_000.0,
    "Nuclear": 4_950.0,
    "Other": 40.0,
    "Power Storage": 600.0,
    "Solar": 0.0,
    "Wind": 12_000.0,
}


def fuel_mix_document(now: datetime) -> dict[str, Any]:
    """The dashboard as ERCOT serves it at `now`: yesterday and today up to the last 5-minute
    average that has closed, stamped 3 s before each 5-minute mark with its UTC offset."""
    today = now.astimezone(TZ).date()
    data: dict[str, Any] = {}
    last = ""
    for day in (today - timedelta(days=1), today):
        points: dict[str, Any] = {}
        for start in steps(day, timedelta(minutes=5)):
            end = start + timedelta(minutes=5)
            if end > now:
                break
            last = f"{(end - timedelta(seconds=3)).astimezone(TZ):%Y-%m-%d %H:%M:%S%z}"
            points[last] = {fuel: {"gen": _fuel(fuel, base, start)} for fuel, base in FUELS.items()}
        data[day.isoformat()] = points
    return {
        "lastUpdated": last,
        "monthlyCapacity": {fuel: round(base * 1.6) for fuel, base in FUELS.items()},
        "types": list(FUELS),
        "data": data,
    }


def _fuel(fuel: str, base: float, start: datetime) -> float:
    if fuel == "Solar":
        return _solar(start, "gen")
    if fuel == "Wind":
        return _wind("SystemWide", start, "gen")
    return _round(base * (1 + 0.05 * wobble(fuel, start)))
