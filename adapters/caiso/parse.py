"""OASIS price reports and the APnode atlas -> records.

A price report holds one row per (node, interval, component), in no particular order; the CSV
form names the component in LMP_TYPE, the XML form in DATA_ITEM. The atlas (ATL_APNODE) is XML.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from ..model import ISO, Node, PriceRecord
from .nodes import NAMES, node_type
from .oasis import Field, bad, check_error, instant, local, members, number, table, xml

# Component -> slot in (lmp, energy, congestion, loss). MGHG (the GHG part) has no field here.
_SLOTS = {
    "LMP": 0,
    "MCE": 1,
    "MCC": 2,
    "MCL": 3,
    "LMP_PRC": 0,
    "LMP_ENE_PRC": 1,
    "LMP_CONG_PRC": 2,
    "LMP_LOSS_PRC": 3,
}

# The value column is MW in PRC_LMP and PRC_HASP_LMP, VALUE in PRC_INTVL_LMP, PRC in PRC_RTPD_LMP.
_PRICE_FIELDS = (
    Field(("INTERVALSTARTTIME_GMT", "INTERVAL_START_GMT")),
    Field(("INTERVALENDTIME_GMT", "INTERVAL_END_GMT")),
    Field(("NODE", "RESOURCE_NAME")),
    Field(("LMP_TYPE", "DATA_ITEM")),
    Field(("MW", "VALUE", "PRC")),
)


def prices(body: bytes) -> list[PriceRecord]:
    """A PRC_LMP / PRC_RTPD_LMP / PRC_INTVL_LMP / PRC_HASP_LMP answer -> one record per (node, interval).

    Rows are pivoted on (node, interval start). The GMT columns are the instants: no local time, no DST.
    """
    values: dict[tuple[str, str], list[float | None]] = {}
    ends: dict[tuple[str, str], str] = {}
    for start_text, end_text, node, kind, text in table(body, _PRICE_FIELDS):
        slot = _SLOTS.get(kind)
        if slot is None:
            continue
        key = (node, start_text)
        cells = values.get(key)
        if cells is None:
            cells = values[key] = [None, None, None, None]
            ends[key] = end_text
        cells[slot] = number(text, "price")

    stamps = cache(instant)
    records: list[PriceRecord] = []
    for (node, start_text), (lmp, energy, congestion, loss) in values.items():
        start: datetime = stamps(start_text)
        end = stamps(ends[node, start_text])
        if lmp is None:
            raise bad(f"{node} at {start_text} has components but no LMP row")
        if end <= start:
            raise bad(f"{node} at {start_text} ends at {ends[node, start_text]}, not after it starts")
        records.append(PriceRecord(node, start, end, lmp, energy, congestion, loss))
    records.sort(key=lambda record: (record.node, record.start))
    return records


def nodes(body: bytes) -> list[Node]:
    """An ATL_APNODE zip (XML atlas) -> the APnodes, by id."""
    found: dict[str, Node] = {}
    for member, data in members(body):
        root = xml(member, data)
        items = [element for element in root.iter() if local(element.tag) == "ATLS_DATA"]
        if not items:
            check_error(member, root, "an APnode atlas")
            continue
        for item in items:
            fields = {local(child.tag): (child.text or "").strip() for child in item}
            code = fields.get("APNODE_NAME", "")
            if not code:
                raise bad(f"{member} has an ATLS_DATA entry without APNODE_NAME")
            if code not in found:
                kind = node_type(code, fields.get("APNODE_TYPE", ""))
                found[code] = Node(ISO.CAISO, code, NAMES.get(code, code), kind)
    return sorted(found.values(), key=lambda node: node.code)
