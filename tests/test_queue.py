"""Interconnection queues: each ISO's workbook read by header name, fetched once and cached, filtered
and served for all four ISOs. The workbooks here are built in each ISO's layout as gridstatus reads
it (no public sample of these files is in a repository's fixtures: NOTES-queue)."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from gridql.adapters import caiso, ercot, nyiso, pjm
from gridql.adapters.config import Secret, Settings
from gridql.adapters.errors import CredentialsMissing, UpstreamBadResponse
from gridql.adapters.model import ISO, InterconnectionProject, QueueStatus
from gridql.adapters.queue import fuel_of
from gridql.graph.cli import main
from tests.sandbox_app import Stack
from tests.test_api import errors

Rows = list[list[Any]]


def xlsx(sheets: dict[str, Rows]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def brief(p: InterconnectionProject) -> tuple[Any, ...]:
    return (
        p.project_id,
        p.name,
        p.status,
        p.fuel,
        p.capacity_mw,
        p.county,
        p.state,
        p.point_of_interconnection,
        p.queue_date,
        p.in_service_date,
        p.withdrawal_date,
    )


# --- PJM ---------------------------------------------------------------------------------------

PJM_HEADER = [
    "Project ID",
    "Name",
    "State",
    "County",
    "Status",
    "Transmission Owner",
    "MFO",
    "MW Energy",
    "MW Capacity",
    "Fuel",
    "Submitted Date",
    "Projected In Service Date",
    "Actual In Service Date",
    "Withdrawal Date",
]
PJM_ROWS: Rows = [
    PJM_HEADER,
    [
        "AF1-001",
        "Keystone Solar",
        "PA",
        "Lancaster",
        "Active",
        "PPL",
        80,
        80,
        36.4,
        "Solar",
        datetime(2019, 4, 1),
        datetime(2026, 6, 1),
        None,
        None,
    ],
    [
        "AE2-123",
        "Buckeye 138kV",
        "OH",
        "Fayette",
        "Withdrawn",
        "AEP",
        120.5,
        120.5,
        40,
        "Natural Gas",
        datetime(2018, 9, 30),
        "12/31/2024",
        None,
        datetime(2021, 2, 3),
    ],
    [
        "AC1-045",
        "Shore Storage",
        "NJ",
        "Salem",
        "In Service",
        "PSEG",
        20,
        20,
        10,
        "Storage",
        datetime(2016, 1, 15),
        datetime(2020, 6, 1),
        datetime(2020, 11, 1),
        None,
    ],
    [
        "AG1-300",
        "Old Dominion Hybrid",
        "VA",
        "Pittsylvania",
        "Partially in Service - Under Construction",
        "Dominion",
        "TBD",
        None,
        None,
        "Solar; Storage",
        datetime(2021, 3, 3),
        None,
        None,
        None,
    ],
    [None, None, None, None, None, None, None, None, None, None, None, None, None, None],
]


def test_pjm_export_read_by_header_name() -> None:
    projects = pjm.feeds.QUEUE.parse(xlsx({"Sheet1": PJM_ROWS}))
    assert [brief(p) for p in projects] == [
        (
            "AF1-001",
            "Keystone Solar",
            QueueStatus.ACTIVE,
            "SOLAR",
            80.0,
            "Lancaster",
            "PA",
            None,
            date(2019, 4, 1),
            date(2026, 6, 1),
            None,
        ),
        (
            "AE2-123",
            "Buckeye 138kV",
            QueueStatus.WITHDRAWN,
            "GAS",
            120.5,
            "Fayette",
            "OH",
            None,
            date(2018, 9, 30),
            date(2024, 12, 31),
            date(2021, 2, 3),
        ),
        (
            "AC1-045",
            "Shore Storage",
            QueueStatus.COMPLETED,
            "STORAGE",
            20.0,
            "Salem",
            "NJ",
            None,
            date(2016, 1, 15),
            date(2020, 11, 1),
            None,
        ),
        (
            "AG1-300",
            "Old Dominion Hybrid",
            QueueStatus.ACTIVE,
            "HYBRID",
            None,
            "Pittsylvania",
            "VA",
            None,
            date(2021, 3, 3),
            None,
            None,
        ),
    ]
    first = projects[0]
    assert first.iso_status == "Active" and first.technology == "Solar"
    assert first.extras == {"Transmission Owner": "PPL", "MW Energy": 80, "MW Capacity": 36.4}


def test_pjm_layouts_it_cannot_read_are_refused() -> None:
    no_mfo = [[c for c in row if c != "MFO"] for row in PJM_ROWS[:1]]
    with pytest.raises(UpstreamBadResponse, match="no header row with 'Project ID', 'Status', 'Fuel', 'MFO'") as bad:
        pjm.feeds.QUEUE.parse(xlsx({"Sheet1": no_mfo}))
    assert bad.value.code == "UPSTREAM_BAD_RESPONSE"
    unknown = [PJM_HEADER, ["AF1-001", "x", "PA", "y", "Reticulated", "PPL", 1, 1, 1, "Solar", None, None, None, None]]
    with pytest.raises(UpstreamBadResponse, match="status 'Reticulated' is not one gridql knows"):
        pjm.feeds.QUEUE.parse(xlsx({"Sheet1": unknown}))
    text_mw = [
        PJM_HEADER,
        ["AF1-001", "x", "PA", "y", "Active", "PPL", "eighty", 1, 1, "Solar", None, None, None, None],
    ]
    with pytest.raises(UpstreamBadResponse, match="mfo 'eighty' is not a number"):
        pjm.feeds.QUEUE.parse(xlsx({"Sheet1": text_mw}))
    with pytest.raises(UpstreamBadResponse, match="expected an xlsx workbook"):
        pjm.feeds.QUEUE.parse(b"<html>Service Unavailable</html>")


# --- ERCOT -------------------------------------------------------------------------------------

ERCOT_TITLE: Rows = [["GIS Report"], ["Data as of 11/01/2026"], []]
ERCOT_LARGE = [
    "INR",
    "Project Name",
    "Interconnecting Entity",
    "POI Location",
    "County",
    "Projected COD",
    "Fuel",
    "Technology",
    "Capacity (MW)",
    "Screening Study Started",
    "IA Signed",
    "Approved for Synchronization",
]
ERCOT_BOOK = {
    "Disclaimer": [["For information only"]],
    "Project Details - Large Gen": [
        *ERCOT_TITLE,
        ERCOT_LARGE,
        ["Solar projects"],  # a sub-header: no capacity
        [
            "23INR0154",
            "Pecos Sun",
            "Pecos Sun LLC",
            "Bakersfield 345kV",
            "Pecos",
            datetime(2026, 12, 31),
            "SOL",
            "PV",
            250.0,
            datetime(2022, 5, 2),
            datetime(2024, 1, 9),
            None,
        ],
        [
            "21INR0005",
            "Gulf Gas",
            "Gulf LLC",
            "Freeport 138kV",
            "Brazoria",
            datetime(2024, 6, 1),
            "GAS",
            "CC",
            400,
            datetime(2020, 8, 10),
            datetime(2022, 3, 1),
            datetime(2024, 5, 20),
        ],
    ],
    "Project Details - Small Gen": [
        *ERCOT_TITLE,
        [
            "INR",
            "Project Name",
            "Interconnecting Entity",
            "POI Location",
            "County",
            "Projected COD",
            "Fuel",
            "Technology",
            "Capacity (MW)",
            "Model Ready Date",
            "IA Signed",
            "Approved for Synchronization",
        ],
        [
            "25INR0611",
            "Nolan Battery",
            "N LLC",
            "Sweetwater 69kV",
            "Nolan",
            datetime(2026, 3, 1),
            "OTH",
            "BA",
            9.9,
            datetime(2025, 2, 14),
            None,
            None,
        ],
    ],
    "Inactive Projects": [
        *ERCOT_TITLE,
        ["INR", "Project Name", "Size Category", "Fuel", "MW **", "County", "Inactive Date"],
        ["19INR0099", "Old Wind", "Large", "Wind", 150, "Nolan", datetime(2023, 7, 1)],
        [],
        ["** MW as of the inactive date"],
    ],
}


def test_ercot_gis_report_sheets() -> None:
    projects = ercot.feeds.QUEUE.parse(xlsx(ERCOT_BOOK))
    assert [brief(p) for p in projects] == [
        (
            "23INR0154",
            "Pecos Sun",
            QueueStatus.ACTIVE,
            "SOLAR",
            250.0,
            "Pecos",
            "TX",
            "Bakersfield 345kV",
            date(2022, 5, 2),
            date(2026, 12, 31),
            None,
        ),
        (
            "21INR0005",
            "Gulf Gas",
            QueueStatus.COMPLETED,
            "GAS",
            400.0,
            "Brazoria",
            "TX",
            "Freeport 138kV",
            date(2020, 8, 10),
            date(2024, 5, 20),
            None,
        ),
        (
            "25INR0611",
            "Nolan Battery",
            QueueStatus.ACTIVE,
            "STORAGE",
            9.9,
            "Nolan",
            "TX",
            "Sweetwater 69kV",
            date(2025, 2, 14),
            date(2026, 3, 1),
            None,
        ),
        (
            "19INR0099",
            "Old Wind",
            QueueStatus.WITHDRAWN,
            "WIND",
            150.0,
            "Nolan",
            "TX",
            None,
            None,
            None,
            date(2023, 7, 1),
        ),
    ]
    assert projects[0].technology == "Solar - Photovoltaic Solar"
    assert projects[0].extras == {"Interconnecting Entity": "Pecos Sun LLC", "IA Signed": "2024-01-09"}
    assert projects[3].extras == {"Size Category": "Large"}


def test_ercot_report_without_its_project_sheet_is_refused() -> None:
    with pytest.raises(UpstreamBadResponse, match="no 'Project Details - Large Gen' sheet; it has Disclaimer"):
        ercot.feeds.QUEUE.parse(xlsx({"Disclaimer": [["x"]]}))


# --- CAISO -------------------------------------------------------------------------------------

CAISO_HEADER = [
    "Project Name",
    "Queue Position",
    "Queue Date",
    "Application Status",
    "Type-1",
    "Type-2",
    "Type-3",
    "Fuel-1",
    "Net MWs to Grid",
    "Current\nOn-line Date",
    "Actual\nOn-line Date",
    "County",
    "State",
    "Utility",
    "Station or Transmission Line",
]
CAISO_TITLE: Rows = [["California ISO"], ["Generator Interconnection Queue"], []]
CAISO_BOOK = {
    "Grid GenerationQueue": [
        *CAISO_TITLE,
        CAISO_HEADER,
        [
            "Desert Sun",
            "1789",
            datetime(2021, 4, 15),
            "ACTIVE",
            "Photovoltaic",
            "Storage",
            None,
            "Solar",
            300,
            datetime(2027, 12, 1),
            None,
            "Riverside",
            "CA",
            "SCE",
            "Colorado River 500kV",
        ],
        [
            "Pisgah Gas",
            "1790",
            datetime(2021, 4, 15),
            "SUSPENDED",
            "Combined Cycle",
            None,
            None,
            "Natural Gas",
            500,
            datetime(2029, 1, 1),
            None,
            "Clark",
            "NV",
            "VEA",
            "Pahrump 230kV",
        ],
        ["Legend:"],
        ["FC = Full Capacity"],
    ],
    "Completed Generation Projects": [
        *CAISO_TITLE,
        CAISO_HEADER,
        [
            "Kern Wind",
            "0950",
            datetime(2012, 1, 3),
            "COMPLETED",
            "Wind Turbine",
            None,
            None,
            "Wind",
            99.5,
            datetime(2015, 5, 1),
            datetime(2015, 7, 1),
            "Kern",
            "CA",
            "PG&E",
            "Midway 230kV",
        ],
    ],
    "Withdrawn Generation Projects": [
        *CAISO_TITLE,
        ["Project Name - Confidential", *CAISO_HEADER[1:], "Withdrawn Date", "Reason for Withdrawal"],
        [
            "Confidential",
            "1402",
            datetime(2018, 4, 1),
            "WITHDRAWN",
            "Storage",
            None,
            None,
            "Battery",
            50,
            None,
            None,
            "Imperial",
            "CA",
            "IID",
            "Imperial Valley 230kV",
            datetime(2020, 9, 9),
            "Developer choice",
        ],
    ],
}


def test_caiso_public_queue_report_three_sheets() -> None:
    projects = caiso.feeds.QUEUE.parse(xlsx(CAISO_BOOK))
    assert [brief(p) for p in projects] == [
        (
            "1789",
            "Desert Sun",
            QueueStatus.ACTIVE,
            "HYBRID",
            300.0,
            "Riverside",
            "CA",
            "Colorado River 500kV",
            date(2021, 4, 15),
            date(2027, 12, 1),
            None,
        ),
        (
            "1790",
            "Pisgah Gas",
            QueueStatus.SUSPENDED,
            "GAS",
            500.0,
            "Clark",
            "NV",
            "Pahrump 230kV",
            date(2021, 4, 15),
            date(2029, 1, 1),
            None,
        ),
        (
            "0950",
            "Kern Wind",
            QueueStatus.COMPLETED,
            "WIND",
            99.5,
            "Kern",
            "CA",
            "Midway 230kV",
            date(2012, 1, 3),
            date(2015, 7, 1),
            None,
        ),
        (
            "1402",
            "Confidential",
            QueueStatus.WITHDRAWN,
            "STORAGE",
            50.0,
            "Imperial",
            "CA",
            "Imperial Valley 230kV",
            date(2018, 4, 1),
            None,
            date(2020, 9, 9),
        ),
    ]
    assert projects[0].technology == "Photovoltaic + Storage"
    assert projects[3].extras == {"Utility": "IID", "Reason for Withdrawal": "Developer choice"}


def test_caiso_report_missing_a_sheet_is_refused() -> None:
    book = {name: rows for name, rows in CAISO_BOOK.items() if name != "Completed Generation Projects"}
    with pytest.raises(UpstreamBadResponse, match="no sheet 'Completed Generation Projects'"):
        caiso.feeds.QUEUE.parse(xlsx(book))


# --- NYISO -------------------------------------------------------------------------------------

NYISO_HEADER = [
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
    "Proposed In-Service",
]
NYISO_BOOK = {
    "Interconnection Queue": [
        NYISO_HEADER,
        [
            "1234",
            "Empire Dev",
            "Empire Wind 3",
            datetime(2022, 1, 5),
            816,
            816,
            "OSW",
            "Kings",
            "NY",
            "J",
            "Gowanus 345kV",
            "ConEd",
            5,
            datetime(2026, 10, 1),
            "2030-06",
        ],
        [
            "1301",
            "Sun Dev",
            "North Country Solar",
            datetime(2023, 2, 1),
            100,
            99.5,
            "ES+S",
            "Jefferson",
            "NY",
            "E",
            "Coffeen 115kV",
            "NM-NG",
            3,
            datetime(2026, 10, 1),
            datetime(2027, 12, 31),
        ],
        [None, "Notes: SP = summer peak"],
    ],
    " Cluster Projects": [
        NYISO_HEADER,
        [
            "C24-001",
            "Cluster Dev",
            "Hudson Battery",
            datetime(2024, 5, 1),
            "TBD",
            200,
            "ES",
            "Ulster",
            "NY",
            "G",
            "Hurley 115kV",
            "CHGE",
            1,
            datetime(2026, 9, 1),
            None,
        ],
    ],
    "Withdrawn": [
        [*NYISO_HEADER[:11], "Utility ", *NYISO_HEADER[12:]],
        [
            "0999",
            "Gas Dev",
            "Astoria Repower",
            datetime(2019, 3, 1),
            437,
            480,
            "CC-NG",
            "Queens",
            "NY",
            "J",
            "Astoria 138kV",
            "ConEd",
            0,
            datetime(2024, 4, 30),
            None,
        ],
    ],
    "In Service": [
        [
            "Queue",
            "Queue",
            "Queue",
            "Date",
            "SP",
            "WP",
            "Type/",
            "Location",
            "Location",
            "Z",
            "Interconnection",
            "Interconnection",
            "Interconnection",
            "Last Update",
            "Proposed",
        ],
        [
            "Pos.",
            "Owner/Developer",
            "Project Name",
            "of IR",
            "(MW)",
            "(MW)",
            "Fuel",
            "County",
            "State",
            None,
            "Point",
            "Utility ",
            "S",
            None,
            " In-Service",
        ],
        [
            "0500",
            "Wind Dev",
            "Maple Ridge",
            datetime(2004, 6, 1),
            231,
            231,
            "W",
            "Lewis",
            "NY",
            "E",
            "Moses-Adirondack 230kV",
            "NM-NG",
            14,
            datetime(2006, 1, 1),
            datetime(2006, 1, 1),
        ],
    ],
}


def test_nyiso_queue_five_sheets_and_two_row_header() -> None:
    projects = nyiso.feeds.QUEUE.parse(xlsx(NYISO_BOOK))
    assert [brief(p) for p in projects] == [
        (
            "1234",
            "Empire Wind 3",
            QueueStatus.ACTIVE,
            "OFFSHORE_WIND",
            816.0,
            "Kings",
            "NY",
            "Gowanus 345kV",
            date(2022, 1, 5),
            None,
            None,
        ),
        (
            "1301",
            "North Country Solar",
            QueueStatus.ACTIVE,
            "HYBRID",
            100.0,
            "Jefferson",
            "NY",
            "Coffeen 115kV",
            date(2023, 2, 1),
            date(2027, 12, 31),
            None,
        ),
        (
            "C24-001",
            "Hudson Battery",
            QueueStatus.ACTIVE,
            "STORAGE",
            200.0,
            "Ulster",
            "NY",
            "Hurley 115kV",
            date(2024, 5, 1),
            None,
            None,
        ),
        (
            "0999",
            "Astoria Repower",
            QueueStatus.WITHDRAWN,
            "GAS",
            480.0,
            "Queens",
            "NY",
            "Astoria 138kV",
            date(2019, 3, 1),
            None,
            None,
        ),
        (
            "0500",
            "Maple Ridge",
            QueueStatus.COMPLETED,
            "WIND",
            231.0,
            "Lewis",
            "NY",
            "Moses-Adirondack 230kV",
            date(2004, 6, 1),
            date(2006, 1, 1),
            None,
        ),
    ]
    assert projects[1].technology == "Energy Storage + Solar"
    assert projects[0].extras == {
        "Developer Name": "Empire Dev",
        "Z": "J",
        "Utility": "ConEd",
        "S": 5,
        "Last Update": "2026-10-01",
    }
    assert projects[3].extras["Last Update"] == "2024-04-30"  # NYISO dates no withdrawal
    assert projects[4].extras["Interconnection Utility"] == "NM-NG"


def test_fuel_labels_of_the_isos_words() -> None:
    said = [
        "Solar",
        "Offshore Wind",
        "Battery Energy Storage",
        "Natural Gas",
        "Hydrogen",
        "Water",
        "Methane",
        "Solar; Storage",
        "AC Transmission",
        "Nuclear",
        "Reticulated Splines",
    ]
    assert [fuel_of(s) for s in said] == [
        "SOLAR",
        "OFFSHORE_WIND",
        "STORAGE",
        "GAS",
        "HYDROGEN",
        "HYDRO",
        "BIOMASS",
        "HYBRID",
        "TRANSMISSION",
        "NUCLEAR",
        "OTHER",
    ]


# --- the clients -------------------------------------------------------------------------------


async def test_pjm_export_is_one_post_with_the_planning_key_then_cached() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=xlsx({"Sheet1": PJM_ROWS}))

    settings = Settings(pjm_planning_key=Secret("k-123"), retries=1)
    adapter = pjm.create(settings, transport=httpx.MockTransport(handler), min_interval=0)
    try:
        first = await adapter.interconnection_queue()
        again = await adapter.interconnection_queue()
    finally:
        await adapter.aclose()
    assert (
        [p.project_id for p in first] == ["AF1-001", "AE2-123", "AC1-045", "AG1-300"] == [p.project_id for p in again]
    )
    assert len(seen) == 1
    assert (seen[0].method, str(seen[0].url)) == (
        "POST",
        "https://services.pjm.com/PJMPlanningApi/api/Queue/ExportToXls",
    )
    assert seen[0].headers["api-subscription-key"] == "k-123"


async def test_pjm_export_without_the_planning_key_sends_nothing() -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: seen.append(request) or httpx.Response(200))
    adapter = pjm.create(Settings(retries=1), transport=transport, min_interval=0)
    try:
        with pytest.raises(CredentialsMissing, match="api-subscription-key") as missing:
            await adapter.interconnection_queue()
    finally:
        await adapter.aclose()
    assert missing.value.code == "UPSTREAM_KEY_MISSING" and seen == []


async def test_ercot_reads_the_newest_gis_report_not_other_attachments() -> None:
    seen: list[str] = []

    def document(doc_id: str, name: str, published: str) -> dict[str, Any]:
        constructed = f"rpt.00015933.0000000000000000.{published[:10].replace('-', '')}.{name}.xlsx"
        return {"Document": {"DocID": doc_id, "PublishDate": published, "ConstructedName": constructed}}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/misapp/servlets/IceDocListJsonWS":
            listed = [
                document("901", "GIS_Report_October2026", "2026-10-02T09:00:00-05:00"),
                document("902", "GIS_Report_November2026", "2026-11-02T09:00:00-06:00"),
                document("903", "Co-located_Battery_Identification_November2026", "2026-11-03T09:00:00-06:00"),
            ]
            return httpx.Response(200, json={"ListDocsByRptTypeRes": {"DocumentList": listed}})
        assert request.url.params["doclookupId"] == "902"
        return httpx.Response(200, content=xlsx(ERCOT_BOOK))

    adapter = ercot.create(Settings(retries=1), transport=httpx.MockTransport(handler), min_interval=0)
    try:
        projects = await adapter.interconnection_queue()
    finally:
        await adapter.aclose()
    assert len(projects) == 4
    assert seen == [
        "https://www.ercot.com/misapp/servlets/IceDocListJsonWS?reportTypeId=15933",
        "https://www.ercot.com/misdownload/servlets/mirDownload?doclookupId=902",
    ]


@pytest.mark.parametrize(
    ("package", "url", "book"),
    [
        (caiso, "https://www.caiso.com/PublishedDocuments/PublicQueueReport.xlsx", CAISO_BOOK),
        (nyiso, "https://www.nyiso.com/documents/20142/1407078/NYISO-Interconnection-Queue.xlsx", NYISO_BOOK),
    ],
)
async def test_caiso_and_nyiso_files_are_one_get(package: Any, url: str, book: dict[str, Rows]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=xlsx(book))

    adapter = package.create(Settings(retries=1), transport=httpx.MockTransport(handler), min_interval=0)
    try:
        await adapter.interconnection_queue()
        await adapter.interconnection_queue()
    finally:
        await adapter.aclose()
    assert [(r.method, str(r.url)) for r in seen] == [("GET", url)]


# --- GraphQL, over the sandbox -----------------------------------------------------------------

QUERY = "{ markets { iso interconnectionQueue%s { projectId name status fuel capacityMw state } } }"


async def test_sandbox_serves_all_four_queues_fetching_each_file_once() -> None:
    stack = Stack()
    body = await stack.query(QUERY % "")
    assert errors(body) == []
    markets = body["data"]["markets"]  # type: ignore[index]
    assert {m["iso"]: len(m["interconnectionQueue"]) for m in markets} == {"PJM": 8, "ERCOT": 8, "CAISO": 8, "NYISO": 8}
    first = {m["iso"]: m["interconnectionQueue"][0] for m in markets}
    assert first["CAISO"] == {
        "projectId": "1701",
        "name": "Sandbox Kern 1",
        "status": "ACTIVE",
        "fuel": "SOLAR",
        "capacityMw": 20.5,
        "state": "CA",
    }
    # ERCOT: the MIS list, then the report; the others one file each. Asked again: all cached.
    assert dict(stack.counts) == {ISO.PJM: 1, ISO.ERCOT: 2, ISO.CAISO: 1, ISO.NYISO: 1}
    await stack.query(QUERY % "(status: WITHDRAWN)")
    assert sum(stack.counts.values()) == 5


async def test_filters_combine() -> None:
    stack = Stack()
    body = await stack.query(QUERY % '(status: ACTIVE, fuel: "storage", state: "nv")')
    assert errors(body) == []
    found = {m["iso"]: m["interconnectionQueue"] for m in body["data"]["markets"]}  # type: ignore[index]
    assert found == {
        "PJM": [],
        "ERCOT": [],
        "CAISO": [
            {
                "projectId": "1703",
                "name": "Sandbox Clark 3",
                "status": "ACTIVE",
                "fuel": "STORAGE",
                "capacityMw": 60.5,
                "state": "NV",
            }
        ],
        "NYISO": [],
    }
    body = await stack.query(
        "{ market(iso: PJM) { interconnectionQueue(status: WITHDRAWN) { projectId withdrawalDate extras } } }"
    )
    assert errors(body) == []
    rows = body["data"]["market"]["interconnectionQueue"]  # type: ignore[index]
    assert [r["projectId"] for r in rows] == ["AH4-104", "AH8-108"]
    assert rows[0]["extras"]["Withdrawn Remarks"] == "Withdrawn by developer"


async def test_an_unknown_fuel_or_state_is_refused_before_any_request() -> None:
    stack = Stack()
    body = await stack.query('{ market(iso: NYISO) { interconnectionQueue(fuel: "fusion") { projectId } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(
        "'fusion' is not an interconnection queue fuel; the fuel labels are: SOLAR, WIND"
    )
    body = await stack.query('{ market(iso: ERCOT) { interconnectionQueue(state: "Texas") { projectId } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "two-letter" in error["message"]
    assert sum(stack.counts.values()) == 0


async def test_gridql_parse_reads_a_downloaded_queue_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "PublicQueueReport.xlsx"
    path.write_bytes(xlsx(CAISO_BOOK))
    assert await asyncio.to_thread(main, ["parse", "CAISO", "PublicQueueReport", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["project_id"], r["status"], r["fuel"], r["queue_date"]) for r in lines] == [
        ("1789", "ACTIVE", "HYBRID", "2021-04-15"),
        ("1790", "SUSPENDED", "GAS", "2021-04-15"),
        ("0950", "COMPLETED", "WIND", "2012-01-03"),
        ("1402", "WITHDRAWN", "STORAGE", "2018-04-01"),
    ]
