"""NYISO's ICAP auction results: the monthly "ICAP Market Report" workbook's "MCP Table" sheet.

Layout (gridstatus `NYISO.get_capacity_prices` reads it with a two-row header; a public consumer of
its output, NOTES): the first row names the localities (NYCA, GHIJ, NYC, LI), each over the
columns of its auctions, the second the auctions (Spot, Monthly, Strip) under a "Date" column; then
one row per month, its clearing prices in $/kW-month. A locality is printed once over its columns
(merged cells); a blank price is an auction not held (yet) for the month. The report carries a
rolling window of months; a later report repeats earlier months.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import UpstreamBadResponse
from ..model import ISO, CapacityPriceRecord
from ..workbook import sheet_rows, text

TZ = ZoneInfo("America/New_York")
SHEET = "MCP Table"
UNIT = "$/kW-month"


def _bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.NYISO, f"ICAP Market Report {SHEET}: {message}")


def _month(first: date) -> tuple[datetime, datetime]:
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    start = datetime(first.year, first.month, 1, tzinfo=TZ).astimezone(UTC)
    return start, datetime(after.year, after.month, 1, tzinfo=TZ).astimezone(UTC)


def parse(body: bytes) -> list[Any]:
    rows = sheet_rows(ISO.NYISO, body, SHEET)
    if len(rows) < 3:
        raise _bad("fewer than the two header rows and a month")
    localities: list[str] = []
    held = ""
    for value in rows[0]:
        held = text(value) or held  # merged over its auctions' columns: printed once
        localities.append(held)
    auctions = [text(v) for v in rows[1]]
    columns = [(c, localities[c], auctions[c]) for c in range(1, len(auctions)) if auctions[c] and localities[c]]
    if not columns:
        raise _bad("no locality and auction header columns")
    out: list[Any] = []
    for line, row in enumerate(rows[2:], start=3):
        when = row[0] if row else None
        if when is None or text(when) == "":
            continue
        if not isinstance(when, datetime | date):
            raise _bad(f"row {line}: {text(when)!r} is not a month")
        start, end = _month(date(when.year, when.month, 1))
        for column, locality, auction in columns:
            cell = row[column] if column < len(row) else None
            if cell is None or text(cell) == "":
                continue
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                raise _bad(f"row {line} {locality} {auction}: {text(cell)!r} is not a price")
            out.append(CapacityPriceRecord(auction, locality, start, end, float(cell), UNIT))
    return out
