"""Data Miner 2 bodies -> records: the JSON envelope the API serves and the CSV the web UI exports.

Both carry the same columns; JSON stamps are ISO strings without offset (`2025-05-01T04:00:00`,
sometimes with fractional seconds), CSV stamps are US style (`5/1/2025 4:00:00 AM`). The instant
is always a `*_utc` column: the EPT columns repeat an hour on fall-back days.

A `Reader` is one feed's parser: the columns it reads (by name, so `fields` and CSV column order
do not matter) and the converter that turns those rows into records. Converters for the LMP and
node feeds are here, the market-wide ones in `rows.py`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

import orjson

from ..errors import UpstreamBadResponse
from ..model import ISO, Node, NodeType, PriceRecord, PriceVersion
from ..timeutil import parse_iso_stamp
from .nodes import HUBS, ZONES

Row = tuple[Any, ...]
Convert = Callable[["Reader", Sequence[Row]], list[Any]]

_NODE_TYPES = {
    "HUB": NodeType.HUB,
    "ZONE": NodeType.ZONE,
    "AGGREGATE": NodeType.AGGREGATE,
    "GEN": NodeType.GENERATOR,
    "LOAD": NodeType.LOAD,
    "INTERFACE": NodeType.INTERFACE,
}


def bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.PJM, message)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the JSON envelope `{links, items, searchSpecification, totalRows}`, read."""

    records: list[Any]
    rows: int  # items on the page, before any were left out
    total_rows: int
    next_href: str | None


@dataclass(frozen=True, slots=True)
class Reader:
    name: str  # the feed's, for messages
    columns: tuple[str, ...]  # read by name, handed to `convert` in this order
    convert: Convert

    def __call__(self, body: bytes) -> list[Any]:
        """One body, JSON envelope or DM2 CSV export -> records (every vintage of a forecast)."""
        if first_byte(body) == "{":
            return self.page(body).records
        return self.convert(self, csv_rows(body, self.columns))

    def page(self, body: bytes, keep: Collection[str] | None = None) -> Page:
        """One JSON page; `keep`: only the rows of those pnode ids (archived days are not
        filtered upstream, and converting every node's rows would be wasted)."""
        items, total, next_href = _envelope(body)
        try:
            rows = [tuple(item[c] for c in self.columns) for item in items]
        except KeyError as exc:
            raise bad(f"{self.name} rows lack the column {exc.args[0]!r}") from None
        except TypeError:
            raise bad(f"{self.name} items are not JSON objects") from None
        if keep is not None and "pnode_id" in self.columns:
            at = self.columns.index("pnode_id")
            rows = [row for row in rows if str(row[at]) in keep]
        records = self.convert(self, rows)
        if keep is not None and "pnode_id" not in self.columns:
            records = [r for r in records if r.node in keep]
        return Page(records, len(items), total, next_href)

    def pages(self, keep: Collection[str] | None = None) -> Callable[[bytes], list[Page]]:
        """`page` as a parser for the pipeline's parse stage."""
        return lambda body: [self.page(body, keep)]


def _envelope(body: bytes) -> tuple[list[Any], int, str | None]:
    if first_byte(body) != "{":
        raise bad(f"expected a Data Miner JSON envelope, got {_describe(body)}")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise bad("the Data Miner response is not valid JSON") from None
    if "errors" in doc:
        raise bad(f"Data Miner returned an error: {_errors_text(doc['errors'])}")
    items, total = doc.get("items"), doc.get("totalRows")
    if not isinstance(items, list) or not isinstance(total, int):
        raise bad("the Data Miner response has no `items`/`totalRows` envelope")
    next_href = None
    for link in doc.get("links") or ():
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str):
            next_href = link["href"]
    return items, total, next_href


# --- LMPs --------------------------------------------------------------------------------------


