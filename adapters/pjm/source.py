"""How Data Miner 2 is asked: the subscription key, operating-day spans, node groups, archives, paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from ..config import Secret
from ..errors import CredentialsMissing, CredentialsRejected, UpstreamBadResponse
from ..feed import Feed, Prices
from ..http import Upstream
from ..model import ISO, Window
from ..pipeline import Ask, Parse, Parser, Piece
from . import feeds
from .feeds import Query
from .parse import Page, Reader

BASE_URL = "https://api.pjm.com/api/v1/"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
TZ = ZoneInfo("America/New_York")


@dataclass(frozen=True, slots=True)
class Span:
    """Whole operating days fetched by one request (per node group)."""

    first: date
    last: date
    archived: bool

    @property
    def ept_filter(self) -> str:
        # The filter's end is inclusive: stop at the last day's 23:59 so the next day's 00:00 row
        # stays out; the wall-clock range still holds both passes through a fall-back 01:00.
        return f"{self.first:%m/%d/%Y} 00:00to{self.last:%m/%d/%Y} 23:59"

    @property
    def days(self) -> Window:
        return Window.days(self.first, (self.last - self.first).days + 1, TZ)


@dataclass(frozen=True, slots=True)
class Part:
    """A piece's detail: its days and, for prices, its node group."""

    span: Span
    nodes: tuple[str, ...] | None = None


def spans(window: Window, ask: Ask, query: Query) -> list[Span]:
    """The window's operating days, split where Data Miner needs separate requests: a request may
    not cross a year boundary or, for the LMP feeds, the archive boundary (gridstatus
    `pjm_update_dates`)."""
    cutoff = None if query.archive_age is None else (ask.now.astimezone(TZ) - query.archive_age).date()
    out: list[Span] = []
    for day in window.local_days(TZ):
        archived = cutoff is not None and day < cutoff
        last = out[-1] if out else None
        if last is not None and last.archived == archived and last.last.year == day.year:
            out[-1] = Span(last.first, day, archived)
        else:
            out.append(Span(day, day, archived))
    return out


class DataMiner:
    def __init__(self, upstream: Upstream, api_key: Secret) -> None:
        self.upstream = upstream
        self.upstreams: Sequence[Upstream] = (upstream,)
        self._api_key = api_key

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        """One piece per span (and node group, for prices); a node list is one piece."""
        query: Query = feed.query
        if ask.window is None or query.date_filter is None:
            return [Piece(None)]
        if not isinstance(feed.serves, Prices):
            return [Piece(span.days, Part(span)) for span in spans(ask.window, ask, query)]
        # pnode ids are integers; any other code cannot match a row and must not reach the filter.
        wanted = sorted({c for c in ask.codes if c.isascii() and c.isdigit()}, key=int)
        pieces = []
        for span in spans(ask.window, ask, query):
            step = len(wanted) if span.archived else feeds.MAX_IDS_PER_REQUEST
            for i in range(0, len(wanted), step):
                pieces.append(Piece(span.days, Part(span, tuple(wanted[i : i + step]))))
        return pieces

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        query: Query = feed.query
        reader = feed.parse
        if not isinstance(reader, Reader):
            raise TypeError(f"{feed.name} is not read by a Data Miner reader")
        part = piece.detail
        params: dict[str, str | int] = {"rowCount": feeds.ROW_COUNT, "startRow": 1}
        if isinstance(part, Part) and query.date_filter is not None:
            params[query.date_filter] = part.span.ept_filter
        if isinstance(part, Part) and part.span.archived:
            # Archived days take no pnode filter and no `fields`: every node's rows are read and
            # the group's kept.
            keep = frozenset(part.nodes or ())
            return await self._read_all(BASE_URL + query.report, params, parse, reader.pages(keep))
        params["fields"] = ",".join(query.fields)
        params.update(query.filters)
        if isinstance(part, Part) and part.nodes is not None:
            params["pnode_id"] = ";".join(part.nodes)
        return await self._read_all(BASE_URL + query.report, params, parse, reader.pages())

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
        try:
            (page,) = await parse(response.content, pages)
        except UpstreamBadResponse as exc:
            # PJM's error text is quoted in the message; make sure it cannot carry our key along.
            if self._api_key.reveal() in str(exc):
                raise UpstreamBadResponse(
                    ISO.PJM, "Data Miner returned an error quoting the subscription key"
                ) from None
            raise
        assert isinstance(page, Page)
        return page

    def _headers(self) -> dict[str, str]:
        if not self._api_key:
            raise CredentialsMissing(ISO.PJM, "GRIDQL_PJM_API_KEY is not set")
        return {KEY_HEADER: self._api_key.reveal()}


def _same_api(href: str) -> str:
    """A `next` link must stay on the API host: the subscription key goes with it."""
    base = httpx.URL(BASE_URL)
    link = httpx.URL(href)
    if (link.scheme, link.host) != (base.scheme, base.host):
        raise UpstreamBadResponse(ISO.PJM, f"Data Miner sent a next-page link to another host: {link.host}")
    return href
