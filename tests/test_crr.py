"""ERCOT's CRR auction results zip (NP7-803-M monthly, NP7-802-M long-term): awarded CRRs and
settlement point shadow prices with exact values, a changed zip refused, `gridql import` loading one
that `transmissionRights` then serves, and the sandbox importing its own. No recorded zip exists:
the files are laid out as the columns other clients read them by (see adapters/ercot/crr.py)."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gridql.adapters import ercot
from gridql.adapters.errors import UpstreamBadResponse
from gridql.adapters.model import TransmissionRightRecord
from gridql.adapters.sandbox.ercot import crr as sandbox_crr
from gridql.graph.cli import main
from tests.sandbox_app import Stack
from tests.test_api import errors
from tests.test_notices import notices

CENTRAL = ZoneInfo("America/Chicago")
MONTHLY = ercot.feeds.CRR_MONTHLY
LONG_TERM = ercot.feeds.CRR_LONG_TERM
AUCTION = "2025.JUN.Monthly.Auction"

RESULTS = (
    "CRR_ID,OriginalCRR_ID,AccountHolder,HedgeType,BidType,CRRType,Source,Sink,StartDate,EndDate,TimeOfUse,"
    "Bid24Hour,MW,ShadowPricePerMWH\r\n"
    "2001,,XAAA,OBL,BUY,PREAWARD,HB_WEST,HB_NORTH,06/01/2025,06/30/2025,PeakWE,No,2.5,1.1\r\n"
    "2002,,XBBB,OPT,BUY,PREAWARD,HB_NORTH,LZ_HOUSTON,06/01/2025,06/30/2025,PeakWD,No,0.25,3.9\r\n"
    "2003,,XCCC,OBL,BUY,PTP,HB_WEST,HB_NORTH,06/01/2025,06/30/2025,PeakWE,No,7.5,1.1\r\n"
    "2004,2001,XAAA,OBL,SELL,PTP,HB_WEST,HB_NORTH,06/01/2025,06/30/2025,Off-peak,No,1,-0.35\r\n"
)
SHADOW = (
    "SourceSink,CalendarPeriod,TimeOfUse,ShadowPricePerMWH\r\nHB_WEST,JUN_2025,PeakWD,-9.0\r\n"
    "LZ_HOUSTON,JUN_2025,Off-peak,-4.5\r\n"
)


def bundle(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def monthly(results: str = RESULTS, shadow: str = SHADOW) -> bytes:
    return bundle(
        {
            f"Common_MarketResults_{AUCTION}_AUCTION.csv": results,
            f"Common_SourceAndSinkShadowPrices_{AUCTION}_AUCTION.csv": shadow,
            f"Common_BindingConstraint_{AUCTION}_AUCTION.csv": "DeviceName,ShadowPrice\r\nDEV_1,5.5\r\n",
        }
    )


def central(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CENTRAL).astimezone(UTC)


def test_awarded_crrs_and_settlement_point_prices() -> None:
    records = MONTHLY.parse(monthly())
    june, july = central(date(2025, 6, 1)), central(date(2025, 7, 1))
    assert records == [
        # two awards alike but in id and holder: one of their summed MW
        TransmissionRightRecord(
            AUCTION, "HB_WEST-HB_NORTH", june, july, 1.1, "PeakWE", "OBL", "HB_WEST", "HB_NORTH", None, "BUY", 10.0
        ),
        TransmissionRightRecord(
            AUCTION,
            "HB_NORTH-LZ_HOUSTON",
            june,
            july,
            3.9,
            "PeakWD",
            "OPT",
            "HB_NORTH",
            "LZ_HOUSTON",
            bid_mw=0.25,
            trade_type="BUY",
        ),
        TransmissionRightRecord(
            AUCTION, "HB_WEST-HB_NORTH", june, july, -0.35, "Off-peak", "OBL", "HB_WEST", "HB_NORTH", None, "SELL", 1.0
        ),
        TransmissionRightRecord(AUCTION, "HB_WEST", june, july, -9.0, "PeakWD", period="JUN_2025"),
        TransmissionRightRecord(AUCTION, "LZ_HOUSTON", june, july, -4.5, "Off-peak", period="JUN_2025"),
    ]


def test_a_long_term_sequence_names_its_auction_from_its_files() -> None:
    name = "2026.2nd6.AnnualAuction.Seq1"
    body = bundle(
        {
            f"Common_MarketResults_{name}_AUCTION.csv": RESULTS.replace("06/30/2025", "12/31/2025"),
            f"Common_SourceAndSinkShadowPrices_{name}_AUCTION.csv": SHADOW.replace("JUN_2025", "DEC_2025"),
        }
    )
    records = LONG_TERM.parse(body)
    assert {r.auction for r in records} == {name}
    assert (records[0].start, records[0].end) == (central(date(2025, 6, 1)), central(date(2026, 1, 1)))
    assert (records[-1].start, records[-1].end) == (central(date(2025, 12, 1)), central(date(2026, 1, 1)))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (RESULTS.encode(), "expected the auction results zip"),
        (bundle({f"Common_MarketResults_{AUCTION}_AUCTION.csv": RESULTS}), "no Common_SourceAndSinkShadowPrices_"),
        (monthly(results=RESULTS.replace("ShadowPricePerMWH", "Price")), "no ShadowPricePerMWH column"),
        (monthly(results=RESULTS.replace("06/30/2025,PeakWE", "05/30/2025,PeakWE", 1)), "row 1: EndDate"),
        (monthly(shadow=SHADOW.replace("JUN_2025", "2025-06", 1)), "row 1: CalendarPeriod '2025-06'"),
        (monthly(shadow=SHADOW.replace("-9.0", "n/a")), "row 1: could not convert"),
    ],
)
def test_a_changed_zip_is_refused(body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        MONTHLY.parse(body)


async def test_gridql_import_loads_the_zip_which_transmission_rights_then_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive.sqlite"
    monkeypatch.setenv("GRIDQL_ARCHIVE", str(archive))
    path = tmp_path / "JUN2025MonthlyCRRAuctionResults.zip"
    path.write_bytes(monthly())
    assert await asyncio.to_thread(main, ["import", "ERCOT", "NP7-803-M", str(path)]) == 0
    assert "5 NP7-803-M rows archived" in capsys.readouterr().err
    stack = Stack(archive=str(archive))
    body = await stack.query(
        '{ market(iso: ERCOT) { transmissionRights(date: "2025-06-01", node: "hb_west-hb_north", timeOfUse: "PeakWE") '
        "{ start end auction price timeOfUse hedgeType tradeType bidMw } } }"
    )
    assert errors(body) == [] and notices(body) == []
    assert body["data"]["market"]["transmissionRights"] == [  # type: ignore[index]
        {
            "start": "2025-06-01T00:00:00-05:00",
            "end": "2025-07-01T00:00:00-05:00",
            "auction": AUCTION,
            "price": 1.1,
            "timeOfUse": "PeakWE",
            "hedgeType": "OBL",
            "tradeType": "BUY",
            "bidMw": 10.0,
        }
    ]
    assert sum(stack.counts.values()) == 0  # documents are never fetched


async def test_without_an_import_the_answer_says_so() -> None:
    body = await Stack().query('{ market(iso: ERCOT) { transmissionRights(date: "2025-06-01") { price } } }')
    assert errors(body) == [] and body["data"]["market"]["transmissionRights"] == []  # type: ignore[index]
    (notice,) = notices(body)
    assert notice["code"] == "NOT_IMPORTED" and "NP7-803-M" in notice["message"] and "NP7-802-M" in notice["message"]


async def test_the_sandbox_imports_its_own_zip() -> None:
    month = sandbox_crr.auction_month(datetime.now(UTC).date())
    body = await Stack(archive=":memory:").query(
        f'{{ market(iso: ERCOT) {{ transmissionRights(date: "{month}", timeOfUse: "PeakWD") '
        "{ node price sourceNode hedgeType } } }"
    )
    assert errors(body) == []
    rights = body["data"]["market"]["transmissionRights"]  # type: ignore[index]
    points = {r["node"]: r["price"] for r in rights if r["sourceNode"] is None}
    paths = {r["node"]: r for r in rights if r["sourceNode"] is not None}
    assert set(points) == set(sandbox_crr.POINTS) and set(paths) == {"HB_WEST-HB_NORTH", "HB_NORTH-LZ_HOUSTON"}
    # an obligation clears at its sink's shadow price less its source's
    assert paths["HB_WEST-HB_NORTH"]["price"] == round(points["HB_NORTH"] - points["HB_WEST"], 4)