def prices(length: timedelta, version: PriceVersion | None) -> Convert:
    """Rows of (utc stamp, pnode id, row_is_current, version_nbr, lmp, energy, congestion, loss)
    -> records `length` long, of `version` (CORRECTED once PJM re-posted it: `version_nbr` > 1).

    Keeps only current rows and, where PJM still lists several versions of one interval, the
    highest `version_nbr`.
    """

    def convert(reader: Reader, rows: Sequence[Row]) -> list[Any]:
        columns = reader.columns
        spans: dict[Any, tuple[datetime, datetime]] = {}  # a page repeats each stamp once per node
        best: dict[tuple[str, datetime], tuple[int, PriceRecord]] = {}
        for utc, pnode, current, number, lmp, energy, congestion, loss in rows:
            node = pnode if type(pnode) is str else str(pnode)
            if not (current is True or current == "True" or is_true(current)):
                continue
            span = spans.get(utc)
            if span is None:
                start = stamp(utc).replace(tzinfo=UTC)
                span = spans[utc] = (start, start + length)
            rank = number if type(number) is int else _version(number, reader)
            key = (node, span[0])
            held = best.get(key)
            if held is not None and held[0] >= rank:
                continue
            try:
                # The common case, JSON numbers or CSV text, in one step; blanks and junk take the
                # careful path, which names the column.
                values: tuple[float, float | None, float | None, float | None] = (
                    float(lmp),
                    float(energy),
                    float(congestion),
                    float(loss),
                )
                if not math.isfinite(sum(values)):  # type: ignore[arg-type]
                    raise ValueError
            except (TypeError, ValueError):
                values = (
                    finite(lmp, reader, columns[4]),
                    optional(energy, reader, columns[5]),
                    optional(congestion, reader, columns[6]),
                    optional(loss, reader, columns[7]),
                )
            posted = PriceVersion.CORRECTED if rank > 1 else version
            best[key] = (rank, PriceRecord(node, span[0], span[1], *values, version=posted))
        return [record for _, record in best.values()]

    return convert


# The unverified hourly feed names hubs and zones; these are their pnode ids.
_BY_NAME = {p.name: str(p.id) for p in (*HUBS, *ZONES)}


def unverified_prices(length: timedelta, *, by_name: bool) -> Convert:
    """Rows of (utc stamp, pnode id or name, lmp, congestion, loss) -> PRELIMINARY records.

    The unverified feeds print no energy component: it is the LMP less congestion and loss (as
    gridstatus and GridAlpha derive it). The hourly feed names its nodes: a hub or zone name
    becomes its pnode id, any other name stays the node's code.
    """

    def convert(reader: Reader, rows: Sequence[Row]) -> list[Any]:
        columns = reader.columns
        spans: dict[Any, tuple[datetime, datetime]] = {}
        out: dict[tuple[str, datetime], PriceRecord] = {}
        for utc, pnode, lmp, congestion, loss in rows:
            if by_name:
                name = str(pnode or "").strip()
                node = _BY_NAME.get(name, name)
            else:
                node = pnode if type(pnode) is str else str(pnode)
            if not node:
                raise bad(f"{reader.name}: a row has no {columns[1]}")
            span = spans.get(utc)
            if span is None:
                start = stamp(utc).replace(tzinfo=UTC)
                span = spans[utc] = (start, start + length)
            total = finite(lmp, reader, columns[2])
            parts = optional(congestion, reader, columns[3]), optional(loss, reader, columns[4])
            energy = None if None in parts else round(total - parts[0] - parts[1], 6)  # type: ignore[operator]
            record = PriceRecord(node, span[0], span[1], total, energy, *parts, version=PriceVersion.PRELIMINARY)
            out[(node, span[0])] = record
        return list(out.values())

    return convert


def finite(value: Any, reader: Reader, column: str, *, bools: bool = True) -> float:
    """`value` as a finite float, else a bad response; with `bools=False` True and False are refused."""
    if type(value) is float:
        number = value
    else:
        try:
            number = math.nan if isinstance(value, bool) and not bools else float(value)
        except (TypeError, ValueError):
            number = math.nan
    if not math.isfinite(number):
        raise bad(f"{reader.name}: {column} {value!r} is not a number")
    return number


