"""Reading any OASIS SingleZip answer: the zip, its CSV or XML report, or its XML error report.

Every answer is a zip. With `resultformat=6` a report holds CSV; without it, XML (`REPORT_ITEM`s,
each a `REPORT_HEADER` and `REPORT_DATA` rows). On failure, even under HTTP 200, the zip holds an
XML error report (`<m:ERR_CODE>`, `<m:ERR_DESC>`) instead. A report saved unzipped (an OASIS XML
document or CSV) is read too, so `gridql parse` takes either.
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import UpstreamBadResponse
from ..model import ISO
from ..timeutil import parse_iso_stamp

# "No data returned for the specified selection": also what an unknown node id gets. gridstatus
# reads every XML answer as "no data"; only these codes are, so a refused request (window too
# long, too many nodes, bad version) is an error rather than an empty result. 1014 "Start Date is
# beyond the limit" is a window older than OASIS keeps (about 39 months): no data, which the
# feed's declared retention explains.
NO_DATA = "1000"
BEYOND_RETENTION = "1014"
_NO_DATA = (NO_DATA, BEYOND_RETENTION)
# "Data can be requested for period of 31 days only": the window is over the report's limit.
WINDOW_REFUSED = "1004"

# A bare (unzipped) report starts like one of these; anything else that is not a zip (an HTML
# page, a proxy's notice) is refused.
_BARE_STARTS = (b"<?xml", b"<OASIS", b"INTERVALSTARTTIME_GMT")


def bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.CAISO, message)


def members(body: bytes) -> list[tuple[str, bytes]]:
    """The files of an OASIS answer: the zip's members, or the body itself when it is a bare report."""
    if body.lstrip()[:21].startswith(_BARE_STARTS):
        return [("report", body)]
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            found = [(name, archive.read(name)) for name in archive.namelist()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error):
        raise bad(f"OASIS answered {body[:40]!r}..., not a zip archive") from None
    if not found:
        raise bad("OASIS answered an empty zip archive")
    return found


