"""ERCOT's fixed settlement points: the trading hubs, load zones and DC ties.

These are priced in every ERCOT price report under these ids. Resource nodes come and go with
the network model and are read from the Settlement Points List instead.
"""

from __future__ import annotations

from ..model import ISO, Node, NodeType


def _nodes(kind: NodeType, *points: tuple[str, str]) -> tuple[Node, ...]:
    return tuple(Node(ISO.ERCOT, code, name, kind) for code, name in points)


HUBS = _nodes(
    NodeType.HUB,
    ("HB_HOUSTON", "Houston 345 kV Hub"),
    ("HB_NORTH", "North 345 kV Hub"),
    ("HB_SOUTH", "South 345 kV Hub"),
    ("HB_WEST", "West 345 kV Hub"),
    ("HB_PAN", "Panhandle 345 kV Hub"),
    ("HB_BUSAVG", "ERCOT Bus Average 345 kV Hub"),
    ("HB_HUBAVG", "ERCOT Hub Average 345 kV Hub"),
)

LOAD_ZONES = _nodes(
    NodeType.ZONE,
    ("LZ_HOUSTON", "Houston Load Zone"),
    ("LZ_NORTH", "North Load Zone"),
    ("LZ_SOUTH", "South Load Zone"),
    ("LZ_WEST", "West Load Zone"),
    ("LZ_AEN", "Austin Energy Load Zone"),
    ("LZ_CPS", "CPS Energy Load Zone"),
    ("LZ_LCRA", "LCRA Load Zone"),
    ("LZ_RAYBN", "Rayburn Country Load Zone"),
)

DC_TIES = _nodes(
    NodeType.INTERFACE,
    ("DC_E", "East DC Tie"),
    ("DC_L", "Laredo DC Tie"),
    ("DC_N", "North DC Tie"),
    ("DC_R", "Railroad DC Tie"),
)

FIXED: tuple[Node, ...] = (*HUBS, *LOAD_ZONES, *DC_TIES)
