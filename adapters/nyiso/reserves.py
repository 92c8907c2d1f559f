"""NYISO ancillary service prices: day-ahead (`damasp`, hourly) and real-time (`rtasp`, 5-minute).

Layout (gridstatus `_handle_as_prices` and MIS files): `Time Stamp, Time Zone, Name, PTID,
10 Min Spinning Reserve ($/MWHr), 10 Min Non-Synchronous Reserve ($/MWHr), 30 Min Operating
Reserve ($/MWHr), NYCA Regulation Capacity ($/MWHr)` and, real-time only, `NYCA Regulation
Movement ($/MW)`. One row per zone (`Name`) and interval. Day-ahead stamps are hour-beginning;
real-time stamps end their 5-minute interval (as the real-time LBMP files, and gridstatus).
"""

from __future__ import annotations

from datetime import timedelta

from ..model import AncillaryPriceRecord
from .mis import members
from .table import EndingIntervals, Stamps, Table, number

# Products as NYISO names them (the header without its unit); movement is real-time only.
PRODUCTS = (
    ("10 Min Spinning Reserve", "10 Min Spinning Reserve ($/MWHr)", True),
    ("10 Min Non-Synchronous Reserve", "10 Min Non-Synchronous Reserve ($/MWHr)", True),
    ("30 Min Operating Reserve", "30 Min Operating Reserve ($/MWHr)", True),
    ("NYCA Regulation Capacity", "NYCA Regulation Capacity ($/MWHr)", True),
    ("NYCA Regulation Movement", "NYCA Regulation Movement ($/MW)", False),
)


def parse_damasp(body: bytes) -> list[AncillaryPriceRecord]:
    return [r for member in members(body) for r in _prices(member.body, timedelta(hours=1), ending=False)]


def parse_rtasp(body: bytes) -> list[AncillaryPriceRecord]:
    return [r for member in members(body) for r in _prices(member.body, timedelta(minutes=5), ending=True)]


def _prices(body: bytes, length: timedelta, *, ending: bool) -> list[AncillaryPriceRecord]:
    table = Table(body, "ancillary price")
    name_at, stamp_at = table.column("Name"), table.column("Time Stamp")
    columns: list[tuple[str, int]] = []
    for product, header, required in PRODUCTS:
        at = table.column(header) if required else table.optional(header)
        if at is not None:
            columns.append((product, at))
    when = Stamps().reader(table, lambda row: row[name_at])
    intervals = EndingIntervals(length)
    records: list[AncillaryPriceRecord] = []
    for row in table.rows():
        stamp, zone = row[stamp_at], row[name_at].strip()
        instant = when(row)
        start, end = (intervals.start(zone, instant), instant) if ending else (instant, instant + length)
        for product, at in columns:
            price = number(row[at], product, stamp)
            if price is not None:
                records.append(AncillaryPriceRecord(product, zone, start, end, price))
    return records
