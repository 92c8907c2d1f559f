"""OpenTelemetry: one server span per /graphql request, a child span per upstream HTTP request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

pytest.importorskip("opentelemetry.sdk.trace")

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gridql.adapters import tracing
from gridql.adapters.model import ISO

from .sandbox_app import Stack
from .test_api import HUBS, errors

# The API takes one tracer provider per process: this module's, kept for every test in it.
EXPORTER = InMemorySpanExporter()
_provider = TracerProvider()
_provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
trace.set_tracer_provider(_provider)

NAMED = 'query Hubs($ids: [ID!]!) { nodes(ids: $ids) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'


@pytest.fixture(scope="module", autouse=True)
def provider() -> Iterator[None]:
    """Spans are recorded while this module's tests run, never after."""
    if trace.get_tracer_provider() is not _provider:
        pytest.skip("another tracer provider was set in this process first")
    yield
    _provider.shutdown()
    EXPORTER.clear()


@pytest.fixture(autouse=True)
def spans() -> None:
    EXPORTER.clear()


def servers() -> list[ReadableSpan]:
    return [s for s in EXPORTER.get_finished_spans() if s.kind == trace.SpanKind.SERVER]


def children(parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return [
        s
        for s in EXPORTER.get_finished_spans()
        if s.parent is not None and s.parent.span_id == parent.context.span_id and s.kind == trace.SpanKind.CLIENT
    ]


async def test_a_server_span_per_request_with_a_child_per_upstream_request() -> None:
    stack = Stack()
    async with stack.client() as client:
        first = await client.post("/graphql", json={"query": NAMED, "variables": {"ids": HUBS}})
        second = await client.post("/graphql", json={"query": NAMED, "variables": {"ids": HUBS}})  # cached
    assert errors(first.json()) == [] and errors(second.json()) == []
    fetched, cached = servers()
    assert fetched.name == "POST /graphql"
    assert fetched.attributes is not None
    assert fetched.attributes["graphql.operation.name"] == "Hubs"
    assert fetched.attributes["http.response.status_code"] == 200
    assert fetched.attributes["gridql.request_id"] == first.headers["x-request-id"]
    assert fetched.attributes["gridql.cost"] == first.json()["extensions"]["gridql"]["cost"]["estimated"]
    upstream = children(fetched)
    data = Counter(
        s.attributes["gridql.iso"] for s in upstream if s.attributes and s.attributes["gridql.feed"] != "sign-in"
    )
    assert data == {iso.value: stack.counts[iso] for iso in ISO}
    sign_ins = [s for s in upstream if s.attributes and s.attributes["gridql.feed"] == "sign-in"]
    assert len(sign_ins) == stack.transports[ISO.ERCOT].sign_ins == 1
    feeds = {(s.attributes["gridql.iso"], s.attributes["gridql.feed"]) for s in upstream if s.attributes}
    assert ("NYISO", "damlbmp") in feeds and ("PJM", "da_hrl_lmps") in feeds
    nyiso = next(s for s in upstream if s.attributes and s.attributes["gridql.iso"] == "NYISO")
    assert nyiso.attributes is not None
    assert nyiso.attributes["http.response.status_code"] == 200
    assert "?" not in str(nyiso.attributes["url.full"])  # a query string may hold a key
    assert children(cached) == []  # answered from the cache: no upstream request


async def test_a_failing_upstream_request_shows_in_its_span_and_the_request_continues_a_trace() -> None:
    stack = Stack(retries=2, faults="NYISO=503")
    query = '{ node(id: "NYISO:61761") { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with stack.client() as client:
        await client.post("/graphql", json={"query": query}, headers={"traceparent": parent})
    [server] = servers()
    assert server.context is not None and server.context.trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    assert server.attributes is not None and server.attributes["gridql.errors"] == "UPSTREAM_UNAVAILABLE"
    attempts = children(server)
    assert [s.attributes["http.request.resend_count"] for s in attempts if s.attributes] == [0, 1]
    assert {s.attributes["http.response.status_code"] for s in attempts if s.attributes} == {503}


async def test_without_opentelemetry_no_span_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracing, "trace", None)  # as when the `otel` extra is not installed
    stack = Stack()
    body = await stack.query(NAMED, {"ids": HUBS})
    assert errors(body) == []
    assert EXPORTER.get_finished_spans() == ()
