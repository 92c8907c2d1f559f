"""Time selection arguments (start/end instants, or operating days) -> a UTC window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from gridql.adapters.model import MarketInfo, Window

from .errors import bad_input

MAX_DAYS = 366
# No ISO market published before PJM's LMPs of April 1998; nothing is scheduled past next year.
FIRST_DAY = date(1998, 1, 1)


def _last_day() -> date:
    return date(datetime.now(UTC).year + 1, 12, 31)


def _check_days(*days: date) -> None:
    latest = _last_day()
    for day in days:
        if not FIRST_DAY <= day <= latest:
            raise bad_input(
                f"No ISO publishes data for {day.isoformat()}: ask for days from {FIRST_DAY.isoformat()} "
                f"to {latest.isoformat()}"
            )


def resolve_window(
    market: MarketInfo, start: datetime | None, end: datetime | None, day: date | None, days: int
) -> Window:
    """`start`/`end` are absolute instants and must carry an offset; `date` + `days` are operating
    days in the market's own timezone (23 or 25 hours on DST days)."""
    if day is not None:
        if start is not None or end is not None:
            raise bad_input("Give either `date` (with `days`) or `start` and `end`, not both")
        if not 1 <= days <= MAX_DAYS:
            raise bad_input(f"`days` must be between 1 and {MAX_DAYS}, got {days}")
        _check_days(day)
        _check_days(day + timedelta(days=days - 1))  # no overflow: `day` is at most next year
        return Window.days(day, days, market.tz)
    if start is None or end is None:
        raise bad_input("Give a time selection: `date` (with `days`), or both `start` and `end`")
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise bad_input(
                f"`{name}` {value.isoformat()} has no UTC offset: write it as e.g. "
                f"{value.isoformat()}Z or {value.isoformat()}-05:00"
            )
    if end <= start:
        raise bad_input(f"`end` ({end.isoformat()}) must be after `start` ({start.isoformat()})")
    if end - start > timedelta(days=MAX_DAYS):
        raise bad_input(f"The window from `start` to `end` spans more than {MAX_DAYS} days")
    # Checked before conversion: an instant near datetime.max cannot be moved to UTC.
    _check_days(start.date(), end.date())
    return Window(start.astimezone(UTC), end.astimezone(UTC))
