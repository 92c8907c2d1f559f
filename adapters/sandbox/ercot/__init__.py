"""An offline ERCOT: the B2C sign-in, the public-reports API and the MIS settlement point list.

Answers in ERCOT's own forms -- report pages with `_meta`/`fields`/`data`, camelCase field names,
boolean DST flags, hour-ending Central stamps, a zip of CSVs for NP4-160-SG -- and honours the
filters and paging the adapter sends, so the adapter's real request building and parsing run.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx
import orjson

from ...ercot.nodes import DC_TIES, HUBS, LOAD_ZONES
from .. import synthetic
from . import queue
from .reports import (
    DAY_BEFORE,
    PER_SCED_RUN,
    QUARTERLY,
    REPORTS,
    Report,
    Rows,
    date_range,
    days_between,
    fuel_mix_document,
    hourly,
    sced_runs,
    steps,
)

TZ = ZoneInfo("America/Chicago")

# ERCOT's documented endpoints, spelled here on their own: a sandbox sharing the client's
# constants could not catch a wrong one.
TOKEN_URL = "https://ercotb2c.b2clogin.com/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token"
CLIENT_ID = "fec253ea-0d06-4272-a5e6-b478baeecd70"  # ERCOT's public-API app
SCOPE = f"openid {CLIENT_ID} offline_access"
API = "https://api.ercot.com/api/public-reports"
MIS_LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
MIS_DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
SETTLEMENT_POINTS_REPORT = 10008  # MIS report type id of the Settlement Points List
FUEL_MIX_URL = "https://www.ercot.com/api/1/services/read/dashboards/fuel-mix.json"
# The columns of the main value the sandbox writes: what content faults aim at.
PRICE_COLUMNS = ("settlementPointPrice", "SettlementPointPrice", "LMP")

# Resource nodes as named in a real SCED posting (NP6-788-CD, 06/25/2026 00:40:18) ...
_RECORDED_NODES = (
    "7RNCHSLR_ALL", "A4_DGR1_RN", "A4_DGR2_RN", "ABINDUST_RN", "ADL_RN", "AEEC", "AE_RN",
    "AGUAYO_UNIT1", "AJAXWIND_RN", "ALAMO_ST_RN", "ALGOD_ALL_RN", "ALP_BESS_RN", "ALVIN_RN",
    "AMADEUS_ALL", "AMAD_ESS_RN", "AMISTAD_ALL", "AMOCOOIL_CC1", "AMOCOOIL_CC2", "AMOCO_PUN1",
    "AMOCO_PUN2", "ANTL_ESS_ES1", "APPALOSA_ALL", "APPLE_ESR_RN",
)  # fmt: skip
# ... padded with invented names in the same style.
_PADDING = (
    "BRAZOS_WND_RN", "CEDAR_SLR_RN", "DEVILS_ESS_RN", "EAGLE_GT_RN", "FORNEY_CC1", "GIBBONS_UNIT1",
    "HAYS_CC_RN", "JACKSBORO_RN", "KEMPER_WND_RN", "LAMAR_CC1", "MARTIN_LK_RN", "NUECES_B7",
    "ODESSA_CC1", "PECOS_SLR_RN", "QUAIL_RUN_RN",
)  # fmt: skip
RESOURCE_NODES = (*_RECORDED_NODES, *_PADDING)

# settlement point -> its NP6-905-CD type(s); load zones are priced as LZ and energy-weighted LZEW
_POINT_TYPES: dict[str, tuple[str, ...]] = {
    **{hub.code: ("HU",) for hub in HUBS},
    **{zone.code: ("LZ", "LZEW") for zone in LOAD_ZONES},
    **{tie.code: ("LZ_DC",) for tie in DC_TIES},
    **{node: ("RN",) for node in RESOURCE_NODES},
}
POINTS = tuple(_POINT_TYPES)

_TOKEN_PATH = httpx.URL(TOKEN_URL).path
_REPORTS_PATH = httpx.URL(API).path + "/"
_DEFAULT_PAGE_SIZE = 1_000
_DOCUMENTS = {  # DocID -> publish time of the NP4-160-SG postings served
    "1093310012": "2025-06-02T18:10:05-05:00",
    "1101744518": "2025-07-01T18:12:41-05:00",
}


def transport(latency: float = 0.0, *, clock: Callable[[], datetime] | None = None) -> httpx.MockTransport:
    """The sandbox as a transport; `clock` (UTC now) dates the fuel-mix dashboard, which like
    ERCOT's holds only yesterday and today."""
    now = clock or (lambda: datetime.now(UTC))
    return synthetic.mock_transport(lambda request: _answer(request, now), latency)


