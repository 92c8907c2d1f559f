"""What every resolver of one request shares: the adapters, settings, that request's loaders and stats."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gridql.adapters import stats
from gridql.adapters.base import Adapter
from gridql.adapters.config import Settings
from gridql.adapters.model import ISO, MarketInfo

from .loaders import Loaders
from .meter import Budget, Meter


@dataclass
class Context:
    adapters: Mapping[ISO, Adapter]
    settings: Settings
    loaders: Loaders
    meter: Meter  # what the query costs: its estimate, then what it reads upstream
    client: str | None = None  # the API client's name, when keys are on
    notices: list[dict[str, Any]] = field(default_factory=list)  # why answers are empty or short
    stats: stats.RequestStats = field(default_factory=stats.RequestStats)
    deadline: float = math.inf  # time.monotonic() by which the answer is due
    # The operation executed, once its cost is estimated: its name, "" for an unnamed one; None
    # for a request refused before (parse or validation errors).
    operation: str | None = None

    def market(self, iso: ISO) -> MarketInfo:
        return self.adapters[iso].market


def build_context(
    adapters: Mapping[ISO, Adapter], settings: Settings, *, client: str | None = None, budget: Budget | None = None
) -> Context:
    """Call inside the request's task: it binds the loaders to the running loop and the stats to
    the request's context."""
    meter = Meter(settings.max_cost, budget)
    context = Context(
        adapters,
        settings,
        Loaders(adapters, meter),
        meter,
        client=client,
        deadline=time.monotonic() + settings.request_deadline,
    )
    stats.current.set(context.stats)
    return context
