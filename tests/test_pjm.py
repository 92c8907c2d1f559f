from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

import gridql.adapters.sandbox
from gridql.adapters import pjm, stats
from gridql.adapters.config import Secret, Settings
from gridql.adapters.errors import (
    CredentialsMissing,
    CredentialsRejected,
    UnsupportedDataset,
    UnsupportedRun,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamThrottled,
    UpstreamTooSlow,
    UpstreamUnavailable,
)
from gridql.adapters.feed import Feed, NodeList
from gridql.adapters.http import RetryPolicy
from gridql.adapters.model import (
    ISO,
    AncillaryPriceRecord,
    ConstraintRecord,
    DatasetKind,
    FuelMixRecord,
    LoadForecastRecord,
    LoadRecord,
    MarketRun,
    Node,
    NodeType,
    PriceRecord,
    PriceVersion,
    RenewableRecord,
    SeriesRequest,
    Window,
)
from gridql.adapters.pipeline import Ask, FeedAdapter, latest_vintages
from gridql.adapters.pjm import feeds as pjm_feeds
from gridql.adapters.pjm.nodes import PNODES
from gridql.adapters.sandbox import pjm as sandbox
from gridql.adapters.sandbox.synthetic import price
from tests.conftest import REPO
from tests.helpers import Recording, recorded, utc

NY = ZoneInfo("America/New_York")
KEY = "pjm-test-key-7f3a9c"
FEEDS: dict[str, Feed[Any]] = {f.name: f for f in pjm.FEEDS}
DA_SAMPLE = "pjm/dm2_da_hrl_lmps_hubs_2025-05-01_2025-05-02.csv"
RT_SAMPLE = "pjm/dm2_rt_hrl_lmps_hubs_2025-05-01_2025-05-02.csv"
HUB_IDS = [
    "51217",
    "51287",
    "51288",
    "4669664",
    "33092311",
    "33092313",
    "33092315",
    "34497125",
    "34497127",
    "34497151",
    "35010337",
    "116013751",
]
# "Now" for tests that must not depend on the day they run: 2025 is recent, 2015 archived.
NOW = datetime(2025, 12, 1, 17, 0, tzinfo=UTC)


def feed(name: str) -> Callable[[bytes], Any]:
    return FEEDS[name].parse


def parse_prices(body: bytes, name: str = "da_hrl_lmps") -> list[PriceRecord]:
    records: list[PriceRecord] = feed(name)(body)
    return records


def by_node(records: list[PriceRecord]) -> dict[str, list[PriceRecord]]:
    out: dict[str, list[PriceRecord]] = {}
    for r in records:
        out.setdefault(r.node, []).append(r)
    return out


def envelope(items: list[dict[str, Any]], total: int | None = None, links: list[dict[str, str]] | None = None) -> bytes:
    return orjson.dumps(
        {
            "links": links or [],
            "items": items,
            "searchSpecification": {},
            "totalRows": len(items) if total is None else total,
        }
    )


def da_item(utc_stamp: str, pnode: int = 51288, lmp: Any = 30.5, **extra: Any) -> dict[str, Any]:
    item = {
        "datetime_beginning_utc": utc_stamp,
        "pnode_id": pnode,
        "system_energy_price_da": 30.0,
        "total_lmp_da": lmp,
        "congestion_price_da": 0.25,
        "marginal_loss_price_da": 0.25,
        "row_is_current": True,
        "version_nbr": 1,
    }
    item.update(extra)
    return item


# --- DM2 CSV exports (recorded samples) -----------------------------------------------------------


def test_da_csv_sample_first_last_and_counts() -> None:
    records = parse_prices(recorded(DA_SAMPLE))

    assert len(records) == 576
    first, last = records[0], records[-1]
    assert (first.node, first.start, first.end) == ("51217", utc(2025, 5, 1, 4), utc(2025, 5, 1, 5))
    assert (first.lmp, first.energy, first.congestion, first.loss) == (24.966949, 30.98, -6.094939, 0.081888)
    assert (last.node, last.start, last.end) == ("116013751", utc(2025, 5, 3, 3), utc(2025, 5, 3, 4))
    assert (last.lmp, last.energy, last.congestion, last.loss) == (33.037045, 37.58, -3.816818, -0.726137)

    nodes = by_node(records)
    assert sorted(nodes, key=int) == sorted(HUB_IDS, key=int)
    assert all(len(rows) == 48 for rows in nodes.values())
    western = nodes["51288"]
    assert (western[0].start, western[0].lmp, western[0].energy) == (utc(2025, 5, 1, 4), 25.504584, 30.98)
    assert (western[0].congestion, western[0].loss) == (-5.394061, -0.081355)
    assert (western[-1].start, western[-1].lmp, western[-1].energy) == (utc(2025, 5, 3, 3), 38.502183, 37.58)
    assert (western[-1].congestion, western[-1].loss) == (1.157185, -0.235002)


def test_rt_csv_sample_first_last_and_counts() -> None:
    records = parse_prices(recorded(RT_SAMPLE), "rt_hrl_lmps")

    assert len(records) == 576
    first, last = records[0], records[-1]
    assert (first.node, first.start) == ("51217", utc(2025, 5, 1, 4))
    assert (first.lmp, first.energy, first.congestion, first.loss) == (24.065135, 23.71, 0.147564, 0.206738)
    assert (last.node, last.start) == ("116013751", utc(2025, 5, 3, 3))
    assert (last.lmp, last.energy, last.congestion, last.loss) == (26.753106, 27.91, 0.017027, -1.172254)

    western = by_node(records)["51288"]
    assert len(western) == 48
    assert (western[0].lmp, western[0].energy, western[0].congestion, western[0].loss) == (
        24.784737,
        23.71,
        0.949912,
        0.123992,
    )
    assert (western[-1].lmp, western[-1].energy, western[-1].congestion, western[-1].loss) == (
        28.038627,
        27.91,
        0.043672,
        0.086622,
    )


@pytest.mark.parametrize(
    ("name", "feed_name", "tolerance"),
    [
        (DA_SAMPLE, "da_hrl_lmps", 1e-6),
        # real-time hourly values are averages of the 5-minute ones, each rounded on its own
        (RT_SAMPLE, "rt_hrl_lmps", 0.006),
    ],
)
def test_csv_samples_cover_every_hour_and_components_add_up(name: str, feed_name: str, tolerance: float) -> None:
    records = parse_prices(recorded(name), feed_name)

    # 12-hour clock stamps (12:00:00 AM, 1:00:00 PM, ...) -> 48 consecutive UTC hours.
    assert sorted({r.start for r in records}) == [utc(2025, 5, 1, 4) + timedelta(hours=h) for h in range(48)]
    # Columns located by name: the components PJM prints sum to its total LMP.
    assert all(abs(r.energy + r.congestion + r.loss - r.lmp) < tolerance for r in records)  # type: ignore[operator]


def test_feeds_registered_and_parse_either_wire_format() -> None:
    feeds = FEEDS
    assert list(feeds) == [
        "da_hrl_lmps",
        "rt_fivemin_hrl_lmps",
        "rt_hrl_lmps",
        "rt_unverified_fivemin_lmps",
        "rt_unverified_hrl_lmps",
        "pnode",
        "hrl_load_metered",
        "inst_load",
        "load_frcstd_7_day",
        "load_frcstd_hist",
        "gen_by_fuel",
        "da_reserve_market_results",
        "reserve_market_results",
        "da_marginal_value",
        "rt_marginal_value",
        "da_transconstraints",
        "hourly_solar_power_forecast",
        "hourly_wind_power_forecast",
        "solar_gen",
        "wind_gen",
        "ftr_bids_mnt",
        "ftr_bids_annual",
        "ftr_bids_long_term",
        "ftr_cong_lmp",
        "rpm-auctions-resource-clearing-price-summary",
        "PlanningQueueExport",
    ]
    assert all(f.iso is ISO.PJM for f in pjm.FEEDS)

    csv_records = feeds["da_hrl_lmps"].parse(recorded(DA_SAMPLE))
    json_records = feeds["da_hrl_lmps"].parse(b"  \n" + envelope([da_item("2025-05-01T04:00:00", lmp=12.5)]))
    rt_item = {k.replace("_da", "_rt"): v for k, v in da_item("2025-05-01T04:05:00").items()}
    five = feeds["rt_fivemin_hrl_lmps"].parse(envelope([rt_item]))
    assert len(csv_records) == 576
    assert [(r.node, r.start, r.lmp) for r in json_records] == [("51288", utc(2025, 5, 1, 4), 12.5)]
    assert [(r.start, r.end, r.lmp) for r in five] == [(utc(2025, 5, 1, 4, 5), utc(2025, 5, 1, 4, 10), 30.5)]
    with pytest.raises(UpstreamBadResponse, match="'total_lmp_rt'"):
        feeds["rt_hrl_lmps"].parse(envelope([da_item("2025-05-01T04:00:00")]))


# --- JSON envelope ---------------------------------------------------------------------------------


