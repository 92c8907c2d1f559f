"""What an operator sees of each /graphql and /export request: its duration and cost in /metrics, its log line
(graph/logs.py) under a request id echoed in the `X-Request-Id` response header, and its
OpenTelemetry span (adapters/tracing.py) when the `otel` extra is installed."""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridql.adapters import tracing
from gridql.adapters.config import Settings
from gridql.resolvers.context import Context

from . import graphiql, logs, metrics
from .metrics import Metrics

OBSERVED = ("/graphql", "/export")  # /export runs its query through the /graphql view
# A refusal's body is a short JSON error (graph/app.py `error_response`): read for its codes, up to this.
_REFUSAL_BYTES = 65_536


class Observed:
    """Wraps the app: every /graphql request but a browser's GraphiQL page is timed from its
    arrival until its answer is sent, refusals (a 413, a 503 when overloaded) included."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path")  # a lifespan scope has none
        if scope["type"] != "http" or path not in OBSERVED or self._page(scope):
            await self.app(scope, receive, send)
            return
        # The view keeps the request's Context and error codes here (request.state).
        state: dict[str, Any] = scope.setdefault("state", {})
        headers = Headers(scope=scope)
        rid = logs.request_id(headers.get("x-request-id"))
        token = logs.current_id.set(rid)
        begin = time.perf_counter()
        status = 500  # unless an answer starts: the app failed
        refusal = bytearray()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", rid.encode())]}
            elif message["type"] == "http.response.body" and status >= 400 and len(refusal) < _REFUSAL_BYTES:
                refusal.extend(message.get("body", b""))
            await send(message)

        method = scope["method"]
        attributes = {"http.request.method": method, "url.path": path, "gridql.request_id": rid}
        with tracing.server(f"{method} {path}", headers, attributes) as span:
            try:
                await self.app(scope, receive, sending)
            finally:
                fields = self._record(state.get("gridql"), time.perf_counter() - begin)
                fields = {
                    "requestId": rid,
                    "method": method,
                    "path": path,
                    "status": status,
                    **fields,
                    "errors": state.get("codes") or (_codes(bytes(refusal)) if refusal else []),
                }
                logs.log_request(fields)
                span.set_attributes(_span_attributes(fields))
                logs.current_id.reset(token)

    def _record(self, context: Context | None, seconds: float) -> dict[str, Any]:
        """Observe the request in /metrics; its log fields beside the HTTP ones."""
        operation = context.operation if context is not None else None
        self.metrics.observe_request(operation, seconds)
        cost = None
        if context is not None and operation is not None:
            cost = context.meter.estimated
            self.metrics.cost.observe(cost)
        return {
            "durationMs": round(seconds * 1000, 2),
            "operation": operation[: metrics.MAX_NAME] if operation else None,  # a line is not a client's to fill
            "cost": cost,
            "upstream": _upstream(context),
            "client": context.client if context is not None else None,
        }

    def _page(self, scope: Scope) -> bool:
        return self.settings.graphiql and graphiql.wants_page(scope)


def _upstream(context: Context | None) -> dict[str, dict[str, int]]:
    if context is None:
        return {}
    return {
        iso.value: {"requests": s.upstream_requests, "authRequests": s.auth_requests, "cacheHits": s.cache_hits}
        for iso, s in context.stats.isos.items()
    }


def _span_attributes(fields: dict[str, Any]) -> tracing.Attributes:
    attributes: dict[str, str | int] = {"http.response.status_code": fields["status"]}
    if fields["operation"] is not None:
        attributes["graphql.operation.name"] = fields["operation"]
    if fields["cost"] is not None:
        attributes["gridql.cost"] = fields["cost"]
    if fields["errors"]:
        attributes["gridql.errors"] = ",".join(fields["errors"])
    return attributes


def _codes(body: bytes) -> list[str]:
    """The codes of a refusal's errors; none when the body is not gridql's JSON error."""
    try:
        document = orjson.loads(body)
        return [str(error["extensions"]["code"]) for error in document["errors"]]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return []