def optional(value: Any, reader: Reader, column: str, *, bools: bool = True) -> float | None:
    """None for a missing value (None or ""), else `finite(value)`."""
    return None if value is None or value == "" else finite(value, reader, column, bools=bools)


def _version(value: Any, reader: Reader) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad(f"{reader.name}: version_nbr {value!r} is not an integer") from None


# --- pnodes ------------------------------------------------------------------------------------


def nodes(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    """Rows of (pnode_id, pnode_name, pnode_type, pnode_subtype, effective_date) -> one Node per
    pnode id, its latest definition."""
    latest: dict[str, tuple[datetime, Node]] = {}
    for pnode, name, ptype, subtype, effective in rows:
        code = str(pnode)
        since = stamp(effective) if effective else datetime.min
        held = latest.get(code)
        if held is not None and held[0] > since:
            continue
        latest[code] = (since, Node(ISO.PJM, code, str(name or "").strip(), node_type(subtype, ptype)))
    return sorted((node for _, node in latest.values()), key=lambda n: int(n.code) if n.code.isdigit() else 0)


def node_type(subtype: object, ptype: object = None) -> NodeType:
    """PJM's pnode subtype (GEN, LOAD, HUB, ZONE, ...), else its type (AGGREGATE), as a NodeType."""
    kind = _NODE_TYPES.get(str(subtype or "").strip()) or _NODE_TYPES.get(str(ptype or "").strip())
    return kind or NodeType.OTHER


# --- wire details ------------------------------------------------------------------------------


def first_byte(body: bytes) -> str:
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    return chr(stripped[0]) if stripped else ""


def _describe(body: bytes) -> str:
    first = first_byte(body)
    if not first:
        return "an empty body"
    if first == "<":
        return "an HTML/XML page"
    return "a body that is neither JSON nor the expected CSV"


def _errors_text(errors: object) -> str:
    if isinstance(errors, list):
        parts = [
            str(e.get("message") or e) if isinstance(e, dict) else str(e)
            for e in errors  # e.g. [{"field": "...", "message": "..."}]
        ]
        text = "; ".join(parts)
    else:
        text = str(errors)
    return text[:300]


def csv_rows(body: bytes, columns: tuple[str, ...]) -> list[Row]:
    first = first_byte(body)
    if first in ("", "<", "{", "["):
        raise bad(f"expected a Data Miner CSV export, got {_describe(body)}")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad("the Data Miner CSV is not UTF-8") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise bad(f"the Data Miner CSV lacks the columns {', '.join(missing)}")
    index = [header.index(c) for c in columns]
    width = max(index) + 1
    pick = itemgetter(*index)
    rows = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) < width:
            raise bad(f"the Data Miner CSV row {line} has {len(row)} fields, expected {len(header)}")
        rows.append(pick(row))
    return rows


def is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def stamp(text: object) -> datetime:
    """Either DM2 stamp style -> a naive datetime."""
    if isinstance(text, str):
        try:
            return parse_iso_stamp(text) if text[4:5] == "-" else _us_stamp(text)
        except (ValueError, IndexError):
            pass
    raise bad(f"{text!r} is not a Data Miner timestamp")


def _us_stamp(text: str) -> datetime:
    """`5/1/2025 4:00:00 AM` (DM2 CSV export): no zero padding, 12-hour clock."""
    day, clock, meridiem = text.split()
    month, mday, year = day.split("/")
    hour, minute, *second = clock.split(":")
    h = int(hour)
    if not 1 <= h <= 12 or meridiem not in ("AM", "PM"):
        raise ValueError(text)
    h = h % 12 + (12 if meridiem == "PM" else 0)
    return datetime(int(year), int(month), int(mday), h, int(minute), int(second[0]) if second else 0)
