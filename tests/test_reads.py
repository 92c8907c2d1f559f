"""What a query reads upstream, charged before anything is fetched: each ISO's plan says how many
records its requests read (every node of a file, every pnode of an archived page), and a query
whose reads go over the limit is refused with nothing sent for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gridql.adapters.model import ISO

from .sandbox_app import Stack
from .test_api import errors, gridql

PRICES = """query($id: ID!, $run: MarketRun!, $date: Date!, $days: Int!) {
  node(id: $id) { priceSeries(run: $run, date: $date, days: $days) { start } } }"""


def today() -> date:
    return datetime.now(UTC).date()


def month_ago(months: int) -> date:
    """The first of a month some months back: wholly archived everywhere."""
    first = today().replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def live_day() -> date:
    """A day every live window holds and no ISO's archive is needed for; its hours are 24 in
    every market (no DST change within a week of it)."""
    day = today() - timedelta(days=20)
    while day.month in (3, 11) and day.day <= 14:
        day -= timedelta(days=7)
    return day


async def ask(stack: Stack, node: str, run: str, day: date, days: int) -> dict[str, Any]:
    return await stack.query(PRICES, {"id": node, "run": run, "date": day.isoformat(), "days": days})


@pytest.mark.parametrize(
    ("node", "run", "reads"),
    [
        # OASIS prints LMP, MCE, MCC, MCL and MGHG for each node and hour.
        ("CAISO:TH_NP15_GEN-APND", "DAY_AHEAD_HOURLY", 5 * 24),
        # One settlement point's page of the SCED report, 288 intervals.
        ("ERCOT:HB_NORTH", "REAL_TIME_5_MIN", 288),
        # A pnode filter reads just that pnode's hours.
        ("PJM:51288", "DAY_AHEAD_HOURLY", 24),
    ],
)
async def test_a_filtered_request_reads_what_it_returns(node: str, run: str, reads: int) -> None:
    body = await ask(Stack(), node, run, live_day(), 1)
    assert errors(body) == []
    assert gridql(body)["cost"]["readUpstream"] == reads


async def test_a_zones_price_file_is_read_whole_for_one_zone() -> None:
    """A day a week back or more comes from the month's zip: 15 zonal series x 288 intervals a day."""
    first = month_ago(2)
    days = ((first + timedelta(days=32)).replace(day=1) - first).days
    body = await ask(Stack(), "NYISO:61757", "REAL_TIME_5_MIN", first, 1)
    assert errors(body) == []
    assert gridql(body)["cost"]["readUpstream"] == 15 * 288 * days


async def test_a_month_of_one_generator_is_refused_before_its_file_is_fetched() -> None:
    """NYISO's generator file holds every generator: a month of 5-minute prices at one is about
    5 million records read, far past the limit, so its zip is never asked for."""
    stack = Stack()
    body = await ask(stack, "NYISO:323500", "REAL_TIME_5_MIN", month_ago(2), 28)
    [error] = errors(body)
    assert error["extensions"] == {"code": "QUERY_TOO_EXPENSIVE", "iso": "NYISO"}
    assert "reads about" in error["message"] and "records from NYISO" in error["message"]
    assert not [url for url in stack.transports[ISO.NYISO].urls if "realtime" in url.path]


async def test_ercot_archived_days_read_every_settlement_point() -> None:
    """Past the live window the archive's postings hold all about 1,100 points: one day fits the
    limit, three do not, and the refused query downloads nothing."""
    day = today() - timedelta(days=150)
    while day.month in (3, 11):
        day -= timedelta(days=31)
    stack = Stack()
    body = await ask(stack, "ERCOT:HB_NORTH", "DAY_AHEAD_HOURLY", day, 1)
    assert errors(body) == []
    assert gridql(body)["cost"]["readUpstream"] == 24 * 1_100
    before = stack.counts[ISO.ERCOT]
    body = await ask(stack, "ERCOT:HB_NORTH", "REAL_TIME_5_MIN", day, 3)
    [error] = errors(body)
    assert error["extensions"] == {"code": "QUERY_TOO_EXPENSIVE", "iso": "ERCOT"}
    assert stack.counts[ISO.ERCOT] == before


async def test_pjm_archived_hubs_are_asked_by_type_and_a_generator_would_page_every_pnode() -> None:
    """Archived hourly days take no pnode filter: a hub is asked with the 12 hubs' `type`, any
    other pnode reads all 13,000 priced pnodes' rows."""
    day = month_ago(30) + timedelta(days=14)  # past the 731-day archive age; the 15th-21st: no DST day
    stack = Stack()
    body = await ask(stack, "PJM:51288", "DAY_AHEAD_HOURLY", day, 7)  # WESTERN HUB
    assert errors(body) == []
    assert gridql(body)["cost"]["readUpstream"] == 12 * 24 * 7
    before = [url for url in stack.transports[ISO.PJM].urls if "da_hrl_lmps" in url.path]
    # Seven pages of 50,000 rows at PJM's 10 s pace: refused by the deadline before the meter.
    body = await ask(stack, "PJM:2156190011", "DAY_AHEAD_HOURLY", day, 1)
    [error] = errors(body)
    assert error["extensions"] == {"code": "UPSTREAM_TOO_SLOW", "iso": "PJM"}
    assert [url for url in stack.transports[ISO.PJM].urls if "da_hrl_lmps" in url.path] == before


async def test_a_second_ask_reads_nothing_upstream() -> None:
    stack = Stack()
    await ask(stack, "NYISO:61757", "DAY_AHEAD_HOURLY", live_day(), 1)
    body = await ask(stack, "NYISO:61757", "DAY_AHEAD_HOURLY", live_day(), 1)
    assert gridql(body)["cost"]["readUpstream"] == 0
