"""Local wall-clock stamps -> UTC instants, including the repeated hour of a fall-back day."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def parse_us_stamp(text: str) -> datetime:
    """`MM/DD/YYYY HH:MM[:SS]` (NYISO, ERCOT MIS) as a naive datetime; faster than strptime."""
    text = text.strip()
    second = int(text[17:19]) if len(text) >= 19 else 0
    return datetime(int(text[6:10]), int(text[0:2]), int(text[3:5]), int(text[11:13]), int(text[14:16]), second)


def parse_iso_stamp(text: str) -> datetime:
    """`YYYY-MM-DDTHH:MM[:SS]` (or a space for the T; fractions and offsets after the seconds left
    to the caller) as a naive datetime; faster than fromisoformat."""
    if text[4:5] != "-" or text[10:11] not in ("T", " "):
        raise ValueError(text)
    second = int(text[17:19] or 0)
    return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), second)


def is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    """True for a wall time that occurs twice (the repeated hour of a fall-back day)."""
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


def to_utc(naive: datetime, tz: ZoneInfo, fold: int = 0) -> datetime:
    return naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)


class FoldByOrder:
    """Tells the first from the second pass through a repeated hour when a file marks neither.

    Per series (a node, a zone): once a repeated wall time is not later than the previous repeated
    wall time of that series, the clock has gone back, and every repeated stamp after it is the
    second (standard-time) pass. Works for hour-beginning files that print `01:00` twice and for
    5-minute files that run 01:55 -> 01:00. Conversions are memoized: a file repeats each stamp
    once per node.
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._plain: dict[datetime, datetime] = {}  # unambiguous wall time -> UTC
        self._folded: dict[tuple[datetime, int], datetime] = {}
        self._last: dict[Hashable, datetime] = {}
        self._second_pass: set[Hashable] = set()

    def to_utc(self, series: Hashable, naive: datetime) -> datetime:
        instant = self._plain.get(naive)
        if instant is not None:
            return instant
        if (naive, 0) not in self._folded:
            if not is_ambiguous(naive, self.tz):
                instant = self._plain[naive] = to_utc(naive, self.tz)
                return instant
            self._folded[(naive, 0)] = to_utc(naive, self.tz, 0)
            self._folded[(naive, 1)] = to_utc(naive, self.tz, 1)
        last = self._last.get(series)
        if series in self._second_pass or (last is not None and naive <= last):
            self._second_pass.add(series)
            fold = 1
        else:
            fold = 0
        self._last[series] = naive
        return self._folded[(naive, fold)]


def repeated_hours(tz: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC spans of the repeated wall-clock hours (fall-back days) of `tz` in [start, end)."""
    spans: list[tuple[datetime, datetime]] = []
    # From the noon before `start`: a clock goes back between one day's noon and the next's.
    day = start.astimezone(tz).replace(hour=12, minute=0, second=0, microsecond=0, tzinfo=None) - timedelta(days=1)
    last = end.astimezone(tz).replace(tzinfo=None)
    while day <= last:
        # A day's offset at noon against the next day's: standard time has a smaller offset.
        today, tomorrow = day.replace(tzinfo=tz), (day + timedelta(days=1)).replace(tzinfo=tz)
        shift = today.utcoffset() - tomorrow.utcoffset()  # type: ignore[operator]
        if shift > timedelta(0):
            noon = today.astimezone(UTC)
            # US clocks go back on the hour: the first UTC hour after noon on the standard offset.
            back = next(
                noon + timedelta(hours=h)
                for h in range(1, 25)
                if (noon + timedelta(hours=h)).astimezone(tz).utcoffset() != today.utcoffset()
            )
            span = (back - shift, back + shift)
            if span[0] < end and span[1] > start:
                spans.append(span)
        day += timedelta(days=1)
    return spans