def _answer(request: httpx.Request, clock: Callable[[], datetime]) -> httpx.Response:
    host, path = request.url.host, request.url.path
    if host == "ercotb2c.b2clogin.com" and path == _TOKEN_PATH and request.method == "POST":
        return _sign_in(request)
    if host == "api.ercot.com" and path.startswith(_REPORTS_PATH):
        name = path.removeprefix(_REPORTS_PATH)
        report = _REPORTS.get(name)
        if report is not None and request.method == "GET":
            return _report(request, report, clock)
        if name.startswith("archive/") and name.endswith("/download") and request.method == "POST":
            archived = _ARCHIVED.get(name.removeprefix("archive/").removesuffix("/download"))
            if archived is not None:
                return _bulk_download(request, archived, clock)
        archived = _ARCHIVED.get(name.removeprefix("archive/"))
        if name.startswith("archive/") and archived is not None and request.method == "GET":
            return _archive(request, archived, clock)
    if host == "www.ercot.com" and request.method == "GET":
        queued = queue.answer(request, clock().astimezone(TZ).date())
        if queued is not None:
            return queued
        if request.url.copy_with(query=None) == httpx.URL(MIS_LIST):
            return _document_list(request)
        if request.url.copy_with(query=None) == httpx.URL(MIS_DOWNLOAD):
            return _download(request)
        if request.url.copy_with(query=None) == httpx.URL(FUEL_MIX_URL):
            return _json(200, fuel_mix_document(clock()))
    return _error(404, "Not Found", f"No resource at {path}")


# --- sign-in ------------------------------------------------------------------------------------


def _token_for(username: str) -> str:
    return f"sbx.{zlib.crc32(username.encode()):08x}"


def _sign_in(request: httpx.Request) -> httpx.Response:
    form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
    expected = {"grant_type": "password", "client_id": CLIENT_ID, "scope": SCOPE, "response_type": "id_token"}
    if any(form.get(key) != value for key, value in expected.items()):
        return _json(400, {"error": "invalid_request", "error_description": "AADB2C90055: bad request"})
    if not form.get("username") or not form.get("password"):
        return _json(400, {"error": "invalid_grant", "error_description": "AADB2C90225: bad credentials"})
    token = _token_for(form["username"])
    return _json(
        200,
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": "3600",
            "refresh_token": f"sbx-refresh.{token}",
            "id_token": token,
        },
    )


# --- public-reports API -------------------------------------------------------------------------


def _price(point: str, run: str, start: datetime) -> float:
    local = start.astimezone(TZ)
    energy, congestion, loss = synthetic.price(point, run, start, local.hour + local.minute / 60)
    return round(energy + congestion + loss, 2)


def _points(query: dict[str, str]) -> tuple[str, ...]:
    wanted = query.get("settlementPoint")
    return POINTS if wanted is None else tuple(p for p in POINTS if p == wanted)


def _dam_rows(query: dict[str, str]) -> list[list[Any]] | str:
    def hour(day: date, start: datetime, ending: int, dst: bool) -> list[list[Any]]:
        return [
            [day.isoformat(), f"{ending:02d}:00", point, _price(point, "DAY_AHEAD_HOURLY", start), dst]
            for point in _points(query)
        ]

    return hourly(query, "deliveryDate", hour)


def _rt_rows(query: dict[str, str]) -> list[list[Any]] | str:
    days = date_range(query, "deliveryDate")
    if isinstance(days, str):
        return days
    rows: list[list[Any]] = []
    for day in days_between(*days):
        for start in steps(day, timedelta(minutes=15)):
            local = start.astimezone(TZ)
            hour, interval = local.hour + 1, local.minute // 15 + 1
            for point in _points(query):
                for kind in _POINT_TYPES[point]:
                    run = "REAL_TIME_15_MIN" if kind != "LZEW" else "REAL_TIME_15_MIN_EW"
                    price = _price(point, run, start)
                    rows.append([day.isoformat(), hour, interval, point, kind, price, local.fold == 1])
    return rows


