"""Times as answers show them: ISO 8601 strings in a market's (or the asked) offset, memoized.

Converting an instant costs ~0.4-0.7 µs and writing it ~2 µs: with six leaves a row, times were the
largest cost of a typed list, and of a column's JSON. Answers ask for the same few thousand instants
again and again, so their strings are kept, each memo dropped when it grows past its limit.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition


class LocalTimes:
    """UTC instants -> their ISO 8601 strings in a market's offset, memoized.

    Converting an instant costs ~0.4-0.7 µs and writing it ~2 µs, whether by `isoformat` or by
    orjson (which asks the zone for each datetime's offset): a warm dashboard's largest cost. Its
    answers ask for the same few thousand instants again and again, so the strings are kept, keyed
    by the UTC instant (whose hash asks no zone). The memo is dropped when it grows past `limit`
    entries (~25 MB).
    """

    def __init__(self, tz: ZoneInfo, limit: int = 200_000) -> None:
        self.tz = tz
        self.limit = limit
        self._memo: dict[datetime, str] = {}

    def __call__(self, instants: list[datetime]) -> list[str]:
        memo = self._memo
        try:
            return list(map(memo.__getitem__, instants))
        except KeyError:
            pass
        if len(memo) + len(instants) > self.limit:
            memo.clear()
        for instant in instants:
            if instant not in memo:
                memo[instant] = instant.astimezone(self.tz).isoformat()
        return list(map(memo.__getitem__, instants))


_LOCAL_TIMES: dict[ZoneInfo, LocalTimes] = {}


def local_times(tz: ZoneInfo) -> LocalTimes:
    clock = _LOCAL_TIMES.get(tz)
    if clock is None:
        # Any IANA zone may be asked for (`timezone:`): a memo each, for a few zones at most.
        if len(_LOCAL_TIMES) >= 8:
            _LOCAL_TIMES.clear()
        clock = _LOCAL_TIMES[tz] = LocalTimes(tz)
    return clock


class IsoStrings:
    """datetime -> `datetime.isoformat()`, memoized (~40 MB at `limit`).

    The key holds the zone and the fold besides the datetime: datetimes compare equal across zones
    when they are one instant, and within a zone when only their fold differs (the two readings
    of a fall-back hour), yet each is written with its own offset."""

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._memo: dict[tuple[datetime, tzinfo | None, int], str] = {}

    def __call__(self, value: datetime | str) -> str:
        if isinstance(value, str):  # already written, by `LocalTimes`
            return value
        if value.__class__ is not datetime:  # a subclass may write itself otherwise
            return value.isoformat()
        key = (value, value.tzinfo, value.fold)
        text = self._memo.get(key)
        if text is None:
            if len(self._memo) >= self.limit:
                self._memo.clear()
            text = self._memo[key] = value.isoformat()
        return text


# strawberry's own DateTime, written through the memo, and described: parsing is unchanged.
DATETIME: ScalarDefinition = dataclasses.replace(
    DateTimeDefinition,
    serialize=IsoStrings(),
    description="An ISO 8601 date-time with its UTC offset, e.g. 2025-03-09T01:00:00-08:00. Answers are written in "
    "the market's local offset; arguments must carry an offset (`Z` or `-05:00`), a naive time is BAD_USER_INPUT",
)
# strawberry's own Date, described.
DATE: ScalarDefinition = dataclasses.replace(
    DateDefinition,
    description="An ISO 8601 calendar date, e.g. 2025-03-09: an operating day in the market's own timezone",
)
