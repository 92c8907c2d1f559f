"""An offline CAISO: answers OASIS SingleZip requests the way oasis.caiso.com does, and CAISO's
daily files the way www.caiso.com and content.caiso.com serve them.

Price reports come back as a zip holding one CSV in the report's own column layout (rows one per
component, not in time order), refusals as a zip holding OASIS's XML error report under HTTP 200,
and ATL_APNODE as a zip holding the XML atlas. Market-wide reports are in `sandbox_series`, the
daily files in `sandbox_files`. Values come from `adapters.synthetic` and `sandbox_wire.noise`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from .. import synthetic
from ..model import MarketRun
from . import sandbox_files
from .nodes import DLAPS, HUBS
from .reports import HASP, MAX_NODES, NODE_LIST, NODE_LIST_VERSION, REPORTS, URL, Report
from .sandbox_series import SERIES, report_csv
from .sandbox_wire import PACIFIC, error, gmt, instant, intervals, operating, zipped

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
_VALUE_COLUMNS = {"PRC_LMP": "MW", "PRC_INTVL_LMP": "VALUE", "PRC_RTPD_LMP": "PRC", "PRC_HASP_LMP": "MW"}
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
# The sandbox prints HASP prices whether or not the shared model has the run yet.
_BY_QUERY: dict[str, tuple[MarketRun | None, Report]] = {
    **{r.queryname: (run, r) for run, r in REPORTS.items()},
    HASP.queryname: (None, HASP),
}


def transport(latency: float = 0.0) -> httpx.MockTransport:
    return synthetic.mock_transport(answer, latency)


def answer(request: httpx.Request) -> httpx.Response:
    url = request.url
    if url.host != _ENDPOINT.host or url.path != _ENDPOINT.path:
        published = sandbox_files.answer(request)
        return published if published is not None else httpx.Response(404, text="Not Found")
    params = url.params
    query = params.get("queryname", "")
    if query == NODE_LIST:
        if params.get("version") != str(NODE_LIST_VERSION):
            return error(1020, "Version parameter is missing or is invalid")
        return zipped(f"{query}_v{NODE_LIST_VERSION}", "xml", _atlas())
    market_run_id = params.get("market_run_id")
    known = [
        r for r in (*(r for _, r in _BY_QUERY.values()), *(r for r, _, _ in SERIES.values())) if r.queryname == query
    ]
    if not known:
        return error(1005, "Report name does not exist, please use valid report name")
    report = next((r for r in known if r.market_run_id == market_run_id), known[0])
    if params.get("version") != str(report.version):
        return error(1020, "Version parameter is missing or is invalid")
    if params.get("resultformat") != "6":
        return httpx.Response(400, text="the sandbox serves OASIS reports as CSV (resultformat=6) only")
    start, end = instant(params.get("startdatetime", "")), instant(params.get("enddatetime", ""))
    if start is None or end is None:
        return error(1002, "Invalid datetime format, please use valid datetime format")
    # An operating day is 25 hours on the fall-back day.
    if report.max_hours is not None and end - start > timedelta(hours=report.max_hours):
        return error(1004, f"Data can be requested for period of {report.max_hours} hour only")
    if end - start > timedelta(days=report.max_days, hours=1):
        return error(1004, f"Data can be requested for period of {report.max_days} days only")
    if report.market_run_id != market_run_id or end <= start:
        return error(1000, "No data returned for the specified selection")
    name = f"{start:%Y%m%d}_{end:%Y%m%d}_{query}_{market_run_id}_v{report.version}"
    series = SERIES.get((query, market_run_id))
    if series is not None:
        if any(params.get(key) != value for key, value in report.params):
            return error(1000, "No data returned for the specified selection")
        return zipped(name, "csv", report_csv(*series, start, end))
    nodes = [node for node in params.get("node", "").split(",") if node]
    if len(nodes) > MAX_NODES:
        return error(1017, "Please select a maximum of 10 nodes or use the ALL option")
    priced = [node for node in nodes if node in APNODES]
    if not priced:
        return error(1000, "No data returned for the specified selection")
    run = _BY_QUERY[query][0]
    return zipped(name, "csv", _report(run.value if run is not None else "HASP", report, priced, start, end))


def _report(run: str, report: Report, nodes: list[str], start: datetime, end: datetime) -> str:
    step = report.interval
    times = intervals(start, end, step)
    prices: dict[tuple[str, datetime], dict[str, float]] = {}
    for node in nodes:
        for t in times:
            local = t.astimezone(PACIFIC)
            energy, congestion, loss = synthetic.price(node, run, t, local.hour + local.minute / 60)
            prices[node, t] = {
                "LMP": energy + congestion + loss,
                "MCE": energy,
                "MCC": congestion,
                "MCL": loss,
                "MGHG": 0.0,
            }
    labels = {t: operating(t, step, hourly=report.queryname == "PRC_LMP") for t in times}
    header = _HEADERS[report.queryname]
    value_column = _VALUE_COLUMNS[report.queryname]
    lines = [",".join(header)]
    # OASIS groups rows by component, not by time.
    for kind, item in _DATA_ITEMS.items():
        for node in nodes:
            for t in times:
                day, hour, interval = labels[t]
                row = {
                    "INTERVALSTARTTIME_GMT": gmt(t),
                    "INTERVALENDTIME_GMT": gmt(t + step),
                    "OPR_DT": day,
                    "OPR_HR": hour,
                    "OPR_INTERVAL": interval,
                    "NODE_ID_XML": node,
                    "NODE_ID": node,
                    "NODE": node,
                    "MARKET_RUN_ID": report.market_run_id or "",
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
