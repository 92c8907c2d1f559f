"""PJM's Financial Transmission Rights feeds: bids and FTR congestion LMPs, read, planned and served."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from gridql.adapters import pjm
from gridql.adapters.errors import UpstreamBadResponse
from gridql.adapters.feed import Feed
from gridql.adapters.model import DatasetKind, FtrCongestionRecord, SeriesRequest, TransmissionRightRecord, Window
from gridql.adapters.pjm import ftr
from gridql.adapters.pjm.nodes import name_key
from gridql.adapters.pjm.source import months
from tests.sandbox_app import Stack
from tests.test_api import errors
from tests.test_notices import notices
from tests.test_pjm import NOW, NY, Recorder, live

FEEDS: dict[str, Feed[Any]] = {f.name: f for f in pjm.FEEDS}
# A whole monthly auction is read (PJM filters these feeds by auction only): past the default
# request deadline and query cost at a non-member key's pace, so these stacks allow it.
ROOMY = {"request_deadline": 600, "max_cost": 50_000_000}


def page(items: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"links": [], "items": items, "totalRows": len(items)})


def bid(period: str, **overrides: Any) -> dict[str, Any]:
    row = {
        "market_name": "OCT 2025 Auction",
        "period_type": period,
        "source_pnode_name": "02AMSTED138 KV  TR2",
        "sink_pnode_name": "WESTERN HUB",
        "class_type": "OnPeak",
        "hedge_type": "Obligation",
        "trade_type": "BUY",
        "quoted_mw": 2.5,
        "quoted_price": -14.25,
    }
    return {**row, **overrides}


def local(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=NY).astimezone(UTC)


def test_a_bid_covers_its_month_or_planning_year_quarter() -> None:
    body = page([bid("OCT"), bid("JAN"), bid("Q3"), bid("Q4")])
    records = FEEDS["ftr_bids_mnt"].parse(body)
    terms = [(r.period, r.start, r.end) for r in records]
    assert terms == [
        ("OCT", local(date(2025, 10, 1)), local(date(2025, 11, 1))),
        ("JAN", local(date(2026, 1, 1)), local(date(2026, 2, 1))),  # the planning year runs June to May
        ("Q3", local(date(2025, 12, 1)), local(date(2026, 3, 1))),  # Q3: December to February
        ("Q4", local(date(2026, 3, 1)), local(date(2026, 6, 1))),
    ]
    first = records[0]
    assert isinstance(first, TransmissionRightRecord)
    assert (first.auction, first.node, first.source_node, first.sink_node) == (
        "OCT 2025 Auction",
        "02AMSTED138 KV TR2-WESTERN HUB",
        "02AMSTED138 KV TR2",
        "WESTERN HUB",
    )
    assert (first.price, first.bid_mw, first.time_of_use, first.hedge_type, first.trade_type) == (
        -14.25,
        2.5,
        "OnPeak",
        "Obligation",
        "BUY",
    )


def test_bids_alike_but_for_mw_are_one_bid_of_their_summed_mw() -> None:
    records = FEEDS["ftr_bids_mnt"].parse(page([bid("OCT"), bid("OCT", quoted_mw=1.5), bid("OCT", quoted_price=3)]))
    assert [(r.price, r.bid_mw) for r in records] == [(-14.25, 4.0), (3.0, 2.5)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (bid("ANNUAL"), "period_type 'ANNUAL' is neither a month nor a quarter"),
        (bid("OCT", market_name="2025/2026 Annual"), "is not a monthly auction name"),
        (bid("OCT", quoted_price="n/a"), "quoted_price 'n/a' is not a number"),
        (bid("OCT", sink_pnode_name="  "), "a row has no sink_pnode_name"),
    ],
)
def test_a_bid_that_cannot_be_placed_is_refused_not_guessed(row: dict[str, Any], message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        FEEDS["ftr_bids_mnt"].parse(page([row]))


def test_names_match_with_runs_of_spaces_ignored() -> None:
    assert name_key(" 02AMSTED138 KV  TR2 ") == name_key("02AMSTED138 KV TR2") == "02AMSTED138 KV TR2"
    records = FEEDS["ftr_bids_mnt"].parse(page([bid("OCT")]))
    (resolved,) = ftr.with_pnode_ids(records, {"WESTERN HUB": "51288"})
    assert (resolved.node, resolved.source_node, resolved.sink_node) == (
        "02AMSTED138 KV TR2-51288",
        "02AMSTED138 KV TR2",  # no pnode has it: the name stays
        "51288",
    )


def test_congestion_lmps_by_class_type_as_they_were_and_simulated() -> None:
    row = {
        "effective_day": "2025-07-01T00:00:00",
        "terminate_day": "2025-07-31T00:00:00",
        "pnode_name": "BALA  13 KV LD1",
        "offpeak_clmp": 0.5,
        "dailyoffpeak_clmp": 0.25,
        "onpeak_clmp": -1.23,
        "wkndonpeak_clmp": 0.75,
        "24hour_clmp": -0.2,
        "lt_sim_offpeak_clmp": 1.5,
        "lt_sim_dailyoffpeak_clmp": None,
        "lt_sim_onpeak_clmp": 4.64,
        "lt_sim_wkndonpeak_clmp": 1.0,
        "lt_sim_clmp": 2.0,
    }
    records = FEEDS["ftr_cong_lmp"].parse(page([row]))
    assert all(isinstance(r, FtrCongestionRecord) for r in records)
    found = {(r.time_of_use, r.simulated): r.price for r in records}
    assert found == {
        ("OffPeak", False): 0.5,
        ("DailyOffPeak", False): 0.25,
        ("OnPeak", False): -1.23,
        ("WkndOnPeak", False): 0.75,
        ("24H", False): -0.2,
        ("OffPeak", True): 1.5,  # no simulated DailyOffPeak: blank in the feed
        ("OnPeak", True): 4.64,
        ("WkndOnPeak", True): 1.0,
        ("24H", True): 2.0,
    }
    assert {(r.node, r.start, r.end) for r in records} == {
        ("BALA 13 KV LD1", local(date(2025, 7, 1)), local(date(2025, 8, 1)))  # terminate_day is the last day
    }


async def test_each_month_is_asked_by_its_auction_or_its_days_and_nodes_get_pnode_ids() -> None:
    recorder = Recorder(now=NOW)
    adapter = live(recorder, now=NOW, request_deadline=600)
    window = Window(local(date(2025, 7, 1)), local(date(2025, 8, 1)))
    rights = await adapter.series(SeriesRequest(DatasetKind.TRANSMISSION_RIGHTS, window))
    asked = [dict(r.url.params) for r in recorder.requests]
    assert [(r.url.path, p.get("market_name")) for r, p in zip(recorder.requests, asked, strict=True)] == [
        ("/api/v1/ftr_bids_mnt", "JUL 2025 Auction"),
        ("/api/v1/pnode", None),  # once, to name the nodes
    ]
    assert asked[0]["fields"] == ",".join(ftr.BID_COLUMNS)
    assert rights and {r.period for r in rights} == {"JUL"}  # the auction's other terms start later
    assert all(r.source_node and r.source_node.isdigit() for r in rights)
    congestion = await adapter.series(SeriesRequest(DatasetKind.FTR_CONGESTION_PRICES, window))
    assert recorder.requests[-1].url.path == "/api/v1/ftr_cong_lmp"
    assert dict(recorder.requests[-1].url.params)["effective_day"] == "07/01/2025to07/31/2025"
    assert len(recorder.requests) == 3  # the pnode ids are kept
    assert {r.node for r in congestion} >= {"51288", "34886139"}


def test_a_window_is_planned_a_month_at_a_time_from_the_first_auction() -> None:
    feed = FEEDS["ftr_bids_mnt"]
    window = Window(local(date(2005, 11, 20)), local(date(2006, 2, 3)))
    assert [m.first for m in months(window, feed, NOW)] == [date(2006, 1, 1), date(2006, 2, 1)]
    planned = [m.filter("market_name") for m in months(window, feed, NOW)]
    assert planned == ["JAN 2006 Auction", "FEB 2006 Auction"]
    # not asked: auctions not posted yet (about four months on), congestion older than seven years
    assert [m.first for m in months(Window(local(date(2025, 7, 1)), NOW), feed, NOW)] == [date(2025, 7, 1)]
    old = Window(local(date(2018, 11, 1)), local(date(2019, 1, 1)))
    assert [m.first for m in months(old, FEEDS["ftr_cong_lmp"], NOW)] == [date(2018, 12, 1)]


# --- through the API, in the sandbox ------------------------------------------------------------


async def test_transmission_rights_answer_bids_with_pnode_ids_in_the_sandbox() -> None:
    stack = Stack(**ROOMY)
    body = await stack.query(
        '{ market(iso: PJM) { transmissionRights(date: "2024-11-01", days: 61, timeOfUse: "24H") '
        "{ start end auction node sourceNode sinkNode period timeOfUse hedgeType tradeType price bidMw } } }"
    )
    assert errors(body) == []
    rows = body["data"]["market"]["transmissionRights"]  # type: ignore[index]
    assert rows and {r["timeOfUse"] for r in rows} == {"24H"}
    assert {r["auction"] for r in rows} == {"NOV 2024 Auction", "DEC 2024 Auction"}
    assert {r["period"] for r in rows} == {"NOV", "DEC", "Q3"}  # terms starting in the window only
    q3 = [r for r in rows if r["period"] == "Q3"]
    assert {(r["start"], r["end"]) for r in q3} == {("2024-12-01T00:00:00-05:00", "2025-03-01T00:00:00-05:00")}
    # PJM prints "ASHBURN  35 KV TX1": matched to its pnode id all the same; a retired bus keeps its name
    assert "34886139-51292" in {r["node"] for r in rows}
    assert "RETIRED 69 KV T9" in {r["sinkNode"] for r in rows}
    assert all(r["node"] == f"{r['sourceNode']}-{r['sinkNode']}" for r in rows)


async def test_an_auction_not_posted_yet_says_so() -> None:
    recent = datetime.now(UTC).date().replace(day=1)
    body = await Stack(**ROOMY).query(f'{{ market(iso: PJM) {{ transmissionRights(date: "{recent}") {{ price }} }} }}')
    assert errors(body) == [] and body["data"]["market"]["transmissionRights"] == []  # type: ignore[index]
    (notice,) = notices(body)
    assert notice["code"] == "NOT_YET_PUBLISHED" and "123 days after it starts" in notice["message"]


async def test_a_whole_auction_is_refused_at_the_default_limits_before_any_request() -> None:
    stack = Stack()
    body = await stack.query('{ market(iso: PJM) { transmissionRights(date: "2025-01-01") { price } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    assert "reads about 1,440,000 records from PJM" in error["message"]
    assert not [u for u in stack.transports[pjm.MARKET.iso].urls if "ftr_bids" in u.path]


async def test_ftr_congestion_prices_in_the_sandbox_through_the_api() -> None:
    body = await Stack().query(
        '{ market(iso: PJM) { ftrCongestionPrices(date: "2025-07-01", node: "51288") '
        "{ start end node timeOfUse price simulated } "
        'series(dataset: FTR_CONGESTION_PRICES, date: "2025-07-01") { length node timeOfUse simulated price } } }'
    )
    assert errors(body) == []
    market = body["data"]["market"]  # type: ignore[index]
    rows = market["ftrCongestionPrices"]
    assert len(rows) == 10 and {r["node"] for r in rows} == {"51288"}
    assert {(r["start"], r["end"]) for r in rows} == {("2025-07-01T00:00:00-04:00", "2025-08-01T00:00:00-04:00")}
    assert {r["timeOfUse"] for r in rows} == {"OffPeak", "DailyOffPeak", "OnPeak", "WkndOnPeak", "24H"}
    assert market["series"]["length"] == 69  # 7 nodes x 5 class types x 2, one simulated value left blank
    assert market["series"]["simulated"].count(True) == 34


async def test_other_isos_do_not_serve_ftr_congestion_prices() -> None:
    body = await Stack().query('{ market(iso: ERCOT) { ftrCongestionPrices(date: "2025-07-01") { price } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "DATASET_NOT_SERVED"
