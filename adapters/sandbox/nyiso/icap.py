"""The sandbox's ICAP Market Report workbook: an "MCP Table" sheet laid out as NYISO's, localities over
their auctions' columns (merged), a "Date" column and a row per month of a rolling window,
$/kW-month. Prices are synthetic; a month's Spot auction is held at the end of the month before."""

from __future__ import annotations

import io
import zlib
from datetime import date, datetime

from openpyxl import Workbook

LOCALITIES = ("NYCA", "GHIJ", "NYC", "LI")
AUCTIONS = ("Strip", "Monthly", "Spot")
FIRST = date(2023, 5, 1)


def _price(month: date, locality: str, auction: str) -> float:
    base = {"NYCA": 3.0, "GHIJ": 6.0, "NYC": 14.0, "LI": 5.0}[locality]
    return round(base * (0.6 + 0.8 * zlib.crc32(f"{month}|{locality}|{auction}".encode()) / 2**32), 2)


def workbook(now: date) -> bytes:
    """The report of `now`'s month: every month from May 2023 to six months on, blank where an
    auction for the month is not held yet (Spot: the month before; Monthly: six months ahead)."""
    book = Workbook()
    sheet = book.create_sheet("MCP Table", 0)
    top: list[object] = [None]
    for locality in LOCALITIES:
        top += [locality, None, None]
    sheet.append(top)
    for i in range(len(LOCALITIES)):
        sheet.merge_cells(start_row=1, start_column=2 + 3 * i, end_row=1, end_column=4 + 3 * i)
    sheet.append(["Date", *(AUCTIONS * len(LOCALITIES))])
    month = FIRST
    current = date(now.year, now.month, 1)
    while month <= date(current.year + (current.month + 5) // 12, (current.month + 5) % 12 + 1, 1):
        held = {"Strip": month <= current, "Monthly": True, "Spot": month <= current}
        row: list[object] = [datetime(month.year, month.month, 1)]
        for locality in LOCALITIES:
            row += [_price(month, locality, a) if held[a] else None for a in AUCTIONS]
        sheet.append(row)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
