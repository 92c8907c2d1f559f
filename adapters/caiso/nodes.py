"""CAISO's real trading hubs and default load aggregation points, and APnode types -> NodeType."""

from __future__ import annotations

from ..model import ISO, Node, NodeType

HUBS: dict[str, str] = {
    "TH_NP15_GEN-APND": "NP15 Trading Hub",
    "TH_SP15_GEN-APND": "SP15 Trading Hub",
    "TH_ZP26_GEN-APND": "ZP26 Trading Hub",
}

# A DLAP is the price a utility's whole service area settles its load at: the role PJM's
# transmission zones, ERCOT's LZ_ and NYISO's zones play, so it is a ZONE rather than AGGREGATE.
DLAPS: dict[str, str] = {
    "DLAP_PGAE-APND": "PG&E Default Load Aggregation Point",
    "DLAP_SCE-APND": "SCE Default Load Aggregation Point",
    "DLAP_SDGE-APND": "SDG&E Default Load Aggregation Point",
    "DLAP_VEA-APND": "VEA Default Load Aggregation Point",
}

NAMES: dict[str, str] = {**HUBS, **DLAPS}

FIXED_NODES: tuple[Node, ...] = (
    *(Node(ISO.CAISO, code, name, NodeType.HUB) for code, name in HUBS.items()),
    *(Node(ISO.CAISO, code, name, NodeType.ZONE) for code, name in DLAPS.items()),
)

# APNODE_TYPE codes as the APnode atlas prints them. Only the codes whose meaning is known are mapped:
# TH trading hub, DPZ default price zone (DLAPs), DEPZ default EIM price zone (ELAP_<BAA>),
# CPZ custom price zone (sub-LAPs), AG aggregated generation. Everything else is OTHER.
_TYPES: dict[str, NodeType] = {
    "TH": NodeType.HUB,
    "DPZ": NodeType.ZONE,
    "DEPZ": NodeType.ZONE,
    "CPZ": NodeType.AGGREGATE,
    "AG": NodeType.GENERATOR,
}


def node_type(code: str, apnode_type: str) -> NodeType:
    # The id prefixes of hubs and DLAPs are certain; the type codes above are partly inferred.
    if code.startswith("TH_"):
        return NodeType.HUB
    if code.startswith(("DLAP_", "ELAP_")):
        return NodeType.ZONE
    return _TYPES.get(apnode_type, NodeType.OTHER)
