"""The sandbox's market-wide Data Miner feeds: the real feeds' columns, labels and stamps, synthetic values.

Labels are PJM's own (load areas, inst_load areas, forecast areas, fuel types, reserve locales and
services, constraint names from recorded `da_marginal_value` rows). Magnitudes are plausible, values
deterministic: the same feed, label and instant always give the same number. Intervals are made
in UTC and printed in both columns, so DST days come out as they do from PJM (25 or 23 hourly rows).
What "now" has published: actuals up to now, day-ahead results through tomorrow, forecast vintages
evaluated by now.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ...model import FIVE_MINUTES, HOUR
from .wire import TZ, BadQuery, Table, instants, only_filters, wall_range

# reserve_market_results has printed 5-minute rows since 2022-09-01 00:00 EPT, hourly ones before.
RT_RESERVES_FIVE_MINUTE_FROM = datetime(2022, 9, 1, 4, tzinfo=UTC)
BEGINNING = "datetime_beginning_ept"

# (nerc_region, mkt_region, zone, load_area, average MW)
LOAD_AREAS: tuple[tuple[str, str, str, str, float], ...] = (
    ("RFC", "MIDATL", "AE", "AECO", 1200.0),
    ("RFC", "MIDATL", "BC", "BC", 3300.0),
    ("RFC", "MIDATL", "DPL", "DPLCO", 2000.0),
    ("RFC", "MIDATL", "DPL", "EASTON", 30.0),
    ("RFC", "MIDATL", "JC", "JC", 2500.0),
    ("RFC", "MIDATL", "ME", "ME", 1600.0),
    ("RFC", "MIDATL", "PE", "PE", 4000.0),
    ("RFC", "MIDATL", "PEP", "PEPCO", 3200.0),
    ("RFC", "MIDATL", "PEP", "SMECO", 400.0),
    ("RFC", "MIDATL", "PL", "PLCO", 4300.0),
    ("RFC", "MIDATL", "PL", "UGI", 110.0),
    ("RFC", "MIDATL", "PN", "PN", 1800.0),
    ("RFC", "MIDATL", "PS", "PS", 4700.0),
    ("RFC", "MIDATL", "RECO", "RECO", 150.0),
    ("RFC", "WEST", "AEP", "AEPAPT", 3500.0),
    ("RFC", "WEST", "AEP", "AEPIMP", 2500.0),
    ("RFC", "WEST", "AEP", "AEPKPT", 700.0),
    ("RFC", "WEST", "AEP", "AEPOPT", 5000.0),
    ("RFC", "WEST", "AP", "AP", 5000.0),
    ("RFC", "WEST", "ATSI", "OE", 4000.0),
    ("RFC", "WEST", "ATSI", "PAPWR", 400.0),
    ("RFC", "WEST", "CE", "CE", 11500.0),
    ("RFC", "WEST", "DAY", "DAY", 1900.0),
    ("RFC", "WEST", "DEOK", "DEOK", 3000.0),
    ("RFC", "WEST", "DUQ", "DUQ", 1500.0),
    ("SERC", "WEST", "EKPC", "EKPC", 1600.0),
    ("RFC", "WEST", "OVEC", "OVEC", 50.0),
    ("SERC", "SOUTH", "DOM", "DOM", 11000.0),
    ("SERC", "SOUTH", "DOM", "VMEU", 60.0),
)


def _zone_mw(*zones: str) -> float:
    return sum(mw for _, _, zone, _, mw in LOAD_AREAS if zone in zones)


def _region_mw(region: str) -> float:
    return sum(mw for _, mkt, _, _, mw in LOAD_AREAS if region in ("", mkt))


# inst_load's areas (gridstatus `get_load`) and forecast areas (load_frcstd_7_day), sized from the
# load areas they cover.
INST_AREAS: tuple[tuple[str, float], ...] = (
    ("AE", _zone_mw("AE")),
    ("AEP", _zone_mw("AEP")),
    ("APS", _zone_mw("AP")),
    ("ATSI", _zone_mw("ATSI")),
    ("BC", _zone_mw("BC")),
    ("COMED", _zone_mw("CE")),
    ("DAYTON", _zone_mw("DAY")),
    ("DEOK", _zone_mw("DEOK")),
    ("DOM", _zone_mw("DOM")),
    ("DPL", _zone_mw("DPL")),
    ("DUQ", _zone_mw("DUQ")),
    ("EKPC", _zone_mw("EKPC")),
    ("JC", _zone_mw("JC")),
    ("ME", _zone_mw("ME")),
    ("PE", _zone_mw("PE")),
    ("PEP", _zone_mw("PEP")),
    ("PJM MID ATLANTIC REGION", _region_mw("MIDATL")),
    ("PJM RTO", _region_mw("")),
    ("PJM SOUTHERN REGION", _region_mw("SOUTH")),
    ("PJM WESTERN REGION", _region_mw("WEST")),
    ("PL", _zone_mw("PL")),
    ("PN", _zone_mw("PN")),
    ("PS", _zone_mw("PS")),
    ("RECO", _zone_mw("RECO")),
)
# load_frcstd_hist's fewer areas (gridstatus `get_load_forecast_historical` test columns)
HISTORY_AREAS: tuple[tuple[str, float], ...] = (
    ("AEP", _zone_mw("AEP")),
    ("APS", _zone_mw("AP")),
    ("ATSI", _zone_mw("ATSI")),
    ("COMED", _zone_mw("CE")),
    ("DAY", _zone_mw("DAY")),
    ("DEOK", _zone_mw("DEOK")),
    ("DOM", _zone_mw("DOM")),
    ("DUQ", _zone_mw("DUQ")),
    ("EKPC", _zone_mw("EKPC")),
    ("MIDATL", _region_mw("MIDATL")),
    ("RTO", _region_mw("")),
)
FORECAST_AREAS: tuple[tuple[str, float], ...] = (
    ("AE/MIDATL", _zone_mw("AE")),
    ("AEP", _zone_mw("AEP")),
    ("AP", _zone_mw("AP")),
    ("ATSI", _zone_mw("ATSI")),
    ("BG&E/MIDATL", _zone_mw("BC")),
    ("COMED", _zone_mw("CE")),
    ("DAYTON", _zone_mw("DAY")),
    ("DEOK", _zone_mw("DEOK")),
    ("DOMINION", _zone_mw("DOM")),
    ("DP&L/MIDATL", _zone_mw("DPL")),
    ("DUQUESNE", _zone_mw("DUQ")),
    ("EKPC", _zone_mw("EKPC")),
    ("JCP&L/MIDATL", _zone_mw("JC")),
    ("METED/MIDATL", _zone_mw("ME")),
    ("MID_ATLANTIC_REGION", _region_mw("MIDATL")),
    ("PECO/MIDATL", _zone_mw("PE")),
    ("PENELEC/MIDATL", _zone_mw("PN")),
    ("PEPCO/MIDATL", _zone_mw("PEP")),
    ("PPL/MIDATL", _zone_mw("PL")),
    ("PSE&G/MIDATL", _zone_mw("PS")),
    ("RECO/MIDATL", _zone_mw("RECO")),
    ("RTO_COMBINED", _region_mw("")),
    ("SOUTHERN_REGION", _region_mw("SOUTH")),
    ("UGI/MIDATL", 110.0),
    ("WESTERN_REGION", _region_mw("WEST")),
)
# gen_by_fuel's fuel types: (label, is_renewable, average MW, share that follows the sun)
FUELS: tuple[tuple[str, bool, float, bool], ...] = (
    ("Coal", False, 18000.0, False),
    ("Gas", False, 40000.0, False),
    ("Hydro", True, 1500.0, False),
    ("Multiple Fuels", False, 500.0, False),
    ("Nuclear", False, 32000.0, False),
    ("Oil", False, 200.0, False),
    ("Other", False, 300.0, False),
    ("Other Renewables", True, 700.0, False),
    ("Solar", True, 6000.0, True),
    ("Storage", False, 60.0, False),
    ("Wind", True, 3500.0, False),
)
# (locale, service) as the two reserve feeds print them (gridstatus `locale_abbreviated_to_full`)
DA_RESERVES = (
    ("PJM RTO Reserve Zone", "SR"),
    ("PJM RTO Reserve Zone", "PR"),
    ("PJM RTO Reserve Zone", "30MIN"),
    ("Mid-Atlantic/Dominion Reserve Subzone", "SR"),
    ("Mid-Atlantic/Dominion Reserve Subzone", "PR"),
)
RT_RESERVES = (
    ("PJM_RTO", "REG"),
    ("PJM_RTO", "SR"),
    ("PJM_RTO", "PR"),
    ("PJM_RTO", "30MIN"),
    ("MAD", "SR"),
    ("MAD", "PR"),
)
# (monitored facility, contingency facility) as recorded in da_marginal_value
CONSTRAINTS = (
    ("BERGEN  230 KV  BER-HUD", "ACTUAL"),
    ("CHESWICK138 KV  CHE-LF53", "138.Cheswick-Logans Ferry.Z-52"),
    ("SAYRECON230 KV  SAY-SAY", "ACTUAL"),
    ("Turkey Hill-Hilgard 138 kV l/o Prairie State-Mt Vernon 345 kV", "Prairie State-W Mt. Vernon 345"),
)
RENEWABLE_AREAS = ("MIDATL", "OTHER", "RFC", "RTO", "SOUTH", "WEST")


def _noise(*parts: object) -> float:
    """A stable number in [0, 1) for the given labels and instant (Python's hash() is salted)."""
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


def _load_shape(local: datetime) -> float:
    """Night trough, evening peak, a little lower at weekends."""
    hour = local.hour + local.minute / 60
    weekend = 0.93 if local.weekday() >= 5 else 1.0
    return weekend * (0.78 + 0.22 * math.sin((hour - 11.0) / 24.0 * 2 * math.pi) ** 2 + 0.12 * (8 <= hour < 22))


def _sun(local: datetime) -> float:
    hour = local.hour + local.minute / 60
    return max(0.0, math.sin((hour - 6.5) / 13.0 * math.pi)) if 6.5 <= hour <= 19.5 else 0.0


def _text(instant: datetime) -> str:
    return instant.replace(tzinfo=None).isoformat()


def _local(instant: datetime) -> datetime:
    return instant.astimezone(TZ).replace(tzinfo=None)


def _stamps(instant: datetime) -> tuple[str, str]:
    """An instant as the feeds print it: UTC and EPT wall time."""
    return _text(instant), _local(instant).isoformat()


BEGINS = ("datetime_beginning_utc", "datetime_beginning_ept")
ENDS = ("datetime_ending_utc", "datetime_ending_ept")


def _range(params: dict[str, str], column: str) -> tuple[datetime, datetime]:
    only_filters(params, {column})
    span = params.get(column)
    if not span:
        raise BadQuery(column, f"A {column} range is required")
    return wall_range(span)


def _table(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Table:
    return Table(columns, len(rows), rows.__getitem__)


def _ended_hours(params: dict[str, str], now: datetime) -> list[tuple[datetime, datetime]]:
    """The hours asked for (by their EPT beginning) that are over by `now`: what actuals exist for."""
    lo, hi = _range(params, BEGINNING)
    return [(t, local) for t, local in instants(lo, hi, HOUR) if t + HOUR <= now]


def _hrl_load_metered(params: dict[str, str], now: datetime) -> Table:
    rows: list[tuple[Any, ...]] = []
    for t, local in _ended_hours(params, now):
        shape = _load_shape(local)
        for nerc, region, zone, area, mw in LOAD_AREAS:
            value = round(mw * shape * (0.97 + 0.06 * _noise("hrl", area, t)), 3)
            rows.append((*_stamps(t), nerc, region, zone, area, value, True))
    return _table((*BEGINS, "nerc_region", "mkt_region", "zone", "load_area", "mw", "is_verified"), rows)


def _inst_load(params: dict[str, str], now: datetime) -> Table:
    """A reading every 5 minutes, stamped up to 15 seconds either side of its mark (so a day's
    00:00 reading may carry the day before's date); the filter applies to the stamp, to the
    minute, its end inclusive."""
    lo, hi = _range(params, BEGINNING)
    rows: list[tuple[Any, ...]] = []
    for t, _ in instants(lo - timedelta(minutes=5), hi + timedelta(minutes=5), FIVE_MINUTES):
        read = t + timedelta(seconds=int(_noise("inst-seconds", t) * 31) - 15)
        if read > now or not lo <= _local(read) < hi + timedelta(minutes=1):
            continue
        shape = _load_shape(_local(t))
        for area, mw in INST_AREAS:
            value = round(mw * shape * (0.98 + 0.04 * _noise("inst", area, t)), 3)
            rows.append((*_stamps(read), area, value))
    return _table((*BEGINS, "area", "instantaneous_load"), rows)


def _load_vintages(now: datetime) -> list[datetime]:
    """Twice a day, at 05:45 and 17:45 EPT; the feed keeps the last two days' vintages."""
    today = now.astimezone(TZ).date()
    out = []
    for back in (2, 1, 0):
        day = today - timedelta(days=back)
        for hour in (5, 17):
            evaluated = datetime(day.year, day.month, day.day, hour, 45, tzinfo=TZ).astimezone(UTC)
            if now - timedelta(days=2) < evaluated <= now:
                out.append(evaluated)
    return out


def _load_frcstd_7_day(params: dict[str, str], now: datetime) -> Table:
    lo, hi = _range(params, "forecast_datetime_beginning_ept")
    vintages = _load_vintages(now)
    rows: list[tuple[Any, ...]] = []
    for t, local in instants(lo, hi, HOUR):
        shape = _load_shape(local)
        for evaluated in vintages:
            # a vintage covers seven operating days from the day it was made
            first = evaluated.astimezone(TZ).date()
            if not first <= local.date() < first + timedelta(days=7):
                continue
            for area, mw in FORECAST_AREAS:
                value = round(mw * shape * (0.96 + 0.08 * _noise("lf", area, t, evaluated)), 0)
                rows.append((*_stamps(evaluated), area, *_stamps(t), *_stamps(t + HOUR), value))
    columns = (
        "evaluated_at_datetime_utc",
        "evaluated_at_datetime_ept",
        "forecast_area",
        "forecast_datetime_beginning_utc",
        "forecast_datetime_beginning_ept",
        "forecast_datetime_ending_utc",
        "forecast_datetime_ending_ept",
        "forecast_load_mw",
    )
    return _table(columns, rows)


def _load_frcstd_hist(params: dict[str, str], now: datetime) -> Table:
    """Every vintage of past operating days: those evaluated at 05:45 and 17:45 EPT on the day and
    the four before it (ten per hour, as gridstatus' test counts); today's and later days are not
    in the history yet. No ending column: a row is one hour."""
    lo, hi = _range(params, "forecast_hour_beginning_ept")
    today = now.astimezone(TZ).date()
    rows: list[tuple[Any, ...]] = []
    for t, local in instants(lo, hi, HOUR):
        day = local.date()
        if day >= today:
            continue
        shape = _load_shape(local)
        for back in range(4, -1, -1):
            made = day - timedelta(days=back)
            for hour in (5, 17):
                evaluated = datetime(made.year, made.month, made.day, hour, 45, tzinfo=TZ).astimezone(UTC)
                for area, mw in HISTORY_AREAS:
                    value = round(mw * shape * (0.96 + 0.08 * _noise("lfh", area, t, evaluated)), 0)
                    rows.append((*_stamps(evaluated), area, *_stamps(t), value))
    columns = (
        "evaluated_at_utc",
        "evaluated_at_ept",
        "forecast_area",
        "forecast_hour_beginning_utc",
        "forecast_hour_beginning_ept",
        "forecast_load_mw",
    )
    return _table(columns, rows)


def _gen_by_fuel(params: dict[str, str], now: datetime) -> Table:
    rows: list[tuple[Any, ...]] = []
    for t, local in _ended_hours(params, now):
        outputs = []
        for fuel, _, mw, solar in FUELS:
            scale = _sun(local) if solar else _load_shape(local)
            outputs.append(round(mw * scale * (0.9 + 0.2 * _noise("fuel", fuel, t)), 1))
        total = sum(outputs) or 1.0
        for (fuel, renewable, _, _), value in zip(FUELS, outputs, strict=True):
            share = round(value / total, 4)
            rows.append((*_stamps(t), fuel, value, share, renewable))
    return _table((*BEGINS, "fuel_type", "mw", "fuel_percentage_of_total", "is_renewable"), rows)


def _clearing_price(service: str, t: datetime) -> float:
    """Mostly cents to a few dollars, an occasional scarcity spike."""
    spike = 80.0 if _noise("spike", service, t) > 0.995 else 0.0
    base = {"REG": 12.0, "SR": 3.0, "PR": 1.0, "30MIN": 0.5}.get(service, 1.0)
    return round(base * _noise("mcp", service, t) + spike, 2)


def _da_reserve_market_results(params: dict[str, str], now: datetime) -> Table:
    lo, hi = _range(params, BEGINNING)
    tomorrow = now.astimezone(TZ).date() + timedelta(days=1)
    rows: list[tuple[Any, ...]] = []
    for t, local in instants(lo, hi, HOUR):
        if local.date() > tomorrow:
            continue
        for locale, service in DA_RESERVES:
            mcp = _clearing_price(service, t)
            required = round(1500.0 + 500.0 * _noise("req", locale, service, t), 1)
            rows.append((*_stamps(t), locale, service, mcp, mcp, required, required, required, 0.0))
    columns = (
        *BEGINS,
        "locale",
        "service",
        "mcp",
        "mcp_capped",
        "as_req_mw",
        "total_mw",
        "as_mw",
        "ss_mw",
    )
    return _table(columns, rows)


def _reserve_market_results(params: dict[str, str], now: datetime) -> Table:
    lo, hi = _range(params, BEGINNING)
    rows: list[tuple[Any, ...]] = []
    for step in (HOUR, FIVE_MINUTES):
        for t, _ in instants(lo, hi, step):
            if (t >= RT_RESERVES_FIVE_MINUTE_FROM) != (step == FIVE_MINUTES) or t + step > now:
                continue
            for locale, service in RT_RESERVES:
                mcp = _clearing_price(service, t)
                ccp = round(mcp * 0.8, 2) if service == "REG" else None
                pcp = round(mcp - ccp, 2) if ccp is not None else None
                required = round(500.0 + 1500.0 * _noise("rtreq", locale, service, t), 1)
                rows.append((*_stamps(t), locale, service, mcp, mcp, ccp, pcp, required, required))
    rows.sort(key=lambda row: row[0])
    columns = (
        *BEGINS,
        "locale",
        "service",
        "mcp",
        "mcp_capped",
        "reg_ccp",
        "reg_pcp",
        "as_req_mw",
        "total_mw",
    )
    return _table(columns, rows)


def _marginal_value(name: str, step: timedelta, day_ahead: bool) -> Callable[[dict[str, str], datetime], Table]:
    def table(params: dict[str, str], now: datetime) -> Table:
        lo, hi = _range(params, BEGINNING)
        tomorrow = now.astimezone(TZ).date() + timedelta(days=1)
        rows: list[tuple[Any, ...]] = []
        for t, local in instants(lo, hi, step):
            if (local.date() > tomorrow) if day_ahead else (t + step > now):
                continue
            # a constraint binds for a few hours at a time: decide per hour, price per interval; the
            # first is a standing one (binding every interval), so every day has a full series
            hour = t.replace(minute=0)
            for n, (monitored, contingency) in enumerate(CONSTRAINTS):
                if n and _noise("binds", name, monitored, hour) < 0.7:
                    continue
                shadow = -round(1.0 + 120.0 * _noise("shadow", name, monitored, t) ** 3, 2)
                rows.append((*_stamps(t), *_stamps(t + step), monitored, contingency, shadow))
        return _table((*BEGINS, *ENDS, "monitored_facility", "contingency_facility", "shadow_price"), rows)

    return table


FORECAST_RETENTION = timedelta(days=30)  # the feeds keep 30 days of vintages (gridstatus)


def _power_forecast(solar: bool) -> Callable[[dict[str, str], datetime], Table]:
    """Vintages every hour, each for the 48 hours from its evaluation hour (as recorded), asked
    by evaluation time (`evaluated_at_ept`, as the recorded sample's query); vintages older than
    the retention are gone."""
    name = "hourly_solar_power_forecast" if solar else "hourly_wind_power_forecast"
    values = ("solar_forecast_mwh", "solar_forecast_btm_mwh") if solar else ("wind_forecast_mwh",)

    def table(params: dict[str, str], now: datetime) -> Table:
        lo, hi = _range(params, "evaluated_at_ept")
        rows: list[tuple[Any, ...]] = []
        for evaluated, _ in instants(lo, hi, HOUR):
            if evaluated > now or evaluated < now - FORECAST_RETENTION:
                continue
            for ahead in range(48):
                t = evaluated + timedelta(hours=ahead)
                local = _local(t)
                error = 0.9 + 0.2 * _noise(name, t, evaluated)
                stamps = (*_stamps(evaluated), *_stamps(t), *_stamps(t + HOUR))
                if solar:
                    grid = round(9000.0 * _sun(local) * error, 3)
                    rows.append((*stamps, grid, round(grid * 0.6, 3)))
                else:
                    rows.append((*stamps, round(3500.0 * (0.4 + 0.6 * _noise("wind", t)) * error, 3)))
        return _table(("evaluated_at_utc", "evaluated_at_ept", *BEGINS, *ENDS, *values), rows)

    return table


def _generation(solar: bool) -> Callable[[dict[str, str], datetime], Table]:
    column = "solar_generation_mw" if solar else "wind_generation_mw"
    shares = {"MIDATL": 0.35, "OTHER": 0.05, "RFC": 0.8, "RTO": 1.0, "SOUTH": 0.2, "WEST": 0.4}

    def table(params: dict[str, str], now: datetime) -> Table:
        rows: list[tuple[Any, ...]] = []
        for t, local in _ended_hours(params, now):
            total = 9000.0 * _sun(local) if solar else 3500.0 * (0.4 + 0.6 * _noise("wind", t))
            for area in RENEWABLE_AREAS:
                rows.append((*_stamps(t), area, round(total * shares[area], 3)))
        return _table((*BEGINS, "area", column), rows)

    return table


TABLES: dict[str, Callable[[dict[str, str], datetime], Table]] = {
    "hrl_load_metered": _hrl_load_metered,
    "inst_load": _inst_load,
    "load_frcstd_7_day": _load_frcstd_7_day,
    "load_frcstd_hist": _load_frcstd_hist,
    "gen_by_fuel": _gen_by_fuel,
    "da_reserve_market_results": _da_reserve_market_results,
    "reserve_market_results": _reserve_market_results,
    "da_marginal_value": _marginal_value("da_marginal_value", HOUR, day_ahead=True),
    "rt_marginal_value": _marginal_value("rt_marginal_value", FIVE_MINUTES, day_ahead=False),
    "hourly_solar_power_forecast": _power_forecast(solar=True),
    "hourly_wind_power_forecast": _power_forecast(solar=False),
    "solar_gen": _generation(solar=True),
    "wind_gen": _generation(solar=False),
}
