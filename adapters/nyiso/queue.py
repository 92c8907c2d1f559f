"""NYISO's interconnection queue (NYISO-Interconnection-Queue.xlsx): "Interconnection Queue" and
"Cluster Projects" (active), "Withdrawn" and "Cluster Projects-Withdrawn", and "In Service", whose
header spans two rows ("Queue" over "Pos."); gridstatus reads these five (NOTES-queue). NYISO
dates no withdrawal: a withdrawn project's "Last Update" stays in its extras."""

from __future__ import annotations

from ..model import ISO, InterconnectionProject, QueueStatus
from ..queue import Sheet, bad, fuel_of, state_of
from ..workbook import all_sheets

# Sheet -> (status, header rows); names compared without surrounding spaces.
SHEETS: dict[str, tuple[QueueStatus, int]] = {
    "Interconnection Queue": (QueueStatus.ACTIVE, 1),
    "Cluster Projects": (QueueStatus.ACTIVE, 1),
    "Withdrawn": (QueueStatus.WITHDRAWN, 1),
    "Cluster Projects-Withdrawn": (QueueStatus.WITHDRAWN, 1),
    "In Service": (QueueStatus.COMPLETED, 2),
}
# NYISO's "Type/ Fuel" codes (its queue's legend).
TYPES = {
    "S": "Solar",
    "ES": "Energy Storage",
    "W": "Wind",
    "OSW": "Offshore Wind",
    "AC": "AC Transmission",
    "DC": "DC Transmission",
    "CT": "Combustion Turbine",
    "CC": "Combined Cycle",
    "M": "Methane",
    "H": "Hydro",
    "L": "Load",
    "ST": "Steam Turbine",
    "FC": "Fuel Cell",
    "PS": "Pumped Storage",
    "NU": "Nuclear",
    "D": "Dual Fuel",
    "NG": "Natural Gas",
    "Wo": "Wood",
    "F": "Flywheel",
    "SW": "Solid Waste",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Queue Pos.", "Queue Pos"),
    "name": ("Project Name", "Queue Project Name"),
    "sp": ("SP (MW)", "SP (MW)"),
    "wp": ("WP (MW)", "WP (MW)"),
    "type": ("Type/ Fuel", "Type/Fuel"),
    "county": ("County", "Location County"),
    "state": ("State", "Location State"),
    "poi": ("Points of Interconnection", "Interconnection Point"),
    "requested": ("Date of IR",),
    "in_service": ("Proposed In-Service", "Proposed In-Service Date", "Proposed COD"),
}
REQUIRED = ("id", "sp", "type", "state")


def _type(code: str | None) -> str | None:
    """NYISO's code, spelled out; a combination ("CC-NG", "ES+S") part by part."""
    if code is None:
        return None
    parts = code.replace("+", "-").replace("/", "-").split("-")
    return " + ".join(TYPES.get(p.strip(), p.strip()) for p in parts if p.strip())


def parse(body: bytes) -> list[InterconnectionProject]:
    sheets = all_sheets(ISO.NYISO, body)
    if "Interconnection Queue" not in sheets:
        raise bad(ISO.NYISO, f"the workbook has no 'Interconnection Queue' sheet; it has {', '.join(sheets)}")
    out = []
    for name, (status, header_rows) in SHEETS.items():
        if name not in sheets:
            continue  # cluster sheets came with the 2023 cluster study
        sheet = Sheet(ISO.NYISO, name, sheets[name], COLUMNS, REQUIRED, header_rows=header_rows)
        for line, row in enumerate(sheet.rows, start=sheet.first_line):
            project_id, project = sheet.text(row, "id"), sheet.text(row, "name")
            if project_id is None or project is None:
                continue  # notes under the table
            summer, winter = sheet.number(row, "sp", line), sheet.number(row, "wp", line)
            sizes = [mw for mw in (summer, winter) if mw is not None]
            code = sheet.text(row, "type")
            technology = _type(code)
            out.append(
                InterconnectionProject(
                    iso=ISO.NYISO,
                    project_id=project_id,
                    name=project,
                    status=status,
                    iso_status=name,
                    fuel=fuel_of(technology),
                    technology=technology,
                    capacity_mw=max(sizes) if sizes else None,
                    county=sheet.text(row, "county"),
                    state=state_of(sheet.text(row, "state")),
                    point_of_interconnection=sheet.text(row, "poi"),
                    queue_date=sheet.day(row, "requested", line),
                    in_service_date=sheet.day(row, "in_service", line),
                    withdrawal_date=None,
                    extras=sheet.extras(row),
                )
            )
    if not out:
        raise bad(ISO.NYISO, "the workbook holds no projects")
    return out
