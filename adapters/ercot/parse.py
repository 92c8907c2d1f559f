"""ERCOT wire formats -> normalized records.

Each price dataset arrives in up to three forms: a public-API JSON page (`fields` + `data` rows,
camelCase names, booleans for DST flags), the MIS CSV (PascalCase headers, `Y`/`N` flags) and the
MIS zip around that CSV. Columns are located by name, case-insensitively, so one reader serves all.

ERCOT stamps are Central prevailing time and interval ENDING: hour ending `01:00` is
[00:00, 01:00), `24:00` is the day's last hour. A DST flag marks the second (standard-time) pass
through the repeated hour of a fall-back day; the spring-forward day has no hour ending 03:00.
ERCOT publishes settlement point prices without an energy/congestion/loss split.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from ..errors import UpstreamBadResponse
from ..model import DAY, HOUR, ISO, Node, NodeType, PriceRecord
from ..timeutil import parse_us_stamp, to_utc
from .nodes import FIXED

TZ = ZoneInfo("America/Chicago")
QUARTER = timedelta(minutes=15)
SCED_NOMINAL = timedelta(minutes=5)  # the length given to a point's last SCED run in a response

Series = dict[str, list[PriceRecord]]  # node -> records ordered by start


def bad_response(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.ERCOT, message)


@dataclass(slots=True)
class Table:
    source: str  # the dataset, for messages
    columns: list[str]
    rows: list[Sequence[Any]]

    def index(self, *names: str) -> int:
        # API fields are camelCase, MIS headers PascalCase or UPPER_SNAKE: compare without case or `_`
        wanted = {_fold(name) for name in names}
        for i, column in enumerate(self.columns):
            if _fold(column) in wanted:
                return i
        raise bad_response(f"{self.source}: no {names[0]} column (columns: {', '.join(self.columns)})")

    def find(self, *names: str) -> int | None:
        """The column's index, or None where the form of the report lacks it."""
        wanted = {_fold(name) for name in names}
        return next((i for i, column in enumerate(self.columns) if _fold(column) in wanted), None)


def _fold(name: str) -> str:
    return name.strip().replace("_", "").replace(" ", "").lower()


# --- bodies -> tables ---------------------------------------------------------------------------


def read_table(body: bytes, source: str) -> Table:
    """Any form ERCOT serves a dataset in: API JSON page, MIS CSV, or the MIS zip holding the CSV."""
    if body.startswith(b"PK\x03\x04"):
        return csv_table(unzip(body, source), source)
    if body.lstrip()[:1] == b"{":
        return report_table(read_json(body, source), source)
    return csv_table(body, source)


def report_page(body: bytes, source: str) -> tuple[Table, int]:
    """One public-API report page and the number of pages the query has."""
    payload = read_json(body, source)
    table = report_table(payload, source)
    meta = payload.get("_meta")
    pages = meta.get("totalPages") if isinstance(meta, dict) else None
    if not isinstance(pages, int):
        raise bad_response(f"{source}: report page without _meta.totalPages")
    return table, pages


def report_table(payload: dict[str, Any], source: str) -> Table:
    fields, data = payload.get("fields"), payload.get("data")
    if not isinstance(fields, list) or not isinstance(data, list):
        # ERCOT's error document: {timestamp, code, status, message, data}
        detail = payload.get("message")
        raise bad_response(f"{source}: not a report page" + (f": {str(detail)[:200]}" if detail else ""))
    try:
        columns = [str(field["name"]) for field in fields]
    except (KeyError, TypeError):
        raise bad_response(f"{source}: report fields without names") from None
    return Table(source, columns, data)


