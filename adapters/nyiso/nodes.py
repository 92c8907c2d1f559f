"""NYISO's pricing points: the load zones and external proxy buses (fixed), and generators (published)."""

from __future__ import annotations

import csv
import io

from ..errors import UpstreamBadResponse
from ..model import ISO, Node, NodeType

# PTIDs as printed in NYISO's zonal LBMP files (see the recorded real-time zonal sample).
ZONES: dict[str, str] = {
    "61752": "WEST",
    "61753": "GENESE",
    "61754": "CENTRL",
    "61755": "NORTH",
    "61756": "MHK VL",
    "61757": "CAPITL",
    "61758": "HUD VL",
    "61759": "MILLWD",
    "61760": "DUNWOD",
    "61761": "N.Y.C.",
    "61762": "LONGIL",
}
# Proxy buses for the neighbouring control areas; they are priced in the zonal files too.
EXTERNAL: dict[str, str] = {
    "61844": "H Q",
    "61845": "NPX",
    "61846": "O H",
    "61847": "PJM",
}
ZONAL_PTIDS = frozenset(ZONES) | frozenset(EXTERNAL)


def zonal_nodes() -> list[Node]:
    return [Node(ISO.NYISO, ptid, name, NodeType.ZONE) for ptid, name in ZONES.items()] + [
        Node(ISO.NYISO, ptid, name, NodeType.INTERFACE) for ptid, name in EXTERNAL.items()
    ]


def parse_generators(body: bytes) -> list[Node]:
    """`generator.csv`: "Generator Name","Generator PTID","Zone",... one row per generator."""
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    header = next((row for row in rows if row), None)
    if header is None or "Generator Name" not in header or "Generator PTID" not in header:
        raise UpstreamBadResponse(ISO.NYISO, "generator list has no 'Generator Name'/'Generator PTID' header")
    name_at, ptid_at = header.index("Generator Name"), header.index("Generator PTID")
    nodes: list[Node] = []
    for row in rows:
        if not row:
            continue
        ptid = row[ptid_at].strip()
        if not ptid.isdigit():
            raise UpstreamBadResponse(ISO.NYISO, f"generator list has a non-numeric PTID {ptid!r}")
        nodes.append(Node(ISO.NYISO, ptid, row[name_at].strip(), NodeType.GENERATOR))
    return nodes
