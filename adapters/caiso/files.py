"""CAISO's published daily files -> records: Today's Outlook fuel source, the Daily Renewable
Report (HTML) and the Daily Renewables Watch (text, the report's form until mid-2025).

`fuelsource.csv` (one per Pacific day, in a folder named for the day, or `current/` for today) has
a `Time` column of local `HH:MM` wall times and one MW column per fuel; the day is in the URL only.
The Daily Renewables Watch is tab-separated text: a date line, then an hour-ending 1..24 table of
renewable output by type (columns separated by one or more tabs), then a production table.
The Daily Renewable Report is an HTML page whose charts are fed by JavaScript arrays, one per
series (`tot_gen_solar_iso_telem = [...]`, some wrapped in `JSON.parse(...)`), as gridstatus
reads them (`get_caiso_renewables_report`); the day is in the URL only.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..model import FuelMixRecord, RenewableRecord
from ..timeutil import FoldByOrder, to_utc
from .oasis import bad, number

PACIFIC = ZoneInfo("America/Los_Angeles")

# A fuelsource row is a reading every five minutes; each is served as the interval [t, t + 5 min),
# as gridstatus does.
FUEL_STEP = timedelta(minutes=5)

# fuelsource.csv's fuel columns as CAISO prints them now. Some days' files capitalize them
# ("Natural Gas", "Large Hydro", "Small Hydro": gridstatus renames both spellings to one); every
# spelling is served under the one printed now, so a filter finds every day. A column not listed
# here is served under its own name.
FUELS = (
    "Solar",
    "Wind",
    "Geothermal",
    "Biomass",
    "Biogas",
    "Small hydro",
    "Coal",
    "Nuclear",
    "Natural gas",
    "Large hydro",
    "Batteries",
    "Imports",
    "Other",
)
_FUEL_NAMES = {fuel.lower(): fuel for fuel in FUELS}


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PACIFIC).astimezone(UTC)


def fuel_mix(body: bytes, day: date) -> list[FuelMixRecord]:
    """One day's fuelsource.csv -> MW by fuel, labels as CAISO prints them now ("Natural gas",
    "Large hydro"; the capitalized spellings of some days read as these).

    Rows of wall times that do not exist (the spring-forward hour, which CAISO keeps with empty
    cells) are skipped; a repeated fall-back hour is told apart by order; a closing 00:00 row is
    the next day's and is left to that day's file. Empty cells are skipped, not read as 0.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad(f"fuelsource.csv for {day} is not UTF-8 text") from None
    rows = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(rows, [])]
    if not header or header[0] != "Time" or len(header) < 2:
        raise bad(f"fuelsource.csv for {day} does not start with a Time column (got {text[:40]!r})")
    fuels = [_FUEL_NAMES.get(name.lower(), name) for name in header[1:]]
    if len(set(fuels)) != len(fuels):
        raise bad(f"fuelsource.csv for {day} names a fuel twice (header: {','.join(header)})")
    folds = FoldByOrder(PACIFIC)
    records: list[FuelMixRecord] = []
    seen_first = False
    for number_, row in enumerate(rows, start=2):
        if not row or not row[0].strip():
            continue
        stamp = row[0].strip()
        cells = [cell.strip() for cell in row[1:]]
        if len(cells) != len(fuels):
            raise bad(f"fuelsource.csv for {day} line {number_} has {len(row)} of {len(header)} fields")
        hour, _, minute = stamp.partition(":")
        if not (hour.isdigit() and minute.isdigit() and len(minute) == 2):
            raise bad(f"fuelsource.csv for {day} line {number_}: time {stamp!r} is not HH:MM")
        if int(hour) in (0, 24) and int(minute) == 0 and seen_first:
            continue  # the next midnight
        seen_first = True
        if not any(cells):
            continue
        naive = datetime(day.year, day.month, day.day, int(hour) % 24, int(minute))
        if to_utc(naive, PACIFIC).astimezone(PACIFIC).replace(tzinfo=None) != naive:
            raise bad(f"fuelsource.csv for {day} line {number_}: {stamp} does not exist that day but has values")
        start = folds.to_utc(None, naive)  # one series: the file's clock
        end = start + FUEL_STEP
        for fuel, cell in zip(fuels, cells, strict=True):
            if cell:
                records.append(FuelMixRecord(fuel, start, end, number(cell, f"{fuel} MW")))
    records.sort(key=lambda r: (r.start, r.fuel))
    return records


def undated_fuel_mix(body: bytes) -> list[FuelMixRecord]:
    """A fuelsource.csv on its own: its rows are wall times of a day it does not name."""
    raise bad("fuelsource.csv holds wall times of a day it does not name; its day is in its URL")


def _tokens(line: str) -> list[str]:
    # Columns are separated by one or more tabs; the header and the rows do not line up tab for tab.
    return [token.strip() for token in line.split("\t") if token.strip()]


