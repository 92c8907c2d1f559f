"""An offline Data Miner 2: api.pjm.com/api/v1's paths, query parameters and JSON envelope.

Prices come from `adapters.synthetic`; the node list is the real hubs and zones (`nodes.py`).
Like the real service it filters on the EPT wall clock with an inclusive end (so a fall-back
day has 25 hourly rows and a spring-forward day 23), pages with startRow/rowCount, trims rows to
`fields`, refuses pnode filters on archived days and answers unknown paths with the gateway's 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from .. import synthetic
from ..synthetic import price
from ..timeutil import parse_us_stamp, to_utc
from .client import ARCHIVE_AGE, MARKET
from .nodes import PNODES, Pnode
from .parse import LMP_FEEDS, LmpFeed

MAX_ROWS = 50_000
_TZ = ZoneInfo(MARKET.timezone)
_FEEDS = {feed.name: feed for feed in LMP_FEEDS.values()}
_PAGING = {"startrow", "rowcount", "fields", "sort", "order", "isactivemetadata", "format", "download"}
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


class _BadQuery(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class _Table:
    """A query's result, rows made on demand so a page of a long window stays cheap."""

    columns: tuple[str, ...]
    total: int
    row: Callable[[int], tuple[Any, ...]]


def transport(latency: float = 0.0, *, clock: Callable[[], datetime] | None = None) -> httpx.MockTransport:
    """`clock` pins "now" (what is published, what is archived); tests use it, the app does not."""
    now = clock or (lambda: datetime.now(UTC))

    return synthetic.mock_transport(lambda request: _answer(request, now()), latency)


def _answer(request: httpx.Request, now: datetime) -> httpx.Response:
    name = request.url.path.removeprefix("/api/v1/")
    if request.method != "GET" or name == request.url.path or name not in (*_FEEDS, "pnode"):
        return httpx.Response(404, json={"statusCode": 404, "message": "Resource not found"})
    params = {k.lower(): v for k, v in request.url.params.multi_items()}
    try:
        table = _pnode_table(params) if name == "pnode" else _lmp_table(_FEEDS[name], params, now)
        body = _envelope(request, name, table, params)
    except _BadQuery as exc:
        return httpx.Response(400, json={"errors": [{"field": exc.field, "message": exc.message}]})
    return httpx.Response(200, content=body, headers={"Content-Type": "application/json; charset=utf-8"})