def is_xml(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<"


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def xml(name: str, data: bytes) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        repaired = _close_report_items(data)
        if repaired is not None:
            try:
                return ET.fromstring(repaired)
            except ET.ParseError:
                pass
        raise bad(f"{name} is not well-formed XML ({exc})") from None


_REPORT_ITEM = re.compile(rb"<(\w+:)?REPORT_ITEM>")
_CLOSE_AT = re.compile(rb"<(\w+:)?DISCLAIMER_ITEM>|</(\w+:)?RTO>")


def _close_report_items(data: bytes) -> bytes | None:
    """The one defect tolerated: REPORT_ITEMs left open in a document that otherwise runs to its
    closing `</OASISReport>` (the recorded schedules answer has it). Every REPORT_DATA is closed and
    the document is complete, so nothing is lost; a truncated document does not end that way."""
    if not data.rstrip().endswith(b"OASISReport>"):
        return None
    opened = _REPORT_ITEM.findall(data)
    closed = data.count(b"REPORT_ITEM>") - len(opened)  # the count takes opening tags in too
    missing = len(opened) - closed
    at = _CLOSE_AT.search(data)
    if missing <= 0 or at is None:
        return None
    closing = b"".join(b"</" + prefix + b"REPORT_ITEM>" for prefix in opened[:missing])
    return data[: at.start()] + closing + data[at.start() :]


def _error(root: ET.Element) -> tuple[str, str] | None:
    """(ERR_CODE, ERR_DESC) when `root` is an OASIS error report."""
    found: dict[str, str] = {}
    for element in root.iter():
        tag = local(element.tag)
        if tag in ("ERR_CODE", "ERR_DESC"):
            found[tag] = (element.text or "").strip()
    if "ERR_CODE" not in found:
        return None
    return found["ERR_CODE"], found.get("ERR_DESC", "")


def check_error(name: str, root: ET.Element, expected: str) -> None:
    """Return for a no-data report, raise for any other error report or unexpected XML."""
    error = _error(root)
    if error is None:
        raise bad(f"{name} is an XML document without an error code where {expected} was expected")
    code, description = error
    if code not in _NO_DATA:
        raise bad(f"OASIS error {code}: {description}")


_LIMIT = re.compile(r"period of (\d+) (day|hour)s?", re.IGNORECASE)


def refused_window(body: bytes) -> tuple[timedelta, str] | None:
    """(the longest window OASIS allows, its description) when `body` is its error 1004 refusing a
    longer one: the limit the description names (31 days, 1 hour ...), or 0 when it names none.
    None for any other answer, which the parsers read (and refuse) as usual."""
    if body.lstrip()[:2] != b"PK" or len(body) > 65_536:  # an error report is a small zip
        return None
    try:
        [(_, data)] = members(body)
    except (ValueError, UpstreamBadResponse):
        return None
    if not is_xml(data):
        return None
    try:
        error = _error(ET.fromstring(data))
    except ET.ParseError:
        return None
    if error is None or error[0] != WINDOW_REFUSED:
        return None
    match = _LIMIT.search(error[1])
    if match is None:
        return timedelta(0), error[1]
    count, unit = int(match.group(1)), match.group(2).lower()
    return (timedelta(days=count) if unit == "day" else timedelta(hours=count)), error[1]


def instant(text: str) -> datetime:
    """An OASIS GMT stamp (`2022-02-01T15:00:00-00:00`) -> a UTC datetime. Parsers memoize it with
    `functools.cache` per report: a report repeats each stamp once per series."""
    try:
        if len(text) != 25 or text[19:] not in ("-00:00", "+00:00"):
            raise ValueError(text)
        return parse_iso_stamp(text).replace(tzinfo=UTC)
    except ValueError:
        raise bad(f"OASIS stamp {text!r} is not of the form 2022-02-01T15:00:00-00:00") from None


def number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise bad(f"{what} {text!r} is not a number")
    return value


def column(header: list[str], names: tuple[str, ...], member: str) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise bad(f"{member} has no {' or '.join(names)} column (header: {','.join(header)})")


@dataclass(frozen=True, slots=True)
class Field:
    """A value every row of a report carries, by its CSV column or XML element names."""

    names: tuple[str, ...]  # the CSV name first, then the XML names (row or REPORT_HEADER elements)
    required: bool = True


def table(body: bytes, fields: Sequence[Field]) -> list[list[str]]:
    """Every row of an OASIS report (CSV or XML form) as the values of `fields`, in that order.

    An optional field a report lacks reads as "". A no-data answer is no rows; an error report,
    a missing required column or element, or a short row raises UpstreamBadResponse.
    """
    rows: list[list[str]] = []
    for member, data in members(body):
        if is_xml(data):
            rows.extend(_xml_rows(member, xml(member, data), fields))
        else:
            rows.extend(_csv_rows(member, data, fields))
    return rows


def _csv_rows(member: str, data: bytes, fields: Sequence[Field]) -> list[list[str]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise bad(f"{member} is empty")
    picks = [column(header, f.names, member) if f.required else _optional(header, f.names) for f in fields]
    width = max(picks) + 1
    rows: list[list[str]] = []
    for number_, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) < width:
            raise bad(f"{member} line {number_} has {len(row)} of {len(header)} fields")
        rows.append([row[i] if i >= 0 else "" for i in picks])
    return rows


def _optional(header: list[str], names: tuple[str, ...]) -> int:
    return next((header.index(name) for name in names if name in header), -1)


def _xml_rows(member: str, root: ET.Element, fields: Sequence[Field]) -> list[list[str]]:
    items = [element for element in root.iter() if local(element.tag) == "REPORT_ITEM"]
    if not items:
        check_error(member, root, "an OASIS report")
        return []
    rows: list[list[str]] = []
    for item in items:
        header: dict[str, str] = {}
        data: list[ET.Element] = []
        for child in item:
            tag = local(child.tag)
            if tag == "REPORT_HEADER":
                header.update((local(e.tag), (e.text or "").strip()) for e in child)
            elif tag == "REPORT_DATA":
                data.append(child)
        for element in data:
            values = {**header, **{local(e.tag): (e.text or "").strip() for e in element}}
            row: list[str] = []
            for f in fields:
                value = next((values[name] for name in f.names if name in values), None)
                if value is None:
                    if f.required:
                        raise bad(f"{member} has a REPORT_DATA without {' or '.join(f.names)}")
                    value = ""
                row.append(value)
            rows.append(row)
    return rows
