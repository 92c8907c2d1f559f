"""ERCOT's real-time AS clearing prices (RTC+B, from 12/05/2025: NP6-331-CD by settlement
interval, NP6-332-CD by SCED run) and its system lambda (NP6-322-CD SCED, NP4-523-CD DAM): exact
values from each layout ERCOT serves them in, the request each window makes, and GraphQL answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridql.adapters.ercot import FEEDS, create, feeds
from gridql.adapters.errors import UpstreamBadResponse
from gridql.adapters.model import (
    AncillaryPriceRecord,
    DatasetKind,
    MarketRun,
    SeriesRequest,
    SystemLambdaRecord,
    Window,
)
from gridql.adapters.sandbox import ercot as sandbox
from tests.helpers import z
from tests.sandbox_app import Stack
from tests.test_ercot import Recorder, api_page, settings

CENTRAL = ZoneInfo("America/Chicago")
NOW = datetime(2026, 7, 2, 12, tzinfo=UTC)


def feed(name: str) -> Any:
    return next(f for f in FEEDS if f.name == name)


# --- parsers: the API's fields and the MIS CSV's headers -----------------------------------------


def test_rt_mcpc_by_settlement_interval_from_the_api_across_the_repeated_hour() -> None:
    fields = ["deliveryDate", "deliveryHour", "deliveryInt", "repeatHourFlag", "ASType", "MCPC"]
    rows = [
        ["2026-11-01", 2, 4, False, "REGUP", 5.25],  # 01:45 CDT
        ["2026-11-01", 2, 1, True, "REGUP", 7.5],  # 01:00 CST, the second pass
        ["2026-11-01", 2, 1, True, "ECRS", "0.29"],
    ]
    assert feed("NP6-331-CD").parse(api_page(fields, rows)) == [
        AncillaryPriceRecord("REGUP", None, z("2026-11-01T06:45Z"), z("2026-11-01T07:00Z"), 5.25),
        AncillaryPriceRecord("ECRS", None, z("2026-11-01T07:00Z"), z("2026-11-01T07:15Z"), 0.29),
        AncillaryPriceRecord("REGUP", None, z("2026-11-01T07:00Z"), z("2026-11-01T07:15Z"), 7.5),
    ]


def test_rt_mcpc_by_settlement_interval_from_the_mis_csv() -> None:
    # ERCOT's MIS header and rows as posted for 09/25/2026 (hour ending 20, first interval)
    body = b"DeliveryDate,DeliveryHour,DeliveryInterval,RepeatedHourFlag,ASType,MCPC\r\n"
    body += b"09/25/2026,20,1,N,ECRS,0.29\r\n09/25/2026,20,1,N,NSPIN,1.15\r\n"
    assert feed("NP6-331-CD").parse(body) == [
        AncillaryPriceRecord("ECRS", None, z("2026-09-26T00:00Z"), z("2026-09-26T00:15Z"), 0.29),
        AncillaryPriceRecord("NSPIN", None, z("2026-09-26T00:00Z"), z("2026-09-26T00:15Z"), 1.15),
    ]


def test_sced_mcpc_holds_until_the_products_next_run() -> None:
    fields = ["SCEDTimestamp", "repeatHourFlag", "ASType", "MCPC"]
    rows = [
        ["2026-07-01T14:00:14", False, "RRS", 3.5],
        ["2026-07-01T14:00:14", False, "REGUP", 6.0],
        ["2026-07-01T14:04:50", False, "RRS", 3.75],
        ["2026-07-01T14:04:50", False, "REGUP", 6.25],
    ]
    assert feed("NP6-332-CD").parse(api_page(fields, rows)) == [
        AncillaryPriceRecord("REGUP", None, z("2026-07-01T19:00:14Z"), z("2026-07-01T19:04:50Z"), 6.0),
        AncillaryPriceRecord("RRS", None, z("2026-07-01T19:00:14Z"), z("2026-07-01T19:04:50Z"), 3.5),
        AncillaryPriceRecord("REGUP", None, z("2026-07-01T19:04:50Z"), z("2026-07-01T19:09:50Z"), 6.25),
        AncillaryPriceRecord("RRS", None, z("2026-07-01T19:04:50Z"), z("2026-07-01T19:09:50Z"), 3.75),
    ]


def test_sced_mcpc_from_the_capped_and_uncapped_layout_reads_the_capped_price() -> None:
    body = b"SCEDTimestamp,RepeatedHourFlag,ASType,CappedMCPC,UncappedMCPC\r\n"
    body += b"09/01/2026 10:00:12,N,REGDN,1.25,2.5\r\n"
    assert feed("NP6-332-CD").parse(body) == [
        AncillaryPriceRecord("REGDN", None, z("2026-09-01T15:00:12Z"), z("2026-09-01T15:05:12Z"), 1.25)
    ]


def test_sced_system_lambda_from_the_mis_csv_holds_until_the_next_run() -> None:
    body = b"SCEDTimeStamp,RepeatedHourFlag,SystemLambda\r\n"
    body += b"11/01/2026 01:57:10,N,24.5\r\n11/01/2026 01:02:05,Y,59.54911\r\n"
    assert feed("NP6-322-CD").parse(body) == [
        SystemLambdaRecord(z("2026-11-01T06:57:10Z"), z("2026-11-01T07:02:05Z"), 24.5),
        SystemLambdaRecord(z("2026-11-01T07:02:05Z"), z("2026-11-01T07:07:05Z"), 59.54911),
    ]
    capped = b"SCEDTimeStamp,RepeatedHourFlag,CappedSystemLambda,UncappedSystemLambda\r\n"
    capped += b"09/01/2026 10:00:12,N,59.54911,79.123\r\n"
    assert [r.price for r in feed("NP6-322-CD").parse(capped)] == [59.54911]


def test_dam_system_lambda_from_the_api() -> None:
    fields = ["deliveryDate", "hourEnding", "systemLambda", "DSTFlag"]
    rows = [["2026-03-08", "02:00", 21.75, False], ["2026-03-08", "04:00", 22.0, False]]
    # spring forward: no hour ending 03:00; hour ending 02:00 is [01:00 CST, 03:00 CDT), 04:00 follows it
    assert feed("NP4-523-CD").parse(api_page(fields, rows)) == [
        SystemLambdaRecord(z("2026-03-08T07:00Z"), z("2026-03-08T08:00Z"), 21.75),
        SystemLambdaRecord(z("2026-03-08T08:00Z"), z("2026-03-08T09:00Z"), 22.0),
    ]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("NP6-331-CD", b"DeliveryDate,DeliveryHour,DeliveryInterval,RepeatedHourFlag,ASType,MCPC\n"
         b"09/25/2026,20,5,N,ECRS,0.29\n", "row 1: hour '20' / interval '5' is out of range"),
        ("NP6-331-CD", b"DeliveryDate,DeliveryHour,DeliveryInterval,RepeatedHourFlag,ASType,MCPC\n"
         b"09/25/2026,20,1,N,,0.29\n", "row 1: empty AS type"),
        ("NP6-332-CD", b"SCEDTimestamp,RepeatedHourFlag,ASType,UncappedMCPC\n09/01/2026 10:00:12,N,RRS,1\n",
         "no MCPC column"),
        ("NP6-322-CD", b"SCEDTimeStamp,RepeatedHourFlag,SystemLambda\n03/08/2026 02:10:00,N,20\n",
         "does not exist in Central time"),
        ("NP4-523-CD", b"DeliveryDate,HourEnding,SystemLambda,DSTFlag\n07/01/2026,01:00,n/a,N\n", "row 1"),
    ],
)  # fmt: skip
def test_bad_bodies_are_refused(name: str, body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=message):
        feed(name).parse(body)


# --- requests ----------------------------------------------------------------------------------


async def test_each_feed_asks_its_report_once_per_window() -> None:
    recorder = Recorder()
    adapter = create(settings(), recorder, min_interval=0, clock=lambda: NOW)
    window = Window.days(date(2026, 7, 1), 2, CENTRAL)
    counts = {}
    for kind, run in [
        (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN),
        (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN),
        (DatasetKind.SYSTEM_LAMBDA, MarketRun.REAL_TIME_5_MIN),
        (DatasetKind.SYSTEM_LAMBDA, MarketRun.DAY_AHEAD_HOURLY),
    ]:
        counts[(kind, run)] = len(await adapter.series(SeriesRequest(kind, window, run)))
    await adapter.aclose()
    paging = {"size": str(feeds.PAGE_SIZE), "page": "1"}
    days = {"deliveryDateFrom": "2026-07-01", "deliveryDateTo": "2026-07-02", **paging}
    sced = {"SCEDTimestampFrom": "2026-07-01T00:00:00", "SCEDTimestampTo": "2026-07-03T00:00:00", **paging}
    assert [(r.url.path.removeprefix("/api/public-reports/"), dict(r.url.params)) for r in recorder.reports()] == [
        ("np6-331-cd/rt_clear_price_cap", days),
        ("np6-332-cd/rt_clear_price_cap_sced", sced),
        ("np6-322-cd/sced_system_lambda", sced),
        ("np4-523-cd/dam_system_lambda", days),
    ]
    assert counts == {
        (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN): 2 * 96 * 5,
        (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN): 2 * 288 * 5,
        (DatasetKind.SYSTEM_LAMBDA, MarketRun.REAL_TIME_5_MIN): 2 * 288,
        (DatasetKind.SYSTEM_LAMBDA, MarketRun.DAY_AHEAD_HOURLY): 2 * 24,
    }


CASES = [
    (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_15_MIN, "np6-331-cd"),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN, "np6-332-cd"),
    (DatasetKind.SYSTEM_LAMBDA, MarketRun.REAL_TIME_5_MIN, "np6-322-cd"),
    (DatasetKind.SYSTEM_LAMBDA, MarketRun.DAY_AHEAD_HOURLY, "np4-523-cd"),
]


@pytest.mark.parametrize(("kind", "run", "emil"), CASES)
async def test_a_day_past_the_live_window_comes_from_the_archive_as_it_came_live(
    kind: DatasetKind, run: MarketRun, emil: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = datetime(2026, 12, 1, 12, tzinfo=UTC)  # 2026-11-01 (fall back) is over a week old
    window = Window.days(date(2026, 11, 1), 1, CENTRAL)

    async def answer() -> tuple[list[Any], list[str]]:
        recorder = Recorder()
        adapter = create(settings(), recorder, min_interval=0, clock=lambda: later)
        try:
            records = await adapter.series(SeriesRequest(kind, window, run))
        finally:
            await adapter.aclose()
        return records, [f"{r.method} {r.url.path.removeprefix('/api/public-reports/')}" for r in recorder.reports()]

    live, asked_live = await answer()
    monkeypatch.setattr(sandbox, "LIVE_FROM", date(2026, 11, 15))  # the live report no longer holds the day
    archived, asked = await answer()
    assert len(asked_live) == 1 and asked[1:] == [f"GET archive/{emil}", f"POST archive/{emil}/download"]
    # The same records, but that the day's last SCED run ends at the next day's first run where
    # the archive's posting of it is read, and at the nominal 5 minutes live.
    last = max(r.start for r in live)
    assert [(r.start, r.price) for r in archived] == [(r.start, r.price) for r in live]
    assert [r for r in archived if r.start < last] == [r for r in live if r.start < last]
    midnight = z("2026-11-02T06:00Z")
    assert all(
        r.end == r.start + timedelta(minutes=5) or midnight <= r.end < midnight + timedelta(minutes=1)
        for r in archived
        if r.start == last
    )
    assert len({r.start.replace(minute=0, second=0) for r in archived}) == 25  # both passes of 01:00


# --- GraphQL ---------------------------------------------------------------------------------------


async def test_graphql_serves_rt_as_prices_and_system_lambda_from_the_sandbox() -> None:
    stack = Stack()
    body = await stack.query(
        "{ market(iso: ERCOT) { "
        'rt: ancillaryPrices(run: REAL_TIME_15_MIN, date: "2026-07-01", product: "regup") { start end product price } '
        'sced: ancillaryPrices(run: REAL_TIME_5_MIN, date: "2026-07-01", product: "ECRS") { start price } '
        'lambda: systemLambda(run: REAL_TIME_5_MIN, date: "2026-07-01") { start end price } '
        'dam: series(dataset: SYSTEM_LAMBDA, run: DAY_AHEAD_HOURLY, date: "2026-07-01") { length start price } } }'
    )
    market: Any = body["data"]["market"]  # type: ignore[index]
    assert "errors" not in body
    assert len(market["rt"]) == 96 and {r["product"] for r in market["rt"]} == {"REGUP"}
    assert market["rt"][0] == {
        "start": "2026-07-01T00:00:00-05:00", "end": "2026-07-01T00:15:00-05:00", "product": "REGUP", "price": 4.63,
    }  # fmt: skip
    assert len(market["sced"]) == 288
    assert len(market["lambda"]) == 288 and market["lambda"][0]["end"] == market["lambda"][1]["start"]
    assert market["dam"]["length"] == 24 and market["dam"]["start"][0] == "2026-07-01T00:00:00-05:00"


async def test_a_day_before_rtc_went_live_is_empty_with_a_notice() -> None:
    stack = Stack()
    body = await stack.query(
        '{ market(iso: ERCOT) { ancillaryPrices(run: REAL_TIME_15_MIN, date: "2025-07-01") { start price } } }'
    )
    assert body["data"] == {"market": {"ancillaryPrices": []}}
    notices = body["extensions"]["gridql"]["notices"]  # type: ignore[index]
    assert [(n["code"], n["path"]) for n in notices] == [("OUTSIDE_RETENTION", ["market", "ancillaryPrices"])]
    assert "2025-12-05T06:00:00Z" in notices[0]["message"]
    assert sum(stack.counts.values()) == 0  # ERCOT is not asked for a report before it existed


async def test_market_datasets_list_the_runs_feeds_and_labels() -> None:
    body = await Stack().query(
        "{ market(iso: ERCOT) { datasets { name runs description } "
        "labels(dataset: ANCILLARY_PRICES) { field labels } } }"
    )
    market: Any = body["data"]["market"]  # type: ignore[index]
    datasets = {d["name"]: d for d in market["datasets"]}
    assert datasets["ancillaryPrices"]["runs"] == ["DAY_AHEAD_HOURLY", "REAL_TIME_15_MIN", "REAL_TIME_5_MIN"]
    assert datasets["systemLambda"]["runs"] == ["REAL_TIME_5_MIN", "DAY_AHEAD_HOURLY"]
    assert "(NP6-331-CD)" in datasets["ancillaryPrices"]["description"]
    assert "(NP6-322-CD)" in datasets["systemLambda"]["description"]
    assert market["labels"] == [{"field": "product", "labels": ["REGUP", "REGDN", "RRS", "NSPIN", "ECRS"]}]
