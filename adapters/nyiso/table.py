"""Reading NYISO's MIS CSVs by column name, and turning their Eastern stamps into UTC intervals.

Shared by every market-wide feed (load, forecasts, fuel mix, reserves, interfaces, constraints).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from ..errors import UpstreamBadResponse
from ..model import ISO
from ..timeutil import FoldByOrder, parse_us_stamp
from .mis import EASTERN

# What the `Time Zone` column says -> hours behind UTC.
ZONE_OFFSETS = {"EDT": 4, "EST": 5}


def bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.NYISO, message)


def _key(name: str) -> str:
    # "Time Stamp" / "Timestamp", "Constraint Cost($)" / "Constraint Cost ($)": spacing and case vary.
    return "".join(name.split()).lower()


class Table:
    """One CSV: its header and its non-blank rows, each checked to be as wide as the header."""

    def __init__(self, body: bytes, what: str) -> None:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = body.decode("latin-1")
        self.what = what
        self._rows = csv.reader(io.StringIO(text))
        header = next((row for row in self._rows if row), None)
        if header is None:
            raise bad(f"{what} file is empty")
        self.header = [name.strip() for name in header]
        self._at = {_key(name): i for i, name in enumerate(self.header)}

    def column(self, name: str) -> int:
        at = self._at.get(_key(name))
        if at is None:
            raise bad(f"{self.what} file has no {name!r} column (header: {', '.join(self.header)})")
        return at

    def optional(self, name: str) -> int | None:
        return self._at.get(_key(name))

    def rows(self) -> Iterator[list[str]]:
        width = len(self.header)
        for row in self._rows:
            if not row:
                continue
            if len(row) < width:
                raise bad(f"{self.what} row has {len(row)} fields, expected {width}: {row!r}")
            yield row


def number(text: str, what: str, stamp: str) -> float | None:
    """A published value; None for a blank cell (a reading NYISO did not record)."""
    try:
        return float(text)  # float() itself ignores surrounding blanks
    except ValueError:
        if not text.strip():
            return None
        raise bad(f"non-numeric {what} {text.strip()!r} at {stamp}") from None


class Stamps:
    """Eastern wall-clock stamps of one CSV -> UTC instants, memoized (a file repeats each stamp
    once per zone, fuel or interface).

    With a `Time Zone` column (EDT/EST) the offset is read from it; without one, the repeated
    fall-back hour is told apart by row order within each series (`FoldByOrder`).
    """

    def __init__(self) -> None:
        self._zoned: dict[tuple[str, str], datetime] = {}
        self._naive: dict[str, datetime] = {}
        self._folds = FoldByOrder(EASTERN)

    def _parse(self, stamp: str) -> datetime:
        naive = self._naive.get(stamp)
        if naive is None:
            try:
                naive = self._naive[stamp] = parse_us_stamp(stamp)
            except ValueError:
                raise bad(f"unreadable time stamp {stamp!r}") from None
        return naive

    def zoned(self, stamp: str, zone: str) -> datetime:
        instant = self._zoned.get((stamp, zone))
        if instant is None:
            hours = ZONE_OFFSETS.get(zone.strip())
            if hours is None:
                raise bad(f"unknown time zone {zone!r} at {stamp}")
            instant = (self._parse(stamp) + timedelta(hours=hours)).replace(tzinfo=UTC)
            self._zoned[(stamp, zone)] = instant
        return instant

    def by_order(self, stamp: str, series: Hashable) -> datetime:
        return self._folds.to_utc(series, self._parse(stamp))

    def reader(self, table: Table, series_of: Callable[[list[str]], Hashable]) -> Callable[[list[str]], datetime]:
        """row -> UTC instant of its stamp, from the `Time Zone` column where the file has one."""
        stamp_at = table.column("Time Stamp")
        zone_at = table.optional("Time Zone")
        if zone_at is not None:
            return lambda row: self.zoned(row[stamp_at], row[zone_at])
        return lambda row: self.by_order(row[stamp_at], series_of(row))


class Interval(Protocol):
    start: datetime
    end: datetime


R = TypeVar("R", bound=Interval)


def clip_to_next(records: Sequence[R], series_of: Callable[[R], Hashable]) -> list[R]:
    """Readings at a stamp hold until the series' next stamp, at most their nominal cadence.

    NYISO adds off-cycle readings between the 5-minute ones (00:07:34, 00:09:40): each ends where
    the next one starts, so a series' intervals never overlap.
    """
    ordered = sorted(records, key=lambda r: r.start)
    latest: dict[Hashable, R] = {}
    for record in ordered:
        key = series_of(record)
        before = latest.get(key)
        if before is not None and before.start < record.start < before.end:
            before.end = record.start
        latest[key] = record
    return ordered


class EndingIntervals:
    """Interval-ending stamps -> [start, end): an interval runs back `length` from its stamp, or to
    the series' previous stamp when that is nearer (off-cycle real-time intervals)."""

    def __init__(self, length: timedelta) -> None:
        self.length = length
        self._previous: dict[Hashable, datetime] = {}

    def start(self, series: Hashable, end: datetime) -> datetime:
        start = end - self.length
        before = self._previous.get(series)
        if before is not None and start < before < end:
            start = before
        self._previous[series] = end
        return start
