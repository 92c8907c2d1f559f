"""NYISO's TCC auction results (tcc.nyiso.com's Nodal Price and Summary of Awards downloads): the
recorded slices parse to their exact values, a changed layout is refused, `gridql import` loads a
file that `transmissionRights` then serves, and the sandbox imports its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridql.adapters import nyiso
from gridql.adapters.errors import UpstreamBadResponse
from gridql.adapters.feed import Feed
from gridql.adapters.model import TransmissionRightRecord
from gridql.adapters.sandbox.nyiso import tcc as sandbox_tcc
from gridql.graph.cli import main
from tests.helpers import recorded
from tests.sandbox_app import Stack
from tests.test_api import errors
from tests.test_notices import notices

NY = ZoneInfo("America/New_York")
NODAL = nyiso.feeds.TCC_NODAL_PRICES
AWARDS = nyiso.feeds.TCC_AWARDS
NODAL_2026 = "nyiso/vincal848_tcc_nodal_prices_20260827.csv"
NODAL_2006 = "nyiso/vincal848_tcc_nodal_prices_20060920.csv"
AWARDS_2026 = "nyiso/vincal848_tcc_awards_20261001.csv"


def local(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=NY).astimezone(UTC)


def test_nodal_prices_of_a_one_year_round() -> None:
    records = NODAL.parse(recorded(NODAL_2026))
    assert len(records) == 12  # the footer is no price
    auction = "Autumn 2026, Centralized TCC Auction, Round 1 - One Year TCCs"
    assert records[0] == TransmissionRightRecord(
        auction,
        "23512",
        local(date(2026, 11, 1)),
        local(date(2027, 11, 1)),  # through 10/31/2027, inclusive
        24978.59,
        period="Winter 2026-2027 - Summer 2027",
    )
    assert [(r.node, r.price) for r in records[-2:]] == [("23531", 29211.37), ("23533", 34690.2)]
    assert round(sum(r.price for r in records), 2) == 368413.58
    assert {(r.auction, r.start, r.end) for r in records} == {(auction, records[0].start, records[0].end)}


def test_nodal_prices_of_a_monthly_reconfiguration_auction_go_negative() -> None:
    records = NODAL.parse(recorded(NODAL_2006))
    assert {r.auction for r in records} == {"Summer 2006, Monthly Reconfiguration Auction, October 2006"}
    assert (records[2].node, records[2].price) == ("23514", -39.54)
    assert (records[0].start, records[0].end) == (local(date(2006, 10, 1)), local(date(2006, 11, 1)))


def test_awards_are_paths_with_side_mw_and_clearing_price() -> None:
    records = AWARDS.parse(recorded(AWARDS_2026))
    auction = "Autumn 2026, Centralized TCC Auction, Round 6 - Six Month TCCs"
    start, end = local(date(2026, 11, 1)), local(date(2027, 5, 1))
    assert records[0] == TransmissionRightRecord(
        auction,
        "23760-61752",
        start,
        end,
        52.54,
        source_node="23760",
        sink_node="61752",
        period="Winter 2026-2027",
        trade_type="Offer",
        bid_mw=362.0,
    )
    # ten award lines; those alike in path, side and price are one award of their summed TCCs
    assert [(r.node, r.trade_type, r.bid_mw, r.price) for r in records[1:]] == [
        ("24008-61757", "Offer", 272.0, 14769.6),
        ("24065-61758", "Bid", 225.0, 50625.46),
        ("61754-61752", "Bid", 50.0, -6941.83),
        ("61758-61757", "Bid", 100.0, 4846.5),
        ("61754-61758", "Bid", 30.0, 8587.8),
    ]


def _changed(path: str, old: str, new: str) -> bytes:
    return recorded(path).decode().replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("feed", "body", "message"),
    [
        (NODAL, recorded(AWARDS_2026), "does not start with its title 'Nodal Price'"),
        (AWARDS, _changed(AWARDS_2026, "Period ID,", "Period,"), "no header row starting 'Period ID'"),
        (AWARDS, _changed(AWARDS_2026, ",MCP (", ",Price ("), "no 'MCP \\(\\$/TCC-Period Duration\\)' column"),
        (NODAL, _changed(NODAL_2026, "11/01/2026,10/31/2027", "11/01/2026,10/31/2025"), "row 1: the term ends"),
        (NODAL, _changed(NODAL_2026, ",24978.59", ",n/a"), "row 1: could not convert"),
        (NODAL, _changed(NODAL_2026, ",23512,", ",ARTHUR,"), "row 1: 'ARTHUR' is not a PTID"),
        (NODAL, b"PK\x03\x04\x14\x00 an xlsx", "does not start with its title"),
    ],
)
def test_a_changed_layout_is_refused(feed: Feed[Any], body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        feed.parse(body)


async def test_gridql_import_loads_the_downloads_which_transmission_rights_then_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive.sqlite"
    monkeypatch.setenv("GRIDQL_ARCHIVE", str(archive))
    nodal, awards = tmp_path / "nodal.csv", tmp_path / "awards.csv"
    nodal.write_bytes(recorded(NODAL_2026))
    awards.write_bytes(recorded(AWARDS_2026))
    assert await asyncio.to_thread(main, ["import", "NYISO", "TCC-Nodal-Price", str(nodal)]) == 0
    assert await asyncio.to_thread(main, ["import", "NYISO", "TCC-Summary-of-Awards", str(awards)]) == 0
    err = capsys.readouterr().err
    assert "12 TCC-Nodal-Price rows archived" in err and "6 TCC-Summary-of-Awards rows archived" in err
    assert await asyncio.to_thread(main, ["parse", "NYISO", "TCC-Summary-of-Awards", str(awards)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 6
    stack = Stack(archive=str(archive))
    body = await stack.query(
        '{ market(iso: NYISO) { a: transmissionRights(date: "2026-11-01", node: "61754-61752") '
        "{ start end auction node price tradeType bidMw sourceNode sinkNode period } "
        'n: transmissionRights(date: "2026-11-01", node: "23533") { end price } } }'
    )
    assert errors(body) == [] and notices(body) == []
    market = body["data"]["market"]  # type: ignore[index]
    assert market["a"] == [
        {
            "start": "2026-11-01T00:00:00-04:00",
            "end": "2027-05-01T00:00:00-04:00",
            "auction": "Autumn 2026, Centralized TCC Auction, Round 6 - Six Month TCCs",
            "node": "61754-61752",
            "price": -6941.83,
            "tradeType": "Bid",
            "bidMw": 50.0,
            "sourceNode": "61754",
            "sinkNode": "61752",
            "period": "Winter 2026-2027",
        }
    ]
    assert market["n"] == [{"end": "2027-11-01T00:00:00-04:00", "price": 34690.2}]
    assert sum(stack.counts.values()) == 0  # documents are never fetched


async def test_without_the_downloads_imported_the_answer_says_so() -> None:
    body = await Stack().query('{ market(iso: NYISO) { transmissionRights(date: "2026-11-01") { price } } }')
    assert errors(body) == [] and body["data"]["market"]["transmissionRights"] == []  # type: ignore[index]
    (notice,) = notices(body)
    assert notice["code"] == "NOT_IMPORTED"
    assert "TCC-Nodal-Price" in notice["message"] and "TCC-Summary-of-Awards" in notice["message"]


async def test_the_sandbox_imports_its_own_downloads() -> None:
    now = datetime.now(UTC).date()
    first = sandbox_tcc.capability_period(now)[2]
    body = await Stack(archive=":memory:").query(
        f'{{ market(iso: NYISO) {{ transmissionRights(date: "{first}") {{ node price sourceNode sinkNode }} }} }}'
    )
    assert errors(body) == []
    rights = body["data"]["market"]["transmissionRights"]  # type: ignore[index]
    nodal = {r["node"]: r["price"] for r in rights if r["sourceNode"] is None}
    paths = {r["node"]: r["price"] for r in rights if r["sourceNode"] is not None}
    assert set(nodal) == set(sandbox_tcc.ZONES) and set(paths) == {"61752-61761", "61754-61758", "61757-61762"}
    # a path clears at its POW's nodal price less its POI's
    assert paths["61752-61761"] == round(nodal["61761"] - nodal["61752"], 2)
