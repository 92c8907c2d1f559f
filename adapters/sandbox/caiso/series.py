"""Sandboxed OASIS market-wide reports, in their CSV layouts: SLD_FCST, SLD_REN_FCST, PRC_AS,
PRC_INTVL_AS and PRC_NOMOGRAM. Rows are printed in OASIS's grouping (by series, then time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from . import reports
from .reports import ANCILLARY, LOAD, RENEWABLES, Report
from .wire import daylight, demand_shape, gmt, local_hour, noise, operating

# Real TAC area names and each one's rough share of the ISO's load; CA ISO-TAC is the ISO total.
TAC_AREAS: dict[str, float] = {"PGE-TAC": 0.42, "SCE-TAC": 0.46, "SDGE-TAC": 0.1, "VEA-TAC": 0.006, "MWD-TAC": 0.014}
ISO_TOTAL = "CA ISO-TAC"
HUBS = ("NP15", "SP15", "ZP26")
AS_TYPES = {
    "NR": "NS_CLR_PRC",
    "RD": "RD_CLR_PRC",
    "RMD": "RMD_CLR_PRC",
    "RMU": "RMU_CLR_PRC",
    "RU": "RU_CLR_PRC",
    "SR": "SP_CLR_PRC",
}
AS_REGIONS = ("AS_CAISO_EXP", "AS_NP26_EXP", "AS_SP26_EXP")
NOMOGRAMS = (
    "7820_TL 230S_OVERLOAD_NG",
    "OMS_TL23054_OUTAGE_NG",
    "30060_MIDWAY  _500_24156_VINCENT _500_BR_1 _3",
    "6110_COI_N98",
)

_DEMAND_LABELS = {
    "ACTUAL": ("SYS_FCST_ACT_MW", "Total Actual Hourly Integrated Load"),
    "DAM": ("SYS_FCST_DA_MW", "Demand Forecast Day Ahead"),
    "2DA": ("SYS_FCST_2DA_MW", "Demand Forecast 2-Day Ahead"),
    "7DA": ("SYS_FCST_7DA_MW", "Demand Forecast 7-Day Ahead"),
}
_DEMAND_ERROR = {"ACTUAL": 0.0, "DAM": 0.02, "2DA": 0.035, "7DA": 0.06}

Rows = list[dict[str, str]]


def iso_load(t: datetime) -> float:
    return 26000.0 * demand_shape(local_hour(t)) + 800.0 * (noise("load", t) - 0.5)


def _demand(report: Report, times: list[datetime]) -> Rows:
    item, label = _DEMAND_LABELS[report.market_run_id]
    rows: Rows = []
    for area in (ISO_TOTAL, *TAC_AREAS):
        for t in times:
            total = iso_load(t) * (1 + _DEMAND_ERROR[report.market_run_id] * (noise(item, t) - 0.5))
            mw = total if area == ISO_TOTAL else total * TAC_AREAS[area]
            day, hour, _ = operating(t, report.interval, hourly=True)
            rows.append(
                {
                    **_times(t, report.interval),
                    "LOAD_TYPE": "0",
                    "OPR_DT": day,
                    "OPR_HR": hour,
                    "OPR_INTERVAL": "0",
                    "MARKET_RUN_ID": report.market_run_id,
                    "TAC_AREA_NAME": area,
                    "LABEL": label,
                    "XML_DATA_ITEM": item,
                    "POS": "3.8",
                    "MW": f"{mw:.2f}",
                    "EXECUTION_TYPE": report.market_run_id,
                    "GROUP": "1",
                }
            )
    return rows


def _renewables(report: Report, times: list[datetime]) -> Rows:
    rows: Rows = []
    for kind in ("Solar", "Wind"):
        for hub in HUBS:
            for t in times:
                if kind == "Solar":
                    mw = 6000.0 / len(HUBS) * daylight(local_hour(t)) * (0.9 + 0.2 * noise(hub, t))
                else:
                    mw = 400.0 + 1200.0 * noise(hub, "wind", t)
                if report.market_run_id == "DAM":
                    mw *= 0.95 + 0.1 * noise("dam", hub, kind, t)
                day, hour, _ = operating(t, report.interval, hourly=True)
                rows.append(
                    {
                        **_times(t, report.interval),
                        "OPR_DT": day,
                        "OPR_HR": hour,
                        "OPR_INTERVAL": "0",
                        "TRADING_HUB": hub,
                        "RENEWABLE_TYPE": kind,
                        "LABEL": f"Renewable Forecast {report.market_run_id}",
                        "XML_DATA_ITEM": "RENEW_FCST_ACT_MW"
                        if report.market_run_id == "ACTUAL"
                        else "RENEW_FCST_DA_MW",
                        "MARKET_RUN_ID": report.market_run_id,
                        "MW": f"{mw:.2f}",
                        "GROUP": "1",
                    }
                )
    return rows


def _ancillary(report: Report, times: list[datetime]) -> Rows:
    rows: Rows = []
    base = {"NR": 1.5, "RD": 6.0, "RMD": 0.1, "RMU": 0.2, "RU": 9.0, "SR": 4.0}
    for kind, item in AS_TYPES.items():
        for region in AS_REGIONS:
            for t in times:
                day, hour, interval = operating(t, report.interval, hourly=report.interval == timedelta(hours=1))
                price = base[kind] * (0.6 + 0.8 * noise(kind, region, report.queryname, t))
                rows.append(
                    {
                        **_times(t, report.interval),
                        "OPR_DT": day,
                        "OPR_HR": hour,
                        "OPR_INTERVAL": interval,
                        "OPR_TYPE": "PRC",
                        "ANC_TYPE": kind,
                        "ANC_REGION": region,
                        "MARKET_RUN_ID": report.market_run_id,
                        "XML_DATA_ITEM": item,
                        "MW": f"{price:.2f}",
                        "GROUP": "1",
                    }
                )
    return rows


def _nomograms(report: Report, times: list[datetime]) -> Rows:
    rows: Rows = []
    for name in NOMOGRAMS:
        for t in times:
            # OASIS lists a constraint in the intervals it binds in.
            if noise(name, report.market_run_id, t) < 0.6:
                continue
            day, hour, interval = operating(t, report.interval, hourly=report.interval == timedelta(hours=1))
            rows.append(
                {
                    **_times(t, report.interval),
                    "OPR_DT": day,
                    "OPR_HR": hour,
                    "OPR_INTERVAL": interval,
                    "OPR_TYPE": "PRC",
                    "MARKET_RUN_ID": report.market_run_id,
                    "NOMOGRAM_ID_XML": name,
                    "NOMOGRAM_ID": name,
                    "CONSTRAINT_CAUSE": "",
                    "PRC": f"{-60.0 * noise('shadow', name, t):.5f}",
                    "GROUP": "1",
                }
            )
    return rows


def _times(t: datetime, step: timedelta) -> dict[str, str]:
    return {"INTERVALSTARTTIME_GMT": gmt(t), "INTERVALENDTIME_GMT": gmt(t + step)}


_DEMAND_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,LOAD_TYPE,OPR_DT,OPR_HR,OPR_INTERVAL,MARKET_RUN_ID,"
    "TAC_AREA_NAME,LABEL,XML_DATA_ITEM,POS,MW,EXECUTION_TYPE,GROUP"
)
_RENEWABLES_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,TRADING_HUB,RENEWABLE_TYPE,LABEL,"
    "XML_DATA_ITEM,MARKET_RUN_ID,MW,GROUP"
)
_AS_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,ANC_TYPE,ANC_REGION,"
    "MARKET_RUN_ID,XML_DATA_ITEM,MW,GROUP"
)
_INTERVAL_AS_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_TYPE,ANC_TYPE,XML_DATA_ITEM,MARKET_RUN_ID,MW,"
    "ANC_REGION,OPR_INTERVAL,GROUP"
)
_NOMOGRAM_HEADER = (
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,MARKET_RUN_ID,NOMOGRAM_ID_XML,"
    "NOMOGRAM_ID,CONSTRAINT_CAUSE,PRC,GROUP"
)

Printer = Callable[[Report, list[datetime]], Rows]

# (queryname, market_run_id) -> the report, its CSV header and the rows it prints.
SERIES: dict[tuple[str, str], tuple[Report, str, Printer]] = {
    **{(r.queryname, r.market_run_id): (r, _DEMAND_HEADER, _demand) for r in LOAD},
    **{(r.queryname, r.market_run_id): (r, _RENEWABLES_HEADER, _renewables) for r in RENEWABLES},
    **{
        (r.queryname, r.market_run_id): (r, _AS_HEADER if r.queryname == "PRC_AS" else _INTERVAL_AS_HEADER, _ancillary)
        for r in ANCILLARY
    },
    **{(r.queryname, r.market_run_id): (r, _NOMOGRAM_HEADER, _nomograms) for r in reports.NOMOGRAMS},
}


def report_csv(report: Report, header: str, printer: Printer, times: list[datetime]) -> str:
    columns = header.split(",")
    lines = [header, *(",".join(row[c] for c in columns) for row in printer(report, times))]
    return "\n".join(lines) + "\n"