def test_json_fall_back_stamps_fractional_seconds_and_versions() -> None:
    items = [
        da_item("2025-11-02T05:00:00.123", datetime_beginning_ept="2025-11-02T01:00:00"),
        da_item("2025-11-02T06:00:00", datetime_beginning_ept="2025-11-02T01:00:00"),
        # a superseded row, then two current versions of one interval: the highest wins
        da_item("2025-11-02T07:00:00", lmp=99.0, row_is_current=False, version_nbr=3),
        da_item("2025-11-02T07:00:00", lmp=41.0, version_nbr=2),
        da_item("2025-11-02T07:00:00", lmp=40.0, version_nbr=1),
        da_item("2025-11-02T07:00:00", pnode=51217, congestion_price_da=None),
    ]
    records = parse_prices(envelope(items))

    western = by_node(records)["51288"]
    assert [r.start for r in western] == [utc(2025, 11, 2, 5), utc(2025, 11, 2, 6), utc(2025, 11, 2, 7)]
    assert western[2].lmp == 41.0
    eastern = by_node(records)["51217"]
    assert (eastern[0].congestion, eastern[0].energy) == (None, 30.0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", "HTML"),
        (b"", "empty body"),
        (b'{"errors": [{"field": "pnode_id", "message": "Invalid filter value"}]}', "Invalid filter value"),
        (b'{"statusCode": 401, "message": "Access denied"}', "no `items`/`totalRows`"),
        (b'{"items": [', "not valid JSON"),
        (envelope([{"datetime_beginning_utc": "2025-05-01T04:00:00", "pnode_id": 1}]), "'row_is_current'"),
        (envelope([da_item("2025-05-01T04:00:00", lmp="n/a")]), "total_lmp_da 'n/a' is not a number"),
        (envelope([da_item("2025-05-01T04:00:00", lmp=None)]), "total_lmp_da None is not a number"),
        (envelope([da_item("yesterday")]), "'yesterday' is not a Data Miner timestamp"),
        (
            b"datetime_beginning_utc,pnode_id,system_energy_price_da,row_is_current,version_nbr\n"
            b"5/1/2025 4:00:00 AM,51288,30.98,True,1\n",
            "lacks the columns total_lmp_da, congestion_price_da, marginal_loss_price_da",
        ),
        (
            b"datetime_beginning_utc,pnode_id,system_energy_price_da,total_lmp_da,congestion_price_da,"
            b"marginal_loss_price_da,row_is_current,version_nbr\n"
            b"5/1/2025 4:00:00 AM,51288,30.98,#N/A,1,1,True,1\n",
            "total_lmp_da '#N/A' is not a number",
        ),
        (
            b"datetime_beginning_utc,pnode_id,system_energy_price_da,total_lmp_da,congestion_price_da,"
            b"marginal_loss_price_da,row_is_current,version_nbr\n"
            b"5/1/2025 4:00:00 AM,51288,30.98,31.5,NaN,1,True,1\n",
            "congestion_price_da 'NaN' is not a number",
        ),
    ],
)
def test_bad_bodies_raise_upstream_bad_response(body: bytes, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match="PJM") as caught:
        parse_prices(body)
    assert message in str(caught.value)


def test_pnode_list_types_and_latest_definition() -> None:
    items = [
        ("51288", "WESTERN HUB OLD", "AGGREGATE", "HUB", "2017-09-08T00:00:00"),
        ("51288", "WESTERN HUB", "AGGREGATE", "HUB", "2019-06-01T00:00:00.000"),
        ("1", "PJM-RTO", "AGGREGATE", "ZONE", "2017-09-08T00:00:00"),
        ("48592", "ALDENE", "BUS", "LOAD", "2017-09-08T00:00:00"),
        ("5021703", "SOME UNIT", "BUS", "GEN", "2017-09-08T00:00:00"),
        ("2156111904", "SOUTH", "AGGREGATE", "INTERFACE", "2017-09-08T00:00:00"),
        ("2156119729", "AGG", "AGGREGATE", "AGGREGATE", "2017-09-08T00:00:00"),
        ("35010365", "LOUDOUN", "BUS", "EHV", "2017-09-08T00:00:00"),
    ]
    columns = ("pnode_id", "pnode_name", "pnode_type", "pnode_subtype", "effective_date")
    body = envelope([dict(zip(columns, row, strict=True)) for row in items])

    nodes = {n.code: n for n in feed("pnode")(body)}
    assert len(nodes) == 7
    assert nodes["51288"] == Node(ISO.PJM, "51288", "WESTERN HUB", NodeType.HUB)
    assert {code: n.type for code, n in nodes.items()} == {
        "1": NodeType.ZONE,
        "48592": NodeType.LOAD,
        "51288": NodeType.HUB,
        "5021703": NodeType.GENERATOR,
        "35010365": NodeType.OTHER,
        "2156111904": NodeType.INTERFACE,
        "2156119729": NodeType.AGGREGATE,
    }

    csv_body = (
        b"pnode_id,pnode_name,pnode_type,pnode_subtype,zone,voltage_level,effective_date,termination_date\r\n"
        b"1,PJM-RTO OLD,AGGREGATE,ZONE,,,9/8/2017 12:00:00 AM,12/31/9999 12:00:00 AM\r\n"
        b"1,PJM-RTO,AGGREGATE,ZONE,,,6/1/2020 12:00:00 AM,12/31/9999 12:00:00 AM\r\n"
    )
    assert feed("pnode")(csv_body) == [Node(ISO.PJM, "1", "PJM-RTO", NodeType.ZONE)]


# --- the adapter over a mock transport ---------------------------------------------------------------


class Recorder(Recording):
    """Records every request; answers from the sandbox, its clock at `now`, unless given a handler."""

    def __init__(self, handler: Any = None, now: datetime = NOW) -> None:
        self.sandbox = sandbox.transport(clock=lambda: now)
        super().__init__(handler or self.sandbox)

    async def from_sandbox(self, request: httpx.Request) -> httpx.Response:
        response = await self.sandbox.handle_async_request(request)
        await response.aread()
        return response

    def params(self, i: int = -1) -> dict[str, str]:
        return dict(self.requests[i].url.params)


def live(transport: httpx.AsyncBaseTransport, key: str = KEY, now: datetime = NOW, **settings: Any) -> FeedAdapter:
    settings.setdefault("retries", 1)
    config = Settings(pjm_api_key=Secret(key), **settings)
    return pjm.create(config, transport=transport, min_interval=0, clock=lambda: now)


def sandboxed(now: datetime | None = None) -> FeedAdapter:
    """As `adapters.registry.build` makes it in sandbox mode: the sandbox and a stand-in key."""
    settings = Settings(sandbox=True, retries=1)
    clock = None if now is None else (lambda: now)
    transport = gridql.adapters.sandbox.transport(ISO.PJM, settings, clock=clock)
    return pjm.create(gridql.adapters.sandbox.credentials(settings), transport, clock=clock, min_interval=0)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def request_stats() -> Iterator[stats.RequestStats]:
    current = stats.RequestStats()
    token = stats.current.set(current)
    yield current
    stats.current.reset(token)


async def test_request_is_built_like_data_miner_expects(recorder: Recorder) -> None:
    adapter = live(recorder)
    window = Window.days(date(2025, 5, 1), 1, NY)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288", "51217"], window)

    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == "GET"
    assert str(request.url.copy_with(query=None)) == "https://api.pjm.com/api/v1/da_hrl_lmps"
    assert request.headers["Ocp-Apim-Subscription-Key"] == KEY
    assert KEY not in str(request.url)
    params = recorder.params()
    assert params.pop("fields").split(",") == [
        "datetime_beginning_utc",
        "pnode_id",
        "row_is_current",
        "version_nbr",
        "total_lmp_da",
        "system_energy_price_da",
        "congestion_price_da",
        "marginal_loss_price_da",
    ]
    assert params == {
        "rowCount": "50000",
        "startRow": "1",
        "datetime_beginning_ept": "05/01/2025 00:00to05/01/2025 23:59",
        "pnode_id": "51217;51288",
        "row_is_current": "TRUE",
    }
    western = result["51288"]
    assert len(western) == 24 and len(result["51217"]) == 24
    energy, congestion, loss = price("51288", "DAY_AHEAD_HOURLY", utc(2025, 5, 1, 4), 0.0)
    assert (western[0].start, western[0].end) == (utc(2025, 5, 1, 4), utc(2025, 5, 1, 5))
    assert (western[0].energy, western[0].congestion, western[0].loss) == (energy, congestion, loss)
    assert western[0].lmp == round(energy + congestion + loss, 2)
    await adapter.aclose()


async def test_one_request_for_a_batch_and_cache_hit_on_repeat(
    recorder: Recorder, request_stats: stats.RequestStats
) -> None:
    adapter = live(recorder)
    window = Window.days(date(2025, 5, 1), 2, NY)

    first = await adapter.prices(MarketRun.REAL_TIME_HOURLY, HUB_IDS, window)
    assert len(recorder.requests) == 1
    assert recorder.params()["pnode_id"].split(";") == sorted(HUB_IDS, key=int)
    assert all(len(first[code]) == 48 for code in HUB_IDS)

    again = await adapter.prices(MarketRun.REAL_TIME_HOURLY, HUB_IDS, window)
    # the same operating days, so the same request: the cache holds whole days
    part = await adapter.prices(MarketRun.REAL_TIME_HOURLY, HUB_IDS, Window(utc(2025, 5, 1, 12), utc(2025, 5, 2, 15)))
    assert len(recorder.requests) == 1
    assert again == first
    assert [r.start for r in part["51288"]] == [utc(2025, 5, 1, 12) + timedelta(hours=h) for h in range(27)]
    iso_stats = request_stats.of(ISO.PJM)
    assert (iso_stats.upstream_requests, iso_stats.cache_hits) == (1, 2)
    await adapter.aclose()


