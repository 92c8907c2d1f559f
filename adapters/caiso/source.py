"""How CAISO is asked: OASIS SingleZip requests cut to what one request may span and to node
batches; CAISO's daily files, one request per Pacific day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from ..errors import NotPublished
from ..feed import Feed
from ..http import Upstream
from ..model import Window
from ..pipeline import Ask, Parse, Piece
from .feeds import MAX_NODES, SINGLE_ZIP, DailyFile, Oasis


class Request(NamedTuple):
    """What tells one OASIS request of a feed apart: its run, its nodes and the span it asks for."""

    market_run_id: str | None
    nodes: tuple[str, ...]
    span: Window


def oasis_time(instant: datetime, *, round_up: bool = False) -> str:
    """OASIS takes GMT to the minute: 20250309T08:00-0000."""
    instant = instant.astimezone(UTC)
    if round_up and (instant.second or instant.microsecond):
        instant = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return instant.strftime("%Y%m%dT%H:%M-0000")


def spans(window: Window, query: Oasis, tz: ZoneInfo) -> list[Window]:
    """The window cut at Pacific midnights into pieces of at most `max_days` operating days, or
    at whole hours for the reports held to hours."""
    if query.max_hours is None:
        cuts = [
            datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
            for day in window.local_days(tz)[query.max_days :: query.max_days]
        ]
    else:
        step = timedelta(hours=query.max_hours)
        cuts = []
        cut = window.start.replace(minute=0, second=0, microsecond=0) + step
        while cut < window.end:
            cuts.append(cut)
            cut += step
    return [Window(start, end) for start, end in pairwise([window.start, *cuts, window.end])]


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
            return [Piece(Window.days(day, 1, self.tz), day) for day in ask.window.local_days(self.tz)]
        assert isinstance(query, Oasis)
        if ask.window is None:  # the atlas: today's
            return [Piece(None, ask.now.astimezone(self.tz).date())]
        assert feed.interval is not None
        groups = batches(ask.codes) if query.by_node else [()]
        return [
            Piece(self._covers(span, feed.interval), Request(run, nodes, span))
            for run in query.market_run_ids or (None,)
            for nodes in groups
            for span in spans(ask.window, query, self.tz)
        ]

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        """OASIS no-data (error 1000) and a daily file's 404 are NotPublished: no records, and
        asked again next time."""
        query = feed.query
        if isinstance(query, DailyFile):
            day: date = piece.detail  # type: ignore[assignment]
            response = await self.files.get(query.url.format(day=day), ok_statuses=(404,))
            if response.status_code == 404:
                raise NotPublished
            read = query.read
            records = await parse(response.content, None if read is None else lambda body: read(body, day))
        else:
            assert isinstance(query, Oasis)
            response = await self.oasis.get(SINGLE_ZIP, params=self._params(query, piece))
            records = await parse(response.content)
        if not records:
            raise NotPublished
        return records

    def _params(self, query: Oasis, piece: Piece) -> dict[str, str | int]:
        params: dict[str, str | int] = {"queryname": query.queryname}
        if isinstance(piece.detail, Request):
            run, nodes, span = piece.detail
        else:  # the atlas, for the day planned
            run, nodes, span = None, (), Window.days(piece.detail, 1, self.tz)  # type: ignore[arg-type]
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
