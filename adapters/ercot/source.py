"""What is truly ERCOT's about asking: a subscription key and a B2C id token on every public-API
call, report paging, the archive for the days a daily report's live answer no longer holds, the
MIS settlement point list and the public dashboard.

A piece is whole operating days in Central time (SCED: the days' runs; DAM reports: the delivery
days), one query for all of them; a single settlement point is asked for by name, a batch takes
the all-points report -- one query either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

import httpx

from ..config import Settings
from ..errors import CredentialsMissing, CredentialsRejected
from ..feed import Feed
from ..http import Upstream
from ..model import ISO, Window
from ..pipeline import Ask, Parse, Piece
from . import feeds
from .auth import IdToken
from .feeds import MARKET, Dashboard, MisDocuments, Report
from .parse import Posting, Tables, latest_document, listing

API = "https://api.ercot.com/api/public-reports"
MIS_LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
MIS_DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
DASHBOARDS = "https://www.ercot.com/api/1/services/read"
TZ = MARKET.tz


class ErcotSource:
    def __init__(self, api: Upstream, www: Upstream, settings: Settings) -> None:
        self.api = api  # api.ercot.com and its sign-in
        self.www = www  # www.ercot.com: MIS and the dashboards, no credentials
        self.upstreams: Sequence[Upstream] = (api, www)
        self._api_key = settings.ercot_api_key
        self._token = IdToken(api, settings.ercot_username, settings.ercot_password)

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        if not isinstance(feed.query, Report):
            return [Piece(None)]  # a node list, a dashboard of today and yesterday: one document
        if ask.window is None:
            raise ValueError(f"{feed.name} is asked for by operating day")
        days = ask.window.local_days(TZ)
        point = ask.codes[0] if len(ask.codes) == 1 else None
        return [Piece(Window.days(days[0], len(days), TZ), point)]

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        query = feed.query
        if isinstance(query, MisDocuments):
            documents = await self.www.get(MIS_LIST, params={"reportTypeId": query.report_type})
            (doc_id,) = await parse(documents.content, partial(latest_document, source=feed.name))
            document = await self.www.get(MIS_DOWNLOAD, params={"doclookupId": doc_id})
            return await parse(document.content)
        if isinstance(query, Dashboard):
            return await parse((await self.www.get(f"{DASHBOARDS}/{query.path}")).content)
        assert isinstance(query, Report) and isinstance(feed.parse, Tables) and piece.covers is not None
        days = piece.covers.local_days(TZ)
        records = await self._live(query, feed.parse, days[0], days[-1], piece.detail, parse)
        if query.posted is None:
            return records
        # Live endpoints keep recent days only: the days the answer lacks come from the archive.
        present = {record.start.astimezone(TZ).date() for record in records}
        missing = [day for day in days if day not in present]
        if missing:
            records += await self._archived(query, feed.parse, missing[0], missing[-1], parse)
        return records

    async def _live(
        self, query: Report, tables: Tables, first: date, last: date, point: Any, parse: Parse
    ) -> list[Any]:
        """Every page of the live answer, read as one table."""
        url = f"{API}/{query.path}"
        params: dict[str, str | int] = {**query.params(first, last), "size": feeds.PAGE_SIZE}
        if point is not None:
            params["settlementPoint"] = point
        (page,) = await parse(await self._get(url, {**params, "page": 1}), tables.page)
        if page.records is not None:
            return list(page.records)
        before = [page.table]
        for number in range(2, page.pages):
            (more,) = await parse(await self._get(url, {**params, "page": number}), tables.page)
            before.append(more.table)
        return await parse(await self._get(url, {**params, "page": page.pages}), tables.last_page(before))

    async def _archived(self, query: Report, tables: Tables, first: date, last: date, parse: Parse) -> list[Any]:
        """The daily archive postings holding operating days first..last, oldest first, so that a
        later posting (a correction) wins."""
        assert query.posted is not None
        url = f"{API}/archive/{query.emil.lower()}"
        posted = timedelta(days=query.posted)
        params: dict[str, str | int] = {
            "postDatetimeFrom": f"{(first + posted).isoformat()}T00:00:00",
            "postDatetimeTo": f"{(last + posted + timedelta(days=1)).isoformat()}T00:00:00",
            "size": feeds.ARCHIVE_PAGE_SIZE,
        }
        postings: list[Posting] = []
        pages, number = 1, 0
        while number < pages:
            number += 1
            body = await self._get(url, {**params, "page": number})
            (found,) = await parse(body, lambda b: [listing(b, query.emil)])
            postings += found.postings
            pages = found.pages
        records: list[Any] = []
        for posting in sorted(postings, key=lambda p: p.posted):
            body = await self._get(url, {"download": posting.doc_id})
            records += await parse(body, tables.document(f"{query.emil} archive document {posting.doc_id}"))
        return records

    async def _get(self, url: str, params: dict[str, str | int]) -> bytes:
        """One public-API request with the subscription key and id token. A 401 means the token
        went stale early (ERCOT can revoke before the hour): sign in again once and retry once."""
        if not self._api_key:
            raise CredentialsMissing(ISO.ERCOT, "GRIDQL_ERCOT_API_KEY is not set")
        for attempt in range(2):
            token = await self._token.get()
            headers = {"Ocp-Apim-Subscription-Key": self._api_key.reveal(), "Authorization": f"Bearer {token}"}
            response = await self.api.get(url, params=params, headers=headers, ok_statuses=(401,))
            if response.status_code != 401:
                return response.content
            if attempt == 0:
                self._token.expire(token)
        raise CredentialsRejected(
            ISO.ERCOT,
            f"GET {httpx.URL(url).copy_with(query=None)} answered HTTP 401 with a fresh id token: "
            "check GRIDQL_ERCOT_API_KEY and that the account subscribes to the public API",
        )
