"""NYISO LBMP CSVs (daily files, or the monthly zip of them) -> PriceRecords.

Layout: "Time Stamp","Name","PTID","LBMP ($/MWHr)","Marginal Cost Losses ($/MWHr)",
"Marginal Cost Congestion ($/MWHr)". Stamps are Eastern wall time with no zone marker, so the
repeated fall-back hour is told apart by row order (`FoldByOrder`).

NYISO prints congestion with the opposite sign to the other ISOs (LBMP = energy + losses -
congestion as printed). We flip it so that lmp = energy + loss + congestion everywhere, and
derive energy, which the files do not carry.

Today's real-time 5-minute file (`realtime`) is not only RTD's dispatch intervals: after the last
of them NYISO appends RTC's advisory prices, one row per quarter-hour into the coming hours (the
first may be only 5 or 10 minutes after the last RTD stamp; gridstatus PRs #336, #337, #691, #934
split them). Those are forecasts of intervals not yet dispatched, never REAL_TIME_5_MIN actuals,
and are dropped (`_advisory_cut`).
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from datetime import datetime, timedelta

from ..errors import UpstreamBadResponse
from ..model import FIVE_MINUTES, ISO, QUARTER_HOUR, PriceRecord
from ..timeutil import FoldByOrder, is_ambiguous, parse_us_stamp, to_utc
from .mis import EASTERN, each_member

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


def parse_lbmp(
    body: bytes,
    *,
    interval_ending: bool,
    length: timedelta,
    nodes: Collection[str] | None = None,
    written: datetime | None = None,
    growing: bool = False,
) -> list[PriceRecord]:
    """Parse one LBMP body (CSV or zip of CSVs).

    `interval_ending`: real-time 5-minute files stamp the end of each interval (first row 00:05,
    last row 00:00 of the next day) and add off-cycle RTD intervals (01:57:48); an interval then
    runs from the previous stamp of the same node, at most `length` back. Their RTC advisory
    tail is dropped (`_advisory_cut`). Day-ahead and hourly files stamp the hour beginning.

    `nodes`: keep only these PTIDs (a month of generator prices is millions of rows; the others
    are skipped before their stamps are read). `written`: when a bare CSV was last written (its
    Last-Modified); an archive's members carry their own stamps. `growing`: a bare CSV of today
    or later whose write time is unknown; a body without either is read as a finished day.
    """
    wanted = frozenset(nodes) if nodes is not None else None
    records: list[PriceRecord] = []
    for member in each_member(body):
        parsed = _parse_csv(member.body, interval_ending, length, wanted)
        if interval_ending and parsed:
            cut = _advisory_cut(sorted({r.end for r in parsed}), member.modified or written, growing)
            if cut is not None:
                parsed = [r for r in parsed if r.end < cut]
        records.extend(parsed)
    return records


def _on_quarter(instant: datetime) -> bool:
    return instant.minute % 15 == 0 and instant.second == 0 and instant.microsecond == 0


def _advisory_cut(ends: list[datetime], written: datetime | None, growing: bool) -> datetime | None:
    """The first interval end of a real-time file's RTC advisory tail (rows from it on are not
    RTD's), or None when the file has none. `ends`: its distinct interval ends, in order.

    - A file written after its last interval ended is a finished day: no advisory rows. So is a
      file with no write time that is not `growing` (a past day's; one read on its own).
    - Otherwise the tail is the trailing run of quarter-hour stamps 15 minutes apart. Its first
      stamp may be RTC's first (5 or 10 minutes after the last RTD stamp) or the last RTD stamp
      itself when that falls on a quarter-hour: the file cannot tell which, so it is dropped
      too. The newest interval may then be missing until the next RTD run; an advisory price is
      never served as an actual.
    - Any stamp more than 5 minutes after the file was written is not RTD's (RTD posts at most
      one interval ahead).
    """
    if (ends[-1] <= written) if written is not None else not growing:
        return None
    cut: datetime | None = None
    i = len(ends) - 1
    if _on_quarter(ends[i]):
        while i > 0 and _on_quarter(ends[i - 1]) and ends[i] - ends[i - 1] == QUARTER_HOUR:
            i -= 1
        cut = ends[i]
    if written is not None:
        late = next((end for end in ends if end > written + FIVE_MINUTES), None)
        if late is not None and (cut is None or late < cut):
            cut = late
    return cut


def _span(instant: datetime, interval_ending: bool, length: timedelta) -> tuple[datetime, datetime]:
    return (instant - length, instant) if interval_ending else (instant, instant + length)


def _parse_csv(
    body: bytes, interval_ending: bool, length: timedelta, nodes: frozenset[str] | None
) -> list[PriceRecord]:
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
        if nodes is not None and ptid not in nodes:
            continue
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
