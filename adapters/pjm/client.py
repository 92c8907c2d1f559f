"""The PJM adapter: Data Miner 2 requests, operating-day windows, paging and caching, for every feed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from ..cache import RecordCache
from ..config import Secret
from ..errors import CredentialsMissing, CredentialsRejected, UnsupportedDataset, UnsupportedRun, UpstreamBadResponse
from ..http import Upstream
from ..model import ISO, DatasetInfo, MarketInfo, MarketRun, Node, PriceRecord, SeriesRequest, Window
from .datasets import DATASETS, SERIES, arrange
from .nodes import HUBS, ZONES
from .parse import LMP_FEEDS, PNODE_COLUMNS, LmpFeed, Page, node_type, nodes_from_items, prices_from_items, read_page
from .tables import TableFeed

MARKET = MarketInfo(
    iso=ISO.PJM,
    name="PJM Interconnection",
    timezone="America/New_York",
    runs=(MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_5_MIN, MarketRun.REAL_TIME_HOURLY),
)

BASE_URL = "https://api.pjm.com/api/v1/"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
ROW_COUNT = 50_000  # Data Miner's largest page
# PJM documents no cap on ids per `pnode_id` filter; this keeps the query string well under the
# URL limits of the API gateway (an id is up to 10 digits plus an encoded `;`).
MAX_IDS_PER_REQUEST = 200
# Older data is "archived": Data Miner refuses pnode filters on it (gridstatus `_get_pjm_archive_date`).
ARCHIVE_AGE: dict[MarketRun, timedelta] = {
    MarketRun.DAY_AHEAD_HOURLY: timedelta(days=731),
    MarketRun.REAL_TIME_HOURLY: timedelta(days=731),
    MarketRun.REAL_TIME_5_MIN: timedelta(days=186),
}


# Hubs and zones resolve without a request: PJM's full pnode list is ~20,000 rows.
FIXED_NODES: tuple[Node, ...] = tuple(Node(ISO.PJM, str(p.id), p.name, node_type(p.subtype)) for p in (*HUBS, *ZONES))


def _now() -> datetime:
    return datetime.now(UTC)


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


class PjmAdapter:
    market = MARKET
    fixed_nodes = FIXED_NODES
    datasets: tuple[DatasetInfo, ...] = DATASETS

    def __init__(
        self,
        upstream: Upstream,
        cache: RecordCache,
        *,
        api_key: Secret,
        require_key: bool,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.upstream = upstream
        self.cache = cache
        self.clock = clock
        self._api_key = api_key
        self._require_key = require_key

    async def aclose(self) -> None:
        await self.upstream.aclose()

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        feeds = SERIES.get((request.kind, request.run))
        if feeds is None:
            what = request.kind.value + (f" for {request.run.name}" if request.run else "")
            raise UnsupportedDataset(f"PJM does not serve {what}")
        window = request.window
        spans = self._spans(window, None)
        batches = await asyncio.gather(*(self._span_table(feed, span) for feed in feeds for span in spans))
        records = [r for batch in batches for r in batch if window.start <= r.start < window.end]
        return arrange(request.kind, records, request.published_before)

    async def nodes(self) -> Sequence[Node]:
        return await self.cache.get(("pnode",), self._fetch_nodes)

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        feed = LMP_FEEDS.get(run)
        if feed is None:
            published = ", ".join(r.name for r in self.market.runs)
            raise UnsupportedRun(f"PJM does not publish {run.name}; it publishes: {published}")
        result: dict[str, list[PriceRecord]] = {code: [] for code in codes}
        # pnode ids are integers; any other code cannot match a row and must not reach the filter.
        wanted = sorted({c for c in codes if c.isascii() and c.isdigit()}, key=int)
        if not wanted:
            return result
        jobs = []
        for span in self._spans(window, ARCHIVE_AGE[feed.run]):
            step = len(wanted) if span.archived else MAX_IDS_PER_REQUEST
            for i in range(0, len(wanted), step):
                jobs.append(self._span_prices(feed, span, tuple(wanted[i : i + step])))
        for records in await asyncio.gather(*jobs):
            for record in records:
                bucket = result.get(record.node)
                if bucket is not None and window.start <= record.start < window.end:
                    bucket.append(record)
        for bucket in result.values():
            bucket.sort(key=lambda r: r.start)
        return result

    def _spans(self, window: Window, archive_age: timedelta | None) -> list[Span]:
        """The window's operating days, split where Data Miner needs separate requests.

        A request may not cross a year boundary or, for the LMP feeds, the archive boundary
        (gridstatus `pjm_update_dates`). `archive_age` None: the feed is never filtered by node.
        """
        local_now = self.clock().astimezone(self.market.tz)
        cutoff = None if archive_age is None else (local_now - archive_age).date()
        spans: list[Span] = []
        for day in window.local_days(self.market.tz):
            archived = cutoff is not None and day < cutoff
            last = spans[-1] if spans else None
            if last is not None and last.archived == archived and last.last.year == day.year:
                spans[-1] = Span(last.first, day, archived)
            else:
                spans.append(Span(day, day, archived))
        return spans

    async def _span_prices(self, feed: LmpFeed, span: Span, group: tuple[str, ...]) -> list[PriceRecord]:
        async def fetch() -> list[PriceRecord]:
            params: dict[str, str | int] = {
                "rowCount": ROW_COUNT,
                "startRow": 1,
                "datetime_beginning_ept": span.ept_filter,
            }
            # Archived days take no pnode filter (and, as in gridstatus, no `fields`): read every
            # node's rows and keep the group's here; the parser drops superseded versions.
            if not span.archived:
                params["fields"] = ",".join(feed.columns)
                params["pnode_id"] = ";".join(group)
                params["row_is_current"] = "TRUE"
            items = await self._read_all(BASE_URL + feed.name, params)
            return prices_from_items(items, feed, keep=frozenset(group))

        return await self.cache.get((feed.name, span.first, span.last, group), fetch)

    async def _span_table(self, feed: TableFeed, span: Span) -> list[Any]:
        """Every record of a market-wide feed over the span's days: one query, paged to the end.

        Forecast vintages are all kept here so that any `published_before` is served from the cache.
        """

        async def fetch() -> list[Any]:
            params: dict[str, str | int] = {
                "rowCount": ROW_COUNT,
                "startRow": 1,
                "fields": ",".join(feed.columns),
                feed.date_filter: span.ept_filter,
            }
            return feed.records(await self._read_all(BASE_URL + feed.name, params))

        return await self.cache.get((feed.name, span.first, span.last), fetch)

    async def _fetch_nodes(self) -> list[Node]:
        params: dict[str, str | int] = {
            "rowCount": ROW_COUNT,
            "startRow": 1,
            "fields": ",".join(PNODE_COLUMNS),
            "termination_date": "12/31/9999exact",  # active definitions only
        }
        return nodes_from_items(await self._read_all(BASE_URL + "pnode", params))

    async def _read_all(self, url: str, params: dict[str, str | int]) -> list[dict[str, Any]]:
        """Every row of a query: follow `links` rel "next", or count pages from `totalRows`."""
        page = await self._page(url, params)
        items = list(page.items)
        total = page.total_rows
        while len(items) < total:
            if page.next_href is not None:
                page = await self._page(_same_api(page.next_href), None)
            else:
                page = await self._page(url, {**params, "startRow": len(items) + 1})
            if not page.items:
                raise UpstreamBadResponse(ISO.PJM, f"Data Miner paging stopped after {len(items)} of {total} rows")
            items.extend(page.items)
        return items

    async def _page(self, url: str, params: dict[str, str | int] | None) -> Page:
        response = await self.upstream.get(url, params=params, headers=self._headers(), ok_statuses=(401, 403))
        if response.status_code in (401, 403):
            status = response.status_code
            message = f"Data Miner rejected the subscription key (HTTP {status}); check GRIDQL_PJM_API_KEY"
            raise CredentialsRejected(ISO.PJM, message)
        try:
            return read_page(response.content)
        except UpstreamBadResponse as exc:
            # PJM's error text is quoted in the message; make sure it cannot carry our key along.
            if self._api_key and self._api_key.reveal() in str(exc):
                raise UpstreamBadResponse(
                    ISO.PJM, "Data Miner returned an error quoting the subscription key"
                ) from None
            raise

    def _headers(self) -> dict[str, str]:
        if self._api_key:
            return {KEY_HEADER: self._api_key.reveal()}
        if self._require_key:
            raise CredentialsMissing(ISO.PJM, "GRIDQL_PJM_API_KEY is not set")
        return {}


def _same_api(href: str) -> str:
    """A `next` link must stay on the API host: the subscription key goes with it."""
    base = httpx.URL(BASE_URL)
    link = httpx.URL(href)
    if (link.scheme, link.host) != (base.scheme, base.host):
        raise UpstreamBadResponse(ISO.PJM, f"Data Miner sent a next-page link to another host: {link.host}")
    return href