async def test_many_ids_split_only_at_the_filter_limit(recorder: Recorder) -> None:
    adapter = live(recorder)
    codes = [*HUB_IDS, *(str(900_000 + i) for i in range(250))]

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, codes, Window.days(date(2025, 5, 1), 1, NY))

    assert len(recorder.requests) == 2
    sent = [r.url.params["pnode_id"].split(";") for r in recorder.requests]
    assert sorted(len(ids) for ids in sent) == [62, 200]
    assert sorted(sent[0] + sent[1], key=int) == sorted(codes, key=int)
    assert all(len(result[code]) == 24 for code in HUB_IDS)
    assert result["900000"] == []
    await adapter.aclose()


async def test_codes_that_cannot_be_pnode_ids_are_not_sent(recorder: Recorder) -> None:
    adapter = live(recorder)

    result = await adapter.prices(
        MarketRun.DAY_AHEAD_HOURLY, ["51288", "WESTERN HUB", "51288;1"], Window.days(date(2025, 5, 1), 1, NY)
    )

    assert recorder.params()["pnode_id"] == "51288"
    assert (len(result["51288"]), result["WESTERN HUB"], result["51288;1"]) == (24, [], [])
    assert await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["x"], Window.days(date(2025, 5, 1), 1, NY)) == {"x": []}
    assert len(recorder.requests) == 1
    await adapter.aclose()


async def test_window_is_half_open_in_utc(recorder: Recorder) -> None:
    adapter = live(recorder)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window(utc(2025, 5, 1, 5), utc(2025, 5, 1, 7)))

    assert [(r.start, r.end) for r in result["51288"]] == [
        (utc(2025, 5, 1, 5), utc(2025, 5, 1, 6)),
        (utc(2025, 5, 1, 6), utc(2025, 5, 1, 7)),
    ]
    assert recorder.params()["datetime_beginning_ept"] == "05/01/2025 00:00to05/01/2025 23:59"
    await adapter.aclose()


async def test_paging_follows_next_links_to_the_end(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pjm_feeds, "ROW_COUNT", 7)
    adapter = live(recorder, request_deadline=600)  # seven pages are 70 s at PJM's pace

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288", "51217"], Window.days(date(2025, 5, 1), 1, NY))

    assert len(recorder.requests) == 7  # 48 rows, 7 per page
    assert recorder.params(0)["startRow"] == "1"
    assert [r.url.params["StartRow"] for r in recorder.requests[1:]] == ["8", "15", "22", "29", "36", "43"]
    assert all(r.headers["Ocp-Apim-Subscription-Key"] == KEY for r in recorder.requests)
    assert [len(result[c]) for c in ("51288", "51217")] == [24, 24]
    starts = [r.start for r in result["51288"]]
    assert starts == sorted(set(starts))
    await adapter.aclose()


async def test_paging_without_links_counts_pages_from_total_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pjm_feeds, "ROW_COUNT", 20)

    recorder = Recorder()

    async def no_links(request: httpx.Request) -> httpx.Response:
        doc = orjson.loads((await recorder.from_sandbox(request)).content)
        doc["links"] = []
        return httpx.Response(200, content=orjson.dumps(doc))

    recorder.handler = no_links
    adapter = live(recorder)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288", "51217"], Window.days(date(2025, 5, 1), 1, NY))

    assert [r.url.params["startRow"] for r in recorder.requests] == ["1", "21", "41"]
    assert [len(result[c]) for c in ("51288", "51217")] == [24, 24]
    await adapter.aclose()


async def test_short_paging_is_a_bad_response_and_not_cached() -> None:
    async def short(request: httpx.Request) -> httpx.Response:
        first = request.url.params["startRow"] == "1"
        return httpx.Response(200, content=envelope([da_item("2025-05-01T04:00:00")] if first else [], total=5))

    recorder = Recorder(short)
    adapter = live(recorder)
    window = Window.days(date(2025, 5, 1), 1, NY)

    with pytest.raises(UpstreamBadResponse, match="paging stopped after 1 of 5 rows"):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], window)
    with pytest.raises(UpstreamBadResponse):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], window)
    assert len(recorder.requests) == 4
    await adapter.aclose()


async def test_next_link_to_another_host_is_not_followed() -> None:
    async def foreign(request: httpx.Request) -> httpx.Response:
        links = [{"rel": "next", "href": "https://evil.example/api/v1/da_hrl_lmps?StartRow=2"}]
        return httpx.Response(200, content=envelope([da_item("2025-05-01T04:00:00")], total=2, links=links))

    recorder = Recorder(foreign)
    adapter = live(recorder)

    with pytest.raises(UpstreamBadResponse, match=r"another host: evil\.example"):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))
    assert [r.url.host for r in recorder.requests] == ["api.pjm.com"]
    await adapter.aclose()


@pytest.mark.parametrize(
    ("response", "error", "message", "requests"),
    [
        (httpx.Response(500, text="oops"), UpstreamUnavailable, "answered HTTP 500", 2),
        (
            httpx.Response(401, json={"statusCode": 401, "message": "Access denied"}),
            CredentialsRejected,
            "rejected the subscription key (HTTP 401)",
            1,
        ),
        (
            httpx.Response(403, json={"statusCode": 403, "message": "Out of call volume quota"}),
            CredentialsRejected,
            "rejected the subscription key (HTTP 403)",
            1,
        ),
        (
            httpx.Response(429, json={"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}),
            UpstreamThrottled,
            "throttled (HTTP 429)",
            2,
        ),
        (httpx.Response(200, text="<html>maintenance</html>"), UpstreamBadResponse, "HTML", 1),
        (
            httpx.Response(200, json={"errors": [{"message": "Invalid filter"}]}),
            UpstreamBadResponse,
            "Invalid filter",
            1,
        ),
        # PJM's error text is quoted in messages, the key scrubbed where it echoes it
        (
            httpx.Response(200, json={"errors": [{"message": f"Bad key {KEY}"}]}),
            UpstreamBadResponse,
            "Bad key [redacted]",
            1,
        ),
    ],
)
async def test_failures_have_their_code_never_show_the_key_and_only_outages_are_retried(
    response: httpx.Response,
    error: type[UpstreamError],
    message: str,
    requests: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fail(request: httpx.Request) -> httpx.Response:
        return response

    recorder = Recorder(fail)
    adapter = live(recorder)
    adapter.upstreams[0].retry = RetryPolicy(attempts=2, backoff=0.0)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(error) as caught:
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))

    assert type(caught.value) is error and caught.value.code == error.code
    assert message in str(caught.value)
    assert KEY not in str(caught.value) and KEY not in caplog.text
    # a rejected key or a bad answer is not asked again; an outage or throttling is
    assert len(recorder.requests) == requests
    await adapter.aclose()


async def test_throttled_request_is_retried(recorder: Recorder) -> None:
    async def throttle_once(request: httpx.Request) -> httpx.Response:
        if len(recorder.requests) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"})
        return await recorder.from_sandbox(request)

    recorder.handler = throttle_once
    adapter = live(recorder, retries=2)
    adapter.upstreams[0].retry = RetryPolicy(attempts=2, backoff=0.0)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))

    assert len(recorder.requests) == 2
    assert len(result["51288"]) == 24
    await adapter.aclose()


async def test_live_mode_without_a_key_fails_at_request_time(recorder: Recorder) -> None:
    adapter = live(recorder, key="")

    with pytest.raises(CredentialsMissing, match="GRIDQL_PJM_API_KEY is not set") as caught:
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))
    assert caught.value.code == "UPSTREAM_KEY_MISSING"
    with pytest.raises(CredentialsMissing, match="GRIDQL_PJM_API_KEY is not set"):
        await adapter.nodes()
    with pytest.raises(CredentialsMissing):
        await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, Window.days(date(2025, 5, 1), 1, NY)))
    assert recorder.requests == []
    await adapter.aclose()


@pytest.mark.parametrize(("key", "sent"), [("", "sandbox-pjm-key"), (KEY, KEY)])
async def test_sandbox_gets_a_stand_in_key_but_sends_a_configured_one(recorder: Recorder, key: str, sent: str) -> None:
    settings = gridql.adapters.sandbox.credentials(Settings(sandbox=True, retries=1, pjm_api_key=Secret(key)))
    adapter = pjm.create(settings, recorder, clock=lambda: NOW, min_interval=0)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))

    assert len(result["51288"]) == 24
    assert recorder.requests[0].headers.get("Ocp-Apim-Subscription-Key") == sent
    await adapter.aclose()


async def test_unsupported_run_names_what_pjm_publishes(recorder: Recorder) -> None:
    adapter = live(recorder)

    with pytest.raises(UnsupportedRun) as caught:
        await adapter.prices(MarketRun.REAL_TIME_15_MIN, ["51288"], Window.days(date(2025, 5, 1), 1, NY))

    assert str(caught.value) == (
        "PJM does not publish REAL_TIME_15_MIN; it publishes DAY_AHEAD_HOURLY, REAL_TIME_5_MIN, REAL_TIME_HOURLY"
    )
    assert recorder.requests == []
    await adapter.aclose()


