"""An offline Data Miner 2: api.pjm.com/api/v1's paths, query parameters and JSON envelope.

Prices come from `adapters.sandbox.synthetic`; the node list is PJM's real hubs, zones and some
buses (`adapters.pjm.nodes`) plus a few invented ones; the market-wide feeds are in `tables.py`.
Like the real service it wants the subscription key, filters on the EPT wall clock with an
inclusive end (so a fall-back day has 25 hourly rows and a spring-forward day 23), pages with
startRow/rowCount, trims rows to `fields`, answers unknown paths with the gateway's 404 and keeps
the Historic tier's rules (PJM's Data Miner API Guide): archived days take no `pnode_id` filter,
the 5-minute feed no `type` either, and a range may not span archived and standard days.

Real-time prices are posted twice: the unverified feeds within minutes of an interval's end (the
hourly one for hubs and zones, by name), the verified ones once PJM has verified the operating
day, at noon EPT the next day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ...model import MarketRun
from ...pjm.nodes import PNODES, Pnode
from ..synthetic import mock_transport, price
from . import queue
from .ftr import ftr_bids_mnt, ftr_cong_lmp
from .tables import TABLES as MARKET_WIDE
from .wire import TZ, BadQuery, Table, envelope, instants, only_filters, parse_int, wall_range

# What content faults aim at: the LMP feeds' total price.
PRICE_COLUMNS: tuple[str, ...] = ("total_lmp_da", "total_lmp_rt")
KEY_HEADER = "Ocp-Apim-Subscription-Key"


@dataclass(frozen=True, slots=True)
class _Lmps:
    run: MarketRun
    suffix: str  # "da" or "rt": the price columns are e.g. total_lmp_da
    length: timedelta
    # Data Miner archives older days, where it no longer filters by pnode
    archive_age: timedelta
    verified: bool = True  # False: the unverified feed, posted within minutes, not archived


_LMPS = {
    "da_hrl_lmps": _Lmps(MarketRun.DAY_AHEAD_HOURLY, "da", timedelta(hours=1), timedelta(days=731)),
    "rt_hrl_lmps": _Lmps(MarketRun.REAL_TIME_HOURLY, "rt", timedelta(hours=1), timedelta(days=731)),
    "rt_fivemin_hrl_lmps": _Lmps(MarketRun.REAL_TIME_5_MIN, "rt", timedelta(minutes=5), timedelta(days=186)),
}
_UNVERIFIED = {
    "rt_unverified_fivemin_lmps": _Lmps(MarketRun.REAL_TIME_5_MIN, "rt", timedelta(minutes=5), timedelta(0), False),
    "rt_unverified_hrl_lmps": _Lmps(MarketRun.REAL_TIME_HOURLY, "rt", timedelta(hours=1), timedelta(0), False),
}
VERIFIED_AT_HOUR = 12  # EPT, the day after the operating day
UNVERIFIED_AFTER = timedelta(minutes=2)  # from an interval's end
_PNODE_COLUMNS = (
    "pnode_id",
    "pnode_name",
    "pnode_type",
    "pnode_subtype",
    "zone",
    "voltage_level",
    "effective_date",
    "termination_date",
)
_SORTED = sorted(PNODES, key=lambda p: p.id)
TABLES = {**MARKET_WIDE, "ftr_bids_mnt": ftr_bids_mnt, "ftr_cong_lmp": ftr_cong_lmp}


def transport(latency: float = 0.0, *, clock: Callable[[], datetime] | None = None) -> httpx.AsyncBaseTransport:
    """`clock` pins "now" (what is published, what is archived); tests use it, the app does not."""
    now = clock or (lambda: datetime.now(UTC))

    return mock_transport(lambda request: _answer(request, now()), latency)


def _answer(request: httpx.Request, now: datetime) -> httpx.Response:
    queued = queue.answer(request, now.date())
    if queued is not None:
        return queued
    name = request.url.path.removeprefix("/api/v1/")
    if request.method != "GET" or name == request.url.path or name not in (*_LMPS, *_UNVERIFIED, *TABLES, "pnode"):
        return httpx.Response(404, json={"statusCode": 404, "message": "Resource not found"})
    if not request.headers.get(KEY_HEADER):
        return httpx.Response(
            401, json={"statusCode": 401, "message": "Access denied due to missing subscription key."}
        )
    params = {k.lower(): v for k, v in request.url.params.multi_items()}
    try:
        if name == "pnode":
            table = _pnode_table(params)
        elif name in TABLES:
            table = TABLES[name](params, now)
        elif name in _UNVERIFIED:
            table = _unverified_table(_UNVERIFIED[name], params, now)
        else:
            table = _lmp_table(_LMPS[name], params, now)
        body = envelope(request, name, table, params)
    except BadQuery as exc:
        return httpx.Response(400, json={"errors": [{"field": exc.field, "message": exc.message}]})
    return httpx.Response(200, content=body, headers={"Content-Type": "application/json; charset=utf-8"})


def _lmp_table(feed: _Lmps, params: dict[str, str], now: datetime) -> Table:
    s = feed.suffix
    columns = (
        "datetime_beginning_utc",
        "datetime_beginning_ept",
        "pnode_id",
        "pnode_name",
        "voltage",
        "equipment",
        "type",
        "zone",
        f"system_energy_price_{s}",
        f"total_lmp_{s}",
        f"congestion_price_{s}",
        f"marginal_loss_price_{s}",
        "row_is_current",
        "version_nbr",
    )
    only_filters(params, {"datetime_beginning_ept", "pnode_id", "row_is_current", "type"})
    span = params.get("datetime_beginning_ept")
    if not span:
        raise BadQuery("datetime_beginning_ept", "A datetime_beginning_ept range is required")
    lo, hi = wall_range(span)
    archive = (now.astimezone(TZ) - feed.archive_age).date()
    if lo.date() < archive <= hi.date():
        raise BadQuery("datetime_beginning_ept", "Date range in the API request spans over archived and standard data")
    archived = hi.date() < archive
    nodes = _SORTED
    if ids := params.get("pnode_id"):
        if archived:
            raise BadQuery("pnode_id", "Filtering on pnode_id is not supported for archived data")
        wanted = {parse_int(i, "pnode_id") for i in ids.split(";") if i.strip()}
        nodes = [p for p in _SORTED if p.id in wanted]
    if kind := params.get("type"):
        if archived and feed.run is MarketRun.REAL_TIME_5_MIN:
            raise BadQuery("type", "Filtering on type is not supported for archived five minute data")
        nodes = [p for p in nodes if p.subtype == kind.strip("*").upper()]
    if params.get("row_is_current", "TRUE").upper() != "TRUE":
        nodes = []  # every sandbox row is the current version 1
    published = [(t, local) for t, local in instants(lo, hi, feed.length) if _published(feed, t, now)]
    stamps = [(t.replace(tzinfo=None).isoformat(), local.isoformat()) for t, local in published]
    width = len(nodes)

    def row(i: int) -> tuple[Any, ...]:
        (t, local), (utc_text, ept_text), node = published[i // width], stamps[i // width], nodes[i % width]
        energy, congestion, loss = price(str(node.id), feed.run.value, t, local.hour + local.minute / 60)
        return (
            utc_text,
            ept_text,
            node.id,
            node.name,
            node.voltage or None,
            None,
            node.subtype,
            node.zone or None,
            energy,
            round(energy + congestion + loss, 2),
            congestion,
            loss,
            True,
            1,
        )

    return Table(columns, len(published) * width, row)


def _pnode_table(params: dict[str, str]) -> Table:
    only_filters(params, {"termination_date", "pnode_id"})
    nodes: list[Pnode] = _SORTED
    if ids := params.get("pnode_id"):
        wanted = {parse_int(i, "pnode_id") for i in ids.split(";") if i.strip()}
        nodes = [p for p in nodes if p.id in wanted]
    terminated = params.get("termination_date", "").replace(" ", "").lower()
    if terminated and terminated != "12/31/9999exact":
        nodes = []  # every sandbox node is active: terminates 12/31/9999

    def row(i: int) -> tuple[Any, ...]:
        p = nodes[i]
        return (
            p.id,
            p.name,
            p.type,
            p.subtype,
            p.zone or None,
            p.voltage or None,
            "2018-06-01T00:00:00",
            "9999-12-31T00:00:00",
        )

    return Table(_PNODE_COLUMNS, len(nodes), row)


def _published(feed: _Lmps, start: datetime, now: datetime) -> bool:
    """Unverified intervals appear minutes after they end, verified ones at noon EPT the day after
    their operating day; the day-ahead market runs the day before."""
    if not feed.verified:
        return start + feed.length + UNVERIFIED_AFTER <= now
    day = start.astimezone(TZ).date()
    if feed.suffix == "rt":
        after = day + timedelta(days=1)
        return datetime(after.year, after.month, after.day, VERIFIED_AT_HOUR, tzinfo=TZ) <= now
    return day <= now.astimezone(TZ).date() + timedelta(days=1)


def _unverified_table(feed: _Lmps, params: dict[str, str], now: datetime) -> Table:
    """rt_unverified_fivemin_lmps (by pnode id) and rt_unverified_hrl_lmps (hubs and zones, named
    only): no energy component, no versions (gridstatus `get_lmp_real_time_unverified_*`)."""
    hourly = feed.run is MarketRun.REAL_TIME_HOURLY
    columns: tuple[str, ...] = (
        "datetime_beginning_utc",
        "datetime_beginning_ept",
        *(() if hourly else ("pnode_id",)),
        "pnode_name",
        "type",
        "total_lmp_rt",
        "congestion_price_rt",
        "marginal_loss_price_rt",
        *(() if hourly else ("occ_check", "ref_caseid_used_multi_interval")),
    )
    only_filters(params, {"datetime_beginning_ept", "type", *(() if hourly else ("pnode_id",))})
    span = params.get("datetime_beginning_ept")
    if not span:
        raise BadQuery("datetime_beginning_ept", "A datetime_beginning_ept range is required")
    lo, hi = wall_range(span)
    nodes = [p for p in _SORTED if p.subtype in ("HUB", "ZONE")] if hourly else _SORTED
    if ids := params.get("pnode_id"):
        wanted = {parse_int(i, "pnode_id") for i in ids.split(";") if i.strip()}
        nodes = [p for p in nodes if p.id in wanted]
    if kind := params.get("type"):
        nodes = [p for p in nodes if p.subtype == kind.strip("*").upper()]
    published = [(t, local) for t, local in instants(lo, hi, feed.length) if _published(feed, t, now)]
    width = len(nodes)

    def row(i: int) -> tuple[Any, ...]:
        (t, local), node = published[i // width], nodes[i % width]
        energy, congestion, loss = price(
            str(node.id), f"{feed.run.value}-unverified", t, local.hour + local.minute / 60
        )
        ident: tuple[Any, ...] = () if hourly else (node.id,)
        extra: tuple[Any, ...] = () if hourly else ("N", 1)
        total = round(energy + congestion + loss, 2)
        stamps = (t.replace(tzinfo=None).isoformat(), local.isoformat())
        return (*stamps, *ident, node.name, node.subtype, total, congestion, loss, *extra)

    return Table(columns, len(published) * width, row)
