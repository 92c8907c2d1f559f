"""Data Miner 2 bodies -> records: the JSON envelope the API serves and the CSV the web UI exports.

Both carry the same columns; JSON stamps are ISO strings without offset (`2025-05-01T04:00:00`,
sometimes with fractional seconds), CSV stamps are US style (`5/1/2025 4:00:00 AM`). The instant
is always `datetime_beginning_utc`: the EPT column repeats an hour on fall-back days.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

import orjson

from ..errors import UpstreamBadResponse
from ..model import ISO, RUN_LENGTH, MarketRun, Node, NodeType, PriceRecord


@dataclass(frozen=True, slots=True)
class LmpFeed:
    name: str
    run: MarketRun
    suffix: str  # "da" or "rt": the price columns are e.g. total_lmp_da

    @property
    def length(self) -> timedelta:
        return RUN_LENGTH[self.run]

    @property
    def price_columns(self) -> tuple[str, str, str, str]:
        """(lmp, energy, congestion, loss) column names."""
        s = self.suffix
        return (
            f"total_lmp_{s}",
            f"system_energy_price_{s}",
            f"congestion_price_{s}",
            f"marginal_loss_price_{s}",
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the parser reads, in the order `prices_from_rows` takes them."""
        return ("datetime_beginning_utc", "pnode_id", "row_is_current", "version_nbr", *self.price_columns)


LMP_FEEDS: dict[MarketRun, LmpFeed] = {
    MarketRun.DAY_AHEAD_HOURLY: LmpFeed("da_hrl_lmps", MarketRun.DAY_AHEAD_HOURLY, "da"),
    MarketRun.REAL_TIME_HOURLY: LmpFeed("rt_hrl_lmps", MarketRun.REAL_TIME_HOURLY, "rt"),
    MarketRun.REAL_TIME_5_MIN: LmpFeed("rt_fivemin_hrl_lmps", MarketRun.REAL_TIME_5_MIN, "rt"),
}

PNODE_COLUMNS = ("pnode_id", "pnode_name", "pnode_type", "pnode_subtype", "effective_date")

_NODE_TYPES = {
    "HUB": NodeType.HUB,
    "ZONE": NodeType.ZONE,
    "AGGREGATE": NodeType.AGGREGATE,
    "GEN": NodeType.GENERATOR,
    "LOAD": NodeType.LOAD,
    "INTERFACE": NodeType.INTERFACE,
}


