"""The sandbox's NYISO interconnection queue (www.nyiso.com/documents/20142/1407078/
NYISO-Interconnection-Queue.xlsx): "Interconnection Queue", " Cluster Projects" (NYISO's leading
space), "Withdrawn", "Cluster Projects-Withdrawn", and "In Service" with its header over two rows."""

from __future__ import annotations

from datetime import date

import httpx

from ..queues import Project, projects, xlsx

HOST, PATH = "www.nyiso.com", "/documents/20142/1407078/NYISO-Interconnection-Queue.xlsx"
HEADER = (
    "Queue Pos.",
    "Developer Name",
    "Project Name",
    "Date of IR",
    "SP (MW)",
    "WP (MW)",
    "Type/ Fuel",
    "County",
    "State",
    "Z",
    "Points of Interconnection",
    "Utility",
    "S",
    "Last Update",
    "Availability of Studies",
    "Proposed In-Service",
    "Proposed COD",
)
CODES = {"solar": "S", "wind": "W", "storage": "ES", "gas": "CC-NG", "solar+storage": "ES+S"}
COUNTIES = (("Suffolk", "NY"), ("Jefferson", "NY"), ("Orange", "NY"), ("Erie", "NY"))


def _row(p: Project, today: date) -> list[object]:
    return [
        str(1000 + p.number),
        f"Sandbox Developer {p.number}",
        f"Sandbox {p.county} {p.number}",
        p.queued,
        p.mw,
        p.mw - 0.5,
        CODES[p.fuel],
        p.county,
        p.state,
        "K" if p.county == "Suffolk" else "E",
        f"{p.county} 138kV",
        "LIPA" if p.county == "Suffolk" else "NM-NG",
        14 if p.kind == "completed" else (0 if p.kind == "withdrawn" else 5),
        today.replace(day=1),
        "SRIS",
        p.in_service,
        p.in_service,
    ]


def workbook(today: date) -> bytes:
    every = projects(today, COUNTIES)
    active = [_row(p, today) for p in every if p.kind in ("active", "suspended")]
    gone = [_row(p, today) for p in every if p.kind == "withdrawn"]
    top = ["Queue", "Queue", "Queue", "Date", "SP", "WP", "Type/", "Location", "Location", "Z", "Interconnection"]
    top += ["Interconnection", "Interconnection", "Last Update", "Availability", "Proposed", "Proposed"]
    bottom = ["Pos.", "Owner/Developer", "Project Name", "of IR", "(MW)", "(MW)", "Fuel", "County", "State", None]
    bottom += ["Point", "Utility ", "S", None, "of Studies", " In-Service", "COD"]
    done = [_row(p, today) for p in every if p.kind == "completed"]
    return xlsx(
        {
            "Interconnection Queue": [list(HEADER), *active, [], ["Notes: MW values are as of the last update"]],
            " Cluster Projects": [list(HEADER)],
            "Withdrawn": [list(HEADER), *gone],
            "Cluster Projects-Withdrawn": [list(HEADER)],
            "In Service": [top, bottom, *done],
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