async def test_requests_do_not_cross_a_year_boundary() -> None:
    recorder = Recorder(now=utc(2026, 1, 10))
    adapter = live(recorder, now=utc(2026, 1, 10))

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 12, 31), 2, NY))

    assert sorted(r.url.params["datetime_beginning_ept"] for r in recorder.requests) == [
        "01/01/2026 00:00to01/01/2026 23:59",
        "12/31/2025 00:00to12/31/2025 23:59",
    ]
    starts = [r.start for r in result["51288"]]
    assert len(starts) == 48 and starts[0] == utc(2025, 12, 31, 5) and starts[-1] == utc(2026, 1, 2, 4)
    await adapter.aclose()


async def test_archived_days_are_fetched_unfiltered_and_filtered_here(recorder: Recorder) -> None:
    adapter = live(recorder)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288", "51217"], Window.days(date(2015, 3, 8), 1, NY))

    params = recorder.params()
    assert "pnode_id" not in params and "fields" not in params
    assert params["datetime_beginning_ept"] == "03/08/2015 00:00to03/08/2015 23:59"
    assert set(result) == {"51288", "51217"}
    assert [len(result["51288"]), len(result["51217"])] == [23, 23]  # 2015-03-08 sprang forward
    await adapter.aclose()


async def test_window_across_the_archive_boundary_splits_there(recorder: Recorder) -> None:
    adapter = live(recorder)
    cutoff = (NOW.astimezone(NY) - timedelta(days=731)).date()

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(cutoff - timedelta(days=1), 2, NY))

    requests = sorted(recorder.requests, key=lambda r: r.url.params["datetime_beginning_ept"])
    assert [("pnode_id" in r.url.params, r.url.params.get("type")) for r in requests] == [(False, "HUB"), (True, None)]
    assert len(result["51288"]) == 2 * 24
    await adapter.aclose()


# --- through the sandbox ----------------------------------------------------------------------------


async def test_sandbox_node_list(recorder: Recorder) -> None:
    adapter = live(recorder, sandbox=True)

    nodes = await adapter.nodes()
    again = await adapter.nodes()

    assert again == nodes and len(recorder.requests) == 1
    params = recorder.params()
    assert str(recorder.requests[0].url.copy_with(query=None)) == "https://api.pjm.com/api/v1/pnode"
    assert params["termination_date"] == "12/31/9999exact"
    assert params["fields"] == "pnode_id,pnode_name,pnode_type,pnode_subtype,effective_date"
    assert len(nodes) >= 50
    by_code = {n.code: n for n in nodes}
    assert by_code["51288"] == Node(ISO.PJM, "51288", "WESTERN HUB", NodeType.HUB)
    assert by_code["34964545"] == Node(ISO.PJM, "34964545", "DOM", NodeType.ZONE)
    hubs = {n.code for n in nodes if n.type is NodeType.HUB}
    assert hubs == set(HUB_IDS)
    zones = {n.name for n in nodes if n.type is NodeType.ZONE}
    assert {"AECO", "BGE", "DPL", "JCPL", "METED", "PECO", "PENELEC", "PEPCO", "PPL", "PSEG", "RECO"} <= zones
    assert {"AEP", "APS", "ATSI", "COMED", "DAY", "DEOK", "DOM", "DUQ", "EKPC", "OVEC"} <= zones
    assert {NodeType.GENERATOR, NodeType.LOAD, NodeType.AGGREGATE, NodeType.INTERFACE} <= {n.type for n in nodes}
    await adapter.aclose()


async def test_fixed_nodes_are_the_hubs_and_zones_of_the_node_list(recorder: Recorder) -> None:
    adapter = live(recorder)
    fixed = {n.code: n for n in adapter.fixed_nodes}
    assert recorder.requests == []

    listed = {n.code: n for n in await adapter.nodes()}

    assert {code for code, n in fixed.items() if n.type is NodeType.HUB} == set(HUB_IDS)
    assert len(fixed) == 12 + 23
    assert fixed["51288"] == Node(ISO.PJM, "51288", "WESTERN HUB", NodeType.HUB)
    assert fixed["1"] == Node(ISO.PJM, "1", "PJM-RTO", NodeType.ZONE)
    assert all(listed[code] == node for code, node in fixed.items())
    await adapter.aclose()


async def test_sandbox_names_match_the_recorded_export() -> None:
    exported = {}
    for line in recorded(DA_SAMPLE).decode().splitlines()[1:13]:
        fields = line.split(",")
        exported[fields[2]] = fields[3]
    adapter = sandboxed()

    nodes = {n.code: n.name for n in await adapter.nodes()}

    assert {code: nodes[code] for code in exported} == exported
    await adapter.aclose()


async def test_sandbox_answers_like_data_miner() -> None:
    headers = {"Ocp-Apim-Subscription-Key": "any"}
    async with httpx.AsyncClient(transport=sandbox.transport(clock=lambda: NOW), headers=headers) as http:
        keyless = await http.get(
            "https://api.pjm.com/api/v1/gen_by_fuel",
            params={"datetime_beginning_ept": "05/01/2025 00:00to05/01/2025 23:59"},
            headers={"Ocp-Apim-Subscription-Key": ""},
        )
        missing = await http.get("https://api.pjm.com/api/v1/no_such_feed")
        archived = await http.get(
            "https://api.pjm.com/api/v1/da_hrl_lmps",
            params={"datetime_beginning_ept": "03/08/2015 00:00to03/08/2015 23:59", "pnode_id": "51288"},
        )
        unknown_field = await http.get(
            "https://api.pjm.com/api/v1/da_hrl_lmps",
            params={"datetime_beginning_ept": "05/01/2025 00:00to05/01/2025 23:59", "fields": "total_lmp_rt"},
        )
        page = await http.get(
            "https://api.pjm.com/api/v1/rt_hrl_lmps",
            params={
                "rowCount": 2,
                "startRow": 1,
                "datetime_beginning_ept": "05/01/2025 00:00to05/01/2025 23:59",
                "pnode_id": "51288;51217",
            },
        )
        repeat = await http.get(page.request.url)

    assert keyless.status_code == 401
    assert (missing.status_code, missing.json()) == (
        404,
        {"statusCode": 404, "message": "Resource not found"},
    )
    assert archived.status_code == 400 and "archived" in archived.json()["errors"][0]["message"]
    assert unknown_field.status_code == 400
    doc = page.json()
    assert doc["totalRows"] == 48 and len(doc["items"]) == 2
    assert doc["items"][0] == {
        "datetime_beginning_utc": "2025-05-01T04:00:00",
        "datetime_beginning_ept": "2025-05-01T00:00:00",
        "pnode_id": 51217,
        "pnode_name": "EASTERN HUB",
        "voltage": None,
        "equipment": None,
        "type": "HUB",
        "zone": None,
        "system_energy_price_rt": doc["items"][0]["system_energy_price_rt"],
        "total_lmp_rt": doc["items"][0]["total_lmp_rt"],
        "congestion_price_rt": doc["items"][0]["congestion_price_rt"],
        "marginal_loss_price_rt": doc["items"][0]["marginal_loss_price_rt"],
        "row_is_current": True,
        "version_nbr": 1,
    }
    assert [link["rel"] for link in doc["links"]] == ["self", "next", "metadata"]
    assert repeat.content == page.content


async def test_create_uses_the_sandbox_only_when_asked() -> None:
    assert pjm.MARKET.iso is ISO.PJM and pjm.MARKET.timezone == "America/New_York"
    assert pjm.MARKET.runs == (
        MarketRun.DAY_AHEAD_HOURLY,
        MarketRun.REAL_TIME_5_MIN,
        MarketRun.REAL_TIME_HOURLY,
    )
    in_sandbox = sandboxed()
    upstream, planning = in_sandbox.upstreams
    assert (upstream.name, planning.name) == ("dataminer", "planning")
    assert isinstance(upstream.client._transport, httpx.MockTransport)
    assert upstream.limiter.interval == 0.0  # no ISO to protect
    real = pjm.create(Settings(sandbox=True))
    upstream, _ = real.upstreams
    assert not isinstance(upstream.client._transport, httpx.MockTransport)
    real = pjm.create(Settings())
    upstream, _ = real.upstreams
    assert not isinstance(upstream.client._transport, httpx.MockTransport)
    assert upstream.limiter.interval == pjm_feeds.SPACING == 10.0  # 6 requests a minute
    await in_sandbox.aclose()
    await real.aclose()


