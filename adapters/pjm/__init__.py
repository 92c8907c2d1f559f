"""PJM through Data Miner 2 (api.pjm.com/api/v1): LMPs, the pnode list and the market-wide feeds."""

from __future__ import annotations

from ..model import ISO, Node
from ..pipeline import Declaration
from ..queue import QUEUE_SPACING
from ..queue_source import WithQueue
from .feeds import FEEDS, MARKET, SPACING
from .nodes import HUBS, ZONES
from .parse import node_type
from .source import DataMiner

__all__ = ["FEEDS", "FIXED_NODES", "MARKET", "create"]

# Hubs and zones resolve without a request: PJM's full pnode list is ~20,000 rows.
FIXED_NODES: tuple[Node, ...] = tuple(Node(ISO.PJM, str(p.id), p.name, node_type(p.subtype)) for p in (*HUBS, *ZONES))


DECLARATION = Declaration(
    MARKET,
    FIXED_NODES,
    FEEDS,
    lambda upstream, settings: WithQueue(
        DataMiner(upstream("dataminer", SPACING), settings.pjm_api_key),
        upstream("planning", QUEUE_SPACING),
        QUEUE_SPACING,
        {"api-subscription-key": settings.pjm_planning_key},
    ),
)
create = DECLARATION.create
