"""OASIS answers -> records.

Every SingleZip answer is a zip. With `resultformat=6` a price report holds CSV, one row per
(node, interval, LMP_TYPE); on failure, even under HTTP 200, it holds an XML error report
(`<m:ERR_CODE>`, `<m:ERR_DESC>`) instead. The atlas (ATL_APNODE) is XML.
"""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime

from ..errors import UpstreamBadResponse
from ..model import ISO, Node, PriceRecord
from .nodes import NAMES, node_type

# "No data returned for the specified selection": also what an unknown node id gets. gridstatus
# reads every XML answer as "no data"; only this code is, so a refused request (window too long,
# too many nodes, bad version) is an error rather than an empty result.
NO_DATA = "1000"

# LMP_TYPE -> slot in (lmp, energy, congestion, loss). MGHG (the GHG part) has no field here.
_SLOTS = {"LMP": 0, "MCE": 1, "MCC": 2, "MCL": 3}

# The value column is MW in PRC_LMP, VALUE in PRC_INTVL_LMP and PRC in PRC_RTPD_LMP.
_VALUE_COLUMNS = ("MW", "VALUE", "PRC")


def _bad(message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(ISO.CAISO, message)


def _members(body: bytes) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = [(name, archive.read(name)) for name in archive.namelist()]
    except zipfile.BadZipFile:
        raise _bad(f"OASIS answered {body[:40]!r}..., not a zip archive") from None
    if not members:
        raise _bad("OASIS answered an empty zip archive")
    return members


def _is_xml(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml(name: str, data: bytes) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise _bad(f"{name} is not well-formed XML ({exc})") from None


def _error(root: ET.Element) -> tuple[str, str] | None:
    """(ERR_CODE, ERR_DESC) when `root` is an OASIS error report."""
    found: dict[str, str] = {}
    for element in root.iter():
        tag = _local(element.tag)
        if tag in ("ERR_CODE", "ERR_DESC"):
            found[tag] = (element.text or "").strip()
    if "ERR_CODE" not in found:
        return None
    return found["ERR_CODE"], found.get("ERR_DESC", "")


def _check_error(name: str, root: ET.Element, expected: str) -> None:
    """Return for a no-data report, raise for any other error report or unexpected XML."""
    error = _error(root)
    if error is None:
        raise _bad(f"{name} is an XML document without an error code where {expected} was expected")
    code, description = error
    if code != NO_DATA:
        raise _bad(f"OASIS error {code}: {description}")


def _instant(text: str) -> datetime:
    # OASIS prints GMT as 2022-02-01T15:00:00-00:00.
    if len(text) != 25 or text[10] != "T" or text[19:] not in ("-00:00", "+00:00"):
        raise ValueError(text)
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        tzinfo=UTC,
    )


def _column(header: list[str], names: tuple[str, ...], member: str) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise _bad(f"{member} has no {' or '.join(names)} column (header: {','.join(header)})")


def prices(body: bytes) -> list[PriceRecord]:
    """A PRC_LMP / PRC_RTPD_LMP / PRC_INTVL_LMP zip -> one record per (node, interval).

    Rows come one per component and in no particular order; they are pivoted on
    (NODE, INTERVALSTARTTIME_GMT). The GMT columns are the instants: no local time, no DST.
    """
    values: dict[tuple[str, str], list[float | None]] = {}
    ends: dict[tuple[str, str], str] = {}
    for member, data in _members(body):
        if _is_xml(data):
            _check_error(member, _xml(member, data), "CSV")
            continue
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        header = [name.strip() for name in next(rows, [])]
        if not header:
            raise _bad(f"{member} is empty")
        i_start = _column(header, ("INTERVALSTARTTIME_GMT",), member)
        i_end = _column(header, ("INTERVALENDTIME_GMT",), member)
        i_node = _column(header, ("NODE",), member)
        i_type = _column(header, ("LMP_TYPE",), member)
        i_value = _column(header, _VALUE_COLUMNS, member)
        for number, row in enumerate(rows, start=2):
            if not row:
                continue
            try:
                slot = _SLOTS.get(row[i_type])
                if slot is None:
                    continue
                key = (row[i_node], row[i_start])
                text = row[i_value]
                end_text = row[i_end]
            except IndexError:
                raise _bad(f"{member} line {number} has {len(row)} of {len(header)} fields") from None
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise _bad(f"{member} line {number}: price {text!r} is not a number")
            cells = values.get(key)
            if cells is None:
                cells = values[key] = [None, None, None, None]
                ends[key] = end_text
            cells[slot] = value

    instants: dict[str, datetime] = {}

    def instant(text: str) -> datetime:
        found = instants.get(text)
        if found is None:
            try:
                found = instants[text] = _instant(text)
            except ValueError:
                raise _bad(f"OASIS stamp {text!r} is not of the form 2022-02-01T15:00:00-00:00") from None
        return found

    records: list[PriceRecord] = []
    for (node, start_text), (lmp, energy, congestion, loss) in values.items():
        start, end = instant(start_text), instant(ends[node, start_text])
        if lmp is None:
            raise _bad(f"{node} at {start_text} has components but no LMP row")
        if end <= start:
            raise _bad(f"{node} at {start_text} ends at {ends[node, start_text]}, not after it starts")
        records.append(PriceRecord(node, start, end, lmp, energy, congestion, loss))
    records.sort(key=lambda record: (record.node, record.start))
    return records


def nodes(body: bytes) -> list[Node]:
    """An ATL_APNODE zip (XML atlas) -> the APnodes, by id."""
    found: dict[str, Node] = {}
    for member, data in _members(body):
        root = _xml(member, data)
        items = [element for element in root.iter() if _local(element.tag) == "ATLS_DATA"]
        if not items:
            _check_error(member, root, "an APnode atlas")
            continue
        for item in items:
            fields = {_local(child.tag): (child.text or "").strip() for child in item}
            code = fields.get("APNODE_NAME", "")
            if not code:
                raise _bad(f"{member} has an ATLS_DATA entry without APNODE_NAME")
            if code not in found:
                kind = node_type(code, fields.get("APNODE_TYPE", ""))
                found[code] = Node(ISO.CAISO, code, NAMES.get(code, code), kind)
    return sorted(found.values(), key=lambda node: node.code)
