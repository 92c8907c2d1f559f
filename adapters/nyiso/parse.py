"""NYISO LBMP CSVs (daily files, or the monthly zip of them) -> PriceRecords.

Layout: "Time Stamp","Name","PTID","LBMP ($/MWHr)","Marginal Cost Losses ($/MWHr)",
"Marginal Cost Congestion ($/MWHr)". Stamps are Eastern wall time with no zone marker, so the
repeated fall-back hour is told apart by row order (`FoldByOrder`).

NYISO prints congestion with the opposite sign to the other ISOs (LBMP = energy + losses -
congestion as printed). We flip it so that lmp = energy + loss + congestion everywhere, and
derive energy, which the files do not carry.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

from ..errors import UpstreamBadResponse
from ..model import ISO, PriceRecord
from ..timeutil import FoldByOrder, is_ambiguous, parse_us_stamp, to_utc
from .mis import EASTERN, members

__all__ = ["EASTERN", "parse_lbmp"]


def _bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.NYISO, message)


def _columns(header: list[str]) -> tuple[int, int, int, int, int]:
    def find(prefix: str) -> int:
        for i, name in enumerate(header):
            if name.strip().startswith(prefix):
                return i
        raise _bad(f"LBMP file has no {prefix!r} column (header: {', '.join(header)})")

    # Files before mid-2016 truncate the last header to "($/MWH": match on the prefix.
    return (
        find("Time Stamp"),
        find("PTID"),
        find("LBMP"),
        find("Marginal Cost Losses"),
        find("Marginal Cost Congestion"),
    )


def _number(text: str, what: str, stamp: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _bad(f"non-numeric {what} {text!r} at {stamp}") from None


def parse_lbmp(body: bytes, *, interval_ending: bool, length: timedelta) -> list[PriceRecord]:
    """Parse one LBMP body (CSV or zip of CSVs).

    `interval_ending`: real-time 5-minute files stamp the end of each interval (first row 00:05,
    last row 00:00 of the next day) and add off-cycle RTD intervals (01:57:48); an interval then
    runs from the previous stamp of the same node, at most `length` back. Day-ahead and hourly
    files stamp the hour beginning.
    """
    records: list[PriceRecord] = []
    for member in members(body):
        records.extend(_parse_csv(member.body, interval_ending, length))
    return records


def _span(instant: datetime, interval_ending: bool, length: timedelta) -> tuple[datetime, datetime]:
    return (instant - length, instant) if interval_ending else (instant, instant + length)


def _parse_csv(body: bytes, interval_ending: bool, length: timedelta) -> list[PriceRecord]:
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    lines = iter(text.splitlines())
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise _bad("LBMP file is empty")
    header = next(csv.reader([header_line]))
    ts_at, ptid_at, lmp_at, loss_at, cong_at = _columns(header)
    width = max(ts_at, ptid_at, lmp_at, loss_at, cong_at) + 1
    folds = FoldByOrder(EASTERN)
    previous_end: dict[str, datetime] = {}
    # A day's file repeats each stamp once per node: convert each stamp once. Stamps of the
    # repeated fall-back hour depend on the node's own order and go through `folds` every time.
    spans: dict[str, tuple[datetime, datetime] | None] = {}
    records: list[PriceRecord] = []
    append = records.append
    for line in lines:
        if not line:
            continue
        # NYISO quotes its text fields but puts no commas in them, so a plain split reads a row
        # at a fraction of the csv module's cost; a row that splits otherwise goes through it.
        row = line.split(",")
        if len(row) != len(header):
            row = next(csv.reader([line]), [])
            if not row:
                continue
        if len(row) < width:
            raise _bad(f"LBMP row has {len(row)} fields, expected {width}: {row!r}")
        stamp, ptid = row[ts_at], row[ptid_at].strip('"')
        if stamp in spans:
            span = spans[stamp]
        else:
            try:
                naive = parse_us_stamp(stamp.strip('"'))
            except ValueError:
                raise _bad(f"unreadable time stamp {stamp!r}") from None
            ambiguous = is_ambiguous(naive, EASTERN)
            span = spans[stamp] = None if ambiguous else _span(to_utc(naive, EASTERN), interval_ending, length)
        if span is None:
            span = _span(folds.to_utc(ptid, parse_us_stamp(stamp.strip('"'))), interval_ending, length)
        start, end = span
        if interval_ending:
            # An off-cycle RTD interval (01:57:48) ends early; the next one starts where it ended.
            before = previous_end.get(ptid)
            if before is not None and start < before < end:
                start = before
            previous_end[ptid] = end
        try:
            lmp, loss, printed = float(row[lmp_at]), float(row[loss_at]), float(row[cong_at])
        except ValueError:
            # Quoted numbers are still numbers; anything else is named in the error.
            lmp, loss, printed = (
                _number(row[at].strip('"'), what, stamp)
                for at, what in ((lmp_at, "LBMP"), (loss_at, "losses"), (cong_at, "congestion"))
            )
        # +0.0 turns -0.0 into 0.0; rounding keeps the cents NYISO prints.
        energy = round(lmp - loss + printed, 2) + 0.0
        append(PriceRecord(ptid, start, end, lmp, energy, 0.0 - printed, loss))
    return records
