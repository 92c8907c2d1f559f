"""Never silently empty: every answer with no rows, or short of its window, says why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gridql.adapters import caiso, ercot, nyiso, pjm
from gridql.adapters.feed import Catalog
from gridql.adapters.model import ISO, DatasetKind

from .sandbox_app import Stack
from .test_api import errors

PACKAGES = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}
FUTURE = (datetime.now(UTC) + timedelta(days=20)).date()


def notices(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body["extensions"]["gridql"].get("notices", [])
    return found


def dataset_cases() -> list[Any]:
    cases = []
    for iso, package in PACKAGES.items():
        for info in Catalog(iso, package.FEEDS).datasets:
            run = info.runs[0].name if info.runs else None
            cases.append(pytest.param(iso, info.kind, run, id=f"{iso.value}:{info.kind.value}"))
    return cases


@pytest.mark.parametrize(("iso", "kind", "run"), dataset_cases())
async def test_a_future_day_answers_not_yet_published(iso: ISO, kind: DatasetKind, run: str | None) -> None:
    stack = Stack()
    chosen = f", run: {run}" if run else ""
    body = await stack.query(
        f'{{ market(iso: {iso.value}) {{ series(dataset: {kind.name}, date: "{FUTURE}"{chosen}) {{ length }} }} }}'
    )
    assert errors(body) == []
    if body["data"]["market"]["series"]["length"] == 0:  # type: ignore[index]
        (notice,) = notices(body)
        assert notice["code"] == "NOT_YET_PUBLISHED"
        assert notice["iso"] == iso.value and notice["path"] == ["market", "series"]
        assert "not published yet" in notice["message"]
    else:  # forecasts reach ahead: rows, but only as far as published, with a notice if short
        assert all(n["code"] == "NOT_YET_PUBLISHED" for n in notices(body))


@pytest.mark.parametrize("iso", list(ISO))
async def test_future_prices_answer_not_yet_published(iso: ISO) -> None:
    node = PACKAGES[iso].DECLARATION.fixed_nodes[0]
    body = await Stack().query(
        f'{{ node(id: "{node.id}") {{ prices(run: REAL_TIME_5_MIN, date: "{FUTURE}") {{ lmp }} }} }}'
        if "REAL_TIME_5_MIN" in {r.name for r in PACKAGES[iso].MARKET.runs}
        else f'{{ node(id: "{node.id}") {{ prices(run: DAY_AHEAD_HOURLY, date: "{FUTURE}") {{ lmp }} }} }}'
    )
    assert body["data"]["node"]["prices"] == []  # type: ignore[index]
    (notice,) = notices(body)
    assert (notice["code"], notice["path"]) == ("NOT_YET_PUBLISHED", ["node", "prices"])


async def test_an_unknown_label_is_refused_with_the_valid_ones() -> None:
    stack = Stack()
    body = await stack.query('{ market(iso: NYISO) { load(date: "2025-07-01", area: "NOPE") { mw } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NYISO has no load area 'NOPE'; its area labels are: " in error["message"]
    assert "CAPITL" in error["message"] and "N.Y.C." in error["message"]


async def test_labels_are_case_insensitive_and_listed() -> None:
    stack = Stack()
    body = await stack.query('{ market(iso: NYISO) { load(date: "2025-07-01", area: "capitl") { area } } }')
    assert errors(body) == [] and {r["area"] for r in body["data"]["market"]["load"]} == {"CAPITL"}  # type: ignore[index]


@pytest.mark.parametrize(
    "selection",
    [
        'date: "1997-12-31"',
        f'date: "{date.today().year + 2}-01-01"',
        'start: "9999-12-31T00:00:00Z", end: "9999-12-31T23:00:00Z"',
    ],
)
async def test_dates_no_iso_publishes_are_refused_before_any_request(selection: str) -> None:
    stack = Stack()
    body = await stack.query(f'{{ node(id: "PJM:51288") {{ prices(run: DAY_AHEAD_HOURLY, {selection}) {{ lmp }} }} }}')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "No ISO publishes data for" in error["message"]
    assert sum(stack.counts.values()) == 0


async def test_coverage_is_discoverable_for_every_dataset() -> None:
    body = await Stack().query(
        "{ markets { iso datasets { name coverage { earliest latest retention cadence delay } } } }"
    )
    assert errors(body) == []
    for market in body["data"]["markets"]:  # type: ignore[index]
        for dataset in market["datasets"]:
            coverage = dataset["coverage"]
            assert coverage["cadence"].startswith("P") and coverage["delay"].lstrip("-").startswith("P")
            assert coverage["latest"] is not None


@pytest.mark.parametrize(
    "query",
    [
        '{ market(iso: ERCOT) { fuelMix(date: "2025-07-01") { mw } } }',
        '{ market(iso: PJM) { loadForecast(date: "2025-07-01") { mw } } }',
        '{ market(iso: NYISO) { load(date: "2025-07-01", area: "NYISO") { mw } } }',
    ],
    ids=["ERCOT fuelMix", "PJM loadForecast", "NYISO total load"],
)
async def test_the_issues_questions_answer_rows_or_say_why(query: str) -> None:
    body = await Stack().query(query)
    assert errors(body) == []
    rows = next(iter(body["data"]["market"].values()))  # type: ignore[union-attr,index]
    assert rows or [n["code"] for n in notices(body)] in (["OUTSIDE_RETENTION"], ["NO_DATA"])


async def test_an_answer_says_how_it_placed_a_repeated_hour_the_file_does_not_tell_apart() -> None:
    stack = Stack()
    query = (
        '{ nyiso: node(id: "NYISO:61757") { prices(run: REAL_TIME_5_MIN, date: "2025-11-02") { start } } '
        'pjm: node(id: "PJM:51288") { prices(run: DAY_AHEAD_HOURLY, date: "2025-11-02") { start } } '
        "market(iso: NYISO) { datasets { name coverage { repeatedHour } } } }"
    )
    body = await stack.query(query)
    assert errors(body) == []
    assert len(body["data"]["nyiso"]["prices"]) == 300  # type: ignore[index]  # 25 hours
    (notice,) = notices(body)  # NYISO's LBMP file has no offset; PJM's rows carry UTC stamps
    assert notice["code"] == "REPEATED_HOUR_BY_ORDER" and notice["path"] == ["nyiso", "prices"]
    assert "2025-11-02T05:00:00Z - 2025-11-02T07:00:00Z is the repeated hour" in notice["message"]
    assert "in file order" in notice["message"]
    placed = {d["name"]: d["coverage"]["repeatedHour"] for d in body["data"]["market"]["datasets"]}  # type: ignore[index]
    assert placed["loadForecast"] is not None and placed["fuelMix"] is None  # rtfuelmix has a Time Zone column


async def test_a_day_without_a_repeated_hour_has_no_such_notice() -> None:
    body = await Stack().query(
        '{ node(id: "NYISO:61757") { prices(run: REAL_TIME_5_MIN, date: "2025-11-03") { start } } }'
    )
    assert errors(body) == [] and notices(body) == []


@pytest.mark.parametrize("iso", [ISO.ERCOT, ISO.CAISO])
async def test_a_market_without_a_capacity_market_says_so_not_dataset_not_served(iso: ISO) -> None:
    stack = Stack()
    body = await stack.query(
        f'{{ market(iso: {iso.value}) {{ capacityPrices(date: "2025-06-01") {{ price }} '
        f'series(dataset: CAPACITY_PRICES, date: "2025-06-01") {{ length }} }} }}'
    )
    assert errors(body) == []
    assert body["data"]["market"]["capacityPrices"] == []  # type: ignore[index]
    assert body["data"]["market"]["series"]["length"] == 0  # type: ignore[index]
    found = notices(body)
    assert [(n["code"], n["path"]) for n in found] == [
        ("NO_SUCH_MARKET", ["market", "capacityPrices"]),
        ("NO_SUCH_MARKET", ["market", "series"]),
    ]
    assert found[0]["message"].startswith(f"{iso.value} capacityPrices: {iso.value} has no capacity market")
    assert sum(stack.counts.values()) == 0


async def test_a_market_without_a_capacity_market_still_refuses_a_bad_window() -> None:
    body = await Stack().query('{ market(iso: ERCOT) { capacityPrices(date: "1997-12-31") { price } } }')
    (error,) = errors(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
