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
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import httpx
import orjson

from ...ercot.nodes import DC_TIES, HUBS, LOAD_ZONES
from .. import synthetic
from .reports import REPORTS, Report, date_range, days_between, fuel_mix_document, hourly, sced_runs, steps

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
    if host == "api.ercot.com" and path.startswith(_REPORTS_PATH) and request.method == "GET":
        name = path.removeprefix(_REPORTS_PATH)
        report = _REPORTS.get(name)
        if report is not None:
            return _report(request, report)
        archived = _ARCHIVED.get(name.removeprefix("archive/"))
        if name.startswith("archive/") and archived is not None:
            return _archive(request, archived)
    if host == "www.ercot.com" and request.method == "GET":
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
        posted=-1,
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
    ),
}


_REPORTS: dict[str, Report] = {**_PRICE_REPORTS, **REPORTS}
_ARCHIVED = {report.emil.lower(): report for report in _REPORTS.values() if report.mis}
# Live report endpoints hold recent days only: of the daily-posted reports, days before this are
# served by the archive alone, so the adapter's fallback runs offline.
LIVE_FROM = date(2025, 1, 1)


def _refused(request: httpx.Request) -> httpx.Response | None:
    if not request.headers.get("Ocp-Apim-Subscription-Key"):
        return _json(401, {"statusCode": 401, "message": "Access denied due to missing subscription key."})
    bearer = request.headers.get("Authorization", "")
    if not (bearer.startswith("Bearer sbx.") and len(bearer) == len("Bearer sbx.") + 8):
        return _error(401, "Unauthorized", "Invalid or expired id token")
    return None


def _report(request: httpx.Request, report: Report) -> httpx.Response:
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
    rows = report.rows(query)
    if isinstance(rows, str):
        return _error(400, "Bad Request", rows)
    if report.mis:  # a daily report: its first field is the day
        rows = [row for row in rows if row[0] >= LIVE_FROM.isoformat()]
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


# --- public-API archive: one posting per operating day of the daily reports ---------------------

_POSTED_AT = "T10:15:07.000"  # every sandbox posting's time of day
_EMIL_NUMBER = {emil: number for number, emil in enumerate(sorted(_ARCHIVED), 1)}


def _doc_id(report: Report, posted: date) -> int:
    return int(f"{posted:%Y%m%d}{_EMIL_NUMBER[report.emil.lower()]:02d}")


def _archive(request: httpx.Request, report: Report) -> httpx.Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    query = dict(request.url.params)
    if "download" in query:
        return _archive_download(report, query["download"])
    try:
        low = datetime.fromisoformat(query["postDatetimeFrom"])
        high = datetime.fromisoformat(query["postDatetimeTo"])
        page, size = int(query.get("page", 1)), min(int(query.get("size", _DEFAULT_PAGE_SIZE)), 1_000)
    except (KeyError, ValueError):
        return _error(400, "Bad Request", "postDatetimeFrom/To must be timestamps; page and size integers")
    href = f"{API}/archive/{report.emil.lower()}"
    entries = []
    for day in days_between(low.date(), high.date()):
        posted = f"{day.isoformat()}{_POSTED_AT}"
        if low <= datetime.fromisoformat(posted) < high:
            doc_id = _doc_id(report, day)
            entries.append(
                {
                    "docId": doc_id,
                    "friendlyName": report.name.replace(" ", "_"),
                    "postDatetime": posted,
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


def _archive_download(report: Report, doc_id: str) -> httpx.Response:
    """The posting's zip: one CSV in ERCOT's MIS layout (PascalCase headers, MM/DD/YYYY, Y/N)."""
    try:
        posted = datetime.strptime(doc_id[:8], "%Y%m%d").date()
    except ValueError:
        return _error(404, "Not Found", f"No archive document {doc_id}")
    if not doc_id.isdigit() or int(doc_id) != _doc_id(report, posted):
        return _error(404, "Not Found", f"No archive document {doc_id}")
    day = (posted - timedelta(days=report.posted)).isoformat()
    field = report.fields[0][0]  # deliveryDate / operatingDay
    rows = report.rows({f"{field}From": day, f"{field}To": day})
    assert not isinstance(rows, str)
    kinds = [kind for _, _, kind in report.fields]
    lines = [",".join(report.mis)]
    lines += [",".join(_mis_value(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in rows]
    stamp = datetime.fromisoformat(f"{posted.isoformat()}{_POSTED_AT}")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        name = f"{report.emil}_{posted:%Y%m%d}.csv"
        bundle.writestr(zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6]), "\r\n".join(lines) + "\r\n")
    return httpx.Response(200, content=archive.getvalue(), headers={"Content-Type": "application/zip"})


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