def renewables_watch(body: bytes) -> list[RenewableRecord]:
    """A Daily Renewables Watch text file -> hourly ISO-wide actual WIND and SOLAR output. (Its
    successor, the HTML Daily Renewable Report, is refused here: its day is in its URL only.)

    The first table's hours are hour-ending 1..24 Pacific, counted from local midnight (as OASIS
    counts OPR_HR), so hour h is [midnight + h - 1 h, midnight + h h) in elapsed time. SOLAR is
    SOLAR PV + SOLAR THERMAL (or the single SOLAR column of older files), WIND is WIND TOTAL.
    """
    text = body.decode("utf-8-sig", errors="replace")
    if "tot_gen_" in text and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        undated_renewable_report(body)
    lines = text.splitlines()
    first = _tokens(lines[0]) if lines else []
    try:
        day = datetime.strptime(first[0], "%m/%d/%y").date()
    except (IndexError, ValueError):
        raise bad(f"Daily Renewables Watch does not start with its date (got {text[:40]!r})") from None
    at = next((i for i, line in enumerate(lines) if _tokens(line)[:1] == ["Hour"]), None)
    if at is None:
        raise bad(f"Daily Renewables Watch for {day} has no Hour table")
    header = _tokens(lines[at])
    solar = [i for i, name in enumerate(header) if name.startswith("SOLAR")]
    wind = [i for i, name in enumerate(header) if name in ("WIND TOTAL", "WIND")]
    if not solar or not wind:
        raise bad(f"Daily Renewables Watch for {day} has no SOLAR or WIND TOTAL column (header: {header})")
    midnight = _midnight(day)
    hours = (_midnight(day + timedelta(days=1)) - midnight) // timedelta(hours=1)
    records: list[RenewableRecord] = []
    for line in lines[at + 1 :]:
        row = _tokens(line)
        if not row:
            break
        if len(row) != len(header):
            raise bad(f"Daily Renewables Watch for {day}: row {row[:1]} has {len(row)} of {len(header)} columns")
        if not row[0].isdigit() or not 1 <= int(row[0]) <= hours:
            raise bad(f"Daily Renewables Watch for {day}: hour {row[0]!r} is not 1..{hours}")
        start = midnight + timedelta(hours=int(row[0]) - 1)
        end = start + timedelta(hours=1)
        for source, columns in (("SOLAR", solar), ("WIND", wind)):
            mw = sum(number(row[i], f"{header[i]} MW") for i in columns)
            records.append(RenewableRecord(source, None, start, end, mw, forecast=False))
    if not records:
        raise bad(f"Daily Renewables Watch for {day} has an empty Hour table")
    records.sort(key=lambda r: (r.start, r.source))
    return records


# --- the Daily Renewable Report (HTML) ----------------------------------------------------------

# The CAISO balancing area's telemetered ("Actual MW") solar and wind, every five minutes.
_REPORT_SERIES = {"SOLAR": "tot_gen_solar_iso_telem", "WIND": "tot_gen_wind_iso_telem"}
_MISSING = ("NA", "", "null", "NaN")
REPORT_STEP = timedelta(minutes=5)


def _array(text: str, name: str) -> list[str] | None:
    """The items of the JavaScript array assigned to `name`: `name = [..]`, or wrapped as
    `name = JSON.parse("[..]")` / `JSON.parse(["[..]"])`."""
    match = re.search(rf"\b{name}\s*=\s*(?:JSON\.parse\(\s*[\[\"']*\s*)?\[([^\]]*)\]", text)
    if match is None:
        return None
    return [item.strip().strip("\"'").strip() for item in match.group(1).split(",")] if match.group(1).strip() else []


def renewable_report(body: bytes, day: date) -> list[RenewableRecord]:
    """One day's Daily Renewable Report -> 5-minute ISO-wide actual SOLAR and WIND output (MW).

    Each series holds one value per 5-minute interval of the Pacific operating day, in order from
    local midnight: 288, or 276 and 300 on the DST days (elapsed time, so the repeated hour of a
    fall-back day is simply its next twelve values). A series of any other length cannot say which
    interval a value is and is refused. "NA" is a value not reported: skipped, never read as 0.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad(f"Daily Renewable Report for {day} is not UTF-8 text") from None
    midnight = _midnight(day)
    count = (_midnight(day + timedelta(days=1)) - midnight) // REPORT_STEP
    records: list[RenewableRecord] = []
    for source, name in _REPORT_SERIES.items():
        items = _array(text, name)
        if items is None:
            raise bad(f"Daily Renewable Report for {day} has no {name} series (got {text[:40]!r}...)")
        if len(items) != count:
            raise bad(
                f"Daily Renewable Report for {day}: {name} has {len(items)} values, not the day's {count} "
                "five-minute intervals"
            )
        for i, item in enumerate(items):
            if item in _MISSING:
                continue
            start = midnight + i * REPORT_STEP
            records.append(RenewableRecord(source, None, start, start + REPORT_STEP, number(item, f"{name} MW"), False))
    records.sort(key=lambda r: (r.start, r.source))
    return records


def undated_renewable_report(body: bytes) -> list[RenewableRecord]:
    """A Daily Renewable Report on its own: its series run from a midnight it does not name."""
    raise bad("the Daily Renewable Report's series start at a midnight it does not name; its day is in its URL")
