"""NYISO's TCC auction results, as tcc.nyiso.com's "Download CSV" gives them: the "Nodal Price"
report (each PTID's clearing price for an auction's term) and the "Summary of Awards" (each
awarded path, POI to POW, with its side, TCCs awarded and clearing price).

Layout (slices of real downloads, the recorded samples): a title block -- the report's name, a
blank line, the capability period ("Autumn 2026"), the auction ("Centralized TCC Auction",
"Monthly Reconfiguration Auction"), its round or month ("Round 1 - One Year TCCs", "October
2006"), the version, the status and the posting date -- then a header row starting "Period ID",
one row per price or award, a blank line and a "Report Created:" footer. Terms are given as
start and end dates (the end inclusive), Eastern; prices are $ per TCC (1 MW) for the whole term.
A path's price is its POW's nodal price less its POI's.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import UpstreamBadResponse
from ..model import ISO, TransmissionRightRecord, add_bid

TZ = ZoneInfo("America/New_York")
NODAL_PRICES = "Nodal Price"
AWARDS = "Summary of Awards"
# The columns each report is read by, as NYISO heads them.
NODAL_COLUMNS = ("Period Name", "Start Date", "End Date", "PTID", "Nodal Price ($/TCC-Period Duration)")
AWARD_COLUMNS = (
    "Period Name",
    "Start Date",
    "End Date",
    "POI",
    "POW",
    "Award Type",
    "TCCs Awarded",
    "MCP ($/TCC-Period Duration)",
)


def _bad(report: str, message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.NYISO, f"TCC {report}: {message}")


def _rows(body: bytes, report: str) -> tuple[str, list[str], list[list[str]]]:
    """The auction's name (its title lines), the header and the data rows of a download."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(report, "not UTF-8 text: expected the CSV tcc.nyiso.com downloads") from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [c.strip() for c in lines[0][:1]] != [report]:
        raise _bad(report, f"the file does not start with its title {report!r}")
    at = next((i for i, row in enumerate(lines) if row and row[0].strip() == "Period ID"), None)
    if at is None:
        raise _bad(report, "no header row starting 'Period ID'")
    title = [row[0].strip() for row in lines[1:at] if row and row[0].strip()]
    # The capability period, the auction and its round (or month); version, status and posting follow.
    if len(title) < 3:
        raise _bad(report, "the title block lacks the capability period, auction and round")
    auction = ", ".join(title[:3])
    data: list[list[str]] = []
    for row in lines[at + 1 :]:
        if not row or not "".join(row).strip():
            break  # the blank line before the "Report Created:" footer
        data.append(row)
    return auction, [c.strip() for c in lines[at]], data


def _indexes(header: Sequence[str], wanted: Sequence[str], report: str) -> list[int]:
    missing = [name for name in wanted if name not in header]
    if missing:
        raise _bad(report, f"no {', '.join(repr(m) for m in missing)} column (columns: {', '.join(header)})")
    return [header.index(name) for name in wanted]


def _day(value: str) -> date:
    month, day, year = value.strip().split("/")
    return date(int(year), int(month), int(day))


def _term(first: str, last: str) -> tuple[datetime, datetime]:
    """A term from its first to its last day (inclusive) -> [first midnight, the midnight after)."""
    start, end = _day(first), _day(last) + timedelta(days=1)
    if end <= start:
        raise ValueError(f"the term ends ({last}) before it starts ({first})")
    return (
        datetime(start.year, start.month, start.day, tzinfo=TZ).astimezone(UTC),
        datetime(end.year, end.month, end.day, tzinfo=TZ).astimezone(UTC),
    )


def _number(value: str) -> float:
    number = float(value.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


def _ptid(value: str) -> str:
    text = value.strip()
    if not text.isdigit():
        raise ValueError(f"{value!r} is not a PTID")
    return text


def nodal_prices(body: bytes) -> list[Any]:
    """One record per PTID and term: the node's clearing price, $/TCC for the term."""
    auction, header, rows = _rows(body, NODAL_PRICES)
    i_period, i_start, i_end, i_ptid, i_price = _indexes(header, NODAL_COLUMNS, NODAL_PRICES)
    out: list[Any] = []
    for line, row in enumerate(rows, 1):
        try:
            start, end = _term(row[i_start], row[i_end])
            node = _ptid(row[i_ptid])
            price = _number(row[i_price])
        except (ValueError, IndexError) as exc:
            raise _bad(NODAL_PRICES, f"row {line}: {exc}") from None
        out.append(TransmissionRightRecord(auction, node, start, end, price, period=row[i_period].strip() or None))
    return out


def awards(body: bytes) -> list[Any]:
    """One record per awarded path, side and clearing price, $/TCC for the term; awards alike in all
    of these are one of their summed TCCs (the report names no holder)."""
    auction, header, rows = _rows(body, AWARDS)
    columns = _indexes(header, AWARD_COLUMNS, AWARDS)
    merged: dict[tuple[Any, ...], TransmissionRightRecord] = {}
    for line, row in enumerate(rows, 1):
        try:
            period, first, last, poi, pow_, side, count, mcp = (row[i].strip() for i in columns)
            start, end = _term(first, last)
            source, sink = _ptid(poi), _ptid(pow_)
            price, mw = _number(mcp), _number(count)
        except (ValueError, IndexError) as exc:
            raise _bad(AWARDS, f"row {line}: {exc}") from None
        record = TransmissionRightRecord(
            auction,
            f"{source}-{sink}",
            start,
            end,
            price,
            source_node=source,
            sink_node=sink,
            period=period or None,
            trade_type=side or None,
            bid_mw=mw,
        )
        add_bid(merged, (start, end, source, sink, side, price), record)
    return list(merged.values())
