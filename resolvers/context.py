"""What every resolver of one request shares: the adapters, that request's loaders and its stats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from adapters import stats
from adapters.base import Adapter
from adapters.model import ISO, MarketInfo

from .loaders import Loaders


@dataclass
class Context:
    adapters: Mapping[ISO, Adapter]
    sandbox: bool
    loaders: Loaders
    max_cost: int
    cost: int = 0  # the estimate of this request's query, set before it runs
    stats: stats.RequestStats = field(default_factory=stats.RequestStats)

    def market(self, iso: ISO) -> MarketInfo:
        return self.adapters[iso].market


def build_context(adapters: Mapping[ISO, Adapter], *, sandbox: bool, max_cost: int) -> Context:
    """Call inside the request's task: it binds the loaders to the running loop and the stats to
    the request's context."""
    context = Context(adapters=adapters, sandbox=sandbox, loaders=Loaders(adapters), max_cost=max_cost)
    stats.current.set(context.stats)
    return context
