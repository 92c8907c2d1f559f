"""How Data Miner 2 is asked: the subscription key, operating-day spans, node groups, archives, paging."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from ..config import Secret
from ..errors import CredentialsMissing, CredentialsRejected, UpstreamBadResponse
from ..feed import Feed, NodeList, Prices
from ..http import Upstream
from ..model import DAY, ISO, RUN_LENGTH, Window
from ..pipeline import Ask, Parse, Parser, Piece
from . import feeds, ftr
from .feeds import Query
from .nodes import HUBS, ZONES, name_key
from .parse import Page, Reader

BASE_URL = "https://api.pjm.com/api/v1/"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
TZ = ZoneInfo("America/New_York")


@dataclass(frozen=True, slots=True)
class Span:
    """Whole operating days fetched by one request (per node group)."""

    first: date
    last: date
    archived: bool = False
    recent: bool = False  # real-time days that may lack verified rows: the fallback is asked too

    def ept_filter(self, before: timedelta = timedelta(0)) -> str:
        # The filter's end is inclusive: stop at the last day's 23:59 so the next day's 00:00 row
        # stays out; the wall-clock range still holds both passes through a fall-back 01:00.
        # `before`: start that much before the first midnight (early readings, forecast vintages).
        start = datetime(self.first.year, self.first.month, self.first.day) - before
        return f"{start:%m/%d/%Y %H:%M}to{self.last:%m/%d/%Y} 23:59"

    @property
    def days(self) -> Window:
        return Window.days(self.first, (self.last - self.first).days + 1, TZ)

    def intervals(self, length: timedelta) -> int:
        window = self.days
        return (window.end - window.start) // length


@dataclass(frozen=True, slots=True)
class Month:
    """A piece of an FTR feed: the month it is asked for (the auction named for it, or the month
    its values apply to)."""

    first: date

    def filter(self, by: str) -> str:
        if by == "market_name":
            return ftr.auction_name(self.first)
        after = _next_month(self.first) - timedelta(days=1)
        return f"{self.first:%m/%d/%Y}to{after:%m/%d/%Y}"


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months(window: Window, feed: Feed[Any], now: datetime) -> list[Month]:
    """The months of the window (EPT) the feed may hold by `now`: not before its earliest, not
    older than it keeps, and posted by now (an auction's bids months after it)."""
    days = window.local_days(TZ)
    first, last = days[0].replace(day=1), days[-1]
    if feed.earliest is not None:
        first = max(first, feed.earliest.replace(day=1))
    out = []
    while first <= last:
        start = Window.days(first, 1, TZ).start
        kept = feed.retention is None or now - feed.retention < Window.days(_next_month(first), 1, TZ).start
        if kept and start + feed.delay <= now:
            out.append(Month(first))
        first = _next_month(first)
    return out


def _month_covers(query: Query, month: Month) -> Window:
    """What a month's answer may hold: an auction's terms lie in its planning year (products of
    the months and quarters left, and of any already started); congestion values cover the month."""
    if query.by_month == "market_name":
        year = ftr.planning_year(month.first)
        return Window.days(year, (date(year.year + 1, year.month, 1) - year).days, TZ)
    return Window.days(month.first, (_next_month(month.first) - month.first).days, TZ)


@dataclass(frozen=True, slots=True)
class Part:
    """A piece's detail: its days and, for prices, its node group and (archived) `type` filter."""

    span: Span
    nodes: tuple[str, ...] | None = None
    type: str | None = None


def spans(window: Window, ask: Ask, feed: Feed[Any]) -> list[Span]:
    """The window's operating days the feed may hold, split where Data Miner needs separate
    requests: a request may not cross a year boundary (archived queries must stay in one calendar
    year) or, for the LMP feeds, the archive boundary (gridstatus `pjm_update_dates`; PJM refuses
    "Date range in the API request spans over archived and standard data"); recent real-time days
    are apart too, as they are also asked of the unverified feed. Days older than the feed's
    retention, and a history feed's today and later, are not asked at all."""
    query: Query = feed.query
    today = ask.now.astimezone(TZ).date()
    cutoff = None if query.archive_age is None else (ask.now.astimezone(TZ) - query.archive_age).date()
    lag = query.verified_lag if query.fallback is not None else None
    recent_from = None if lag is None else (ask.now.astimezone(TZ) - lag).date()
    oldest = None if feed.retention is None else (ask.now - feed.retention).astimezone(TZ).date()
    out: list[Span] = []
    for day in window.local_days(TZ):
        if (oldest is not None and day < oldest) or (query.past_days_only and day >= today):
            continue
        archived = cutoff is not None and day < cutoff
        recent = recent_from is not None and day >= recent_from
        last = out[-1] if out else None
        if (
            last is not None
            and (last.archived, last.recent) == (archived, recent)
            and last.last.year == day.year
            and (day - last.last).days == 1
        ):
            out[-1] = Span(last.first, day, archived, recent)
        else:
            out.append(Span(day, day, archived, recent))
    return out


def seconds(rows: int) -> float:
    """Upstream seconds of a query of about `rows` rows: its pages at Data Miner's pace."""
    return max(1, math.ceil(rows / feeds.ROW_COUNT)) * feeds.SPACING


def _piece(covers: Window | None, detail: Hashable, *queries: int) -> Piece:
    """A piece made of Data Miner queries of about these many rows each: their pages' seconds
    and their rows, which are what the piece reads upstream."""
    return Piece(covers, detail, sum(seconds(rows) for rows in queries), sum(queries))


PNODE_ROWS = 25_000  # the pnode list: ~23,700 rows
# How long the pnode ids the FTR feeds' node names are matched to are kept.
IDS_FOR = timedelta(days=1)

# The LMP feeds' `type` of each fixed node: what an archived day is filtered by.
_TYPES = {str(p.id): p.subtype for p in (*HUBS, *ZONES)}


class DataMiner:
    def __init__(self, upstream: Upstream, api_key: Secret) -> None:
        self.upstream = upstream
        self.upstreams: Sequence[Upstream] = (upstream,)
        self._api_key = api_key
        # pnode ids by `nodes.name_key` of their names, for the FTR feeds; read once a day
        self._ids: tuple[datetime, dict[str, str]] | None = None
        self._ids_lock = asyncio.Lock()

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        """One piece per span (and node group, for prices); a node list is one piece. Each piece
        carries its upstream seconds at PJM's pace, pages (and the fallback's) included."""
        query: Query = feed.query
        if ask.window is not None and query.by_month is not None:
            planned = [
                _piece(_month_covers(query, month), month, query.rows_per_month)
                for month in months(ask.window, feed, ask.now)
            ]
            if planned and self._ids is None:  # the pnode list is read first, to name the nodes
                first = planned[0]
                planned[0] = dataclasses.replace(first, seconds=first.seconds + seconds(PNODE_ROWS))
            return planned
        if ask.window is None or query.date_filter is None:
            return [_piece(None, None, PNODE_ROWS)]
        if not isinstance(feed.serves, Prices):
            pieces = []
            for span in spans(ask.window, ask, feed):
                days = (span.last - span.first).days + 1 + query.lookback // DAY
                pieces.append(_piece(span.days, Part(span), query.rows_per_day * days))
            return pieces
        # pnode ids are integers; any other code cannot match a row and must not reach the filter.
        wanted = sorted({c for c in ask.codes if c.isascii() and c.isdigit()}, key=int)
        if not wanted:
            return []
        length = RUN_LENGTH[feed.serves.run]
        pieces = []
        for span in spans(ask.window, ask, feed):
            if span.archived:
                pieces += self._archived(query, span, wanted, length)
                continue
            for i in range(0, len(wanted), feeds.MAX_IDS_PER_REQUEST):
                group = tuple(wanted[i : i + feeds.MAX_IDS_PER_REQUEST])
                queries = [len(group) * span.intervals(length)]
                fallback = query.fallback
                if span.recent and fallback is not None:
                    days = (span.last - span.first).days + 1
                    by_name = fallback.query.by_name
                    queries.append(fallback.query.rows_per_day * days if by_name else queries[0])
                pieces.append(_piece(span.days, Part(span, group), *queries))
        return pieces

    def _archived(self, query: Query, span: Span, wanted: list[str], length: timedelta) -> list[Piece]:
        """Archived days take no pnode filter. Hubs and zones of the hourly feeds are asked by
        their `type` (HUB: 12 pnodes, one page for a month); any other node, and every node of the
        5-minute feed (which refuses `type` there), costs every pnode's rows, asked a day at a
        time: about 7 pages (70 s) a day hourly, 75 pages (750 s) a day of 5-minute prices."""
        typed: dict[str, list[str]] = {}
        rest: list[str] = []
        for code in wanted:
            kind = _TYPES.get(code) if query.archive_types else None
            if kind in feeds.TYPE_PNODES:
                typed.setdefault(kind, []).append(code)
            else:
                rest.append(code)
        pieces = [
            _piece(span.days, Part(span, tuple(codes), kind), feeds.TYPE_PNODES[kind] * span.intervals(length))
            for kind, codes in typed.items()
        ]
        day = span.first
        while rest and day <= span.last:
            one = Span(day, day, archived=True)
            pieces.append(_piece(one.days, Part(one, tuple(rest)), feeds.PRICED_PNODES * one.intervals(length)))
            day += timedelta(days=1)
        return pieces

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        query: Query = feed.query
        reader = _reader(feed)
        part = piece.detail
        params: dict[str, str | int] = {"rowCount": feeds.ROW_COUNT, "startRow": 1}
        if isinstance(part, Month) and query.by_month is not None:
            params.update({"fields": ",".join(query.fields), **dict(query.filters)})
            params[query.by_month] = part.filter(query.by_month)
            records = await self._read_all(BASE_URL + query.report, params, parse, reader.pages())
            return ftr.with_pnode_ids(records, await self._pnode_ids(parse))
        if isinstance(part, Part) and query.date_filter is not None:
            params[query.date_filter] = part.span.ept_filter(query.early + query.lookback)
        url = BASE_URL + query.report
        if isinstance(part, Part) and part.span.archived:
            # Archived days take no pnode filter and no `fields`; `row_is_current` and `type` are
            # allowed. Every row of the type (or of every node) is read and the group's kept.
            params.update(query.filters)
            if part.type is not None:
                params["type"] = part.type
            return await self._read_all(url, params, parse, reader.pages(frozenset(part.nodes or ())))
        params["fields"] = ",".join(query.fields)
        params.update(query.filters)
        if isinstance(part, Part) and part.nodes is not None:
            params["pnode_id"] = ";".join(part.nodes)
        records = await self._read_all(url, params, parse, reader.pages())
        if isinstance(part, Part) and part.span.recent and query.fallback is not None:
            verified = {(r.node, r.start) for r in records}
            posted = await self._fallback(query.fallback, part, parse)
            records += [r for r in posted if (r.node, r.start) not in verified]
        if (query.early or query.lookback) and piece.covers is not None:
            # asked from before the day(s): keep only the rows inside them
            covers = piece.covers
            records = [r for r in records if covers.start <= r.start < covers.end]
        return records

    async def _pnode_ids(self, parse: Parse) -> dict[str, str]:
        """Pnode ids by the names the FTR feeds print, reduced by `nodes.name_key`: the one place
        those names meet the pnode list."""
        async with self._ids_lock:
            now = datetime.now(UTC)
            if self._ids is None or now - self._ids[0] > IDS_FOR:
                listing = next(f for f in feeds.FEEDS if isinstance(f.serves, NodeList))
                query: Query = listing.query
                params: dict[str, str | int] = {
                    "rowCount": feeds.ROW_COUNT,
                    "startRow": 1,
                    "fields": ",".join(query.fields),
                    **dict(query.filters),
                }
                found = await self._read_all(BASE_URL + query.report, params, parse, _reader(listing).pages())
                self._ids = (now, {name_key(node.name): node.code for node in found})
            return self._ids[1]

    async def _fallback(self, feed: Feed[Any], part: Part, parse: Parse) -> list[Any]:
        """The intervals of `part` as the unverified feed posted them, for the group's nodes."""
        query: Query = feed.query
        params: dict[str, str | int] = {
            "rowCount": feeds.ROW_COUNT,
            "startRow": 1,
            "fields": ",".join(query.fields),
        }
        if query.date_filter is not None:
            params[query.date_filter] = part.span.ept_filter()
        keep = frozenset(part.nodes or ())
        if query.by_name:
            return await self._read_all(BASE_URL + query.report, params, parse, _reader(feed).pages(keep))
        params["pnode_id"] = ";".join(part.nodes or ())
        return await self._read_all(BASE_URL + query.report, params, parse, _reader(feed).pages())

    async def _read_all(
        self,
        url: str,
        params: dict[str, str | int],
        parse: Parse,
        pages: Parser,
    ) -> list[Any]:
        """Every row of a query: follow `links` rel "next", or count pages from `totalRows`."""
        page = await self._page(url, params, parse, pages)
        records, rows, total = list(page.records), page.rows, page.total_rows
        while rows < total:
            if page.next_href is not None:
                page = await self._page(_same_api(page.next_href), None, parse, pages)
            else:
                page = await self._page(url, {**params, "startRow": rows + 1}, parse, pages)
            if not page.rows:
                raise UpstreamBadResponse(ISO.PJM, f"Data Miner paging stopped after {rows} of {total} rows")
            records.extend(page.records)
            rows += page.rows
        return records

    async def _page(self, url: str, params: dict[str, str | int] | None, parse: Parse, pages: Parser) -> Page:
        response = await self.upstream.get(url, params=params, headers=self._headers(), ok_statuses=(401, 403))
        if response.status_code in (401, 403):
            status = response.status_code
            message = f"Data Miner rejected the subscription key (HTTP {status}); check GRIDQL_PJM_API_KEY"
            raise CredentialsRejected(ISO.PJM, message)
        # PJM's error text is quoted in the message; every UpstreamError scrubs the key from it.
        (page,) = await parse(response.content, pages)
        assert isinstance(page, Page)
        return page

    def _headers(self) -> dict[str, str]:
        if not self._api_key:
            raise CredentialsMissing(ISO.PJM, "GRIDQL_PJM_API_KEY is not set")
        return {KEY_HEADER: self._api_key.reveal()}


def _reader(feed: Feed[Any]) -> Reader:
    reader = feed.parse
    if not isinstance(reader, Reader):
        raise TypeError(f"{feed.name} is not read by a Data Miner reader")
    return reader


def _same_api(href: str) -> str:
    """A `next` link must stay on the API host: the subscription key goes with it."""
    base = httpx.URL(BASE_URL)
    link = httpx.URL(href)
    if (link.scheme, link.host) != (base.scheme, base.host):
        raise UpstreamBadResponse(ISO.PJM, f"Data Miner sent a next-page link to another host: {link.host}")
    return href
