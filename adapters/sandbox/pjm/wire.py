"""Data Miner 2's query mechanics for the sandbox: EPT range filters, paging, `fields`, the envelope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from ...timeutil import parse_us_stamp, to_utc

MAX_ROWS = 50_000
TZ = ZoneInfo("America/New_York")
_PAGING = {"startrow", "rowcount", "fields", "sort", "order", "isactivemetadata", "format", "download"}


class BadQuery(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Table:
    """A query's result, rows made on demand so a page of a long window stays cheap."""

    columns: tuple[str, ...]
    total: int
    row: Callable[[int], tuple[Any, ...]]


def envelope(request: httpx.Request, name: str, table: Table, params: dict[str, str]) -> bytes:
    start = parse_int(params.get("startrow", "1"), "startRow")
    count = min(parse_int(params.get("rowcount", str(MAX_ROWS)), "rowCount"), MAX_ROWS)
    if start < 1 or count < 1:
        raise BadQuery("startRow", "startRow and rowCount must be positive")
    fields = [f.strip() for f in params["fields"].split(",")] if params.get("fields") else list(table.columns)
    for f in fields:
        if f not in table.columns:
            raise BadQuery("fields", f"Unknown field '{f}'")
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


def only_filters(params: dict[str, str], allowed: set[str]) -> None:
    for key in params:
        if key not in _PAGING and key not in allowed:
            raise BadQuery(key, f"The sandbox does not filter on '{key}'")


def wall_range(text: str) -> tuple[datetime, datetime]:
    """`MM/DD/YYYY HH:MMtoMM/DD/YYYY HH:MM`, both ends inclusive, Eastern prevailing wall clock."""
    try:
        lo, hi = (parse_us_stamp(part) for part in text.split("to"))
    except ValueError:
        raise BadQuery("datetime_beginning_ept", f"Invalid date range '{text}'") from None
    if hi < lo:
        raise BadQuery("datetime_beginning_ept", f"Invalid date range '{text}'")
    return lo, hi


def instants(lo: datetime, hi: datetime, length: timedelta) -> list[tuple[datetime, datetime]]:
    """(UTC start, EPT wall start) of every interval whose wall start is in [lo, hi]."""
    step = int(length.total_seconds())
    # An hour of slack each side: a wall time near a DST shift maps to either UTC offset.
    first = int((to_utc(lo, TZ) - timedelta(hours=1)).timestamp()) // step * step
    stop = to_utc(hi, TZ, fold=1) + timedelta(hours=1)
    t = datetime.fromtimestamp(first, UTC)
    out = []
    while t <= stop:
        local = t.astimezone(TZ).replace(tzinfo=None)
        if lo <= local <= hi:
            out.append((t, local))
        t += length
    return out


def parse_int(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadQuery(field, f"'{text}' is not a valid value for {field}") from None
