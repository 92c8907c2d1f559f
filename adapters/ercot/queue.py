"""ERCOT's GIS Report (MIS report type 15933, a monthly xlsx): "Project Details - Large Gen" and
"Project Details - Small Gen" (active requests; a few title rows above a header row holding "INR"),
"Inactive Projects" and "Cancellation Update" (gridstatus reads these four; NOTES-queue). Fuel and
technology are ERCOT's codes on the project sheets, words on the inactive/cancelled ones."""

from __future__ import annotations

from ..model import ISO, InterconnectionProject, QueueStatus
from ..queue import Sheet, bad, fuel_of, state_of
from ..workbook import all_sheets

# ERCOT's codes (the GIS report's own legend).
FUEL_CODES = {
    "BIO": "Biomass",
    "COA": "Coal",
    "GAS": "Gas",
    "GEO": "Geothermal",
    "HYD": "Hydrogen",
    "NUC": "Nuclear",
    "OIL": "Fuel Oil",
    "OTH": "Other",
    "PET": "Petcoke",
    "SOL": "Solar",
    "WAT": "Water",
    "WIN": "Wind",
}
TECHNOLOGY_CODES = {
    "BA": "Battery Energy Storage",
    "CC": "Combined-Cycle",
    "CE": "Compressed Air Energy Storage",
    "CP": "Concentrated Solar Power",
    "EN": "Energy Storage",
    "FC": "Fuel Cell",
    "GT": "Combustion Turbine",
    "HY": "Hydroelectric Turbine",
    "IC": "Internal Combustion Engine",
    "OT": "Other",
    "PV": "Photovoltaic Solar",
    "ST": "Steam Turbine",
    "WT": "Wind Turbine",
}
# Sheet -> (status, the column dating it, the column dating the queue entry).
SHEETS: dict[str, tuple[QueueStatus | None, str | None, str | None]] = {
    "Project Details - Large Gen": (None, None, "screening"),
    "Project Details - Small Gen": (None, None, "model_ready"),
    "Inactive Projects": (QueueStatus.WITHDRAWN, "inactive", None),
    "Cancellation Update": (QueueStatus.WITHDRAWN, "cancelled", None),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("INR",),
    "name": ("Project Name",),
    "fuel": ("Fuel",),
    "technology": ("Technology",),
    "mw": ("Capacity (MW)", "MW **", "MW"),
    "county": ("County",),
    "poi": ("POI Location",),
    "cod": ("Projected COD",),
    "screening": ("Screening Study Started",),
    "model_ready": ("Model Ready Date",),
    "synchronized": ("Approved for Synchronization",),
    "inactive": ("Inactive Date",),
    "cancelled": ("Cancel Date",),
}
REQUIRED = ("id", "fuel", "mw", "county")


def parse(body: bytes) -> list[InterconnectionProject]:
    sheets = all_sheets(ISO.ERCOT, body)
    if "Project Details - Large Gen" not in sheets:
        raise bad(ISO.ERCOT, f"the GIS report has no 'Project Details - Large Gen' sheet; it has {', '.join(sheets)}")
    out = []
    for name, (fixed, gone, queued) in SHEETS.items():
        if name not in sheets:
            continue  # the small-generator and inactive sheets are newer than the report
        sheet = Sheet(ISO.ERCOT, name, sheets[name], COLUMNS, REQUIRED)
        for line, row in enumerate(sheet.rows, start=sheet.first_line):
            project_id = sheet.text(row, "id")
            capacity = sheet.value(row, "mw")
            if project_id is None or capacity is None or not project_id[:2].isdigit():
                continue  # sub-headers, notes under the table
            fuel_said, tech_said = sheet.text(row, "fuel"), sheet.text(row, "technology")
            fuel = FUEL_CODES.get(fuel_said or "", fuel_said)
            technology = TECHNOLOGY_CODES.get(tech_said or "", tech_said)
            synchronized = sheet.day(row, "synchronized", line)
            status = fixed or (QueueStatus.COMPLETED if synchronized else QueueStatus.ACTIVE)
            described = " - ".join(w for w in (fuel, technology) if w) or None
            out.append(
                InterconnectionProject(
                    iso=ISO.ERCOT,
                    project_id=project_id,
                    name=sheet.text(row, "name"),
                    status=status,
                    iso_status=name.removeprefix("Project Details - "),
                    fuel=fuel_of(fuel, technology),
                    technology=described,
                    capacity_mw=sheet.number(row, "mw", line),
                    county=sheet.text(row, "county"),
                    state=state_of("TX"),
                    point_of_interconnection=sheet.text(row, "poi"),
                    queue_date=sheet.day(row, queued, line) if queued else None,
                    in_service_date=synchronized or sheet.day(row, "cod", line),
                    withdrawal_date=sheet.day(row, gone, line) if gone else None,
                    extras=sheet.extras(row),
                )
            )
    if not out:
        raise bad(ISO.ERCOT, "the GIS report holds no projects")
    return out
