"""What every resolver of one request shares: the adapters, settings, that request's loaders and stats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from adapters import stats
from adapters.base import Adapter
from adapters.config import Settings
from adapters.model import ISO, MarketInfo

from .loaders import Loaders


class Budget(Protocol):
    """A client's query-cost budget (graph.access.TokenBucket)."""

    def take(self, amount: int) -> float | None: ...

    @property
    def remaining(self) -> int: ...


@dataclass
class Context:
    adapters: Mapping[ISO, Adapter]
    settings: Settings
    loaders: Loaders
    client: str | None = None  # the API client's name, when keys are on
    budget: Budget | None = None
    cost: int = 0  # the estimate of this request's query, set before it runs
    notices: list[dict[str, Any]] = field(default_factory=list)  # why answers are empty or short
    stats: stats.RequestStats = field(default_factory=stats.RequestStats)

    def market(self, iso: ISO) -> MarketInfo:
        return self.adapters[iso].market


def build_context(
    adapters: Mapping[ISO, Adapter], settings: Settings, *, client: str | None = None, budget: Budget | None = None
) -> Context:
    """Call inside the request's task: it binds the loaders to the running loop and the stats to
    the request's context."""
    context = Context(adapters, settings, Loaders(adapters), client=client, budget=budget)
    stats.current.set(context.stats)
    return context
