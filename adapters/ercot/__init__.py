"""ERCOT: prices and market-wide reports from the public-reports API (api.ercot.com), its
archive for older daily postings, nodes from MIS, the fuel mix from ERCOT's dashboard.

Every API call carries the account's subscription key and a B2C id token; MIS and the dashboard
need neither.
"""

from __future__ import annotations

from ..pipeline import Declaration
from .feeds import FEEDS, MARKET, SPACING, WWW_SPACING
from .nodes import FIXED
from .source import ErcotSource

__all__ = ["FEEDS", "MARKET", "create"]


DECLARATION = Declaration(
    MARKET,
    FIXED,
    FEEDS,
    lambda upstream, settings: ErcotSource(upstream("public-api", SPACING), upstream("www", WWW_SPACING), settings),
)
create = DECLARATION.create
