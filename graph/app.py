"""The ASGI app: /graphql (POST, GET, GraphiQL in a browser), /export (CSV, NDJSON), /healthz, /metrics and
GraphiQL's scripts."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from gridql.adapters import registry
from gridql.adapters.base import Adapter
from gridql.adapters.config import Settings
from gridql.adapters.model import ISO
from gridql.resolvers.context import Context, build_context

from . import graphiql
from .access import KeyRing
from .collector import keep_frozen
from .execution import DEADLINE_EXCEEDED
from .export import Export
from .metrics import Metrics
from .schema import schema
from .telemetry import Observed

log = logging.getLogger("gridql")
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def _code(error: GraphQLError) -> str:
    """Every error leaves with a code; an unexpected exception's message is not shown."""
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):  # variables that do not coerce to their types
        return "BAD_USER_INPUT"
    if error.original_error is not None:
        return "INTERNAL_SERVER_ERROR"
    return "GRAPHQL_VALIDATION_FAILED"


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, adapters: Mapping[ISO, Adapter], settings: Settings) -> None:
        # gridql serves its own page (graph/graphiql.py); strawberry's answers a browser's GET with 404.
        super().__init__(schema, graphql_ide=None)
        self.adapters = adapters
        self.settings = settings
        self.keys = KeyRing.load(Path(settings.api_keys_file)) if settings.api_keys_file else None
        self.metrics = Metrics(adapters)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if self.settings.graphiql and graphiql.wants_page(scope):
            await graphiql.page(self.settings, scope)(scope, receive, send)
            return
        if scope["method"] == "POST":
            body = await read_body(scope, receive, self.settings)
            if isinstance(body, Response):
                await body(scope, receive, send)
                return
            receive = _replay(body)
        try:
            response = await self.run(Request(scope, receive=receive))
        except HTTPException as exc:  # malformed JSON, wrong content type, mutation over GET, ...
            code = "UNAUTHENTICATED" if exc.status_code == 401 else "BAD_REQUEST"
            response = error_response(exc.status_code, exc.reason, code)
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        client = None
        if self.keys is not None:
            client = self.keys.client(_presented_key(request))
            if client is None:
                raise HTTPException(401, "A valid API key is required: send it as `Authorization: Bearer <key>`")
        context = build_context(
            self.adapters,
            self.settings,
            client=client.name if client else None,
            budget=client.bucket if client else None,
        )
        request.state.gridql = context
        return context

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        deadline = self.settings.request_deadline
        context: Context = kwargs["context"]
        try:
            # One deadline for the request, the one the executor checks: asyncio's loop clock is
            # time.monotonic, the clock Context.deadline is set on.
            async with asyncio.timeout_at(context.deadline):
                result = await super().execute_operation(*args, **kwargs)
        except TimeoutError:
            # Upstream fetches under way go on in their own tasks while another request waits on
            # them or the archive keeps what they fetch; the others are cancelled (RecordCache.get).
            result = None
        # The executor stops at the next list once the deadline has passed (graph/execution.py):
        # a part-built answer is no answer, the same as a timeout.
        if result is None or any(_code(e) == DEADLINE_EXCEEDED for e in getattr(result, "errors", None) or ()):
            message = f"The request took longer than its {deadline:g} s deadline and was stopped; try again"
            return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": DEADLINE_EXCEEDED})])
        return result

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        self.metrics.requests += 1
        response: GraphQLHTTPResponse = {"data": result.data}
        codes: list[str] = []
        request.state.codes = codes  # for the request's log line (graph/telemetry.py)
        if result.errors:
            errors: list[object] = []
            for error in result.errors:
                formatted: dict[str, Any] = dict(error.formatted)
                code = _code(error)
                if code == "INTERNAL_SERVER_ERROR":
                    log.error("unexpected error at %s", error.path, exc_info=error.original_error)
                    formatted["message"] = "Internal error"
                if not self.settings.introspection:
                    # Suggestions name fields and types: with introspection off they would map the schema.
                    formatted["message"] = _SUGGESTION.sub("", formatted["message"])
                formatted["extensions"] = {**(error.extensions or {}), "code": code}
                errors.append(formatted)
                codes.append(code)
                self.metrics.errors[code] += 1
            response["errors"] = errors
        context: Context | None = getattr(request.state, "gridql", None)
        if context is not None:
            response["extensions"] = {"gridql": _report(context)}
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def _presented_key(request: Request | WebSocket) -> str | None:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return request.headers.get("x-api-key")


