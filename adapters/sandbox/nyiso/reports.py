"""The NYISO sandbox's market-wide MIS files (load, forecast, fuel mix, reserves, interfaces, constraints),
printed as NYISO prints them: same columns, quoting, stamps, `Time Zone` marks and DST behaviour.

Values are deterministic (a CRC of what they describe) with plausible magnitudes.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ...model import FIVE_MINUTES, HOUR
from ...nyiso.nodes import ZONES

EASTERN = ZoneInfo("America/New_York")


# Typical zonal loads, MW, and the isolf column label of each zone.
ZONE_LOAD = {
    "CAPITL": 1250.0,
    "CENTRL": 1650.0,
    "DUNWOD": 600.0,
    "GENESE": 1000.0,
    "HUD VL": 1050.0,
    "LONGIL": 2200.0,
    "MHK VL": 800.0,
    "MILLWD": 300.0,
    "N.Y.C.": 5500.0,
    "NORTH": 520.0,
    "WEST": 1700.0,
}
ISOLF_LABELS = {zone: zone.title() if zone != "N.Y.C." else zone for zone in ZONE_LOAD}
PTIDS = {name: ptid for ptid, name in ZONES.items()}
FUELS = {  # rtfuelmix's categories, in its row order, with typical MW
    "Dual Fuel": 1800.0,
    "Natural Gas": 2400.0,
    "Nuclear": 3300.0,
    "Other Fossil Fuels": 20.0,
    "Other Renewables": 300.0,
    "Wind": 600.0,
    "Hydro": 3000.0,
}
INTERFACES = {  # ExternalLimitsFlows names, Point IDs, typical flow and limits (9999: no limit)
    "CENTRAL EAST - VC": (23330, 2000.0, 2175.0, -9999.0),
    "DYSINGER EAST": (23326, 950.0, 1500.0, -9999.0),
    "MOSES SOUTH": (23319, 1850.0, 2850.0, -1600.0),
    "SCH - HQ - NY": (23324, 1200.0, 1200.0, -500.0),
    "SCH - PJ - NY": (23321, 600.0, 2000.0, -2000.0),
    "TOTAL EAST": (23314, 4000.0, 6800.0, -9999.0),
    "UPNY CONED": (23315, 1850.0, 5700.0, -9999.0),
    "WEST CENTRAL": (23312, 780.0, 9999.0, -9999.0),
}
CONSTRAINTS = (  # (limiting facility, facility PTID, contingency)
    ("CENTRAL EAST - VC", 25000, "BASE CASE"),
    ("DUNWODIE 345 SHORE_RD 345 1", 25476, "SCB:DUNWODIE(RNS2):SB 345"),
    ("LEEDS 345 PLSNTVLY 345 1", 25046, "SCB:ATHENS(RNS5):345"),
    ("FRASRANN 115 CLAY 115 1", 25633, "BASE CASE"),
)


def _unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) for what `parts` describe."""
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


def _daily(local_hour: float) -> float:
    """A load-like daily shape: low before dawn, peaking in the late afternoon."""
    return 0.82 + 0.28 * math.sin((local_hour - 10.0) / 24.0 * 2 * math.pi) ** 2


def _instants(day: date, step: timedelta, until: datetime | None, days: int = 1) -> Iterator[datetime]:
    """The UTC interval starts of `days` Eastern operating days from `day` (23 or 25 hours on DST
    days) whose intervals are over by `until`: a day's real-time file grows as the day goes."""
    t = datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC)
    last = day + timedelta(days=days)
    end = datetime(last.year, last.month, last.day, tzinfo=EASTERN).astimezone(UTC)
    if until is not None:
        end = min(end, until - step + timedelta(microseconds=1))
    while t < end:
        yield t
        t += step


def _wall(t: datetime, seconds: bool = True) -> tuple[str, str, float]:
    """(NYISO stamp, EDT/EST, local hour) of a UTC instant."""
    local = t.astimezone(EASTERN)
    stamp = local.strftime("%m/%d/%Y %H:%M:%S" if seconds else "%m/%d/%Y %H:%M")
    return stamp, local.tzname() or "EST", local.hour + local.minute / 60


def _load(zone: str, t: datetime, hour: float) -> float:
    return ZONE_LOAD[zone] * _daily(hour) * (0.98 + 0.04 * _unit("load", zone, t.timestamp()))


def pal(day: date, until: datetime | None = None, column: str = "Load", step: timedelta = FIVE_MINUTES) -> bytes:
    out = [f'"Time Stamp","Time Zone","Name","PTID","{column}"\r\n']
    for t in _instants(day, step, until):
        stamp, zone_name, hour = _wall(t)
        for zone in ZONE_LOAD:
            out.append(f'"{stamp}","{zone_name}","{zone}",{PTIDS[zone]},{_load(zone, t, hour):.1f}\r\n')
    return "".join(out).encode()


def pal_integrated(day: date, until: datetime | None = None) -> bytes:
    return pal(day, until, "Integrated Load", HOUR)


ISOLF_PUBLISHED = timedelta(hours=-13, minutes=-15)  # the sandbox posts vintage D at 10:45 on D-1


def isolf_published(day: date) -> datetime:
    """When the sandbox's isolf file dated `day` was posted (UTC)."""
    return (datetime(day.year, day.month, day.day, tzinfo=EASTERN) + ISOLF_PUBLISHED).astimezone(UTC)


