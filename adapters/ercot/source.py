"""What is truly ERCOT's about asking: a subscription key and a B2C id token on every public-API
call, report paging, the archive for the days a report's live answer no longer holds, the MIS
settlement point list and the public dashboard.

A report piece is whole operating days in Central time (SCED: the days' runs; DAM reports: the
delivery days), one live query for all of them; the days the live answer lacks come from the
report's archive: its postings listed (1,000 a page) and downloaded 1,000 at a time in one
`POST /archive/<emil>/download`. A price piece names its settlement points: one point is asked
for by name; a batch takes the all-points report, or one query per point where that is fewer
requests (SCED and 15-minute prices over recent days); rows of other points are dropped as they
are read. Every piece says what it costs at ERCOT's documented pace (`Piece.seconds`).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
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
from .parse import Document, Posting, Tables, bad_response, latest_document, listing

API = "https://api.ercot.com/api/public-reports"
MIS_LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
MIS_DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
DASHBOARDS = "https://www.ercot.com/api/1/services/read"
TZ = MARKET.tz


@dataclass(frozen=True, slots=True)
class Points:
    """What a report piece asks besides its days: its settlement points (None: the whole report;
    one: asked for by name) and the last day the archive may be asked for (`feeds.ARCHIVE_AFTER`)."""

    points: tuple[str, ...] | None
    archive_through: date | None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)


class ErcotSource:
    def __init__(self, api: Upstream, www: Upstream, settings: Settings) -> None:
        self.api = api  # api.ercot.com and its sign-in
        self.www = www  # www.ercot.com: MIS and the dashboards, no credentials
        self.upstreams: Sequence[Upstream] = (api, www)
        self._api_key = settings.ercot_api_key
        self._token = IdToken(api, settings.ercot_username, settings.ercot_password)

    # --- plan ---------------------------------------------------------------------------------

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        if isinstance(feed.query, Dashboard):
            return self._plan_dashboard(feed, ask)
        if not isinstance(feed.query, Report):
            return [Piece(None, seconds=2 * feeds.WWW_SPACING)]  # the MIS list, then the newest document
        if ask.window is None:
            raise ValueError(f"{feed.name} is asked for by operating day")
        query = feed.query
        days = ask.window.local_days(TZ)
        covers = Window.days(days[0], len(days), TZ)
        aged = [day for day in days if _midnight(day + timedelta(days=1)) + feeds.ARCHIVE_AFTER <= ask.now]
        archive_through = aged[-1] if aged else None
        live_from = (ask.now - timedelta(days=feeds.LIVE_DAYS)).astimezone(TZ).date()
        recent = [day for day in days if day >= live_from]
        old = [day for day in days if day < live_from]
        points = tuple(sorted(set(ask.codes))) or None
        # Days past the live window answer nothing live (one request) and come from the archive.
        archive = self._archive_requests(query, len(old)) if old else 0
        if points is not None and len(points) > 1 and not old:
            # A whole-report page is 100,000 rows to download and parse, a point's page a few
            # hundred: points are asked one at a time while that takes under twice the requests.
            one_by_one = query.pages(len(recent), len(points))
            if one_by_one < 2 * query.pages(len(recent), None):
                seconds = query.pages(len(recent), 1) * feeds.SPACING
                rows = query.rows(len(recent), 1)
                return [Piece(covers, Points((point,), archive_through), seconds, rows) for point in points]
        # An archived posting holds every settlement point: old days read the whole report.
        filtered = 1 if points is not None and len(points) == 1 else None
        live = query.pages(len(recent), filtered) if recent else 1
        rows = query.rows(len(recent), filtered) + query.rows(len(old), None)
        return [Piece(covers, Points(points, archive_through), (live + archive) * feeds.SPACING, rows)]

    def _plan_dashboard(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        """The dashboard holds yesterday and today: a window wholly before yesterday asks nothing."""
        if ask.window is not None and feed.retention is not None:
            today = ask.now.astimezone(TZ).date()
            kept_from = _midnight(today - timedelta(days=round(feed.retention / timedelta(days=1)) - 1))
            if ask.window.end <= kept_from:
                return []
        return [Piece(None, seconds=feeds.WWW_SPACING)]

    @staticmethod
    def _archive_requests(query: Report, days: int) -> int:
        """Listing pages and bulk downloads for `days` archived days."""
        postings = query.archive.postings(days)
        return -(-postings // feeds.ARCHIVE_PAGE_SIZE) + -(-postings // feeds.ARCHIVE_BATCH)

    # --- fetch --------------------------------------------------------------------------------

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        query = feed.query
        if isinstance(query, MisDocuments):
            documents = await self.www.get(MIS_LIST, params={"reportTypeId": query.report_type})
            (doc_id,) = await parse(documents.content, partial(latest_document, source=feed.name, named=query.named))
            document = await self.www.get(MIS_DOWNLOAD, params={"doclookupId": doc_id})
            return await parse(document.content)
        if isinstance(query, Dashboard):
            return await parse((await self.www.get(f"{DASHBOARDS}/{query.path}")).content)
        assert isinstance(query, Report) and isinstance(feed.parse, Tables) and piece.covers is not None
        assert isinstance(piece.detail, Points)
        tables = feed.parse.only(piece.detail.points)
        days = piece.covers.local_days(TZ)
        records = await self._live(query, tables, days[0], days[-1], piece.detail.points, parse)
        # Live endpoints keep recent days only: the older days the answer lacks come from the archive.
        present = {record.start.astimezone(TZ).date() for record in records}
        through = piece.detail.archive_through
        missing = [day for day in days if day not in present and through is not None and day <= through]
        if missing:
            records += await self._archived(query, tables, missing, parse)
        return records

    async def _live(
        self, query: Report, tables: Tables, first: date, last: date, points: tuple[str, ...] | None, parse: Parse
    ) -> list[Any]:
        """Every page of the live answer, read as one table."""
        url = f"{API}/{query.path}"
        params: dict[str, str | int] = {**query.params(first, last), "size": feeds.PAGE_SIZE}
        if points is not None and len(points) == 1:
            params["settlementPoint"] = points[0]
        (page,) = await parse(await self._get(url, {**params, "page": 1}), tables.page)
        if page.records is not None:
            return list(page.records)
        before = [page.table]
        for number in range(2, page.pages):
            (more,) = await parse(await self._get(url, {**params, "page": number}), tables.page)
            before.append(more.table)
        return await parse(await self._get(url, {**params, "page": page.pages}), tables.last_page(before))

    async def _archived(self, query: Report, tables: Tables, days: list[date], parse: Parse) -> list[Any]:
        """The records of operating days `days` from the report's archive: the postings that hold
        them, listed page by page and downloaded in batches, read oldest first as one table so
        that a later posting (a correction, a newer actual) wins and SCED runs end at the next."""
        spec = query.archive
        low = datetime.combine(days[0], datetime.min.time()) + spec.after_start
        high = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time()) + spec.after_end
        url = f"{API}/archive/{query.emil.lower()}"
        params: dict[str, str | int] = {
            "postDatetimeFrom": low.isoformat(timespec="seconds"),
            "postDatetimeTo": high.isoformat(timespec="seconds"),
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
        postings.sort(key=lambda p: p.posted)
        documents: list[Document] = []
        for start in range(0, len(postings), feeds.ARCHIVE_BATCH):
            batch = postings[start : start + feeds.ARCHIVE_BATCH]
            body = await self._post(f"{url}/download", {"docIds": [int(p.doc_id) for p in batch]})
            documents += await parse(body, partial(_bundle, batch=batch, source=query.emil))
        if not documents:
            return []
        wanted = [(_midnight(day), _midnight(day + timedelta(days=1))) for day in days]
        reach = spec.reach
        records = await parse(b"", tables.documents(documents, vintaged=spec.vintaged))
        # A posting holds neighbours of the asked days (the day before's last interval, a
        # forecast's other days): those are left out; a row further off stays, to be refused.
        return [
            r
            for r in records
            if any(lo <= r.start < hi for lo, hi in wanted)
            or not (wanted[0][0] - reach <= r.start < wanted[-1][1] + reach)
        ]

    # --- requests -----------------------------------------------------------------------------

    def _headers(self, token: str) -> dict[str, str]:
        assert self._api_key
        return {"Ocp-Apim-Subscription-Key": self._api_key.reveal(), "Authorization": f"Bearer {token}"}

    async def _get(self, url: str, params: dict[str, str | int]) -> bytes:
        return await self._send("GET", url, params, None)

    async def _post(self, url: str, body: dict[str, Any]) -> bytes:
        return await self._send("POST", url, None, body)

    async def _send(
        self, method: str, url: str, params: dict[str, str | int] | None, body: dict[str, Any] | None
    ) -> bytes:
        """One public-API request with the subscription key and id token (a JSON body for a POST).
        A 401 means the token went stale early (ERCOT can revoke before the hour): sign in again
        once and retry once."""
        if not self._api_key:
            raise CredentialsMissing(ISO.ERCOT, "GRIDQL_ERCOT_API_KEY is not set")
        for attempt in range(2):
            token = await self._token.get()
            headers = self._headers(token)
            if body is None:
                response = await self.api.get(url, params=params, headers=headers, ok_statuses=(401,))
            else:
                response = await self.api.request(method, url, headers=headers, json=body, ok_statuses=(401,))
            if response.status_code != 401:
                return response.content
            if attempt == 0:
                self._token.expire(token)
        raise CredentialsRejected(
            ISO.ERCOT,
            f"{method} {httpx.URL(url).copy_with(query=None)} answered HTTP 401 with a fresh id token: "
            "check GRIDQL_ERCOT_API_KEY and that the account subscribes to the public API",
        )


def _bundle(body: bytes, batch: list[Posting], source: str) -> list[Document]:
    """The zip of zips a bulk download answers: one member per posting, named after its docId
    (`<docId>.<ERCOT's file name>.zip`), in the order of `batch`. A posting missing from it, or a
    member of no posting asked for, is a broken answer."""
    asked = {posting.doc_id: posting for posting in batch}
    found: dict[str, Document] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as outer:
            for info in outer.infolist():
                doc_id = info.filename.rsplit("/", 1)[-1].split(".", 1)[0]
                posting = asked.get(doc_id)
                if posting is None:
                    raise bad_response(f"{source} archive download: member {info.filename} is no document asked for")
                found[doc_id] = Document(posting, info.filename, outer.read(info))
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise bad_response(f"{source} archive download: not a readable zip") from None
    lost = [doc_id for doc_id in asked if doc_id not in found]
    if lost:
        raise bad_response(f"{source} archive download: no document {', '.join(lost[:5])}")
    return [found[posting.doc_id] for posting in batch]
