"""The queries the benchmark sends, and the JSON floor: the same answer built and dumped directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from gridql.adapters.model import ISO, MarketRun, PriceRecord, Window

DASHBOARD_NODES = [
    "PJM:51288", "PJM:51217", "PJM:51287", "PJM:4669664", "PJM:35010337",
    "ERCOT:HB_HOUSTON", "ERCOT:HB_NORTH", "ERCOT:HB_SOUTH", "ERCOT:HB_WEST", "ERCOT:LZ_NORTH",
    "CAISO:TH_NP15_GEN-APND", "CAISO:TH_SP15_GEN-APND", "CAISO:TH_ZP26_GEN-APND", "CAISO:DLAP_PGAE-APND",
    "CAISO:DLAP_SCE-APND",
    "NYISO:61761", "NYISO:61757", "NYISO:61752", "NYISO:61762", "NYISO:61758",
]  # fmt: skip
COLUMNS = "start end lmp energy congestion loss"
DASHBOARD = f"""query($ids: [ID!]!, $date: Date!) {{ nodes(ids: $ids) {{ id
  da: priceSeries(run: DAY_AHEAD_HOURLY, date: $date) {{ {COLUMNS} }}
  rt: priceSeries(run: REAL_TIME_5_MIN, date: $date) {{ {COLUMNS} }} }} }}"""
DASHBOARD_TYPED = f"""query($ids: [ID!]!, $date: Date!) {{ nodes(ids: $ids) {{ id
  da: prices(run: DAY_AHEAD_HOURLY, date: $date) {{ {COLUMNS} }}
  rt: prices(run: REAL_TIME_5_MIN, date: $date) {{ {COLUMNS} }} }} }}"""
LONG_NODE = "NYISO:61761"
LONG = f"""query($id: ID!, $date: Date!, $days: Int!) {{ node(id: $id) {{
  priceSeries(run: REAL_TIME_5_MIN, date: $date, days: $days) {{ {COLUMNS} }} }} }}"""
LONG_TYPED = f"""query($id: ID!, $date: Date!, $days: Int!) {{ node(id: $id) {{
  prices(run: REAL_TIME_5_MIN, date: $date, days: $days) {{ {COLUMNS} }} }} }}"""

RUNS = {"da": MarketRun.DAY_AHEAD_HOURLY, "rt": MarketRun.REAL_TIME_5_MIN}
TIMEZONES = {
    ISO.PJM: ZoneInfo("America/New_York"),
    ISO.ERCOT: ZoneInfo("America/Chicago"),
    ISO.CAISO: ZoneInfo("America/Los_Angeles"),
    ISO.NYISO: ZoneInfo("America/New_York"),
}


@dataclass(slots=True)
class Interval:
    """One answer row held in memory, its times already in the market's zone: the floor's input."""

    start: datetime
    end: datetime
    lmp: float
    energy: float | None
    congestion: float | None
    loss: float | None


def held(records: list[PriceRecord], tz: ZoneInfo) -> list[Interval]:
    """Done once, before the floor is timed: a server that caches its answers' local times pays this once too."""
    return [
        Interval(r.start.astimezone(tz), r.end.astimezone(tz), r.lmp, r.energy, r.congestion, r.loss) for r in records
    ]


def columns(intervals: list[Interval]) -> dict[str, list[Any]]:
    return {
        "start": [i.start for i in intervals],
        "end": [i.end for i in intervals],
        "lmp": [i.lmp for i in intervals],
        "energy": [i.energy for i in intervals],
        "congestion": [i.congestion for i in intervals],
        "loss": [i.loss for i in intervals],
    }


def rows(intervals: list[Interval]) -> list[dict[str, Any]]:
    return [
        {"start": i.start, "end": i.end, "lmp": i.lmp, "energy": i.energy, "congestion": i.congestion, "loss": i.loss}
        for i in intervals
    ]


def floor_dashboard(intervals: dict[tuple[str, str], list[Interval]], *, typed: bool) -> bytes:
    """The W1 answer's JSON built straight from intervals in memory and written by orjson, datetimes
    included: what any Python server must at least do, so no server can beat it."""
    shape = rows if typed else columns
    nodes = [{"id": node, **{alias: shape(intervals[(node, alias)]) for alias in RUNS}} for node in DASHBOARD_NODES]
    return orjson.dumps({"data": {"nodes": nodes}})


def floor_long(intervals: list[Interval], *, typed: bool) -> bytes:
    field = "prices" if typed else "priceSeries"
    return orjson.dumps({"data": {"node": {field: (rows if typed else columns)(intervals)}}})


def dashboard_day() -> date:
    """A day some weeks back: published and verified everywhere, inside every ISO's live window
    (older PJM 5-minute prices are archived and cost every pnode), and no DST day in any market."""
    day = datetime.now(UTC).date() - timedelta(days=40)
    while any(
        Window.days(day, 1, tz).end - Window.days(day, 1, tz).start != timedelta(hours=24) for tz in TIMEZONES.values()
    ):
        day -= timedelta(days=1)
    return day
