"""NYISO load: actual load by zone (`pal`, P-58B; `palIntegrated`, P-58C) and the ISO load
forecast by zone (`isolf`, P-7).

- pal: `"Time Stamp","Time Zone","Name","PTID","Load"`, a reading per zone every 5 minutes plus
  off-cycle ones (00:07:34). A reading is instantaneous: it stands for [stamp, next stamp of the
  zone), at most 5 minutes, so a day's intervals tile it without overlap (stamps run 00:00..23:55,
  hence stamp-beginning rather than -ending).
- palIntegrated: same layout with `"Integrated Load"`, one hour-beginning row per zone and hour.
- Both carry zones only; gridql adds the NYISO-wide total as `TOTAL` ("NYISO", isolf's own label
  for it): the sum of the zones at each stamp where each of the eleven zones has a reading (a
  stamp or a file missing a zone gets no total rather than a short one), to the file's 4 decimals.
- isolf: `"Time Stamp"` (hour beginning, no zone column) + one column per zone (`Capitl` ..
  `West`) + `NYISO`, six days from the file's date. On a fall-back day `01:00` is printed twice
  (identical rows): the first is EDT, the second EST.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from ..model import FIVE_MINUTES, HOUR, LoadForecastRecord, LoadRecord
from .mis import members
from .nodes import ZONES
from .table import Stamps, Table, clip_to_next, number

TOTAL = "NYISO"  # isolf's column for the NYISO-wide total; the label of the summed actual load
ZONE_NAMES = frozenset(ZONES.values())


def _area(record: LoadRecord) -> Hashable:
    return record.area


def parse_pal(body: bytes) -> list[LoadRecord]:
    records: list[LoadRecord] = []
    for member in members(body):
        records.extend(_actual(member.body, "Load", FIVE_MINUTES))
    return records


def parse_pal_integrated(body: bytes) -> list[LoadRecord]:
    records: list[LoadRecord] = []
    for member in members(body):
        records.extend(_actual(member.body, "Integrated Load", HOUR))
    return records


def _actual(body: bytes, column: str, cadence: timedelta) -> list[LoadRecord]:
    table = Table(body, "actual load")
    name_at, load_at, stamp_at = table.column("Name"), table.column(column), table.column("Time Stamp")
    when = Stamps().reader(table, lambda row: row[name_at])
    records: list[LoadRecord] = []
    for row in table.rows():
        mw = number(row[load_at], column, row[stamp_at])
        if mw is None:
            continue  # a zone's missing reading: no interval rather than a made-up 0
        start = when(row)
        records.append(LoadRecord(row[name_at].strip(), start, start + cadence, mw))
    records += _totals(records, cadence)
    return clip_to_next(records, _area) if cadence == FIVE_MINUTES else sorted(records, key=_start)


def _start(record: LoadRecord) -> datetime:
    return record.start


def _totals(records: list[LoadRecord], cadence: timedelta) -> list[LoadRecord]:
    """The NYISO-wide total at each stamp where each of the eleven zones has a reading."""
    by_stamp: dict[datetime, dict[str, float]] = {}
    for record in records:
        by_stamp.setdefault(record.start, {})[record.area] = record.mw
    return [
        LoadRecord(TOTAL, start, start + cadence, round(sum(readings.values()), 4))
        for start, readings in by_stamp.items()
        if readings.keys() >= ZONE_NAMES
    ]


def parse_isolf(body: bytes) -> list[LoadForecastRecord]:
    """Every vintage in the body. An archive stamps each member when NYISO wrote it: that is the
    vintage's `published_at`; a bare daily CSV carries none (its source knows the response's)."""
    records: list[LoadForecastRecord] = []
    for member in members(body):
        records.extend(_forecast(member.body, member.modified))
    return records


def _forecast(body: bytes, published_at: datetime | None) -> list[LoadForecastRecord]:
    table = Table(body, "load forecast")
    stamp_at = table.column("Time Stamp")
    table.column("NYISO")  # the ISO total: a file without it is not a load forecast
    # Upper-cased so that areas match the zone names of the actual-load files (Capitl -> CAPITL).
    areas = [(i, name.upper()) for i, name in enumerate(table.header) if i != stamp_at]
    stamps = Stamps()
    records: list[LoadForecastRecord] = []
    for row in table.rows():
        stamp = row[stamp_at]
        # One series for the whole file: every column shares the row's stamp.
        start = stamps.by_order(stamp, "isolf")
        end = start + HOUR
        for at, area in areas:
            mw = number(row[at], f"{area} forecast", stamp)
            if mw is not None:
                records.append(LoadForecastRecord(area, start, end, mw, published_at))
    return records