def csv_table(body: bytes, source: str) -> Table:
    if body.lstrip()[:1] == b"<":
        raise bad_response(f"{source}: answered HTML, not data")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad_response(f"{source}: body is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise bad_response(f"{source}: empty CSV")
    return Table(source, header, [row for row in reader if row])


def unzip(body: bytes, source: str, member: str = "") -> bytes:
    """The first CSV in an MIS zip whose name contains `member`."""
    for _, data in zip_tables(body, source, lambda name: member in name):
        return data
    raise bad_response(f"{source}: the zip holds no {member + ' ' if member else ''}CSV")


def zip_tables(body: bytes, source: str, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each wanted CSV member, one at a time: the zip is read from memory, never
    from disk, and only the member being handed out is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(".csv") and wanted(info.filename):
                    yield info.filename, archive.read(info)
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise bad_response(f"{source}: not a readable zip") from None


def read_json(body: bytes, source: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise bad_response(f"{source}: body is not JSON") from None
    if not isinstance(payload, dict):
        raise bad_response(f"{source}: JSON body is not an object")
    return payload


# --- fields -------------------------------------------------------------------------------------


def parse_day(value: Any) -> date:
    text = str(value).strip()
    if text[4:5] == "-":  # API: 2025-11-02
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    return date(int(text[6:10]), int(text[0:2]), int(text[3:5]))  # MIS: 11/02/2025


def parse_stamp(value: Any) -> datetime:
    text = str(value).strip()
    if text[4:5] == "-":  # API: 2025-11-02T01:05:18
        second = int(text[17:19]) if len(text) >= 19 else 0
        return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), second)
    return parse_us_stamp(text)  # MIS: 11/02/2025 01:05:18


def parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().upper() in ("Y", "TRUE")
    raise ValueError(f"DST flag {value!r} is neither Y/N nor a boolean")


def central_to_utc(naive: datetime, repeated: bool) -> datetime:
    """A Central wall time to UTC; `repeated` picks the second pass through a fall-back hour."""
    instant = to_utc(naive, TZ, fold=1 if repeated else 0)  # fold only matters in a repeated hour
    if instant.astimezone(TZ).replace(tzinfo=None) != naive:
        raise ValueError(f"{naive:%m/%d/%Y %H:%M} does not exist in Central time (spring-forward gap)")
    return instant


@lru_cache(maxsize=4096)
def _midnight(day: date) -> datetime | None:
    """UTC instant of the day's Central midnight when the day is 24 hours long (no DST change):
    its intervals are then plain offsets from it, with no time-zone lookup per row."""
    start = datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=TZ).astimezone(UTC)
    return start if end - start == DAY else None


def _local(day: Any, offset: timedelta, dst: Any) -> datetime:
    """UTC start of the interval `offset` (wall clock) after the day's midnight."""
    d = parse_day(day)
    repeated = parse_flag(dst)
    midnight = _midnight(d)
    if midnight is not None:
        return midnight + offset
    return central_to_utc(datetime(d.year, d.month, d.day) + offset, repeated)


def hour_span(day: Any, hour_ending: Any, dst: Any) -> tuple[datetime, datetime]:
    ending = int(str(hour_ending).strip().partition(":")[0])  # "01:00" .. "24:00"
    if not 1 <= ending <= 24:
        raise ValueError(f"hour ending {hour_ending!r} is out of range")
    start = _local(day, (ending - 1) * HOUR, dst)
    return start, start + HOUR


def quarter_span(day: Any, hour: Any, interval: Any, dst: Any) -> tuple[datetime, datetime]:
    ending, quarter = int(hour), int(interval)  # hour ending 1..24, quarter 1..4
    if not (1 <= ending <= 24 and 1 <= quarter <= 4):
        raise ValueError(f"hour {hour!r} / interval {interval!r} is out of range")
    start = _local(day, (ending - 1) * HOUR + (quarter - 1) * QUARTER, dst)
    return start, start + QUARTER


def sced_span(stamp: Any, repeated: Any) -> tuple[datetime, datetime]:
    naive, flag = parse_stamp(stamp), parse_flag(repeated)
    midnight = _midnight(naive.date())
    if midnight is None:  # a DST day: the time zone decides
        start = central_to_utc(naive, flag)
    else:  # a 24-hour day: a stamp is as far from midnight in UTC as on the wall clock, no lookup per stamp
        start = midnight + (naive - naive.replace(hour=0, minute=0, second=0, microsecond=0))
    return start, start + SCED_NOMINAL


# --- tables -> records --------------------------------------------------------------------------


