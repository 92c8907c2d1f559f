"""Capacity prices: PJM's RPM and NYISO's ICAP workbooks, read, imported into the archive and served."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from gridql.adapters import nyiso, pjm
from gridql.adapters.errors import UpstreamBadResponse
from gridql.adapters.model import CapacityPriceRecord
from gridql.graph.cli import main
from tests.sandbox_app import Stack
from tests.test_api import errors
from tests.test_notices import notices

NY = ZoneInfo("America/New_York")
RPM = pjm.feeds.RPM_RESULTS
ICAP = nyiso.feeds.ICAP_REPORT


def local(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=NY).astimezone(UTC)


def xlsx(rows: list[list[Any]], sheet: str | None = None, merge: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    if sheet is not None:
        active.title = sheet
    for row in rows:
        active.append(row)
    for cells in merge:
        active.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RPM_ROWS: list[list[Any]] = [
    ["RPM Resource Clearing Prices for all RPM Auctions held to date"],
    [],
    ["", "Capacity Product Type", "RTO", "MAAC", "EMAAC"],
    ["DY 13/14"],
    ["BRA", "*", 27.73, 226.15, 245.0],
    ["DY 16/17"],
    ["BRA", "Annual", 59.37, 119.13, 119.13],
    ["", "Ext Summer", 59.37, 119.13, "**"],
    ["Third Incremental Auction", "Annual", 10.0, 10.0, 10.0],
    [],
    ["** LDA was not modeled"],
]


def test_rpm_prices_by_lda_delivery_year_auction_and_product() -> None:
    records = RPM.parse(xlsx(RPM_ROWS))
    assert all(isinstance(r, CapacityPriceRecord) and r.unit == "$/MW-day" for r in records)
    found = [(r.auction, r.product, r.area, r.price) for r in records]
    assert found[:4] == [
        ("2013/2014 BRA", "*", "RTO", 27.73),
        ("2013/2014 BRA", "*", "MAAC", 226.15),
        ("2013/2014 BRA", "*", "EMAAC", 245.0),
        ("2016/2017 BRA", "Annual", "RTO", 59.37),
    ]
    # a product row without an auction label is its auction's; "**" (not modeled) is no price
    assert ("2016/2017 BRA", "Ext Summer", "MAAC", 119.13) in found
    assert ("2016/2017 BRA", "Ext Summer", "EMAAC") not in {(a, p, area) for a, p, area, _ in found[:-3]}
    assert len(records) == 3 + 3 + 2 + 3
    third = records[-1]
    assert (third.auction, third.start, third.end) == (
        "2016/2017 Third Incremental Auction",
        local(date(2016, 6, 1)),
        local(date(2017, 6, 1)),
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["", "Product", "RTO"]], "no row with 'Capacity Product Type'"),
        ([["", "Capacity Product Type", "MAAC"]], "the first LDA column is 'MAAC'"),
        ([["", "Capacity Product Type", "RTO"], ["BRA", "CP", 1.0]], "before any 'DY yy/yy' label"),
        ([["", "Capacity Product Type", "RTO"], ["DY 20/21"], ["BRA", "CP", "n/a"]], "'n/a' is not a price"),
    ],
)
def test_an_rpm_workbook_that_changed_is_refused(rows: list[list[Any]], message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        RPM.parse(xlsx(rows))
    with pytest.raises(UpstreamBadResponse, match="expected an xlsx workbook"):
        RPM.parse(b"%PDF-1.7 the report, not the workbook")


ICAP_ROWS: list[list[Any]] = [
    [None, "NYCA", None, None, "NYC", None, None],
    ["Date", "Strip", "Monthly", "Spot", "Strip", "Monthly", "Spot"],
    [datetime(2024, 11, 1), 1.5, 1.25, 0.75, 14.0, 13.5, 12.25],
    [datetime(2024, 12, 1), 1.5, 1.3, None, 14.0, 13.75, None],
]


def test_icap_prices_by_locality_auction_and_month() -> None:
    body = xlsx(ICAP_ROWS, "MCP Table", merge=("B1:D1", "E1:G1"))
    records = ICAP.parse(body)
    found = [(r.auction, r.area, r.start, r.price) for r in records]
    november, december = local(date(2024, 11, 1)), local(date(2024, 12, 1))
    assert found == [
        ("Strip", "NYCA", november, 1.5),
        ("Monthly", "NYCA", november, 1.25),
        ("Spot", "NYCA", november, 0.75),
        ("Strip", "NYC", november, 14.0),
        ("Monthly", "NYC", november, 13.5),
        ("Spot", "NYC", november, 12.25),
        ("Strip", "NYCA", december, 1.5),
        ("Monthly", "NYCA", december, 1.3),  # no Spot auction held for December yet
        ("Strip", "NYC", december, 14.0),
        ("Monthly", "NYC", december, 13.75),
    ]
    assert {(r.end, r.unit, r.product) for r in records[:6]} == {(december, "$/kW-month", None)}
    with pytest.raises(UpstreamBadResponse, match="no sheet 'MCP Table'"):
        ICAP.parse(xlsx(ICAP_ROWS, "Summary"))


async def test_capacity_prices_answer_from_the_sandbox_documents() -> None:
    stack = Stack(archive=":memory:")
    body = await stack.query(
        '{ pjm: market(iso: PJM) { capacityPrices(date: "2024-06-01", area: "RTO") '
        "{ start end auction area price unit product } } "
        'nyiso: market(iso: NYISO) { capacityPrices(date: "2024-01-01", auction: "Spot") '
        "{ auction area price unit } } }"
    )
    assert errors(body) == [] and notices(body) == []
    rpm = body["data"]["pjm"]["capacityPrices"]  # type: ignore[index]
    assert {r["auction"] for r in rpm} == {
        "2024/2025 BRA",
        "2024/2025 First Incremental Auction",
        "2024/2025 Second Incremental Auction",
        "2024/2025 Third Incremental Auction",
    }
    assert {(r["start"], r["end"], r["unit"], r["product"]) for r in rpm} == {
        ("2024-06-01T00:00:00-04:00", "2025-06-01T00:00:00-04:00", "$/MW-day", "CP")
    }
    icap = body["data"]["nyiso"]["capacityPrices"]  # type: ignore[index]
    assert sorted(r["area"] for r in icap) == ["GHIJ", "LI", "NYC", "NYCA"]
    assert {r["unit"] for r in icap} == {"$/kW-month"}
    assert sum(stack.counts.values()) == 0  # documents are never fetched


async def test_without_the_document_imported_the_answer_says_so() -> None:
    stack = Stack()  # no archive
    body = await stack.query('{ market(iso: NYISO) { capacityPrices(date: "2024-01-01") { price } } }')
    assert errors(body) == [] and body["data"]["market"]["capacityPrices"] == []  # type: ignore[index]
    (notice,) = notices(body)
    assert notice["code"] == "NOT_IMPORTED" and "ICAP-Market-Report" in notice["message"]
    assert "gridql import" in notice["message"] and sum(stack.counts.values()) == 0


async def test_gridql_import_loads_a_workbook_that_is_then_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive.sqlite"
    monkeypatch.setenv("GRIDQL_ARCHIVE", str(archive))
    path = tmp_path / "rpm.xlsx"
    path.write_bytes(xlsx(RPM_ROWS))
    assert (
        await asyncio.to_thread(main, ["import", "PJM", "rpm-auctions-resource-clearing-price-summary", str(path)]) == 0
    )
    assert "11 rpm-auctions-resource-clearing-price-summary rows archived" in capsys.readouterr().err
    assert (
        await asyncio.to_thread(main, ["parse", "PJM", "rpm-auctions-resource-clearing-price-summary", str(path)]) == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 11
    body = await Stack(archive=str(archive)).query(
        '{ market(iso: PJM) { capacityPrices(date: "2013-06-01", area: "MAAC") { auction price } } }'
    )
    assert errors(body) == []
    assert body["data"]["market"]["capacityPrices"] == [{"auction": "2013/2014 BRA", "price": 226.15}]  # type: ignore[index]
