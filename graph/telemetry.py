"""What an operator sees of each /graphql request: its duration and cost in /metrics."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.config import Settings
from resolvers.context import Context

from . import graphiql
from .metrics import Metrics


class Observed:
    """Wraps the app: every /graphql request but a browser's GraphiQL page is timed from its
    arrival until its answer is sent, refusals (a 413, a 503 when overloaded) included."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql" or self._page(scope):
            await self.app(scope, receive, send)
            return
        # The view keeps the request's Context here (request.state.gridql).
        state: dict[str, Any] = scope.setdefault("state", {})
        begin = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            seconds = time.perf_counter() - begin
            context: Context | None = state.get("gridql")
            operation = context.operation if context is not None else None
            self.metrics.observe_request(operation, seconds)
            if context is not None and operation is not None:
                self.metrics.cost.observe(context.meter.estimated)

    def _page(self, scope: Scope) -> bool:
        return self.settings.graphiql and graphiql.wants_page(scope)