def _sced_rows(query: dict[str, str]) -> list[list[Any]] | str:
    runs = sced_runs(query)
    if isinstance(runs, str):
        return runs
    return [
        [f"{wall:%Y-%m-%dT%H:%M:%S}", repeated, point, _price(point, "REAL_TIME_5_MIN", stamp)]
        for _, stamp, wall, repeated in runs
        for point in _points(query)
    ]


_PRICE_REPORTS = {
    "np4-190-cd/dam_stlmnt_pnt_prices": Report(
        "NP4-190-CD",
        "DAM Settlement Point Prices",
        (
            ("deliveryDate", "Delivery Date", "DATE"),
            ("hourEnding", "Hour Ending", "STRING"),
            ("settlementPoint", "Settlement Point", "STRING"),
            ("settlementPointPrice", "Settlement Point Price", "DOUBLE"),
            ("DSTFlag", "DST Flag", "BOOLEAN"),
        ),
        _dam_rows,
        ("DeliveryDate", "HourEnding", "SettlementPoint", "SettlementPointPrice", "DSTFlag"),
        DAY_BEFORE,
    ),
    "np6-905-cd/spp_node_zone_hub": Report(
        "NP6-905-CD",
        "Settlement Point Prices at Resource Nodes, Hubs and Load Zones",
        (
            ("deliveryDate", "Delivery Date", "DATE"),
            ("deliveryHour", "Delivery Hour", "INTEGER"),
            ("deliveryInterval", "Delivery Interval", "INTEGER"),
            ("settlementPoint", "Settlement Point Name", "STRING"),
            ("settlementPointType", "Settlement Point Type", "STRING"),
            ("settlementPointPrice", "Settlement Point Price", "DOUBLE"),
            ("DSTFlag", "DST Flag", "BOOLEAN"),
        ),
        _rt_rows,
        (
            "DeliveryDate",
            "DeliveryHour",
            "DeliveryInterval",
            "SettlementPointName",
            "SettlementPointType",
            "SettlementPointPrice",
            "DSTFlag",
        ),
        QUARTERLY,
    ),
    "np6-788-cd/lmp_node_zone_hub": Report(
        "NP6-788-CD",
        "LMPs by Resource Nodes, Load Zones and Trading Hubs",
        (
            ("SCEDTimestamp", "SCED Time Stamp", "DATETIME"),
            ("repeatHourFlag", "Repeat Hour Flag", "BOOLEAN"),
            ("settlementPoint", "Settlement Point", "STRING"),
            ("LMP", "LMP", "DOUBLE"),
        ),
        _sced_rows,
        ("SCEDTimestamp", "RepeatedHourFlag", "SettlementPoint", "LMP"),
        PER_SCED_RUN,
    ),
}


_REPORTS: dict[str, Report] = {**_PRICE_REPORTS, **REPORTS}
_ARCHIVED = {report.emil.lower(): report for report in _REPORTS.values()}
# Live report endpoints hold recent days only (ERCOT: about 90 days); days before this are served
# by the archive alone, which keeps every posting. A fixed day rather than one relative to the
# clock, so that the sandbox's 2025 days stay live for tests that run on today's clock.
LIVE_FROM = date(2025, 1, 1)
MAX_DOCUMENTS = 1_000  # docIds one bulk download may ask for


def _refused(request: httpx.Request) -> httpx.Response | None:
    if not request.headers.get("Ocp-Apim-Subscription-Key"):
        return _json(401, {"statusCode": 401, "message": "Access denied due to missing subscription key."})
    bearer = request.headers.get("Authorization", "")
    if not (bearer.startswith("Bearer sbx.") and len(bearer) == len("Bearer sbx.") + 8):
        return _error(401, "Unauthorized", "Invalid or expired id token")
    return None


# --- postings: what ERCOT posted, when, and which rows each file holds --------------------------


@dataclass(frozen=True, slots=True)
class _Posting:
    key: datetime  # UTC: the interval, run or posting the file is of (its docId says it)
    wall: datetime  # Central wall time of the posting, as the listing gives it
    repeated: bool  # posted in the second pass of a repeated hour (ERCOT names such files `xhr`)
    at: datetime  # UTC instant of the posting


