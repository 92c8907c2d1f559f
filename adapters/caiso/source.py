"""How CAISO is asked: OASIS SingleZip requests cut to what one request may span (31 days with
named nodes) and to node batches, a refused piece split to the limit OASIS names; CAISO's daily
files, one request per Pacific day (today's fuel source from Today's Outlook `current/`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from ..errors import NotPublished, UpstreamUnavailable
from ..feed import Feed
from ..http import Upstream
from ..model import DAY, HOUR, ISO, Window
from ..pipeline import Ask, Parse, Piece
from .feeds import FILES_SPACING, MAX_NODES, OASIS_SPACING, SINGLE_ZIP, DailyFile, Oasis
from .oasis import bad, refused_window


class Request(NamedTuple):
    """What tells one OASIS request of a feed apart: its run, its nodes and the span it asks for."""

    market_run_id: str | None
    nodes: tuple[str, ...]
    span: Window


@dataclass(frozen=True, slots=True)
class DayFile:
    """One day's file: `current` for today's, read from Today's Outlook `current/`. `asked_at`
    (the query's now) judges a 404 and a stale current file; it is no part of the cache key."""

    day: date
    current: bool = False
    asked_at: datetime = field(default=datetime.min.replace(tzinfo=UTC), compare=False)


def oasis_time(instant: datetime, *, round_up: bool = False) -> str:
    """OASIS takes GMT to the minute: 20250309T08:00-0000."""
    instant = instant.astimezone(UTC)
    if round_up and (instant.second or instant.microsecond):
        instant = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return instant.strftime("%Y%m%dT%H:%M-0000")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def spans(window: Window, days: int, tz: ZoneInfo) -> list[Window]:
    """The window cut at Pacific midnights into pieces of at most `days` operating days."""
    cuts = [_midnight(day, tz) for day in window.local_days(tz)[days::days]]
    return [Window(start, end) for start, end in pairwise([window.start, *cuts, window.end])]


def shorter(span: Window, limit: timedelta, tz: ZoneInfo) -> list[Window] | None:
    """`span` cut to what OASIS said it allows: at Pacific midnights every `limit` days, or at
    whole hours every `limit` hours; in two where the limit is unknown (0) or the cut would leave
    the span whole (31 operating days that OASIS counts as longer than 31 x 24 hours). None when
    the span is within the limit already (an hour's grace for a fall-back day) or an hour or less:
    shorter pieces would be refused the same way."""
    length = span.end - span.start
    if length <= HOUR or (limit > timedelta(0) and length <= limit + HOUR):
        return None
    parts: list[Window] = []
    if limit >= DAY:
        parts = spans(span, limit // DAY, tz)
    elif limit >= HOUR:
        step = limit // HOUR * HOUR
        cuts = []
        cut = span.start.replace(minute=0, second=0, microsecond=0) + step
        while cut < span.end:
            cuts.append(cut)
            cut += step
        parts = [Window(start, end) for start, end in pairwise([span.start, *cuts, span.end])]
    if len(parts) <= 1:
        middle = (span.start + length / 2).replace(minute=0, second=0, microsecond=0)
        midnights = [_midnight(d, tz) for d in span.local_days(tz)[1:]]
        inner = [m for m in midnights if span.start < m < span.end]
        cut = min(inner, key=lambda m: abs(m - middle)) if inner else max(middle, span.start + HOUR)
        parts = [Window(span.start, cut), Window(cut, span.end)]
    return parts


def batches(codes: Sequence[str]) -> list[tuple[str, ...]]:
    unique = sorted(set(codes))
    return [tuple(unique[i : i + MAX_NODES]) for i in range(0, len(unique), MAX_NODES)]


class CaisoSource:
    def __init__(self, oasis: Upstream, files: Upstream, tz: ZoneInfo) -> None:
        self.oasis = oasis  # spaced as OASIS demands
        self.files = files  # www.caiso.com / content.caiso.com
        self.tz = tz
        self.upstreams: Sequence[Upstream] = (oasis, files)

    def _covers(self, span: Window, interval: timedelta) -> Window:
        """What an answer for `span` may hold: the whole operating days it touches, and the
        interval starting where they end, which OASIS may print at a request's seam."""
        touched = span.local_days(self.tz)
        days = Window.days(touched[0], len(touched), self.tz)
        return Window(days.start, days.end + interval)

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        query = feed.query
        if isinstance(query, DailyFile):
            assert ask.window is not None
            return self._days(query, ask, feed.interval or DAY)
        assert isinstance(query, Oasis)
        if ask.window is None:  # the atlas: today's
            return [Piece(None, ask.now.astimezone(self.tz).date(), OASIS_SPACING, query.rows)]
        interval = feed.interval
        assert interval is not None
        groups = batches(ask.codes) if query.by_node else [()]
        return [
            Piece(
                self._covers(span, interval),
                Request(run, nodes, span),
                OASIS_SPACING,
                query.rows * max(1, len(nodes)) * ((span.end - span.start) // interval),
            )
            for run in query.market_run_ids or (None,)
            for nodes in groups
            for span in spans(ask.window, query.max_days, self.tz)
        ]

    def _days(self, query: DailyFile, ask: Ask, interval: timedelta) -> list[Piece]:
        """One piece per day the file serves, up to today: a day not begun has nothing posted."""
        assert ask.window is not None
        today = ask.now.astimezone(self.tz).date()
        pieces = []
        for day in ask.window.local_days(self.tz):
            if day > today:
                continue
            # One request a day; a corrected report's second request is the exception, not planned.
            current = day == today and query.on(day).current is not None
            covers = Window.days(day, 1, self.tz)
            rows = (covers.end - covers.start) // interval  # a file holds one day, read whole
            pieces.append(Piece(covers, DayFile(day, current, ask.now), FILES_SPACING, rows))
        return pieces

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        """OASIS no-data (error 1000) is NotPublished: no records, asked again next time. A daily
        file's 404 is NotPublished while the day is not yet due, and an error once it is."""
        query = feed.query
        if isinstance(query, DailyFile):
            assert isinstance(piece.detail, DayFile)
            return await self._file(feed, query.on(piece.detail.day), piece.detail, parse)
        assert isinstance(query, Oasis)
        if isinstance(piece.detail, Request):
            run, nodes, span = piece.detail
        else:  # the atlas, for the day planned
            run, nodes, span = None, (), Window.days(piece.detail, 1, self.tz)  # type: ignore[arg-type]
        records = await self._ask(query, run, nodes, span, parse)
        if not records:
            raise NotPublished
        return records

    async def _ask(
        self, query: Oasis, run: str | None, nodes: tuple[str, ...], span: Window, parse: Parse
    ) -> list[Any]:
        """One SingleZip request; refused as too long (error 1004), the span is asked again in
        the shorter pieces the refusal allows."""
        response = await self.oasis.get(SINGLE_ZIP, params=self._params(query, run, nodes, span))
        refused = refused_window(response.content)
        if refused is None:
            return await parse(response.content)
        limit, description = refused
        parts = shorter(span, limit, self.tz)
        if parts is None:
            window = f"{oasis_time(span.start)} - {oasis_time(span.end)}"
            raise bad(f"OASIS error 1004: {description} ({query.queryname} refused {window})")
        records: list[Any] = []
        for part in parts:
            records.extend(await self._ask(query, run, nodes, part, parse))
        return records

    async def _file(self, feed: Feed[Any], query: DailyFile, asked: DayFile, parse: Parse) -> list[Any]:
        day = asked.day
        read = query.read
        parser = None if read is None else (lambda body: read(body, day))
        if asked.current:
            assert query.current is not None
            bust = {"_": int(asked.asked_at.timestamp())}
            response = await self.files.get(query.current, params=bust, ok_statuses=(404,))
            if response.status_code == 404:
                raise NotPublished
            records = await parse(response.content, parser)
            # Just past midnight the current file may still hold yesterday's rows, which read as
            # today's fall after now: today's file is not up yet.
            if not records or any(r.start > asked.asked_at + timedelta(minutes=5) for r in records):
                raise NotPublished
            return records
        urls = [query.at(query.url, day)] + ([query.at(query.corrected, day)] if query.corrected else [])
        for url in urls:
            response = await self.files.get(url, ok_statuses=(404,))
            if response.status_code != 404:
                break
        else:
            due = _midnight(day, self.tz) + query.posted
            if asked.asked_at < due or (feed.earliest is not None and day < feed.earliest):
                raise NotPublished
            raise UpstreamUnavailable(
                ISO.CAISO,
                f"{feed.name}: CAISO has no file for {day} (HTTP 404), though it is normally posted by "
                f"{due.astimezone(self.tz):%Y-%m-%d %H:%M} Pacific",
            )
        records = await parse(response.content, parser)
        if not records:
            raise bad(f"{feed.name}: the file for {day}, a day CAISO has posted, holds no rows")
        return records

    def _params(self, query: Oasis, run: str | None, nodes: tuple[str, ...], span: Window) -> dict[str, str | int]:
        params: dict[str, str | int] = {"queryname": query.queryname}
        if run is not None:
            params["market_run_id"] = run
        params.update(
            {
                "version": query.version,
                "startdatetime": oasis_time(span.start),
                "enddatetime": oasis_time(span.end, round_up=True),
                **dict(query.params),
            }
        )
        if nodes:
            params["node"] = ",".join(nodes)
        if query.csv:
            params["resultformat"] = 6
        return params