def _report(context: Context) -> dict[str, Any]:
    meter = context.meter
    cost: dict[str, Any] = {"estimated": meter.estimated, "readUpstream": meter.reads, "limit": meter.limit}
    if meter.budget is not None:
        cost["budgetRemaining"] = meter.budget.remaining
    return {
        "sandbox": context.settings.sandbox,
        "cost": cost,
        "upstream": {
            iso.value: {
                "requests": s.upstream_requests,
                "authRequests": s.auth_requests,
                "cacheHits": s.cache_hits,
                "elapsedMs": s.elapsed_ms,
                **({} if s.stale_seconds is None else {"staleSeconds": round(s.stale_seconds)}),
            }
            for iso, s in context.stats.isos.items()
        },
        **({"notices": context.notices} if context.notices else {}),
    }


BODY_TIMEOUT = 10.0  # seconds a client may take to send each part of its body


async def read_body(scope: Scope, receive: Receive, settings: Settings) -> bytes | Response:
    """The request body, refused by its declared Content-Length or counted as it streams (a chunked
    body declares none), or the error answer for it: 413 past the size limit, 408 for a client that stalls, 400
    for a body that is compressed, not UTF-8, not JSON or not a JSON object."""
    headers = {k.lower(): v for k, v in scope["headers"]}
    encoding = headers.get(b"content-encoding", b"identity").decode("latin-1").strip().lower()
    if encoding not in ("", "identity"):
        return error_response(
            400, f"Content-Encoding {encoding} is not accepted: send the body uncompressed", "BAD_REQUEST"
        )
    too_large = error_response(413, f"The request body is over {settings.max_body_bytes:,} bytes", "REQUEST_TOO_LARGE")
    declared = headers.get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > settings.max_body_bytes):
        return too_large  # refused before reading a byte
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        try:
            message = await asyncio.wait_for(receive(), BODY_TIMEOUT)
        except TimeoutError:
            return error_response(408, f"The request body did not arrive within {BODY_TIMEOUT:g} s", "REQUEST_TIMEOUT")
        if message["type"] == "http.disconnect":
            return error_response(400, "The client went away before sending its whole body", "BAD_REQUEST")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > settings.max_body_bytes:
            return too_large
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    if headers.get(b"content-type", b"").split(b";")[0].strip().lower() == b"application/json":
        try:
            document = orjson.loads(body)  # orjson refuses non-UTF-8 text and nesting past 1,024 levels
        except orjson.JSONDecodeError as exc:
            return error_response(400, f"The request body is not valid JSON: {exc}", "BAD_REQUEST")
        if not isinstance(document, dict):
            return error_response(400, "The request body must be a JSON object with a `query` string", "BAD_REQUEST")
    return body


def _replay(body: bytes) -> Receive:
    """A `receive` that hands the body, already read, to the GraphQL view."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive  # type: ignore[return-value]


def error_response(status: int, message: str, code: str) -> Response:
    """A request refused before GraphQL runs, in the same shape as GraphQL errors."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class ConcurrencyLimit:
    """At most `limit` GraphQL requests at once: past that a JSON 503 `OVERLOADED` at once, rather
    than a queue that makes every client time out."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in ("/graphql", "/export"):
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            response = error_response(
                503, f"The server is answering {self.limit} requests already; retry shortly", "OVERLOADED"
            )
            response.headers["Retry-After"] = "1"
            await response(scope, receive, send)
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


def create_app(settings: Settings | None = None, adapters: Mapping[ISO, Adapter] | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    adapters = adapters if adapters is not None else registry.build(settings)
    view = GraphQLView(adapters, settings)

    async def healthz(request: Request) -> JSONResponse:
        circuits = {
            iso.value: {
                upstream.name: {"circuit": upstream.breaker.state, "failures": upstream.breaker.failures}
                for upstream in adapter.upstreams
            }
            for iso, adapter in adapters.items()
        }
        return JSONResponse(
            {
                "status": "ok",
                "sandbox": settings.sandbox,
                "isos": [iso.value for iso in adapters],
                "upstream": circuits,
                "pid": os.getpid(),  # with --workers, which worker answered: each holds its own caches and circuits
            }
        )

    async def metrics(request: Request) -> Response:
        body, content_type = view.metrics.render(request.headers.get("accept"))
        return Response(body, media_type=content_type)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        freezer = asyncio.create_task(keep_frozen(settings.gc_freeze_every)) if settings.gc_freeze_every else None
        yield
        if freezer is not None:
            freezer.cancel()
        for adapter in adapters.values():
            await adapter.aclose()

    middleware = [
        Middleware(Observed, settings=settings, metrics=view.metrics),
        Middleware(ConcurrencyLimit, limit=settings.max_concurrent),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-API-Key"],
            )
        )
    return Starlette(
        # The view answers every method itself: a refused one gets a JSON error, not a bare 405 page.
        routes=[
            Route("/graphql", view),
            Route("/export", Export(view, schema._schema, lambda scope, receive: read_body(scope, receive, settings))),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
            *([graphiql.assets_route(settings)] if settings.graphiql else []),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