def _posting_at(key: datetime, wall: datetime, repeated: bool) -> _Posting:
    return _Posting(key, wall, repeated, wall.replace(tzinfo=TZ, fold=int(repeated)).astimezone(UTC))


def _day_query(report: Report, day: date, filters: tuple[tuple[str, str], ...]) -> dict[str, str]:
    if report.schedule.kind == "sced":
        following = day + timedelta(days=1)
        return {"SCEDTimestampFrom": f"{day}T00:00:00", "SCEDTimestampTo": f"{following}T00:00:00", **dict(filters)}
    field = report.fields[1 if report.schedule.kind == "vintage" else 0][0]
    return {f"{field}From": day.isoformat(), f"{field}To": day.isoformat(), **dict(filters)}


@lru_cache(maxsize=256)
def _day(emil: str, day: date, filters: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[_Posting, Rows], ...]:
    """The postings holding operating day `day` of a report, each with its rows of that day."""
    report = _ARCHIVED[emil]
    schedule = report.schedule
    rows = report.rows(_day_query(report, day, filters))
    assert not isinstance(rows, str)
    if schedule.kind == "daily":
        posted = day + timedelta(days=schedule.offset)
        wall = datetime.combine(posted, schedule.at)
        posting = _posting_at(wall.replace(tzinfo=TZ).astimezone(UTC), wall, False)
        return ((posting, rows),)
    grouped: dict[Any, Rows] = {}
    if schedule.kind == "quarter":  # deliveryHour, deliveryInterval and the repeated-hour flag
        flag = next(i for i, (name, _, _) in enumerate(report.fields) if name in ("DSTFlag", "repeatHourFlag"))
        for row in rows:
            grouped.setdefault((row[1], row[2], row[flag]), []).append(row)
        out = []
        for start in steps(day, timedelta(minutes=15)):
            local = start.astimezone(TZ)
            posted = (start + timedelta(minutes=17)).astimezone(TZ)
            key = (local.hour + 1, local.minute // 15 + 1, local.fold == 1)
            wall = posted.replace(tzinfo=None, fold=0)
            out.append((_posting_at(start, wall, posted.fold == 1), grouped.get(key, [])))
        return tuple(out)
    if schedule.kind == "sced":  # SCEDTimestamp, repeat flag
        for row in rows:
            grouped.setdefault((row[0], row[1]), []).append(row)
        out = []
        runs = sced_runs(_day_query(report, day, ()))
        assert not isinstance(runs, str)
        for slot, stamp, wall, repeated in runs:
            posted = (stamp + timedelta(seconds=2)).astimezone(TZ)
            rows_of_run = grouped.get((f"{wall:%Y-%m-%dT%H:%M:%S}", repeated), [])
            out.append((_posting_at(slot, posted.replace(tzinfo=None, fold=0), posted.fold == 1), rows_of_run))
        return tuple(out)
    for row in rows:  # a vintage: its postedDatetime, never inside a repeated hour in the sandbox
        grouped.setdefault(row[0], []).append(row)
    out = []
    for stamp, rows_of_vintage in grouped.items():
        wall = datetime.fromisoformat(stamp)
        out.append((_posting_at(wall.replace(tzinfo=TZ).astimezone(UTC), wall, False), rows_of_vintage))
    return tuple(out)


def _content_days(report: Report, posting_day: date) -> list[date]:
    """The operating days whose rows a posting made on `posting_day` may hold."""
    schedule = report.schedule
    if schedule.kind == "daily":
        return [posting_day - timedelta(days=schedule.offset)]
    if schedule.kind == "vintage":  # forecasts reach seven days ahead, actuals two days back
        return [posting_day + timedelta(days=n) for n in range(-2, 9)]
    return [posting_day - timedelta(days=1), posting_day]  # a day's last file is posted after midnight


def _report(request: httpx.Request, report: Report, clock: Callable[[], datetime]) -> httpx.Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    query = dict(request.url.params)
    try:
        page, size = int(query.get("page", 1)), int(query.get("size", _DEFAULT_PAGE_SIZE))
    except ValueError:
        return _error(400, "Bad Request", "page and size must be integers")
    if page < 1 or size < 1:
        return _error(400, "Bad Request", "page and size must be positive")
    rows = _live_rows(report, query, clock())
    if isinstance(rows, str):
        return _error(400, "Bad Request", rows)
    parameters = {k: v for k, v in query.items() if k not in ("page", "size")}
    return _json(
        200,
        {
            "_meta": {
                "totalRecords": len(rows),
                "pageSize": size,
                "totalPages": math.ceil(len(rows) / size),
                "currentPage": page,
                "query": {"parameterCount": len(parameters), "parameters": parameters},
            },
            "report": {"reportEMIL": report.emil, "reportName": report.name},
            "fields": [
                {"name": name, "label": label, "dataType": kind, "hasRange": kind != "STRING"}
                for name, label, kind in report.fields
            ],
            "data": rows[(page - 1) * size : page * size],
            "_links": {"self": {"href": str(request.url.copy_with(query=None))}},
        },
    )


_FILTERS = ("settlementPoint", "inUseFlag")


def _live_rows(report: Report, query: dict[str, str], now: datetime) -> Rows | str:
    """The rows a live query answers: its days from LIVE_FROM on, of the postings made by `now`;
    or what is wrong with the query."""
    filters = tuple((k, query[k]) for k in _FILTERS if k in query)
    if report.schedule.kind == "sced":
        try:
            low = f"{datetime.fromisoformat(query['SCEDTimestampFrom']):%Y-%m-%dT%H:%M:%S}"
            high = f"{datetime.fromisoformat(query['SCEDTimestampTo']):%Y-%m-%dT%H:%M:%S}"
        except (KeyError, ValueError):
            return "SCEDTimestampFrom and SCEDTimestampTo must be timestamps (yyyy-MM-ddTHH:mm:ss)"
        days = list(days_between(date.fromisoformat(low[:10]), date.fromisoformat(high[:10])))
        keep: Callable[[list[Any]], bool] = lambda row: low <= row[0] <= high  # noqa: E731
    else:
        field = report.fields[1 if report.schedule.kind == "vintage" else 0][0]
        span = date_range(query, field)
        if isinstance(span, str):
            return span
        days = list(days_between(*span))
        keep = lambda row: True  # noqa: E731
    rows: Rows = []
    for day in days:
        if day < LIVE_FROM:
            continue
        for posting, posted_rows in _day(report.emil.lower(), day, filters):
            if posting.at <= now:
                rows += [row for row in posted_rows if keep(row)]
    if report.schedule.kind == "vintage":
        rows.sort(key=lambda row: (row[1], row[0]))  # by delivery day, then vintage
    return rows


# --- public-API archive: every posting, listed by posting time and downloaded by docId ----------

_EMIL_NUMBER = {emil: number for number, emil in enumerate(sorted(_ARCHIVED), 1)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _doc_id(report: Report, posting: _Posting) -> int:
    return _EMIL_NUMBER[report.emil.lower()] * 10**10 + int((posting.key - _EPOCH).total_seconds() // 60)


def _postings(report: Report, low: datetime, high: datetime, now: datetime) -> list[tuple[_Posting, Rows]]:
    """Every posting made from wall time `low` to `high` and by `now`, oldest first, with its rows."""
    held: dict[datetime, tuple[_Posting, Rows]] = {}
    days = {day for posted in days_between(low.date(), high.date()) for day in _content_days(report, posted)}
    for day in sorted(days):
        for posting, rows in _day(report.emil.lower(), day):
            if low <= posting.wall < high and posting.at <= now:
                before = held.get(posting.key)
                held[posting.key] = (posting, rows if before is None else before[1] + rows)
    return [held[key] for key in sorted(held)]


def _archive(request: httpx.Request, report: Report, clock: Callable[[], datetime]) -> httpx.Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    query = dict(request.url.params)
    if "download" in query:
        return _one_download(report, query["download"], clock())
    try:
        low = datetime.fromisoformat(query["postDatetimeFrom"])
        high = datetime.fromisoformat(query["postDatetimeTo"])
        page, size = int(query.get("page", 1)), min(int(query.get("size", _DEFAULT_PAGE_SIZE)), 1_000)
    except (KeyError, ValueError):
        return _error(400, "Bad Request", "postDatetimeFrom/To must be timestamps; page and size integers")
    href = f"{API}/archive/{report.emil.lower()}"
    entries = []
    for posting, _ in _postings(report, low, high, clock()):
        doc_id = _doc_id(report, posting)
        entries.append(
            {
                "docId": doc_id,
                "friendlyName": _friendly(report),
                "postDatetime": f"{posting.wall:%Y-%m-%dT%H:%M:%S}.000",
                "_links": {"endpoint": {"href": f"{href}?download={doc_id}"}},
            }
        )
    entries.reverse()  # ERCOT sorts postings newest first
    return _json(
        200,
        {
            "_meta": {
                "totalRecords": len(entries),
                "pageSize": size,
                "totalPages": math.ceil(len(entries) / size),
                "currentPage": page,
            },
            "product": {"emilId": report.emil, "name": report.name},
            "archives": entries[(page - 1) * size : page * size],
            "_links": {"self": {"href": href}},
        },
    )


def _friendly(report: Report) -> str:
    return "".join(ch for ch in report.name.title() if ch.isalnum())[:40]


def _posting_of(report: Report, doc_id: Any, now: datetime) -> tuple[_Posting, Rows] | None:
    """The posting a docId names, with every row it holds, if it was posted by `now`."""
    if isinstance(doc_id, bool) or not str(doc_id).isdigit():
        return None
    number, minutes = divmod(int(doc_id), 10**10)
    if number != _EMIL_NUMBER[report.emil.lower()]:
        return None
    key = _EPOCH + timedelta(minutes=minutes)
    found: _Posting | None = None
    rows: Rows = []
    near = key.astimezone(TZ).date()
    for posted in (near - timedelta(days=1), near, near + timedelta(days=1)):
        for day in _content_days(report, posted):
            for posting, posted_rows in _day(report.emil.lower(), day):
                if _doc_id(report, posting) == int(doc_id) and (found is None or found == posting):
                    found = posting
                    rows += posted_rows
        if found is not None:
            break
    if found is None or found.at > now:
        return None
    return found, list({id(row): row for row in rows}.values())


def _document(report: Report, posting: _Posting, rows: Rows) -> tuple[str, bytes]:
    """A posting's file as ERCOT posts it: a zip holding one CSV in the MIS layout (PascalCase or
    UPPER_SNAKE headers, MM/DD/YYYY, Y/N; a vintaged report without its posting-time column)."""
    fields = report.fields[1:] if report.schedule.kind == "vintage" else report.fields
    kinds = [kind for _, _, kind in fields]
    skip = 1 if report.schedule.kind == "vintage" else 0
    lines = [",".join(report.mis)]
    lines += [",".join(_mis_value(v, kind) for v, kind in zip(row[skip:], kinds, strict=True)) for row in rows]
    xhr = "_xhr" if posting.repeated else ""
    name = f"{report.emil}.{posting.wall:%Y%m%d.%H%M%S}.{_friendly(report)}{xhr}"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            zipfile.ZipInfo(f"{name}.csv", date_time=posting.wall.timetuple()[:6]), "\r\n".join(lines) + "\r\n"
        )
    return name, archive.getvalue()


def _one_download(report: Report, doc_id: str, now: datetime) -> httpx.Response:
    found = _posting_of(report, doc_id, now)
    if found is None:
        return _error(404, "Not Found", f"No archive document {doc_id}")
    _, body = _document(report, *found)
    return httpx.Response(200, content=body, headers={"Content-Type": "application/zip"})


def _bulk_download(request: httpx.Request, report: Report, clock: Callable[[], datetime]) -> httpx.Response:
    """`POST /archive/<emil>/download` with {"docIds": [...]}: one zip holding each document's zip,
    named `<docId>.<file name>.zip`."""
    refused = _refused(request)
    if refused is not None:
        return refused
    try:
        doc_ids = orjson.loads(request.content)["docIds"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return _error(400, "Bad Request", "the body must be a JSON object with a docIds array")
    if not isinstance(doc_ids, list) or not doc_ids or not all(type(d) is int for d in doc_ids):
        return _error(400, "Bad Request", "docIds must be a non-empty array of document ids")
    if len(doc_ids) > MAX_DOCUMENTS:
        return _error(400, "Bad Request", f"at most {MAX_DOCUMENTS} docIds per download")
    now = clock()
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as bundle:
        for doc_id in dict.fromkeys(doc_ids):
            found = _posting_of(report, doc_id, now)
            if found is None:
                return _error(404, "Not Found", f"No archive document {doc_id}")
            name, body = _document(report, *found)
            bundle.writestr(zipfile.ZipInfo(f"{doc_id}.{name}.zip", date_time=found[0].wall.timetuple()[:6]), body)
    return httpx.Response(200, content=outer.getvalue(), headers={"Content-Type": "application/zip"})


def _mis_value(value: Any, kind: str) -> str:
    if kind == "BOOLEAN":
        return "Y" if value else "N"
    if kind == "DATE":
        return f"{value[5:7]}/{value[8:10]}/{value[0:4]}"
    if kind == "DATETIME":
        return f"{value[5:7]}/{value[8:10]}/{value[0:4]} {value[11:19]}"
    return "" if value is None else str(value)


# --- MIS: Settlement Points List and Electrical Buses Mapping (NP4-160-SG) ----------------------


def _document_list(request: httpx.Request) -> httpx.Response:
    if request.url.params.get("reportTypeId") != str(SETTLEMENT_POINTS_REPORT):
        return _json(200, {"ListDocsByRptTypeRes": {"DocumentList": []}})
    documents = [
        {
            "Document": {
                "ReportTypeID": str(SETTLEMENT_POINTS_REPORT),
                "DocID": doc_id,
                "PublishDate": published,
                "FriendlyName": "SP_List_EB_Mapping",
                "ConstructedName": f"rpt.00010008.0000000000000000.{published[:10].replace('-', '')}"
                ".SP_List_EB_Mapping.zip",
                "Extension": "zip",
            }
        }
        for doc_id, published in _DOCUMENTS.items()
    ]
    return _json(200, {"ListDocsByRptTypeRes": {"DocumentList": documents}})


def _download(request: httpx.Request) -> httpx.Response:
    published = _DOCUMENTS.get(request.url.params.get("doclookupId", ""))
    if published is None:
        return httpx.Response(404, text="Document not found")
    stamp = datetime.fromisoformat(published)
    suffix = f"{stamp:%m%d%Y_%H%M%S}"
    zone_codes = [zone.code for zone in LOAD_ZONES]
    header = "ELECTRICAL_BUS,NODE_NAME,PSSE_BUS_NAME,VOLTAGE_LEVEL,SUBSTATION,SETTLEMENT_LOAD_ZONE,RESOURCE_NODE"
    buses = [f"{header},HUB_BUS_NAME,HUB,PSSE_BUS_NUMBER"]
    units = ["RESOURCE_NODE,UNIT_SUBSTATION,UNIT_NAME"]
    for number, node in enumerate(RESOURCE_NODES, 1):
        substation = node.split("_")[0]
        zone = zone_codes[zlib.crc32(node.encode()) % len(zone_codes)]
        buses.append(f"{node}_G1,{substation}_G1,{substation}_G1,34.5,{substation},{zone},{node},,,{110000 + number}")
        # a load bus at the same substation: no resource node
        buses.append(f"{substation}_L1,{substation}_L1,{substation}_L1,138,{substation},{zone},,,,{120000 + number}")
        units.append(f"{node},{substation},UNIT1")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, lines in ((f"Resource_Node_to_Unit_{suffix}.csv", units), (f"Settlement_Points_{suffix}.csv", buses)):
            bundle.writestr(zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6]), "\r\n".join(lines) + "\r\n")
    return httpx.Response(200, content=archive.getvalue(), headers={"Content-Type": "application/zip"})


# --- envelopes ----------------------------------------------------------------------------------


def _json(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, content=orjson.dumps(body), headers={"Content-Type": "application/json"})


def _error(status: int, reason: str, message: str) -> httpx.Response:
    """ERCOT's error document; the timestamp is fixed so equal requests get equal bytes."""
    return _json(
        status,
        {"timestamp": "2025-01-01T00:00:00", "code": status, "status": reason, "message": message, "data": {}},
    )
