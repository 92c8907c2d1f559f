"""The sandbox's ERCOT GIS Report (MIS report type 15933, `rpt.00015933...GIS_Report_<Month><Year>.xlsx`):
"Project Details - Large Gen" and "- Small Gen" under a few title rows, with ERCOT's fuel and technology
codes; "Inactive Projects" and "Cancellation Update" with words, "MW **" and their dates."""

from __future__ import annotations

from datetime import date

import httpx

from ..queues import Project, projects, xlsx

REPORT_TYPE = 15933
LARGE = (
    "INR",
    "Project Name",
    "Interconnecting Entity",
    "POI Location",
    "County",
    "CDR Reporting Zone",
    "Projected COD",
    "Fuel",
    "Technology",
    "Capacity (MW)",
    "GIM Study Phase",
    "Screening Study Started",
    "Screening Study Complete",
    "FIS Requested",
    "FIS Approved",
    "IA Signed",
    "Approved for Energization",
    "Approved for Synchronization",
    "Comment",
)
GONE = ("INR", "Project Name", "Size Category", "Fuel", "MW **", "County", "Inactive Date")
CODES = {
    "solar": ("SOL", "PV"),
    "wind": ("WIN", "WT"),
    "storage": ("OTH", "BA"),
    "gas": ("GAS", "CC"),
    "solar+storage": ("SOL", "PV"),
}
WORDS = {"solar": "Solar", "wind": "Wind", "storage": "Other", "gas": "Gas", "solar+storage": "Solar"}
COUNTIES = (("Pecos", "TX"), ("Brazoria", "TX"), ("Nolan", "TX"), ("Harris", "TX"))


def _inr(p: Project) -> str:
    return f"{p.queued.year % 100:02d}INR{p.number:04d}"


def _large(p: Project) -> list[object]:
    fuel, tech = CODES[p.fuel]
    done = p.kind == "completed"
    return [
        _inr(p),
        f"Sandbox {p.county} {p.number}",
        f"Sandbox Energy {p.number} LLC",
        f"{p.county} 345kV",
        p.county,
        "WEST",
        p.in_service,
        fuel,
        tech,
        p.mw,
        "SS Completed, FIS Started",
        p.queued,
        p.queued,
        p.queued,
        None,
        p.queued if done else None,
        p.in_service if done else None,
        p.in_service if done else None,
        None,
    ]


def workbook(today: date) -> bytes:
    title = [["Generator Interconnection Status Report"], [f"Data as of {today:%m/%d/%Y}"], []]
    every = projects(today, COUNTIES)
    large = [_large(p) for p in every if p.kind in ("active", "completed", "suspended")]
    inactive = [
        [_inr(p), f"Sandbox {p.county} {p.number}", "Large", WORDS[p.fuel], p.mw, p.county, today.replace(day=1)]
        for p in every
        if p.kind == "withdrawn"
    ]
    return xlsx(
        {
            "Disclaimer": [["This report is provided for informational purposes."]],
            "Project Details - Large Gen": [*title, list(LARGE), *large],
            "Project Details - Small Gen": [*title, [*LARGE[:9], "Capacity (MW)", "Model Ready Date"]],
            "Inactive Projects": [*title, list(GONE), *inactive, [], ["** MW as of the inactive date"]],
            "Cancellation Update": [*title, [*GONE[:6], "Cancel Date"]],
        }
    )


LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
GIS_DOC = "1150000001"
# Report type 15933 also carries ERCOT's other monthly GIS attachments: posted after the report,
# they must not be taken for it.
OTHER_DOC = "1150000002"


def _document(doc_id: str, name: str, published: str) -> dict[str, object]:
    return {
        "Document": {
            "ReportTypeID": str(REPORT_TYPE),
            "DocID": doc_id,
            "PublishDate": published,
            "FriendlyName": name,
            "ConstructedName": f"rpt.00015933.0000000000000000.{published[:10].replace('-', '')}.{name}.xlsx",
            "Extension": "xlsx",
        }
    }


def answer(request: httpx.Request, today: date) -> httpx.Response | None:
    """The MIS list of report type 15933 and its documents; None for any other request."""
    url = request.url.copy_with(query=None)
    params = request.url.params
    month = today.replace(day=1)
    if url == httpx.URL(LIST) and params.get("reportTypeId") == str(REPORT_TYPE):
        documents = [
            _document(GIS_DOC, f"GIS_Report_{month:%B%Y}", f"{month:%Y-%m-%d}T09:00:00-06:00"),
            _document(OTHER_DOC, f"Co-located_Battery_Identification_{month:%B%Y}", f"{month:%Y-%m-%d}T09:30:00-06:00"),
        ]
        return httpx.Response(200, json={"ListDocsByRptTypeRes": {"DocumentList": documents}})
    if url == httpx.URL(DOWNLOAD) and params.get("doclookupId") == GIS_DOC:
        return httpx.Response(
            200,
            content=workbook(today),
            headers={"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        )
    if url == httpx.URL(DOWNLOAD) and params.get("doclookupId") == OTHER_DOC:
        return httpx.Response(200, content=xlsx({"Batteries": [["INR", "Unit"]]}))
    return None