def test_a_live_adapter_never_imports_the_sandbox() -> None:
    script = (
        "import sys\n"
        "from gridql.adapters import pjm\n"
        "from gridql.adapters.config import Settings\n"
        "pjm.create(Settings())\n"
        "assert not [m for m in sys.modules if m.startswith('gridql.adapters.sandbox')], sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO)


def test_feed_names_are_spelled_only_in_the_feed_declarations() -> None:
    for path in (REPO / "adapters" / "pjm").glob("*.py"):
        if path.name != "feeds.py":
            text = path.read_text()
            assert not [name for name in FEEDS if f'"{name}"' in text], path


# --- market-wide feeds: recorded samples --------------------------------------------------------------


def sample(name: str) -> bytes:
    return recorded(f"pjm/{name}")


def test_da_marginal_value_fall_back_sample() -> None:
    records = feed("da_marginal_value")(sample("gridstatus_da_marginal_value_2023-11-05_2023-11-07.json"))

    assert len(records) == 387
    assert records[0] == ConstraintRecord(
        "CHESWICK138 KV  CHE-LF53 / 138.Cheswick-Logans Ferry.Z-52", utc(2023, 11, 5, 4), utc(2023, 11, 5, 5), -14.01
    )
    assert records[-1] == ConstraintRecord(
        "Turkey Hill-Hilgard 138 kV l/o Prairie State-Mt Vernon 345 kV / Prairie State-W Mt. Vernon 345",
        utc(2023, 11, 7, 5),
        utc(2023, 11, 7, 6),
        -58.78,
    )
    # 2023-11-05 fell back: 25 hours, the filter's inclusive end adds 11/07 00:00 EPT
    assert len({r.start for r in records}) == 25 + 24 + 1
    # both passes through 01:00 EPT, distinct UTC hours with their own prices
    cheswick = {r.start: r.shadow_price for r in records if r.name.startswith("CHESWICK")}
    assert (cheswick[utc(2023, 11, 5, 5)], cheswick[utc(2023, 11, 5, 6)]) == (-0.45, -10.87)
    assert all(r.end - r.start == timedelta(hours=1) for r in records)


def test_da_marginal_value_sample_keeps_contingencies_apart() -> None:
    records = feed("da_marginal_value")(sample("gridstatus_da_marginal_value_2024-09-02_2024-09-04.json"))

    assert len(records) == 210
    assert (records[0].name, records[0].start, records[0].shadow_price) == (
        "BERGEN  230 KV  BER-HUD / ACTUAL",
        utc(2024, 9, 2, 4),
        -1.4,
    )
    assert (records[-1].name, records[-1].start, records[-1].shadow_price) == (
        "SAYRECON230 KV  SAY-SAY / ACTUAL",
        utc(2024, 9, 4, 4),
        -0.26,
    )
    larrabee = sorted(
        (r.name, r.shadow_price) for r in records if r.start == utc(2024, 9, 3, 19) and "LARRABEE" in r.name
    )
    assert larrabee == [
        ("LARRABEE230 KV  LAR-SMID / ACTUAL", -0.72),
        ("LARRABEE230 KV  LAR-SMID / L230.Cedar-OysterCreek", -8.61),
    ]


def test_da_transconstraints_sample() -> None:
    events = feed("da_transconstraints")(sample("gridstatus_da_transconstraints_2023-11-05_2023-11-07.json"))

    assert len(events) == 82
    first, last = events[0], events[-1]
    assert (first.name, first.contingency, first.start, first.end, first.hours) == (
        "23 COLLI345 KV  TR92CT-S",
        "L765.Collins - Plano.2315",
        utc(2023, 11, 5, 11),
        utc(2023, 11, 5, 22),
        11,
    )
    assert (last.start, last.end, last.hours) == (utc(2023, 11, 7, 5), utc(2023, 11, 7, 15), 10)
    # UTC columns: an event's duration is its length in hours, across the fall-back hour too
    assert all(e.end - e.start == timedelta(hours=e.hours) for e in events)
    assert sum(e.hours for e in events) == 433


def test_hourly_solar_forecast_sample_vintages() -> None:
    records = feed("hourly_solar_power_forecast")(sample("gridstatus_hourly_solar_power_forecast_response.json"))

    assert len(records) == 2 * 1152  # grid and behind-the-meter per row
    assert {r.model for r in records} == {"solar_forecast_mwh", "solar_forecast_btm_mwh"}
    assert all(r.source == "SOLAR" and r.area is None and r.forecast for r in records)
    assert len({r.published_at for r in records}) == 24
    assert (records[0].start, records[0].published_at) == (utc(2024, 10, 1, 4), utc(2024, 10, 1, 4))
    assert (records[-1].start, records[-1].end, records[-1].published_at) == (
        utc(2024, 10, 4, 2),
        utc(2024, 10, 4, 3),
        utc(2024, 10, 2, 3),
    )
    peak = max(records, key=lambda r: r.mw)
    assert (peak.start, peak.mw, peak.published_at) == (utc(2024, 10, 3, 18), 7591.552, utc(2024, 10, 2, 1))

    noon = utc(2024, 10, 2, 17)
    latest = {r.model: r for r in latest_vintages(records, None) if r.start == noon}
    assert (latest["solar_forecast_mwh"].mw, latest["solar_forecast_mwh"].published_at) == (
        5487.161,
        utc(2024, 10, 2, 3),
    )
    assert latest["solar_forecast_btm_mwh"].mw == 2142.715
    earlier = {r.model: r for r in latest_vintages(records, utc(2024, 10, 1, 12)) if r.start == noon}
    assert (earlier["solar_forecast_mwh"].mw, earlier["solar_forecast_mwh"].published_at) == (
        6205.485,
        utc(2024, 10, 1, 11),
    )
    assert len(latest_vintages(records, None)) == 2 * 71


def test_table_feeds_read_csv_exports_and_reject_bad_rows() -> None:
    csv_body = (
        b"datetime_beginning_utc,datetime_beginning_ept,fuel_type,mw,is_renewable\r\n"
        b"11/2/2025 5:00:00 AM,11/2/2025 1:00:00 AM,Gas,41000.5,False\r\n"
        b"11/2/2025 6:00:00 AM,11/2/2025 1:00:00 AM,Gas,40000,False\r\n"
    )
    assert feed("gen_by_fuel")(csv_body) == [
        FuelMixRecord("Gas", utc(2025, 11, 2, 5), utc(2025, 11, 2, 6), 41000.5),
        FuelMixRecord("Gas", utc(2025, 11, 2, 6), utc(2025, 11, 2, 7), 40000.0),
    ]
    with pytest.raises(UpstreamBadResponse, match="'fuel_type'"):
        feed("gen_by_fuel")(envelope([{"datetime_beginning_utc": "2025-11-02T05:00:00", "mw": 1.0}]))
    with pytest.raises(UpstreamBadResponse, match="mw 'n/a' is not a number"):
        feed("gen_by_fuel")(
            envelope([{"datetime_beginning_utc": "2025-11-02T05:00:00", "fuel_type": "Gas", "mw": "n/a"}])
        )
    with pytest.raises(UpstreamBadResponse, match="shadow_price None is not a number"):
        feed("rt_marginal_value")(
            envelope(
                [
                    {
                        "datetime_beginning_utc": "2025-11-02T05:00:00",
                        "datetime_ending_utc": "2025-11-02T05:05:00",
                        "monitored_facility": "X",
                        "contingency_facility": "ACTUAL",
                        "shadow_price": None,
                    }
                ]
            )
        )


def test_instantaneous_load_readings_snap_to_the_minute() -> None:
    items = [
        {"datetime_beginning_utc": "2025-07-01T16:00:07", "area": "PJM RTO", "instantaneous_load": 140000.5},
        {"datetime_beginning_utc": "2025-07-01T16:04:58.5", "area": "PJM RTO", "instantaneous_load": 140100},
    ]
    assert feed("inst_load")(envelope(items)) == [
        LoadRecord("PJM RTO", utc(2025, 7, 1, 16), utc(2025, 7, 1, 16, 5), 140000.5),
        LoadRecord("PJM RTO", utc(2025, 7, 1, 16, 5), utc(2025, 7, 1, 16, 10), 140100.0),
    ]


def test_real_time_reserves_carry_regulation_components_and_hourly_history() -> None:
    def item(stamp: str, service: str, ccp: Any = None, pcp: Any = None) -> dict[str, Any]:
        return {
            "datetime_beginning_utc": stamp,
            "locale": "PJM_RTO",
            "service": service,
            "mcp": 10.0,
            "reg_ccp": ccp,
            "reg_pcp": pcp,
        }

    records = feed("reserve_market_results")(
        envelope([item("2022-08-31T04:00:00", "SR"), item("2025-07-01T16:00:00", "REG", 8.0, 2.0)])
    )
    assert records == [
        AncillaryPriceRecord("SR", "PJM_RTO", utc(2022, 8, 31, 4), utc(2022, 8, 31, 5), 10.0),
        AncillaryPriceRecord("REG", "PJM_RTO", utc(2025, 7, 1, 16), utc(2025, 7, 1, 16, 5), 10.0),
        AncillaryPriceRecord("REG_CCP", "PJM_RTO", utc(2025, 7, 1, 16), utc(2025, 7, 1, 16, 5), 8.0),
        AncillaryPriceRecord("REG_PCP", "PJM_RTO", utc(2025, 7, 1, 16), utc(2025, 7, 1, 16, 5), 2.0),
    ]


# --- market-wide feeds: requests, paging, caching, failures --------------------------------------------


SERIES_REQUESTS = [
    (DatasetKind.LOAD, None, ["hrl_load_metered", "inst_load"]),
    (DatasetKind.LOAD_FORECAST, None, ["load_frcstd_7_day"]),
    (DatasetKind.FUEL_MIX, None, ["gen_by_fuel"]),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.DAY_AHEAD_HOURLY, ["da_reserve_market_results"]),
    (DatasetKind.ANCILLARY_PRICES, MarketRun.REAL_TIME_5_MIN, ["reserve_market_results"]),
    (DatasetKind.CONSTRAINTS, MarketRun.DAY_AHEAD_HOURLY, ["da_marginal_value"]),
    (DatasetKind.CONSTRAINTS, MarketRun.REAL_TIME_5_MIN, ["rt_marginal_value"]),
    (
        DatasetKind.RENEWABLES,
        None,
        ["hourly_solar_power_forecast", "hourly_wind_power_forecast", "solar_gen", "wind_gen"],
    ),
]


