"""The queries the benchmark sends, and the JSON floor: the same answer built and dumped directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from adapters.model import ISO, MarketRun, PriceRecord, Window

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


def columns(records: list[PriceRecord], tz: ZoneInfo) -> dict[str, list[Any]]:
    return {
        "start": [r.start.astimezone(tz) for r in records],
        "end": [r.end.astimezone(tz) for r in records],
        "lmp": [r.lmp for r in records],
        "energy": [r.energy for r in records],
        "congestion": [r.congestion for r in records],
        "loss": [r.loss for r in records],
    }


def rows(records: list[PriceRecord], tz: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "start": r.start.astimezone(tz),
            "end": r.end.astimezone(tz),
            "lmp": r.lmp,
            "energy": r.energy,
            "congestion": r.congestion,
            "loss": r.loss,
        }
        for r in records
    ]


def floor_dashboard(records: dict[tuple[str, str], list[PriceRecord]], *, typed: bool) -> bytes:
    """The W1 answer's JSON, built straight from the records: what no server can beat."""
    shape = rows if typed else columns
    nodes = []
    for node_id in DASHBOARD_NODES:
        tz = TIMEZONES[ISO(node_id.split(":")[0])]
        nodes.append({"id": node_id, **{alias: shape(records[(node_id, alias)], tz) for alias in RUNS}})
    return orjson.dumps({"data": {"nodes": nodes}})


def floor_long(records: list[PriceRecord], *, typed: bool) -> bytes:
    tz = TIMEZONES[ISO.NYISO]
    field = "prices" if typed else "priceSeries"
    return orjson.dumps({"data": {"node": {field: (rows if typed else columns)(records, tz)}}})


def dashboard_day() -> date:
    """A day some weeks back: published and verified everywhere, inside every ISO's live window
    (older PJM 5-minute prices are archived and cost every pnode), and no DST day in any market."""
    day = datetime.now(UTC).date() - timedelta(days=40)
    while any(
        Window.days(day, 1, tz).end - Window.days(day, 1, tz).start != timedelta(hours=24) for tz in TIMEZONES.values()
    ):
        day -= timedelta(days=1)
    return day
