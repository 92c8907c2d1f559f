"""PJM's interconnection queue: the planning queue export (PlanningApi Queue/ExportToXls), one sheet,
a header row then a row per queue position (gridstatus reads it the same way; NOTES-queue)."""

from __future__ import annotations

from ..model import ISO, InterconnectionProject
from ..queue import Sheet, bad, fuel_of, state_of, status_of
from ..workbook import sheet_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Project ID", "Queue Number", "Queue ID"),
    "name": ("Name", "Project Name"),
    "status": ("Status",),
    "fuel": ("Fuel",),
    "mfo": ("MFO", "Maximum Facility Output"),
    "county": ("County",),
    "state": ("State",),
    "poi": ("Interconnection Location", "Point of Interconnection"),
    "submitted": ("Submitted Date", "Queue Date"),
    "projected": ("Projected In Service Date", "Revised In Service Date"),
    "actual": ("Actual In Service Date",),
    "withdrawn": ("Withdrawal Date", "Withdrawn Date"),
}
REQUIRED = ("id", "status", "fuel", "mfo", "state")


def parse(body: bytes) -> list[InterconnectionProject]:
    sheet = Sheet(ISO.PJM, "queue export", sheet_rows(ISO.PJM, body), COLUMNS, REQUIRED)
    out = []
    for line, row in enumerate(sheet.rows, start=sheet.first_line):
        project_id = sheet.text(row, "id")
        if project_id is None:
            continue  # trailing empty rows
        said = sheet.text(row, "status")
        status = status_of(ISO.PJM, said, f"line {line}")
        fuel = sheet.text(row, "fuel")
        out.append(
            InterconnectionProject(
                iso=ISO.PJM,
                project_id=project_id,
                name=sheet.text(row, "name"),
                status=status,
                iso_status=said,
                fuel=fuel_of(fuel),
                technology=fuel,
                capacity_mw=sheet.number(row, "mfo", line),
                county=sheet.text(row, "county"),
                state=state_of(sheet.text(row, "state")),
                point_of_interconnection=sheet.text(row, "poi"),
                queue_date=sheet.day(row, "submitted", line),
                in_service_date=sheet.day(row, "actual", line) or sheet.day(row, "projected", line),
                withdrawal_date=sheet.day(row, "withdrawn", line),
                extras=sheet.extras(row),
            )
        )
    if not out:
        raise bad(ISO.PJM, "the queue export holds no projects")
    return out