@pytest.mark.parametrize(("kind", "run", "names"), SERIES_REQUESTS)
async def test_one_request_per_feed_for_a_week_then_cached(
    recorder: Recorder, kind: DatasetKind, run: MarketRun | None, names: list[str]
) -> None:
    adapter = live(recorder)
    # the week before NOW: everything in it is published, forecasts included
    window = Window.days(date(2025, 11, 24), 7, NY)
    if kind is DatasetKind.LOAD_FORECAST:
        window = Window.days(date(2025, 12, 1), 7, NY)

    records = await adapter.series(SeriesRequest(kind, window, run))
    again = await adapter.series(SeriesRequest(kind, window, run, published_before=NOW - timedelta(hours=3)))

    sent = sorted(recorder.requests, key=lambda r: r.url.path)
    assert [r.url.path.removeprefix("/api/v1/") for r in sent] == sorted(names)
    for request in sent:
        table = FEEDS[request.url.path.removeprefix("/api/v1/")].query
        assert request.headers["Ocp-Apim-Subscription-Key"] == KEY
        first, last = (window.start.astimezone(NY).date(), (window.end - timedelta(seconds=1)).astimezone(NY).date())
        start = datetime(first.year, first.month, first.day) - table.early - table.lookback
        assert dict(request.url.params) == {
            "rowCount": "50000",
            "startRow": "1",
            "fields": ",".join(table.fields),
            table.date_filter: f"{start:%m/%d/%Y %H:%M}to{last:%m/%d/%Y} 23:59",
        }
    assert records and all(window.start <= r.start < window.end for r in records)
    keys = [
        (r.start, *(getattr(r, f, None) for f in ("area", "fuel", "product", "name", "source", "model")), r.end)
        for r in records
    ]
    assert len(keys) == len(set(keys))  # no duplicates
    assert [r.start for r in records] == sorted(r.start for r in records)
    assert again  # served from the cache: an earlier vintage needs no new request
    assert len(recorder.requests) == len(names)
    await adapter.aclose()


async def test_forecasts_serve_the_latest_vintage_before_the_cut_off(recorder: Recorder) -> None:
    adapter = live(recorder)
    window = Window.days(date(2025, 12, 2), 1, NY)

    latest = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window))
    cut = datetime(2025, 11, 30, 17, 45, tzinfo=NY).astimezone(UTC)  # that vintage itself is excluded
    earlier = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window, published_before=cut))

    assert len(recorder.requests) == 1
    assert len(latest) == len(earlier) == 24 * 25  # one per (forecast area, hour)
    assert {r.published_at for r in latest} == {datetime(2025, 12, 1, 5, 45, tzinfo=NY).astimezone(UTC)}
    assert {r.published_at for r in earlier} == {datetime(2025, 11, 30, 5, 45, tzinfo=NY).astimezone(UTC)}
    rto = [r for r in latest if r.area == "RTO_COMBINED"]
    assert [r.start for r in rto] == [utc(2025, 12, 2, 5) + timedelta(hours=h) for h in range(24)]
    assert all(isinstance(r, LoadForecastRecord) and 60_000 < r.mw < 160_000 for r in rto)

    cut = utc(2025, 12, 1, 12)
    renewables = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, window, published_before=cut))
    forecasts = [r for r in renewables if r.forecast]
    # hourly vintages, each 48 hours ahead: the 11:00 UTC one, per (source, model, hour)
    assert {r.published_at for r in forecasts} == {utc(2025, 12, 1, 11)}
    assert len(forecasts) == 24 * 3
    assert not [r for r in renewables if not r.forecast]  # actual output for tomorrow is not published
    await adapter.aclose()


async def test_series_windows_split_at_the_year_and_page_to_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pjm_feeds, "ROW_COUNT", 100)
    recorder = Recorder(now=utc(2026, 1, 10))
    adapter = live(recorder)

    records = await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, Window.days(date(2025, 12, 31), 2, NY)))

    filters = {r.url.params["datetime_beginning_ept"] for r in recorder.requests}
    assert sorted(filters) == [
        "01/01/2026 00:00to01/01/2026 23:59",
        "12/31/2025 00:00to12/31/2025 23:59",
    ]
    # 24 hours x 11 fuels = 264 rows a day: three pages each, the next ones from the `next` links
    assert len(recorder.requests) == 6
    assert sorted(r.url.params.get("StartRow", "1") for r in recorder.requests) == [
        "1",
        "1",
        "101",
        "101",
        "201",
        "201",
    ]
    assert len(records) == 48 * 11
    assert [r.start for r in records[::11]] == [utc(2025, 12, 31, 5) + timedelta(hours=h) for h in range(48)]
    await adapter.aclose()


async def test_series_bad_body_is_an_error_and_not_cached() -> None:
    async def renamed(request: httpx.Request) -> httpx.Response:
        item = {"datetime_beginning_utc": "2025-07-01T04:00:00", "fuel": "Gas", "mw": 1.0}
        return httpx.Response(200, content=envelope([item]))

    recorder = Recorder(renamed)
    adapter = live(recorder)
    request = SeriesRequest(DatasetKind.FUEL_MIX, Window.days(date(2025, 7, 1), 1, NY))

    for _ in range(2):
        with pytest.raises(UpstreamBadResponse, match="gen_by_fuel rows lack the column 'fuel_type'"):
            await adapter.series(request)
    assert len(recorder.requests) == 2
    await adapter.aclose()


async def test_an_empty_result_is_an_empty_list(recorder: Recorder) -> None:
    async def nothing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=envelope([], total=0))

    recorder.handler = nothing
    adapter = live(recorder)
    window = Window.days(date(2025, 7, 1), 1, NY)

    assert await adapter.series(SeriesRequest(DatasetKind.CONSTRAINTS, window, MarketRun.REAL_TIME_5_MIN)) == []
    assert await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["51288"], window) == {"51288": []}
    await adapter.aclose()


async def test_unserved_datasets_and_runs(recorder: Recorder) -> None:
    adapter = live(recorder)
    window = Window.days(date(2025, 7, 1), 1, NY)

    served = {kind for kind, _, _ in SERIES_REQUESTS} | {DatasetKind.TRANSMISSION_RIGHTS}
    documents = {DatasetKind.FTR_CONGESTION_PRICES, DatasetKind.CAPACITY_PRICES}
    assert {d.kind for d in adapter.datasets} == served | documents
    assert {d.kind: d.runs for d in adapter.datasets}[DatasetKind.CONSTRAINTS] == (
        MarketRun.DAY_AHEAD_HOURLY,
        MarketRun.REAL_TIME_5_MIN,
    )
    with pytest.raises(UnsupportedDataset, match="interfaceFlows"):
        await adapter.series(SeriesRequest(DatasetKind.INTERFACE_FLOWS, window))
    with pytest.raises(UnsupportedDataset, match="constraints for REAL_TIME_HOURLY"):
        await adapter.series(SeriesRequest(DatasetKind.CONSTRAINTS, window, MarketRun.REAL_TIME_HOURLY))
    assert recorder.requests == []
    await adapter.aclose()


async def test_fifty_nodes_for_a_week_of_five_minute_prices_take_three_requests(
    recorder: Recorder, request_stats: stats.RequestStats
) -> None:
    adapter = live(recorder)
    codes = [str(p.id) for p in PNODES][:50]
    window = Window.days(date(2025, 11, 10), 7, NY)  # verified by now: no unverified fallback

    result = await adapter.prices(MarketRun.REAL_TIME_5_MIN, codes, window)

    # 50 x 2016 = 100,800 rows; Data Miner pages at 50,000 rows: ceil(100800 / 50000) = 3
    assert request_stats.of(ISO.PJM).upstream_requests == len(recorder.requests) == 3
    assert len({r.url.params.get("pnode_id") for r in recorder.requests[:1]}) == 1
    assert recorder.params(0)["pnode_id"].count(";") == 49
    assert all(len(result[code]) == 2016 for code in codes)
    await adapter.aclose()


# --- market-wide feeds through the sandbox ----------------------------------------------------------


@pytest.mark.parametrize(("kind", "run", "names"), SERIES_REQUESTS)
async def test_sandbox_answers_every_dataset(kind: DatasetKind, run: MarketRun | None, names: list[str]) -> None:
    adapter = sandboxed(NOW)
    today = NOW.astimezone(NY).date()
    window = Window.days(today if kind is DatasetKind.LOAD_FORECAST else today - timedelta(days=3), 1, NY)

    records = await adapter.series(SeriesRequest(kind, window, run))

    assert records
    assert all(r.start.tzinfo is UTC and r.end > r.start for r in records)
    await adapter.aclose()


