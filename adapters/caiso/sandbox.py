"""An offline OASIS: answers SingleZip requests the way oasis.caiso.com does.

Price reports come back as a zip holding one CSV in the report's own column layout (rows one per
component, not in time order), refusals as a zip holding OASIS's XML error report under HTTP 200,
and ATL_APNODE as a zip holding the XML atlas. Values come from `adapters.synthetic`.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from .. import synthetic
from ..model import RUN_LENGTH, MarketRun
from .nodes import DLAPS, HUBS
from .reports import MAX_NODES, NODE_LIST, NODE_LIST_VERSION, REPORTS, URL, Report

PACIFIC = ZoneInfo("America/Los_Angeles")
_ENDPOINT = httpx.URL(URL)

# Made-up generator APnodes in CAISO's naming style, to give the atlas a realistic size.
_STATIONS = (
    *("ALAMIT", "ALMOND", "BARRE", "BLYTHE", "CALPIN", "CHALK", "COLUSA", "CONTRA", "COSUMN", "DELTA"),
    *("DIABLO", "ELKHIL", "ELSEGN", "ENCINA", "ETIWND", "GATWAY", "GILROY", "GLNARM", "HELMS", "HIDSRT"),
    *("HNTGBH", "INLAND", "KERNRV", "LAPLMA", "LODI", "MANDLY", "METCLF", "MIRLOM", "MOSSLD", "MTNVIS"),
    *("OTAY", "PALOMR", "PANOCH", "PITTSP", "REDOND", "RIOBRV", "SNCLRA", "SUTTER", "TESLA", "TRACY"),
    *("VICTOR", "WALNUT", "WNDHUB", "YUBACT"),
)

APNODES: dict[str, str] = {
    **dict.fromkeys(HUBS, "TH"),
    **dict.fromkeys(DLAPS, "DPZ"),
    **{f"{station}_{i % 7 + 1}_GEN-APND": "AG" for i, station in enumerate(_STATIONS)},
}

# Column layouts as OASIS prints them; the interval reports move OPR_INTERVAL after the value.
_COLUMNS = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,{head}NODE_ID_XML,NODE_ID,NODE,MARKET_RUN_ID,"
    "LMP_TYPE,XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,{value},{tail}GROUP"
)
_VALUE_COLUMNS = {"PRC_LMP": "MW", "PRC_INTVL_LMP": "VALUE", "PRC_RTPD_LMP": "PRC"}
_HEADERS = {
    query: _COLUMNS.format(
        head="OPR_INTERVAL," if query == "PRC_LMP" else "",
        value=value,
        tail="" if query == "PRC_LMP" else "OPR_INTERVAL,",
    ).split(",")
    for query, value in _VALUE_COLUMNS.items()
}
_DATA_ITEMS = {
    "LMP": "LMP_PRC",
    "MCC": "LMP_CONG_PRC",
    "MCE": "LMP_ENE_PRC",
    "MCL": "LMP_LOSS_PRC",
    "MGHG": "LMP_GHG_PRC",
}
_BY_QUERY: dict[str, tuple[MarketRun, Report]] = {r.queryname: (run, r) for run, r in REPORTS.items()}
_STAMP = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d):(\d\d)-0000")
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)  # fixed, so the same request gives the same bytes

_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd">
<m:MessageHeader>
\t<m:TimeDate>2025-01-01T00:00:00.000Z</m:TimeDate>
\t<m:Source>OASIS</m:Source>
\t<m:Version>v20131201</m:Version>
</m:MessageHeader>
<m:MessagePayload>
<m:RTO>
<m:name>CAISO</m:name>
<m:DISCLAIMER_ITEM>
<m:DISCLAIMER>The contents of these pages are subject to change without notice. Decisions based on \
information contained within the California ISO's web site are the visitor's sole \
responsibility.</m:DISCLAIMER>
</m:DISCLAIMER_ITEM>
<m:ERROR>
<m:ERR_CODE>{code}</m:ERR_CODE>
<m:ERR_DESC>{description}</m:ERR_DESC>
</m:ERROR>

</m:RTO>
</m:MessagePayload>
</m:OASISReport>
"""


def transport(latency: float = 0.0) -> httpx.MockTransport:
    return synthetic.mock_transport(answer, latency)


def answer(request: httpx.Request) -> httpx.Response:
    url = request.url
    if url.host != _ENDPOINT.host or url.path != _ENDPOINT.path:
        return httpx.Response(404, text="Not Found")
    params = url.params
    query = params.get("queryname", "")
    if query == NODE_LIST:
        if params.get("version") != str(NODE_LIST_VERSION):
            return _error(1020, "Version parameter is missing or is invalid")
        return _zip(f"{query}_v{NODE_LIST_VERSION}", "xml", _atlas())
    if query not in _BY_QUERY:
        return _error(1005, "Report name does not exist, please use valid report name")
    run, report = _BY_QUERY[query]
    if params.get("version") != str(report.version):
        return _error(1020, "Version parameter is missing or is invalid")
    if params.get("resultformat") != "6":
        return httpx.Response(400, text="the sandbox serves price reports as CSV (resultformat=6) only")
    start, end = _instant(params.get("startdatetime", "")), _instant(params.get("enddatetime", ""))
    if start is None or end is None:
        return _error(1002, "Invalid datetime format, please use valid datetime format")
    # An operating day is 25 hours on the fall-back day.
    if end - start > timedelta(days=report.max_days, hours=1):
        return _error(1004, f"Data can be requested for period of {report.max_days} days only")
    nodes = [node for node in params.get("node", "").split(",") if node]
    if len(nodes) > MAX_NODES:
        return _error(1017, "Please select a maximum of 10 nodes or use the ALL option")
    known = [node for node in nodes if node in APNODES]
    if params.get("market_run_id") != report.market_run_id or not known or end <= start:
        return _error(1000, "No data returned for the specified selection")
    name = f"{start:%Y%m%d}_{end:%Y%m%d}_{query}_{report.market_run_id}_v{report.version}"
    return _zip(name, "csv", _report(run, report, known, start, end))


