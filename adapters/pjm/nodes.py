"""PJM's real trading hubs and transmission zones (the adapter's fixed nodes) and the sandbox's node list.

Hub ids and names are exactly as the Data Miner 2 LMP exports print them (samples
`pjm/dm2_*_hrl_lmps_hubs_*.csv`). Zone pnode ids are the ones gridstatus (`PJM.zone_node_ids`) and
several other public clients use; every zone's pnode name is its zone code (PJM prints `DOM`, not
`DOMINION`). PJM types hubs and zones `AGGREGATE` with subtype `HUB`/`ZONE`, buses `BUS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pnode:
    id: int
    name: str
    type: str  # pnode_type: AGGREGATE or BUS
    subtype: str  # pnode_subtype, also the LMP feeds' `type` column: HUB, ZONE, GEN, LOAD, EHV, ...
    zone: str = ""
    voltage: str = ""


HUBS: tuple[Pnode, ...] = tuple(
    Pnode(pnode_id, name, "AGGREGATE", "HUB")
    for pnode_id, name in (
        (51217, "EASTERN HUB"),
        (51287, "WEST INT HUB"),
        (51288, "WESTERN HUB"),
        (4669664, "NEW JERSEY HUB"),
        (33092311, "CHICAGO GEN HUB"),
        (33092313, "CHICAGO HUB"),
        (33092315, "N ILLINOIS HUB"),
        (34497125, "AEP GEN HUB"),
        (34497127, "AEP-DAYTON HUB"),
        (34497151, "OHIO HUB"),
        (35010337, "DOMINION HUB"),
        (116013751, "ATSI GEN HUB"),
    )
)

ZONES: tuple[Pnode, ...] = tuple(
    Pnode(pnode_id, name, "AGGREGATE", "ZONE")
    for pnode_id, name in (
        (1, "PJM-RTO"),
        (3, "MID-ATL/APS"),
        (51291, "AECO"),
        (51292, "BGE"),
        (51293, "DPL"),
        (51295, "JCPL"),
        (51296, "METED"),
        (51297, "PECO"),
        (51298, "PEPCO"),
        (51299, "PPL"),
        (51300, "PENELEC"),
        (51301, "PSEG"),
        (7633629, "RECO"),
        (8394954, "APS"),
        (8445784, "AEP"),
        (33092371, "COMED"),
        (34508503, "DAY"),
        (34964545, "DOM"),
        (37737283, "DUQ"),
        (116013753, "ATSI"),
        (124076095, "DEOK"),
        (970242670, "EKPC"),
        (1709725933, "OVEC"),
    )
)

# Real buses and interfaces, ids and names as third-party clients record them.
BUSES: tuple[Pnode, ...] = (
    Pnode(35010365, "LOUDOUN", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(35010369, "OX", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(35010371, "PLEASANT VIEW", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(62871513, "BRISTERS", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(1356178171, "BRAMBLET", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(1356178181, "MOSBY", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(1356178195, "GOOSECRE", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(1356178201, "SKFFSCRK", "BUS", "EHV", "DOM", "500 KV"),
    Pnode(34886139, "ASHBURN 35 KV TX1", "BUS", "LOAD", "DOM", "35 KV"),
    Pnode(34886141, "ASHBURN 35 KV TX2", "BUS", "LOAD", "DOM", "35 KV"),
    Pnode(48592, "ALDENE", "BUS", "LOAD"),
    Pnode(40523629, "MISO", "AGGREGATE", "INTERFACE"),
    Pnode(2156111904, "SOUTH", "AGGREGATE", "INTERFACE"),
)

# Synthetic: ids and names invented for the sandbox (PJM has ~20,000 such nodes; these only
# give the node list and the generator/aggregate filters something realistic to page through).
SYNTHETIC: tuple[Pnode, ...] = (
    Pnode(2156190011, "ELKRIDGE 1", "BUS", "GEN", "BGE", "13 KV"),
    Pnode(2156190012, "ELKRIDGE 2", "BUS", "GEN", "BGE", "13 KV"),
    Pnode(2156190021, "MAPLE RUN CT1", "BUS", "GEN", "PPL", "18 KV"),
    Pnode(2156190022, "MAPLE RUN ST", "BUS", "GEN", "PPL", "18 KV"),
    Pnode(2156190031, "CEDAR FORK SOLAR", "BUS", "GEN", "DOM", "34.5 KV"),
    Pnode(2156190041, "LAKE SHORE WIND", "BUS", "GEN", "COMED", "34.5 KV"),
    Pnode(2156190051, "RIVERBEND 345 KV T1", "BUS", "LOAD", "AEP", "345 KV"),
    Pnode(2156190061, "PINE HOLLOW 69 KV", "BUS", "LOAD", "PENELEC", "69 KV"),
    Pnode(2156190071, "ELKRIDGE AGG", "AGGREGATE", "AGGREGATE", "BGE"),
    Pnode(2156190081, "MAPLE RUN CC AGG", "AGGREGATE", "AGGREGATE", "PPL"),
)

PNODES: tuple[Pnode, ...] = (*HUBS, *ZONES, *BUSES, *SYNTHETIC)


def name_key(name: str) -> str:
    """A pnode name as the FTR feeds and the pnode list both reduce to: the FTR feeds print names
    with other runs of internal spaces than the pnode list does ("02AMSTED138 KV  TR2"), so names
    are matched with every run of whitespace made one space, in upper case."""
    return " ".join(name.split()).upper()