@pytest.mark.parametrize(("day", "hours"), [(date(2025, 3, 9), 23), (date(2025, 11, 2), 25)])
async def test_sandbox_hourly_datasets_on_dst_days(day: date, hours: int) -> None:
    now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(days=1)  # forecasts keep 30 days
    adapter = live(Recorder(now=now), sandbox=True, now=now)
    window = Window.days(day, 1, NY)
    expected = [window.start + timedelta(hours=h) for h in range(hours)]

    load = await adapter.series(SeriesRequest(DatasetKind.LOAD, window))
    fuel = await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, window))
    da_reserves = await adapter.series(SeriesRequest(DatasetKind.ANCILLARY_PRICES, window, MarketRun.DAY_AHEAD_HOURLY))
    renewables = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, window))

    metered = [r for r in load if r.area == "AECO"]
    assert [r.start for r in metered] == expected
    assert all(isinstance(r, LoadRecord) and 500 < r.mw < 2000 for r in metered)
    assert len([r for r in load if r.area == "PJM RTO"]) == hours * 12  # 5-minute readings
    assert [r.start for r in fuel if r.fuel == "Nuclear"] == expected
    assert [r.start for r in da_reserves if (r.product, r.area) == ("SR", "PJM RTO Reserve Zone")] == expected
    wind = [r for r in renewables if r.source == "WIND" and r.forecast]
    assert [r.start for r in wind] == expected
    actual = [r for r in renewables if isinstance(r, RenewableRecord) and not r.forecast and r.area == "RTO"]
    assert [r.start for r in actual if r.source == "SOLAR"] == expected
    await adapter.aclose()


async def test_graphql_fuel_mix_and_constraints_from_the_sandbox() -> None:
    from tests.sandbox_app import Stack

    stack = Stack()
    body = await stack.query(
        '{ market(iso: PJM) { fuelMix(date: "2025-11-02", fuel: "gas") { start fuel mw }'
        ' constraints(run: DAY_AHEAD_HOURLY, date: "2025-11-02") { name shadowPrice } } }'
    )

    market = body["data"]["market"]  # type: ignore[index]
    assert len(market["fuelMix"]) == 25 and {r["fuel"] for r in market["fuelMix"]} == {"Gas"}
    assert market["constraints"] and all(r["shadowPrice"] < 0 for r in market["constraints"])
    assert stack.counts[ISO.PJM] == 2


async def test_a_row_outside_the_days_asked_for_is_refused_and_not_cached() -> None:
    async def stray(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=envelope([da_item("2025-05-01T04:00:00"), da_item("2099-05-01T04:00:00")]))

    recorder = Recorder(stray)
    adapter = live(recorder)
    window = Window.days(date(2025, 5, 1), 1, NY)

    for _ in range(2):
        with pytest.raises(UpstreamBadResponse, match="da_hrl_lmps: a record starts at 2099-05-01T04:00:00"):
            await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], window)
    assert len(recorder.requests) == 2
    await adapter.aclose()


@pytest.mark.parametrize("fault", ["non-numeric", "drop-column"])
async def test_sandbox_content_faults_hit_the_price_column(fault: str) -> None:
    settings = Settings(sandbox=True, retries=1, faults=f"PJM/da_hrl_lmps={fault}")
    transport = gridql.adapters.sandbox.transport(ISO.PJM, settings, clock=lambda: NOW)
    adapter = pjm.create(gridql.adapters.sandbox.credentials(settings), transport, clock=lambda: NOW, min_interval=0)

    with pytest.raises(UpstreamBadResponse, match="total_lmp_da"):
        await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288"], Window.days(date(2025, 5, 1), 1, NY))
    await adapter.aclose()


# --- live truth (issue 12) ------------------------------------------------------------------------

FIXTURES_PJM = REPO / "tests" / "fixtures" / "pjm"


def fixture(name: str) -> bytes:
    return (FIXTURES_PJM / name).read_bytes()


def test_unverified_feeds_parse_to_preliminary_prices_with_derived_energy() -> None:
    five = feed("rt_unverified_fivemin_lmps")(fixture("dm2_rt_unverified_fivemin_lmps_fall_back.json"))
    assert [(r.node, r.start, r.end, r.lmp, r.energy, r.congestion, r.loss) for r in five] == [
        ("51288", utc(2025, 11, 2, 5, 55), utc(2025, 11, 2, 6), 31.29, 31.0, 0.41, -0.12),
        ("51288", utc(2025, 11, 2, 6), utc(2025, 11, 2, 6, 5), 28.5, 28.38, -0.08, 0.2),
        ("51217", utc(2025, 11, 2, 6), utc(2025, 11, 2, 6, 5), 30.75, 29.0, 1.5, 0.25),
    ]
    assert {r.version for r in five} == {PriceVersion.PRELIMINARY}

    hourly = feed("rt_unverified_hrl_lmps")(fixture("dm2_rt_unverified_hrl_lmps_fall_back.json"))
    # named nodes: hubs and zones become their pnode ids, others keep their name
    assert [(r.node, r.start, r.lmp, r.energy) for r in hourly] == [
        ("51288", utc(2025, 11, 2, 5), 29.8, 29.6),
        ("51288", utc(2025, 11, 2, 6), 27.4, 27.5),
        ("34964545", utc(2025, 11, 2, 6), 33.0, 30.0),
        ("SOME AGGREGATE", utc(2025, 11, 2, 6), 26.0, 27.0),
    ]
    assert all(r.version is PriceVersion.PRELIMINARY and r.end - r.start == timedelta(hours=1) for r in hourly)


def test_verified_prices_carry_their_version() -> None:
    rt_item = {k.replace("_da", "_rt"): v for k, v in da_item("2025-05-01T04:00:00").items()}
    corrected = {**rt_item, "datetime_beginning_utc": "2025-05-01T05:00:00", "version_nbr": 2}
    records = feed("rt_hrl_lmps")(envelope([rt_item, corrected]))
    assert [r.version for r in records] == [PriceVersion.VERIFIED, PriceVersion.CORRECTED]
    assert parse_prices(envelope([da_item("2025-05-01T04:00:00")]))[0].version is None


def test_load_forecast_history_parses_every_vintage_of_the_fall_back_hours() -> None:
    records = feed("load_frcstd_hist")(fixture("dm2_load_frcstd_hist_fall_back.json"))
    assert records == [
        LoadForecastRecord("RTO", utc(2025, 11, 2, 5), utc(2025, 11, 2, 6), 71250.0, utc(2025, 11, 1, 9, 45)),
        LoadForecastRecord("RTO", utc(2025, 11, 2, 6), utc(2025, 11, 2, 7), 70410.0, utc(2025, 11, 1, 9, 45)),
        LoadForecastRecord("RTO", utc(2025, 11, 2, 6), utc(2025, 11, 2, 7), 70980.0, utc(2025, 11, 1, 21, 45)),
        LoadForecastRecord("MIDATL", utc(2025, 11, 2, 6), utc(2025, 11, 2, 7), 25120.5, utc(2025, 11, 1, 21, 45)),
    ]
    latest = latest_vintages(records, None)
    assert [(r.area, r.start, r.mw) for r in latest] == [
        ("RTO", utc(2025, 11, 2, 5), 71250.0),
        ("MIDATL", utc(2025, 11, 2, 6), 25120.5),
        ("RTO", utc(2025, 11, 2, 6), 70980.0),
    ]


@pytest.mark.parametrize(
    ("run", "verified", "unverified", "length"),
    [
        (MarketRun.REAL_TIME_5_MIN, "rt_fivemin_hrl_lmps", "rt_unverified_fivemin_lmps", timedelta(minutes=5)),
        (MarketRun.REAL_TIME_HOURLY, "rt_hrl_lmps", "rt_unverified_hrl_lmps", timedelta(hours=1)),
    ],
)
async def test_recent_real_time_falls_back_to_the_unverified_feed(
    recorder: Recorder, run: MarketRun, verified: str, unverified: str, length: timedelta
) -> None:
    """NOW is noon EPT: yesterday was verified at noon, today is posted unverified only."""
    adapter = live(recorder)
    today = NOW.astimezone(NY).date()

    result = (await adapter.prices(run, ["51288"], Window.days(today - timedelta(days=1), 2, NY)))["51288"]

    assert sorted(r.url.path.removeprefix("/api/v1/") for r in recorder.requests) == sorted([verified, unverified])
    yesterday = [r for r in result if r.start < Window.days(today, 1, NY).start]
    posted = [r for r in result if r.start >= Window.days(today, 1, NY).start]
    assert len(yesterday) == timedelta(days=1) // length
    assert {r.version for r in yesterday} == {PriceVersion.VERIFIED}
    # today up to the last interval posted minutes after its end
    assert posted and {r.version for r in posted} == {PriceVersion.PRELIMINARY}
    assert posted[0].start == Window.days(today, 1, NY).start and posted[-1].end <= NOW
    assert NOW - posted[-1].end < length + timedelta(minutes=5)
    assert all(abs(r.energy + r.congestion + r.loss - r.lmp) < 1e-6 for r in posted)  # type: ignore[operator]
    fallback = next(r for r in recorder.requests if r.url.path.endswith(unverified))
    assert "row_is_current" not in fallback.url.params
    assert ("pnode_id" in fallback.url.params) is (run is MarketRun.REAL_TIME_5_MIN)
    await adapter.aclose()


