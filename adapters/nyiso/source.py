"""Which NYISO MIS files serve a window, and how one is fetched.

A month of a report is one `_csv.zip` archive (one CSV per day inside), so a 45-day query asks
for one file per month; a lone day of the last `DAILY_FILE_DAYS` days (or a later one) comes from
its daily CSV, fresher than the archive and a fraction of its size. Older days always come from
their month's archive, even in the current month: the daily CSVs are a short-lived copy NYISO
may no longer host (gridstatus reads them for the last 7 days only). The current month's archive
is assumed to grow day by day, as gridstatus and NYISOToolkit read date ranges of it.

A generator price file is asked for a node group: its piece (and cache entry) holds only the
generators asked for, so a month of `_gen` prices is parsed to those nodes rather than to all of
NYISO's generators (hundreds of MB of records). The zonal file is small: it is kept whole.

NYISO keeps every past month: a 404 for a file covering today or later means "not posted yet"
(`NotPublished`, asked again next time), for an older one that the file is lost.
"""

from __future__ import annotations

import email.utils
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any

import httpx

from ..errors import NotPublished, UpstreamBadResponse
from ..feed import Feed
from ..http import Upstream
from ..model import DAY, ISO, Window
from ..pipeline import Ask, Parse, Piece
from .feeds import DAILY_FILE_DAYS, GENERATORS, SPACING, VINTAGE_LOOKBACK, Mis
from .mis import EASTERN
from .nodes import ZONAL_PTIDS

BASE_URL = "https://mis.nyiso.com/public/csv"


@dataclass(frozen=True, slots=True)
class File:
    """One MIS file, the detail of its piece."""

    path: str  # under BASE_URL: "<folder>/20251102<folder>_zone.csv"
    recent: bool = False  # it covers today or later: a 404 means not posted yet
    nodes: tuple[str, ...] | None = None  # a generator price file: only these PTIDs are kept

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC)


def _month_end(first: date) -> date:
    """The last day of the month starting `first`."""
    return (first + timedelta(days=31)).replace(day=1) - DAY


def _units(days: Sequence[date], today: date) -> list[tuple[date, bool]]:
    """(first day, monthly) of the files holding `days`: one archive per month, but a lone day
    still within the daily CSVs' lifetime (or later) from its daily CSV."""
    oldest_daily = today - DAY * DAILY_FILE_DAYS
    chosen: list[tuple[date, bool]] = []
    for month, in_month in groupby(days, key=lambda d: d.replace(day=1)):
        month_days = list(in_month)
        if len(month_days) == 1 and month_days[0] > oldest_daily:
            chosen.append((month_days[0], False))
        else:
            chosen.append((month, True))
    return chosen


def _piece(
    feed: Feed[Mis], suffix: str, first: date, monthly: bool, today: date, nodes: tuple[str, ...] | None = None
) -> Piece:
    query = feed.query
    last = _month_end(first) if monthly else first
    # A forecast file holds its own day and the days it forecasts; any other file its days.
    covers = Window(_midnight(first), _midnight(last + DAY * max(query.horizon_days, 1)))
    name = f"{first:%Y%m%d}{query.folder}{suffix}{'_csv.zip' if monthly else '.csv'}"
    recent = first >= today.replace(day=1) if monthly else first >= today
    assert feed.interval is not None
    rows = (GENERATORS if suffix == query.gen else query.rows) * ((covers.end - covers.start) // feed.interval)
    # One request per file; NYISO documents no pace, so the spacing gridql keeps is the cost.
    return Piece(covers, File(f"{query.folder}/{name}", recent, nodes), SPACING, rows)


def _vintage_days(window: Window, cutoff: datetime) -> list[date]:
    """The dates of the forecast files that may hold the window's latest vintages published before
    `cutoff`. A file dated D is posted the day before D (so none dated after the cutoff's next day
    can count) and forecasts D onwards: each day of the window is best served by its own file, the
    first by the newest file not after it. Should that one not be posted before the cutoff, the
    files before it stand in, back to one dated on or before the cutoff's day, which NYISO posted
    before the cutoff; older files forecast nothing newer for the window."""
    days = window.local_days(EASTERN)
    newest = cutoff.astimezone(EASTERN).date() + DAY
    top = min(days[0], newest)
    chosen = [top + DAY * i for i in range((min(days[-1], newest) - top).days + 1)]
    for _ in range(VINTAGE_LOOKBACK - 1):
        if _midnight(chosen[0]) <= cutoff:
            break
        chosen.insert(0, chosen[0] - DAY)
    return chosen


def last_modified(response: httpx.Response) -> datetime | None:
    value = response.headers.get("Last-Modified")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


class MisSource:
    """NYISO's one host, the public MIS."""

    def __init__(self, mis: Upstream) -> None:
        self.mis = mis
        self.upstreams: Sequence[Upstream] = (mis,)

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        query: Mis = feed.query
        if query.file is not None or ask.window is None:
            return [Piece(None, File(f"{query.folder}/{query.file}"), SPACING, query.rows)]
        today = ask.now.astimezone(EASTERN).date()
        if query.horizon_days:
            days = _vintage_days(ask.window, ask.published_before or ask.now)
            # Today's and tomorrow's files are the freshest vintages: daily CSVs, not the archive.
            past = [day for day in days if day < today]
            units = [*_units(past, today), *((day, False) for day in days if day >= today)]
            return list(dict.fromkeys(_piece(feed, "", first, monthly, today) for first, monthly in units))
        files: list[tuple[str, tuple[str, ...] | None]] = [("", None)]
        if query.zone is not None and query.gen is not None:
            generators = tuple(sorted({code for code in ask.codes if code not in ZONAL_PTIDS}))
            files = [(query.zone, None)] if len(generators) < len(set(ask.codes)) else []
            if generators:
                files.append((query.gen, generators))
        units = _units(ask.window.local_days(EASTERN), today)
        return [
            _piece(feed, suffix, first, monthly, today, nodes) for suffix, nodes in files for first, monthly in units
        ]

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        file: File = piece.detail  # type: ignore[assignment]
        dated = piece.covers is not None
        response = await self.mis.get(f"{BASE_URL}/{file.path}", ok_statuses=(404,) if dated else ())
        if response.status_code == 404:
            if file.recent:
                raise NotPublished
            raise UpstreamBadResponse(ISO.NYISO, f"{file.name} is missing (HTTP 404)")
        query: Mis = feed.query
        if query.lbmp is not None:
            # A price file is read for its node group, and today's by when it was written (its
            # real-time RTC advisory tail is not RTD's).
            written = last_modified(response)
            reader = query.lbmp.parser(file.nodes, written, growing=written is None and file.recent)
            records = await parse(response.content, reader)
        else:
            records = await parse(response.content)
        if query.horizon_days and piece.covers is not None:
            # A daily forecast CSV is a vintage published when NYISO last wrote it (or on its date);
            # an archive's members carry their own stamps.
            posted = last_modified(response) or piece.covers.start
            for record in records:
                if record.published_at is None:
                    record.published_at = posted
        return records
