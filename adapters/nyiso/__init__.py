"""NYISO: public MIS CSV files, no key.

Node prices, the generator list, and the market-wide datasets (actual load, the load forecast,
fuel mix, ancillary prices, interface flows, limiting constraints): every report is declared in
`feeds.py`, planned and fetched by `source.py`.
"""

from __future__ import annotations

from ..pipeline import Declaration
from ..queue import QUEUE_SPACING
from ..queue_source import WithQueue
from .feeds import FEEDS, MARKET, SPACING
from .nodes import zonal_nodes
from .source import MisSource

__all__ = ["FEEDS", "MARKET", "create"]

FIXED_NODES = tuple(zonal_nodes())


DECLARATION = Declaration(
    MARKET,
    FIXED_NODES,
    FEEDS,
    lambda upstream, settings: WithQueue(
        MisSource(upstream("mis", SPACING)), upstream("www", QUEUE_SPACING), QUEUE_SPACING
    ),
)
create = DECLARATION.create