async def test_days_past_the_verified_lag_ask_only_the_verified_feed(recorder: Recorder) -> None:
    adapter = live(recorder)

    result = await adapter.prices(MarketRun.REAL_TIME_5_MIN, ["51288"], Window.days(date(2025, 11, 20), 2, NY))

    assert recorder.paths() == ["/api/v1/rt_fivemin_hrl_lmps"]
    assert len(result["51288"]) == 2 * 288 and {r.version for r in result["51288"]} == {PriceVersion.VERIFIED}
    await adapter.aclose()


async def test_an_archived_hub_month_is_one_request_by_type(recorder: Recorder) -> None:
    adapter = live(recorder)
    window = Window.days(date(2015, 3, 1), 31, NY)

    plan = adapter.source.plan(adapter.catalog.prices(MarketRun.DAY_AHEAD_HOURLY), Ask(window, NOW, ("51288", "1")))
    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["51288", "1"], window)

    assert [p.seconds for p in plan] == [10.0, 10.0]  # 12 hubs / 34 zones x 743 hours: a page each
    params = sorted((dict(r.url.params) for r in recorder.requests), key=lambda p: p["type"])
    assert params == [
        {"rowCount": "50000", "startRow": "1", "datetime_beginning_ept": "03/01/2015 00:00to03/31/2015 23:59"}
        | {"row_is_current": "TRUE", "type": kind}
        for kind in ("HUB", "ZONE")
    ]
    assert [len(result["51288"]), len(result["1"])] == [743, 743]  # 2015-03-08 sprang forward
    await adapter.aclose()


@pytest.mark.parametrize(
    ("run", "codes", "days", "estimate"),
    [
        # a bus has no `type` to ask by: every pnode's rows, ~7 pages a day
        (MarketRun.DAY_AHEAD_HOURLY, ["5021703"], 31, "about 2160 s"),  # 2015-03-08 is 23 hours: 6 pages
        # archived 5-minute prices take no `type` filter either: ~75 pages a day
        (MarketRun.REAL_TIME_5_MIN, ["51288"], 1, "about 750 s"),
    ],
)
async def test_archived_reads_over_the_deadline_are_refused_before_any_request(
    recorder: Recorder, run: MarketRun, codes: list[str], days: int, estimate: str
) -> None:
    adapter = live(recorder)
    first = date(2015, 3, 1) if run is MarketRun.DAY_AHEAD_HOURLY else date(2025, 3, 1)

    with pytest.raises(UpstreamTooSlow, match=estimate) as refused:
        await adapter.prices(run, codes, Window.days(first, days, NY))

    assert refused.value.code == "UPSTREAM_TOO_SLOW" and "60 s request deadline" in str(refused.value)
    assert recorder.requests == []
    await adapter.aclose()


async def test_an_archived_bus_day_is_read_whole_within_a_longer_deadline(recorder: Recorder) -> None:
    adapter = live(recorder, request_deadline=120)

    result = await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["35010365"], Window.days(date(2015, 3, 9), 1, NY))

    params = recorder.params()
    assert "pnode_id" not in params and "type" not in params and "fields" not in params
    assert params["row_is_current"] == "TRUE"
    assert len(result["35010365"]) == 24
    await adapter.aclose()


async def test_inst_load_keeps_the_midnight_reading_stamped_the_day_before() -> None:
    def item(stamp: str, mw: float) -> dict[str, Any]:
        return {"datetime_beginning_utc": stamp, "area": "PJM RTO", "instantaneous_load": mw}

    async def readings(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("inst_load"):
            return httpx.Response(200, content=envelope([]))
        start = request.url.params["datetime_beginning_ept"].split("to")[0]
        # 00:00 EPT's reading stamped 23:59:57 the day before; the next day's 00:00 reading too
        rows = [item("2025-07-01T03:59:57", 100.0)] if start == "06/30/2025 23:59" else []
        rows += [item("2025-07-01T04:05:02", 101.0), item("2025-07-02T03:59:58", 102.0)]
        return httpx.Response(200, content=envelope(rows))

    recorder = Recorder(readings)
    adapter = live(recorder)
    window = Window.days(date(2025, 7, 1), 1, NY)

    load = await adapter.series(SeriesRequest(DatasetKind.LOAD, window))

    inst = next(r for r in recorder.requests if r.url.path.endswith("inst_load"))
    assert inst.url.params["datetime_beginning_ept"] == "06/30/2025 23:59to07/01/2025 23:59"
    five = [(r.start, r.mw) for r in load if r.end - r.start == timedelta(minutes=5)]
    assert five == [(utc(2025, 7, 1, 4), 100.0), (utc(2025, 7, 1, 4, 5), 101.0)]  # the next day's left out
    await adapter.aclose()


async def test_sandbox_inst_load_has_every_reading_of_the_day() -> None:
    adapter = sandboxed(NOW)
    window = Window.days(date(2025, 11, 2), 7, NY)  # its readings are stamped up to 15 s early or late

    load = await adapter.series(SeriesRequest(DatasetKind.LOAD, window))

    rto = [r.start for r in load if r.area == "PJM RTO"]
    assert rto == [window.start + timedelta(minutes=5 * i) for i in range((7 * 24 + 1) * 12)]
    await adapter.aclose()


async def test_power_forecasts_are_asked_by_evaluation_time(recorder: Recorder) -> None:
    adapter = live(recorder)
    window = Window.days(date(2025, 11, 20), 1, NY)

    records = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, window))

    asked = {r.url.path.removeprefix("/api/v1/"): dict(r.url.params) for r in recorder.requests}
    for name in ("hourly_solar_power_forecast", "hourly_wind_power_forecast"):
        assert asked[name]["evaluated_at_ept"] == "11/18/2025 00:00to11/20/2025 23:59"
        assert "datetime_beginning_ept" not in asked[name]
    forecasts = [r for r in records if r.forecast]
    assert len(forecasts) == 24 * 3 and all(window.start <= r.start < window.end for r in forecasts)
    # the latest vintage before each hour: the one evaluated at its start
    assert all(r.published_at == r.start for r in forecasts)
    await adapter.aclose()


async def test_forecasts_past_their_retention_are_not_asked(recorder: Recorder) -> None:
    adapter = live(recorder)

    records = await adapter.series(SeriesRequest(DatasetKind.RENEWABLES, Window.days(date(2025, 9, 1), 1, NY)))

    assert sorted(recorder.paths()) == ["/api/v1/solar_gen", "/api/v1/wind_gen"]
    assert records and not [r for r in records if r.forecast]
    coverage = adapter.coverage(DatasetKind.RENEWABLES)
    assert coverage.retention is None  # the actual output has no documented limit
    await adapter.aclose()


async def test_an_old_load_forecast_comes_from_the_history_feed() -> None:
    """With the clock at 2026-12-01, 2025-07-01 is far past the seven-day feed's vintages."""
    now = datetime(2026, 12, 1, 17, tzinfo=UTC)
    recorder = Recorder(now=now)
    settings = gridql.adapters.sandbox.credentials(Settings(sandbox=True, retries=1))
    adapter = pjm.create(settings, recorder, clock=lambda: now, min_interval=0)
    window = Window.days(date(2025, 7, 1), 1, NY)

    records = await adapter.series(SeriesRequest(DatasetKind.LOAD_FORECAST, window))

    assert recorder.paths() == ["/api/v1/load_frcstd_hist"]
    assert recorder.params()["forecast_hour_beginning_ept"] == "07/01/2025 00:00to07/01/2025 23:59"
    assert {r.area for r in records} == set(pjm_feeds.HISTORY_AREAS)
    assert len(records) == 24 * 11
    rto = [r for r in records if r.area == "RTO"]
    assert [r.start for r in rto] == [utc(2025, 7, 1, 4) + timedelta(hours=h) for h in range(24)]
    assert {r.published_at for r in rto} == {datetime(2025, 7, 1, 17, 45, tzinfo=NY).astimezone(UTC)}
    assert all(isinstance(r, LoadForecastRecord) and 60_000 < r.mw < 160_000 for r in rto)
    await adapter.aclose()


def test_served_feeds_declare_their_publication() -> None:
    served = [f for f in pjm.FEEDS if f.serves is not None and not isinstance(f.serves, NodeList)]
    assert all(f.cadence > timedelta(0) for f in served)
    assert FEEDS["da_hrl_lmps"].delay == -timedelta(days=1)
    assert FEEDS["hourly_wind_power_forecast"].retention == timedelta(days=30)
    assert FEEDS["load_frcstd_7_day"].retention == timedelta(days=2)
    assert FEEDS["load_frcstd_hist"].retention is None
    assert FEEDS["gen_by_fuel"].labels["fuel"][:2] == ("Coal", "Gas")
    assert FEEDS["rt_fivemin_hrl_lmps"].query.fallback is FEEDS["rt_unverified_fivemin_lmps"]
    assert FEEDS["rt_hrl_lmps"].query.fallback is FEEDS["rt_unverified_hrl_lmps"]
    assert FEEDS["rt_unverified_hrl_lmps"].serves is None  # served only as the fallback
