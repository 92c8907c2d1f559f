"""CAISO's Public Queue Report (PublicQueueReport.xlsx): sheets "Grid GenerationQueue", "Completed
Generation Projects" and "Withdrawn Generation Projects", each with a few title rows above its
header and a legend below its projects (gridstatus skips 3 rows and drops the legend; NOTES-queue).
Header cells wrap ("Current\\nOn-line Date"): names are read with whitespace runs made one space."""

from __future__ import annotations

from ..model import ISO, InterconnectionProject, QueueStatus
from ..queue import Sheet, bad, fuel_of, state_of, status_of
from ..workbook import all_sheets

SHEETS: dict[str, QueueStatus | None] = {
    "Grid GenerationQueue": None,  # active or suspended, by its Application Status
    "Completed Generation Projects": QueueStatus.COMPLETED,
    "Withdrawn Generation Projects": QueueStatus.WITHDRAWN,
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Queue Position",),
    "name": ("Project Name", "Project Name - Confidential"),
    "status": ("Application Status",),
    "type1": ("Type-1",),
    "type2": ("Type-2",),
    "type3": ("Type-3",),
    "fuel1": ("Fuel-1",),
    "mw": ("Net MWs to Grid",),
    "county": ("County",),
    "state": ("State",),
    "poi": ("Station or Transmission Line",),
    "queued": ("Queue Date",),
    "current": ("Current On-line Date",),
    "actual": ("Actual On-line Date",),
    "withdrawn": ("Withdrawn Date",),
}
REQUIRED = ("id", "type1", "mw", "state")


def parse(body: bytes) -> list[InterconnectionProject]:
    sheets = all_sheets(ISO.CAISO, body)
    missing = [name for name in SHEETS if name not in sheets]
    if missing:
        raise bad(ISO.CAISO, f"the report has no sheet {', '.join(map(repr, missing))}; it has {', '.join(sheets)}")
    out = []
    for name, fixed in SHEETS.items():
        sheet = Sheet(ISO.CAISO, name, sheets[name], COLUMNS, REQUIRED)
        for line, row in enumerate(sheet.rows, start=sheet.first_line):
            project_id = sheet.text(row, "id")
            types = [t for t in (sheet.text(row, f"type{i}") for i in (1, 2, 3)) if t]
            if project_id is None or not types:
                continue  # the legend under the projects: text in the first column only
            said = sheet.text(row, "status")
            where = f"sheet {name!r} line {line}"
            technology = " + ".join(types)
            out.append(
                InterconnectionProject(
                    iso=ISO.CAISO,
                    project_id=project_id,
                    name=sheet.text(row, "name"),
                    status=fixed or status_of(ISO.CAISO, said, where),
                    iso_status=said,
                    fuel=fuel_of(technology, sheet.text(row, "fuel1")),
                    technology=technology,
                    capacity_mw=sheet.number(row, "mw", line),
                    county=sheet.text(row, "county"),
                    state=state_of(sheet.text(row, "state")),
                    point_of_interconnection=sheet.text(row, "poi"),
                    queue_date=sheet.day(row, "queued", line),
                    in_service_date=sheet.day(row, "actual", line) or sheet.day(row, "current", line),
                    withdrawal_date=sheet.day(row, "withdrawn", line),
                    extras=sheet.extras(row),
                )
            )
    if not out:
        raise bad(ISO.CAISO, "the report holds no projects")
    return out