class _Collector:
    """Records by node, one per start (a later row for the same interval replaces an earlier one)."""

    def __init__(self) -> None:
        self._by_node: dict[str, list[PriceRecord]] = {}

    def add(self, node: Any, span: tuple[datetime, datetime], price: Any) -> None:
        lmp = float(price)
        if not math.isfinite(lmp):
            raise ValueError(f"price {price!r} is not a number")
        code = str(node).strip()
        records = self._by_node.get(code)
        if records is None:
            if not code:
                raise ValueError("empty settlement point")
            records = self._by_node[code] = []
        records.append(PriceRecord(code, span[0], span[1], lmp, None, None, None))

    def series(self) -> Series:
        out: Series = {}
        for code, records in self._by_node.items():
            records.sort(key=attrgetter("start"))  # stable: of equal starts, the last row stays last
            kept = out[code] = []
            for record in records:
                if kept and kept[-1].start == record.start:
                    kept[-1] = record
                else:
                    kept.append(record)
        return out


def convert_rows(table: Table, step: Callable[[Sequence[Any]], None]) -> None:
    for number, row in enumerate(table.rows, 1):
        try:
            step(row)
        except (ValueError, TypeError, IndexError) as exc:
            raise bad_response(f"{table.source}: row {number}: {exc}") from None
        except KeyError:  # an object row: the API's rows are lists of column values
            raise bad_response(f"{table.source}: row {number} is not a list of column values") from None


def dam_prices(table: Table) -> Series:
    """DAM settlement point prices, hourly."""
    i_day, i_hour = table.index("deliveryDate"), table.index("hourEnding")
    i_point, i_price = table.index("settlementPoint"), table.index("settlementPointPrice")
    i_dst = table.index("DSTFlag")
    span = cache(hour_span)  # rows share their intervals: convert each stamp once
    out = _Collector()

    def step(row: Sequence[Any]) -> None:
        out.add(row[i_point], span(row[i_day], row[i_hour], row[i_dst]), row[i_price])

    convert_rows(table, step)
    return out.series()


def rt_prices(table: Table) -> Series:
    """Real-time settlement point prices, 15-minute."""
    i_day, i_hour = table.index("deliveryDate"), table.index("deliveryHour")
    i_interval, i_dst = table.index("deliveryInterval"), table.index("DSTFlag")
    i_point = table.index("settlementPoint", "settlementPointName")
    i_type, i_price = table.index("settlementPointType"), table.index("settlementPointPrice")
    span = cache(quarter_span)  # rows share their intervals: convert each stamp once
    out = _Collector()

    def step(row: Sequence[Any]) -> None:
        # Load zones come twice, as LZ and as energy-weighted LZEW under the same name; the plain
        # zone price is the one ERCOT displays as the zone's SPP.
        if str(row[i_type]).strip().endswith("EW"):
            return
        out.add(row[i_point], span(row[i_day], row[i_hour], row[i_interval], row[i_dst]), row[i_price])

    convert_rows(table, step)
    return out.series()


def sced_lmps(table: Table) -> Series:
    """LMPs of every SCED run.

    A SCED LMP holds from its run's timestamp until the next run (ERCOT time-weights SCED LMPs
    that way into the 15-minute settlement prices), so each interval ends at the point's next
    stamp; the point's last stamp in the body gets the nominal 5 minutes.
    """
    i_stamp, i_point = table.index("SCEDTimestamp"), table.index("settlementPoint")
    i_repeat, i_lmp = table.index("repeatHourFlag", "RepeatedHourFlag"), table.index("LMP")
    span = cache(sced_span)  # rows share their intervals: convert each stamp once
    out = _Collector()

    def step(row: Sequence[Any]) -> None:
        out.add(row[i_point], span(row[i_stamp], row[i_repeat]), row[i_lmp])

    convert_rows(table, step)
    series = out.series()
    for records in series.values():
        for current, following in itertools.pairwise(records):
            current.end = following.start
    return series


def hourly_average(quarters: Series) -> Series:
    """Real-time hourly prices from the 15-minute SPPs: ERCOT publishes no hourly real-time price,
    so an hour's price is the simple average of its four settlement intervals, the way ERCOT's
    own market reports average them. Hours missing a quarter are left out rather than guessed."""
    out: Series = {}
    for code, records in quarters.items():
        hours: dict[datetime, list[float]] = {}
        for record in records:
            # Central time is a whole number of hours from UTC: a UTC hour is a Central hour
            hours.setdefault(record.start.replace(minute=0, second=0, microsecond=0), []).append(record.lmp)
        out[code] = [
            PriceRecord(code, start, start + HOUR, sum(prices) / 4, None, None, None)
            for start, prices in hours.items()
            if len(prices) == 4
        ]
    return out