def isolf(day: date, until: datetime | None = None) -> bytes:
    labels = ",".join(f'"{ISOLF_LABELS[zone]}"' for zone in ZONE_LOAD)
    out = [f'"Time Stamp",{labels},"NYISO"\r\n']
    for t in _instants(day, HOUR, None, days=6):  # a forecast: whole when posted
        stamp, _, hour = _wall(t, seconds=False)
        # Each vintage misses the day's load by its own few percent: later vintages differ.
        mws = [
            round(_load(zone, t, hour) * (0.97 + 0.06 * _unit("isolf", day, zone, t.timestamp()))) for zone in ZONE_LOAD
        ]
        out.append(f'"{stamp}",{",".join(map(str, mws))},{sum(mws)}\r\n')
    return "".join(out).encode()


def rtfuelmix(day: date, until: datetime | None = None) -> bytes:
    out = ["Time Stamp,Time Zone,Fuel Category,Gen MW\r\n"]
    # As NYISO's files: 00:05 .. 23:55; the midnight reading is not printed.
    for t in list(_instants(day, FIVE_MINUTES, until))[1:]:
        stamp, zone_name, hour = _wall(t)
        for fuel, mw in FUELS.items():
            shaped = mw * (_daily(hour) if fuel in ("Dual Fuel", "Natural Gas") else 1.0)
            out.append(f"{stamp},{zone_name},{fuel},{shaped * (0.95 + 0.1 * _unit(fuel, t.timestamp())):.1f}\r\n")
    return "".join(out).encode()


RESERVES = (  # (column, typical $/MWh, scaled up downstate)
    ("10 Min Spinning Reserve ($/MWHr)", 4.0, True),
    ("10 Min Non-Synchronous Reserve ($/MWHr)", 2.0, True),
    ("30 Min Operating Reserve ($/MWHr)", 0.8, True),
    ("NYCA Regulation Capacity ($/MWHr)", 9.0, False),
)
DOWNSTATE = {"DUNWOD", "HUD VL", "LONGIL", "MILLWD", "N.Y.C."}


def _asp(day: date, until: datetime | None, run: str, step: timedelta, ending: bool) -> bytes:
    header = ["Time Stamp", "Time Zone", "Name", "PTID", *(c for c, _, _ in RESERVES)]
    if ending:
        header.append("NYCA Regulation Movement ($/MW)")
    out = [",".join(f'"{h}"' for h in header) + "\r\n"]
    for t in _instants(day, step, until):
        label = t + step if ending else t
        stamp, zone_name, _ = _wall(label, seconds=ending)
        noise = _unit(run, t.timestamp())
        for zone in ZONE_LOAD:
            prices = [
                base * (1.8 if regional and zone in DOWNSTATE else 1.0) * (0.7 + 0.6 * noise)
                for _, base, regional in RESERVES
            ]
            if ending:
                prices.append(0.1 + 0.2 * noise)
            values = ",".join(f"{p:.2f}" for p in prices)
            out.append(f'"{stamp}","{zone_name}","{zone}",{PTIDS[zone]},{values}\r\n')
    return "".join(out).encode()


def damasp(day: date, until: datetime | None = None) -> bytes:
    return _asp(day, None, "damasp", HOUR, ending=False)


def rtasp(day: date, until: datetime | None = None) -> bytes:
    return _asp(day, until, "rtasp", FIVE_MINUTES, ending=True)


def external_limits_flows(day: date, until: datetime | None = None) -> bytes:
    out = ["Timestamp,Interface Name,Point ID,Flow (MWH),Positive Limit (MWH),Negative Limit (MWH)\r\n"]
    for t in _instants(day, FIVE_MINUTES, until):
        stamp, _, hour = _wall(t, seconds=False)  # no zone column: 01:xx is printed twice in the fall
        for name, (point, flow, positive, negative) in INTERFACES.items():
            value = flow * _daily(hour) * (0.9 + 0.2 * _unit(name, t.timestamp()))
            out.append(f"{stamp},{name},{point},{value:.2f},{positive:g},{negative:g}\r\n")
    return "".join(out).encode()


def _constraints(day: date, until: datetime | None, run: str, step: timedelta) -> bytes:
    out = ['"Time Stamp","Time Zone","Limiting Facility","Facility PTID","Contingency","Constraint Cost($)"\r\n']
    for t in _instants(day, step, until):
        stamp, zone_name, hour = _wall(t, seconds=False)
        for facility, ptid, contingency in CONSTRAINTS:
            chance = _unit(run, facility, t.timestamp())
            # Central East binds all day; the others now and then, more often at peak.
            if facility == CONSTRAINTS[0][0] or chance < 0.3 * _daily(hour):
                cost = 5.0 + 60.0 * chance
                out.append(f'"{stamp}","{zone_name}","{facility}",{ptid},"{contingency}",{cost:.2f}\r\n')
    return "".join(out).encode()


def limiting_constraints(day: date, until: datetime | None = None) -> bytes:
    return _constraints(day, until, "LimitingConstraints", FIVE_MINUTES)


def dam_limiting_constraints(day: date, until: datetime | None = None) -> bytes:
    return _constraints(day, None, "DAMLimitingConstraints", HOUR)


DAY_FILES: dict[str, Callable[[date, datetime | None], bytes]] = {
    "pal": pal,
    "palIntegrated": pal_integrated,
    "isolf": isolf,
    "rtfuelmix": rtfuelmix,
    "damasp": damasp,
    "rtasp": rtasp,
    "ExternalLimitsFlows": external_limits_flows,
    "LimitingConstraints": limiting_constraints,
    "DAMLimitingConstraints": dam_limiting_constraints,
}
