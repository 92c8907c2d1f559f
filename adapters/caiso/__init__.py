"""CAISO: LMPs and market-wide reports from OASIS (SingleZip, CSV in a zip), APnodes from its atlas,
and CAISO's daily published files (Today's Outlook fuel source, Daily Renewables Watch)."""

from __future__ import annotations

from ..pipeline import Declaration
from ..queue import QUEUE_SPACING
from ..queue_source import WithQueue
from .feeds import FEEDS, FILES_SPACING, MARKET, OASIS_SPACING
from .nodes import FIXED_NODES
from .source import CaisoSource

__all__ = ["FEEDS", "MARKET", "create"]


DECLARATION = Declaration(
    MARKET,
    FIXED_NODES,
    FEEDS,
    lambda upstream, settings: WithQueue(
        CaisoSource(upstream("oasis", OASIS_SPACING), upstream("files", FILES_SPACING), MARKET.tz),
        upstream("queue", QUEUE_SPACING),
        QUEUE_SPACING,
    ),
)
create = DECLARATION.create