def prices(build: Callable[[Table], Series]) -> Callable[[Table], list[PriceRecord]]:
    """A price builder as a feed's: its records node by node."""
    return lambda table: [record for records in build(table).values() for record in records]


# --- feed parsers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    table: Table
    pages: int  # how many pages the answer has
    records: list[Any] | None  # the answer's records, when this page is all of it


@dataclass(frozen=True, slots=True)
class Tables:
    """The parser of a report ERCOT serves as a table: one body in any of its forms (API page, MIS
    or archive CSV, the zip around it) -> records.

    An API answer of several pages is read as one table (`page`, then `last_page`), and so are an
    answer's archive documents (`documents`): SCED intervals run to the next run, hours average
    their quarters and actuals come from the latest posting across page and file seams too.
    `only` keeps the rows of some settlement points, dropped before any record is made."""

    source: str  # the report, for messages
    build: Callable[[Table], Sequence[Any]]
    points: frozenset[str] | None = None

    def __call__(self, body: bytes) -> list[Any]:
        return list(self.build(read_table(body, self.source)))

    def only(self, points: Sequence[str] | None) -> Tables:
        """This parser, keeping the rows of `points` only (all rows with None)."""
        return Tables(self.source, self.build, None if points is None else frozenset(points))

    def document(self, source: str) -> Callable[[bytes], list[Any]]:
        """The parser of an archive document, named `source` in messages."""
        return lambda body: self._answer(read_table(body, source))

    def documents(self, documents: Sequence[Document], vintaged: bool) -> Callable[[bytes], list[Any]]:
        """The parser of an answer's archive documents, oldest first, read as one table (a run
        of documents with the same columns; a layout change starts another). For `vintaged`
        reports a document without a posting-time column gets its posting's."""

        def parse(_: bytes) -> list[Any]:
            runs: list[Table] = []
            for document in documents:
                table = read_table(document.body, f"{self.source} archive document {document.posting.doc_id}")
                if vintaged and table.find(POSTED_COLUMN) is None:
                    table = _with_posting_time(table, document)
                if runs and [_fold(c) for c in runs[-1].columns] == [_fold(c) for c in table.columns]:
                    runs[-1].rows.extend(table.rows)
                else:
                    runs.append(Table(self.source, table.columns, list(table.rows)))
            return [record for run in runs for record in self._answer(run)]

        return parse

    def page(self, body: bytes) -> list[Page]:
        table, pages = report_page(body, self.source)
        return [Page(table, pages, self._answer(table) if pages <= 1 else None)]

    def last_page(self, before: Sequence[Table]) -> Callable[[bytes], list[Any]]:
        """The parser of an answer's last page: the records of all its pages, `before` first."""

        def parse(body: bytes) -> list[Any]:
            tables = [*before, report_page(body, self.source)[0]]
            if any(table.columns != tables[0].columns for table in tables):
                raise bad_response(f"{self.source}: columns changed between pages")
            return self._answer(Table(self.source, tables[0].columns, [r for t in tables for r in t.rows]))

        return parse

    def _answer(self, table: Table) -> list[Any]:
        # An answer without rows is nothing published, whatever columns it has.
        if self.points is not None and table.rows:
            i_point = table.index("settlementPoint", "settlementPointName")
            points = self.points
            rows = table.rows
            try:
                kept = [row for row in rows if str(row[i_point]).strip() in points]
            except (IndexError, KeyError, TypeError):
                kept = rows  # a broken row: the builder says which
            table = Table(table.source, table.columns, kept)
        return list(self.build(table)) if table.rows else []


POSTED_COLUMN = "postedDatetime"


def _with_posting_time(table: Table, document: Document) -> Table:
    """An archive CSV of a vintaged report (no posting-time column: the API's `postedDatetime` is
    the listing's `postDatetime`) with its posting's time on every row, as an ISO stamp with its
    UTC offset: a posting inside the repeated fall-back hour is the second pass when ERCOT's file
    name says `xhr` (gridstatus reads it so), the first otherwise."""
    repeated = "xhr" in document.name.lower()
    instant = central_to_utc(document.posting.posted.replace(microsecond=0), repeated).astimezone(TZ)
    stamp = instant.isoformat()
    return Table(table.source, [*table.columns, POSTED_COLUMN], [[*row, stamp] for row in table.rows])