def _instant(text: str) -> datetime | None:
    match = _STAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute = map(int, match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def _report(run: MarketRun, report: Report, nodes: list[str], start: datetime, end: datetime) -> str:
    step = RUN_LENGTH[run]
    seconds = step.total_seconds()
    first = datetime.fromtimestamp(math.ceil(start.timestamp() / seconds) * seconds, UTC)
    count = max(0, math.ceil((end - first) / step))
    intervals = [first + i * step for i in range(count)]
    prices: dict[tuple[str, datetime], dict[str, float]] = {}
    for node in nodes:
        for t in intervals:
            local = t.astimezone(PACIFIC)
            energy, congestion, loss = synthetic.price(node, run.value, t, local.hour + local.minute / 60)
            prices[node, t] = {
                "LMP": energy + congestion + loss,
                "MCE": energy,
                "MCC": congestion,
                "MCL": loss,
                "MGHG": 0.0,
            }
    labels = {t: _operating(t, step, hourly=run is MarketRun.DAY_AHEAD_HOURLY) for t in intervals}
    header = _HEADERS[report.queryname]
    value_column = _VALUE_COLUMNS[report.queryname]
    lines = [",".join(header)]
    # OASIS groups rows by component, not by time.
    for kind, item in _DATA_ITEMS.items():
        for node in nodes:
            for t in intervals:
                day, hour, interval = labels[t]
                row = {
                    "INTERVALSTARTTIME_GMT": f"{t:%Y-%m-%dT%H:%M:%S}-00:00",
                    "INTERVALENDTIME_GMT": f"{t + step:%Y-%m-%dT%H:%M:%S}-00:00",
                    "OPR_DT": day,
                    "OPR_HR": hour,
                    "OPR_INTERVAL": interval,
                    "NODE_ID_XML": node,
                    "NODE_ID": node,
                    "NODE": node,
                    "MARKET_RUN_ID": report.market_run_id,
                    "LMP_TYPE": kind,
                    "XML_DATA_ITEM": item,
                    "PNODE_RESMRID": node,
                    "GRP_TYPE": "ALL_APNODES",
                    "POS": "0",
                    value_column: f"{prices[node, t][kind]:.2f}",
                    "GROUP": "1",
                }
                lines.append(",".join(row[column] for column in header))
    return "\n".join(lines) + "\n"


def _operating(t: datetime, step: timedelta, *, hourly: bool) -> tuple[str, str, str]:
    """OPR_DT, OPR_HR (hour-ending, counted from local midnight: 1..23 or 1..25 on DST days), OPR_INTERVAL."""
    day = t.astimezone(PACIFIC).date()
    midnight = datetime(day.year, day.month, day.day, tzinfo=PACIFIC).astimezone(UTC)
    hour, into = divmod(t - midnight, timedelta(hours=1))
    if hourly:
        return day.isoformat(), str(hour + 1), "0"
    return day.isoformat(), f"{hour + 1:02d}", str(into // step + 1)


def _atlas() -> str:
    items = "".join(
        f"<ATLS_ITEM>\n<ATLS_DATA>\n<APNODE_NAME>{code}</APNODE_NAME>\n<APNODE_TYPE>{kind}</APNODE_TYPE>\n"
        "<START_DATE_GMT>2013-09-19T07:00:00-00:00</START_DATE_GMT>\n</ATLS_DATA>\n</ATLS_ITEM>\n"
        for code, kind in APNODES.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OASISMaster xmlns="http://www.caiso.com/soa/OASISMaster_v1.xsd">\n'
        "<MessageHeader>\n<TimeDate>2025-01-01T00:00:00-00:00</TimeDate>\n<Source>OASIS</Source>\n"
        "<Version>v20131201</Version>\n</MessageHeader>\n"
        f"<MessagePayload>\n<RTO>\n<name>CAISO</name>\n{items}</RTO>\n</MessagePayload>\n</OASISMaster>\n"
    )


def _error(code: int, description: str) -> httpx.Response:
    return _zip("INVALID_REQUEST", "xml", _ERROR.format(code=code, description=description))


def _zip(stem: str, extension: str, text: str) -> httpx.Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo(f"{stem}.{extension}", date_time=_ZIP_TIME)
        archive.writestr(member, text.encode(), compress_type=zipfile.ZIP_DEFLATED)
    return httpx.Response(
        200,
        content=buffer.getvalue(),
        headers={
            "Content-Type": "application/x-zip-compressed",
            "Content-Disposition": f"inline; filename={stem}.{extension}.zip;",
        },
    )
