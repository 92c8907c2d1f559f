"""An offline CAISO: answers OASIS SingleZip requests the way oasis.caiso.com does, and CAISO's
daily files the way www.caiso.com and content.caiso.com serve them.

Price reports come back as a zip holding one CSV in the report's own column layout (rows one per
component, not in time order), refusals as a zip holding OASIS's XML error report under HTTP 200,
and ATL_APNODE as a zip holding the XML atlas. Market-wide reports are in `series`, the daily
files in `files`, what each report is and when it is posted in `reports`. Only what is posted by
"now" is answered: an operating day's day-ahead results from the day before, real-time intervals
as they begin, actuals as they end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from ...caiso.nodes import DLAPS, HUBS
from ...model import MarketRun
from .. import synthetic
from . import files, queue
from .reports import (
    ALL_NODES_HOURLY,
    ALL_NODES_INTERVAL,
    ATLAS,
    ATLAS_VERSION,
    HOUR,
    KEPT,
    MAX_NODES,
    PRICES,
    URL_HOST,
    URL_PATH,
    Report,
)
from .series import SERIES, report_csv
from .wire import PACIFIC, error, gmt, instant, intervals, operating, zipped

__all__ = ["APNODES", "PRICE_COLUMNS", "answer", "transport"]

# The value column is MW in PRC_LMP and PRC_HASP_LMP, VALUE in PRC_INTVL_LMP, PRC in PRC_RTPD_LMP
# (and in PRC_NOMOGRAM); the market-wide reports print MW.
PRICE_COLUMNS = ("MW", "VALUE", "PRC")

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
# Which run's synthetic prices each report prints.
_RUNS = {
    "PRC_LMP": MarketRun.DAY_AHEAD_HOURLY,
    "PRC_RTPD_LMP": MarketRun.REAL_TIME_15_MIN,
    "PRC_INTVL_LMP": MarketRun.REAL_TIME_5_MIN,
    "PRC_HASP_LMP": MarketRun.HOUR_AHEAD_15_MIN,
}
_PRICES = {(r.queryname, r.market_run_id): r for r in PRICES}
_KNOWN = {*(q for q, _ in _PRICES), *(q for q, _ in SERIES)}


def _now() -> datetime:
    return datetime.now(UTC)


def transport(latency: float = 0.0, *, clock: Callable[[], datetime] | None = None) -> httpx.MockTransport:
    """The sandbox; `clock` is UTC "now", which decides what has been posted."""
    now = clock or _now
    return synthetic.mock_transport(lambda request: answer(request, now()), latency)


def answer(request: httpx.Request, now: datetime | None = None) -> httpx.Response:
    now = now or _now()
    url = request.url
    queued = queue.answer(request, now.date())
    if queued is not None:
        return queued
    if url.host != URL_HOST or url.path != URL_PATH:
        published = files.answer(request, now)
        return published if published is not None else httpx.Response(404, text="Not Found")
    params = url.params
    query = params.get("queryname", "")
    if query == ATLAS:
        if params.get("version") != str(ATLAS_VERSION):
            return error(1020, "Version parameter is missing or is invalid")
        return zipped(f"{query}_v{ATLAS_VERSION}", "xml", _atlas())
    if query not in _KNOWN:
        return error(1005, "Report name does not exist, please use valid report name")
    market_run_id = params.get("market_run_id", "")
    known = [r for r in (*_PRICES.values(), *(s[0] for s in SERIES.values())) if r.queryname == query]
    report = next((r for r in known if r.market_run_id == market_run_id), known[0])
    if params.get("version") != str(report.version):
        return error(1020, "Version parameter is missing or is invalid")
    if params.get("resultformat") != "6":
        return httpx.Response(400, text="the sandbox serves OASIS reports as CSV (resultformat=6) only")
    start, end = instant(params.get("startdatetime", "")), instant(params.get("enddatetime", ""))
    if start is None or end is None:
        return error(1002, "Invalid datetime format, please use valid datetime format")
    # An operating day is 25 hours on the fall-back day.
    if end - start > timedelta(days=report.max_days, hours=1):
        return error(1004, f"Data can be requested for period of {report.max_days} days only")
    if params.get("grp_type") in ("ALL", "ALL_APNODES"):
        if report.interval < HOUR and end - start > ALL_NODES_INTERVAL:
            return error(1004, "Data can be requested for period of 1 hour only")
        if end - start > ALL_NODES_HOURLY + HOUR:
            return error(1004, "Data can be requested for period of 1 days only")
    if start < now - KEPT:
        return error(
            1014, "Start Date is beyond the limit, Please Use valid Start Date that falls within the prescribed limit"
        )
    nodes = [node for node in params.get("node", "").split(",") if node]
    if len(nodes) > MAX_NODES:
        return error(1017, "Please select a maximum of 10 nodes or use the ALL option")
    if report.market_run_id != market_run_id or any(params.get(key) != value for key, value in report.params):
        return _no_data()
    times = [t for t in intervals(start, end, report.interval) if report.posted(t, now)]
    if params.get("grp_type") in ("ALL", "ALL_APNODES"):
        nodes = list(APNODES)
    priced = [node for node in nodes if node in APNODES]
    series = SERIES.get((query, market_run_id))
    if not times or (series is None and not priced):
        return _no_data()
    name = f"{start:%Y%m%d}_{end:%Y%m%d}_{query}_{market_run_id}_v{report.version}"
    if series is not None:
        return zipped(name, "csv", report_csv(*series, times))
    return zipped(name, "csv", _report(report, priced, times))


def _no_data() -> httpx.Response:
    return error(1000, "No data returned for the specified selection")


def _report(report: Report, nodes: list[str], times: list[datetime]) -> str:
    step, run = report.interval, _RUNS[report.queryname].value
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