# --- public-API archive: the postings of a report and their downloads ---------------------------


@dataclass(frozen=True, slots=True)
class Posting:
    doc_id: str
    posted: datetime  # Central wall time, as the listing gives it (no offset)
    name: str  # ERCOT's friendly name of the file, e.g. "2_Day_AS_Disclosure"


@dataclass(frozen=True, slots=True)
class Document:
    """One archive document of a bulk download: its posting, its member name, its bytes."""

    posting: Posting
    name: str  # `<docId>.<ERCOT's file name>.zip`
    body: bytes


@dataclass(frozen=True, slots=True)
class Listing:
    postings: list[Posting]  # oldest first
    pages: int  # how many pages the listing has


def listing(body: bytes, source: str) -> Listing:
    """One page of an archive listing (`/archive/<emil>`): the live report endpoints hold recent
    days only, the archive keeps every posted file, one zip per `docId`."""
    payload = read_json(body, source)
    meta, archives = payload.get("_meta"), payload.get("archives")
    pages = meta.get("totalPages") if isinstance(meta, dict) else None
    if not isinstance(pages, int) or not isinstance(archives, list):
        detail = payload.get("message")
        raise bad_response(f"{source}: not an archive listing" + (f": {str(detail)[:200]}" if detail else ""))
    postings: list[Posting] = []
    for number, entry in enumerate(archives, 1):
        try:
            doc_id, posted = entry["docId"], entry["postDatetime"]
            if isinstance(doc_id, bool) or not isinstance(doc_id, int | str) or not str(doc_id).isdigit():
                raise ValueError(f"docId {doc_id!r}")
            postings.append(
                Posting(str(doc_id), datetime.fromisoformat(str(posted)), str(entry.get("friendlyName", "")))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_response(f"{source}: archive entry {number} is unreadable ({exc})") from None
    return Listing(sorted(postings, key=lambda p: p.posted), pages)


# --- settlement point list ------------------------------------------------------------------------


def latest_document(body: bytes, source: str, named: str | None = None) -> list[str]:
    """The DocID of the newest posting in an MIS document list (of those whose file name holds `named`)."""
    payload = read_json(body, source)
    try:
        documents = [entry["Document"] for entry in payload["ListDocsByRptTypeRes"]["DocumentList"]]
        newest = max(
            (doc for doc in documents if named is None or named in doc["ConstructedName"]),
            key=lambda doc: datetime.fromisoformat(doc["PublishDate"]),
        )
        return [str(newest["DocID"])]
    except (KeyError, TypeError, ValueError):
        raise bad_response(f"{source}: MIS document list without a dated document") from None


def settlement_points(body: bytes, source: str) -> list[Node]:
    """Nodes from the Settlement Points List zip (or its `Settlement_Points_*.csv`).

    The file maps electrical buses to resource nodes and load zones; hubs and DC ties are ERCOT's
    fixed set. Resource nodes are typed GENERATOR, load zones ZONE, DC ties INTERFACE.
    """
    if body.startswith(b"PK\x03\x04"):
        body = unzip(body, source, member="Settlement_Points")
    table = csv_table(body, source)
    i_node, i_zone = table.index("RESOURCE_NODE"), table.index("SETTLEMENT_LOAD_ZONE")
    found: dict[str, NodeType] = {}
    for number, row in enumerate(table.rows, 1):
        try:
            node, zone = row[i_node].strip(), row[i_zone].strip()
        except IndexError:
            raise bad_response(f"{source}: row {number} is short") from None
        if zone:
            found.setdefault(zone, NodeType.INTERFACE if zone.startswith("DC_") else NodeType.ZONE)
        if node:
            found.setdefault(node, NodeType.GENERATOR)
    fixed = {node.code for node in FIXED}
    extra = [Node(ISO.ERCOT, code, code, kind) for code, kind in sorted(found.items()) if code not in fixed]
    return [*FIXED, *extra]