def _lmp_table(feed: LmpFeed, params: dict[str, str], now: datetime) -> _Table:
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
    _only_filters(params, {"datetime_beginning_ept", "pnode_id", "row_is_current"})
    span = params.get("datetime_beginning_ept")
    if not span:
        raise _BadQuery("datetime_beginning_ept", "A datetime_beginning_ept range is required")
    lo, hi = _wall_range(span)
    nodes = _SORTED
    if ids := params.get("pnode_id"):
        archive = (now.astimezone(_TZ) - ARCHIVE_AGE[feed.run]).date()
        if lo.date() < archive:
            raise _BadQuery("pnode_id", "Filtering on pnode_id is not supported for archived data")
        wanted = {_int(i, "pnode_id") for i in ids.split(";") if i.strip()}
        nodes = [p for p in _SORTED if p.id in wanted]
    if params.get("row_is_current", "TRUE").upper() != "TRUE":
        nodes = []  # every sandbox row is the current version 1
    instants = [(t, local) for t, local in _instants(lo, hi, feed.length) if _published(feed, t, now)]
    stamps = [(t.replace(tzinfo=None).isoformat(), local.isoformat()) for t, local in instants]
    width = len(nodes)

    def row(i: int) -> tuple[Any, ...]:
        (t, local), (utc_text, ept_text), node = instants[i // width], stamps[i // width], nodes[i % width]
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

    return _Table(columns, len(instants) * width, row)


def _pnode_table(params: dict[str, str]) -> _Table:
    _only_filters(params, {"termination_date", "pnode_id"})
    nodes: list[Pnode] = _SORTED
    if ids := params.get("pnode_id"):
        wanted = {_int(i, "pnode_id") for i in ids.split(";") if i.strip()}
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

    return _Table(_PNODE_COLUMNS, len(nodes), row)


def _envelope(request: httpx.Request, name: str, table: _Table, params: dict[str, str]) -> bytes:
    start = _int(params.get("startrow", "1"), "startRow")
    count = min(_int(params.get("rowcount", str(MAX_ROWS)), "rowCount"), MAX_ROWS)
    if start < 1 or count < 1:
        raise _BadQuery("startRow", "startRow and rowCount must be positive")
    fields = [f.strip() for f in params["fields"].split(",")] if params.get("fields") else list(table.columns)
    for f in fields:
        if f not in table.columns:
            raise _BadQuery("fields", f"Unknown field '{f}'")
    keep = [i for i, c in enumerate(table.columns) if c in fields]
    names = [table.columns[i] for i in keep]
    stop = min(table.total, start - 1 + count)
    items = []
    for n in range(start - 1, stop):
        values = table.row(n)
        items.append({c: values[i] for c, i in zip(names, keep, strict=True)})
    links = [{"rel": "self", "href": str(request.url)}]
    if stop < table.total:
        links.append({"rel": "next", "href": _with_start(request.url, stop + 1)})
    links.append({"rel": "metadata", "href": f"https://api.pjm.com/api/v1/{name}/metadata"})
    spec = {
        "rowCount": count,
        "startRow": start,
        "isActiveMetadata": True,
        "fields": fields,
        "filters": [{k: v} for k, v in params.items() if k not in _PAGING],
    }
    return orjson.dumps({"links": links, "items": items, "searchSpecification": spec, "totalRows": table.total})


def _with_start(url: httpx.URL, start: int) -> str:
    query = [(k, v) for k, v in url.params.multi_items() if k.lower() != "startrow"]
    return str(url.copy_with(query=None).copy_merge_params([*query, ("StartRow", str(start))]))


def _only_filters(params: dict[str, str], allowed: set[str]) -> None:
    for key in params:
        if key not in _PAGING and key not in allowed:
            raise _BadQuery(key, f"The sandbox does not filter on '{key}'")


def _wall_range(text: str) -> tuple[datetime, datetime]:
    """`MM/DD/YYYY HH:MMtoMM/DD/YYYY HH:MM`, both ends inclusive, Eastern prevailing wall clock."""
    try:
        lo, hi = (parse_us_stamp(part) for part in text.split("to"))
    except ValueError:
        raise _BadQuery("datetime_beginning_ept", f"Invalid date range '{text}'") from None
    if hi < lo:
        raise _BadQuery("datetime_beginning_ept", f"Invalid date range '{text}'")
    return lo, hi


def _instants(lo: datetime, hi: datetime, length: timedelta) -> list[tuple[datetime, datetime]]:
    """(UTC start, EPT wall start) of every interval whose wall start is in [lo, hi]."""
    step = int(length.total_seconds())
    # An hour of slack each side: a wall time near a DST shift maps to either UTC offset.
    first = int((to_utc(lo, _TZ) - timedelta(hours=1)).timestamp()) // step * step
    stop = to_utc(hi, _TZ, fold=1) + timedelta(hours=1)
    t = datetime.fromtimestamp(first, UTC)
    out = []
    while t <= stop:
        local = t.astimezone(_TZ).replace(tzinfo=None)
        if lo <= local <= hi:
            out.append((t, local))
        t += length
    return out


def _published(feed: LmpFeed, start: datetime, now: datetime) -> bool:
    """Real-time intervals appear once over; the day-ahead market runs the day before."""
    if feed.suffix == "rt":
        return start + feed.length <= now
    return start.astimezone(_TZ).date() <= now.astimezone(_TZ).date() + timedelta(days=1)


def _int(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _BadQuery(field, f"'{text}' is not a valid value for {field}") from None
