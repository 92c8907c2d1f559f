"""The sandbox's PJM planning queue export: POST .../PJMPlanningApi/api/Queue/ExportToXls with the
`api-subscription-key` header pjm.com's queue page sends; one sheet, one header row, a row per
queue position, PJM's status words ("Active", "Withdrawn", "In Service", "Suspended")."""

from __future__ import annotations

from datetime import date

import httpx

from ..queues import projects, xlsx

HOST, PATH = "services.pjm.com", "/PJMPlanningApi/api/Queue/ExportToXls"
HEADER = (
    "Project ID",
    "Name",
    "Commercial Name",
    "State",
    "County",
    "Status",
    "Transmission Owner",
    "MFO",
    "MW Energy",
    "MW Capacity",
    "MW In Service",
    "Fuel",
    "Submitted Date",
    "Projected In Service Date",
    "Actual In Service Date",
    "Withdrawal Date",
    "Withdrawn Remarks",
    "Feasibility Study Status",
)
STATUS = {"active": "Active", "withdrawn": "Withdrawn", "completed": "In Service", "suspended": "Suspended"}
FUEL = {"solar": "Solar", "wind": "Wind", "storage": "Storage", "gas": "Natural Gas", "solar+storage": "Solar; Storage"}
COUNTIES = (("Cumberland", "PA"), ("Fayette", "OH"), ("Salem", "NJ"), ("Frederick", "MD"), ("Pittsylvania", "VA"))


def workbook(today: date) -> bytes:
    rows: list[list[object]] = [list(HEADER)]
    for p in projects(today, COUNTIES):
        done, gone = p.kind == "completed", p.kind == "withdrawn"
        rows.append(
            [
                f"AH{p.number}-{100 + p.number:03d}",
                f"Sandbox {p.county} {p.number}",
                None,
                p.state,
                p.county,
                STATUS[p.kind],
                "PPL" if p.state == "PA" else "AEP",
                p.mw,
                p.mw,
                round(p.mw * 0.4, 1),
                p.mw if done else 0,
                FUEL[p.fuel],
                p.queued,
                p.in_service,
                p.in_service if done else None,
                p.queued.replace(year=p.queued.year + 1) if gone else None,
                "Withdrawn by developer" if gone else None,
                "Complete",
            ]
        )
    return xlsx({"Sheet1": rows})


def answer(request: httpx.Request, today: date) -> httpx.Response | None:
    """The export's response, or None for another URL."""
    if request.url.host != HOST or request.url.path != PATH:
        return None
    if request.method != "POST":
        return httpx.Response(405, json={"Message": "The requested resource does not support http method 'GET'."})
    if not request.headers.get("api-subscription-key"):
        return httpx.Response(
            401, json={"statusCode": 401, "message": "Access denied due to missing subscription key."}
        )
    return httpx.Response(
        200,
        content=workbook(today),
        headers={"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