def _bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.PJM, message)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the JSON envelope `{links, items, searchSpecification, totalRows}`."""

    items: list[dict[str, Any]]
    total_rows: int
    next_href: str | None


def read_page(body: bytes) -> Page:
    if first_byte(body) != "{":
        raise _bad(f"expected a Data Miner JSON envelope, got {_describe(body)}")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("the Data Miner response is not valid JSON") from None
    if "errors" in doc:
        raise _bad(f"Data Miner returned an error: {_errors_text(doc['errors'])}")
    items, total = doc.get("items"), doc.get("totalRows")
    if not isinstance(items, list) or not isinstance(total, int):
        raise _bad("the Data Miner response has no `items`/`totalRows` envelope")
    next_href = None
    for link in doc.get("links") or ():
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str):
            next_href = link["href"]
    return Page(items, total, next_href)


def parse_prices(body: bytes, feed: LmpFeed, keep: Collection[str] | None = None) -> list[PriceRecord]:
    """An LMP body, JSON envelope (one page) or DM2 CSV export, -> current records.

    `keep` limits the result to those pnode ids (archived windows cannot be filtered upstream).
    """
    if first_byte(body) == "{":
        return prices_from_items(read_page(body).items, feed, keep)
    return prices_from_rows(csv_rows(body, feed.columns), feed, keep)


def prices_from_items(
    items: Iterable[Mapping[str, Any]], feed: LmpFeed, keep: Collection[str] | None = None
) -> list[PriceRecord]:
    utc, pnode, current, version, lmp, energy, congestion, loss = feed.columns
    try:
        rows = [
            (
                item[utc],
                item[pnode],
                item[current],
                item[version],
                item[lmp],
                item[energy],
                item[congestion],
                item[loss],
            )
            for item in items
        ]
    except KeyError as exc:
        raise _bad(f"{feed.name} rows lack the column {exc.args[0]!r}") from None
    except TypeError:
        raise _bad(f"{feed.name} items are not JSON objects") from None
    return prices_from_rows(rows, feed, keep)


def prices_from_rows(
    rows: Iterable[tuple[Any, ...]], feed: LmpFeed, keep: Collection[str] | None = None
) -> list[PriceRecord]:
    """Rows of (utc stamp, pnode id, row_is_current, version_nbr, lmp, energy, congestion, loss).

    Keeps only current rows and, where PJM still lists several versions of one interval, the
    highest `version_nbr`.
    """
    length = feed.length
    spans: dict[Any, tuple[datetime, datetime]] = {}  # a page repeats each stamp once per node
    best: dict[tuple[str, datetime], tuple[int, PriceRecord]] = {}
    for utc, pnode, current, version, lmp, energy, congestion, loss in rows:
        node = pnode if type(pnode) is str else str(pnode)
        if (keep is not None and node not in keep) or not (current is True or current == "True" or is_true(current)):
            continue
        span = spans.get(utc)
        if span is None:
            start = stamp(utc).replace(tzinfo=UTC)
            span = spans[utc] = (start, start + length)
        rank = version if type(version) is int else _version(version, feed)
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
                _price(lmp, feed, "total_lmp"),
                _component(energy, feed, "system_energy_price"),
                _component(congestion, feed, "congestion_price"),
                _component(loss, feed, "marginal_loss_price"),
            )
        best[key] = (rank, PriceRecord(node, span[0], span[1], *values))
    return [record for _, record in best.values()]


def parse_nodes(body: bytes) -> list[Node]:
    """The `pnode` feed (JSON envelope or CSV) -> one Node per pnode id, its latest definition."""
    if first_byte(body) == "{":
        return nodes_from_items(read_page(body).items)
    return nodes_from_rows(csv_rows(body, PNODE_COLUMNS))


def nodes_from_items(items: Iterable[Mapping[str, Any]]) -> list[Node]:
    try:
        rows = [tuple(item[c] for c in PNODE_COLUMNS) for item in items]
    except KeyError as exc:
        raise _bad(f"pnode rows lack the column {exc.args[0]!r}") from None
    except TypeError:
        raise _bad("pnode items are not JSON objects") from None
    return nodes_from_rows(rows)


def nodes_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[Node]:
    """Rows of (pnode_id, pnode_name, pnode_type, pnode_subtype, effective_date)."""
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


def price_parser(feed: LmpFeed) -> Callable[[bytes], list[PriceRecord]]:
    def parse(body: bytes) -> list[PriceRecord]:
        return parse_prices(body, feed)

    return parse


# --- wire details ---------------------------------------------------------------------------------


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


def csv_rows(body: bytes, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    first = first_byte(body)
    if first in ("", "<", "{", "["):
        raise _bad(f"expected a Data Miner CSV export, got {_describe(body)}")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("the Data Miner CSV is not UTF-8") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise _bad(f"the Data Miner CSV lacks the columns {', '.join(missing)}")
    index = [header.index(c) for c in columns]
    width = max(index) + 1
    pick = itemgetter(*index)
    rows = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) < width:
            raise _bad(f"the Data Miner CSV row {line} has {len(row)} fields, expected {len(header)}")
        rows.append(pick(row))
    return rows


def is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _price(value: Any, feed: LmpFeed, column: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise _bad(f"{feed.name}: {column}_{feed.suffix} {value!r} is not a number")
    return number


def _component(value: object, feed: LmpFeed, column: str) -> float | None:
    if value is None or value == "":
        return None
    return _price(value, feed, column)


def _version(value: Any, feed: LmpFeed) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"{feed.name}: version_nbr {value!r} is not an integer") from None


def stamp(text: object) -> datetime:
    """Either DM2 stamp style -> a naive datetime."""
    if isinstance(text, str):
        try:
            return _iso_stamp(text) if text[4:5] == "-" else _us_stamp(text)
        except (ValueError, IndexError):
            pass
    raise _bad(f"{text!r} is not a Data Miner timestamp")


def _iso_stamp(text: str) -> datetime:
    """`2025-05-01T04:00:00`, optionally with fractional seconds (dropped: starts are whole minutes)."""
    if text[10:11] not in ("T", " "):
        raise ValueError(text)
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19] or 0),
    )


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
