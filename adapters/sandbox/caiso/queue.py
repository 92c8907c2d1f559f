"""The sandbox's CAISO Public Queue Report (www.caiso.com/PublishedDocuments/PublicQueueReport.xlsx):
three sheets, each three title rows over a header whose cells wrap ("Current\\nOn-line Date"), the
projects, then a legend under them."""

from __future__ import annotations

from datetime import date

import httpx

from ..queues import Project, projects, xlsx

HOST, PATH = "www.caiso.com", "/PublishedDocuments/PublicQueueReport.xlsx"
HEADER = (
    "Project Name",
    "Queue Position",
    "Interconnection Request\nReceive Date",
    "Queue Date",
    "Application Status",
    "Study\nProcess",
    "Type-1",
    "Type-2",
    "Type-3",
    "Fuel-1",
    "Fuel-2",
    "Fuel-3",
    "MW-1",
    "MW-2",
    "MW-3",
    "Net MWs to Grid",
    "Full Capacity, Partial or Energy Only (FC/P/EO)",
    "Off-Peak Deliverability and Economic Only",
    "Proposed\nOn-line Date\n(as filed with IR)",
    "Current\nOn-line Date",
    "Actual\nOn-line Date",
    "Interconnection Agreement \nStatus",
    "County",
    "State",
    "Utility",
    "PTO Study Region",
    "Station or Transmission Line",
)
TYPES = {
    "solar": ("Photovoltaic", None, "Solar", None),
    "wind": ("Wind Turbine", None, "Wind", None),
    "storage": ("Storage", None, "Battery", None),
    "gas": ("Combined Cycle", None, "Natural Gas", None),
    "solar+storage": ("Photovoltaic", "Storage", "Solar", "Battery"),
}
COUNTIES = (("Kern", "CA"), ("Riverside", "CA"), ("Clark", "NV"), ("Imperial", "CA"))


def _row(p: Project) -> list[object]:
    type1, type2, fuel1, fuel2 = TYPES[p.fuel]
    status = {"active": "ACTIVE", "suspended": "SUSPENDED", "completed": "COMPLETED", "withdrawn": "WITHDRAWN"}
    return [
        f"Sandbox {p.county} {p.number}",
        str(1700 + p.number),
        p.queued,
        p.queued,
        status[p.kind],
        "Cluster 14",
        type1,
        type2,
        None,
        fuel1,
        fuel2,
        None,
        p.mw,
        None,
        None,
        p.mw,
        "FC",
        None,
        p.in_service,
        p.in_service,
        p.in_service if p.kind == "completed" else None,
        "Executed" if p.kind == "completed" else "In Progress",
        p.county,
        p.state,
        "SCE",
        "East of Pisgah",
        f"{p.county} 230 kV Substation",
    ]


def workbook(today: date) -> bytes:
    title = [["California ISO Generator Interconnection Queue"], [f"Updated {today:%m/%d/%Y}"], []]
    every = projects(today, COUNTIES)
    queued = [_row(p) for p in every if p.kind in ("active", "suspended")]
    done = [_row(p) for p in every if p.kind == "completed"]
    gone = []
    for p in every:
        if p.kind == "withdrawn":
            gone.append([*_row(p), p.queued.replace(year=p.queued.year + 1), "Developer withdrew"])
    legend = [[], ["Legend:"], ["FC = Full Capacity"], ["EO = Energy Only"]]
    withdrawn_header = ["Project Name - Confidential", *HEADER[1:], "Withdrawn Date", "Reason for Withdrawal"]
    return xlsx(
        {
            "Grid GenerationQueue": [*title, list(HEADER), *queued, *legend],
            "Completed Generation Projects": [*title, list(HEADER), *done, [], ["Note: as reported by PTO"]],
            "Withdrawn Generation Projects": [*title, withdrawn_header, *gone, [], ["Note: confidential names"]],
        }
    )


def answer(request: httpx.Request, today: date) -> httpx.Response | None:
    if request.url.host != HOST or request.url.path != PATH:
        return None
    return httpx.Response(
        200,
        content=workbook(today),
        headers={"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
