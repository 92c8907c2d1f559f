"""OpenTelemetry spans, when `opentelemetry-api` is installed (the `otel` extra); none otherwise.

A server span for each /graphql request (graph/telemetry.py) and a client span for each HTTP
request to an ISO (adapters/http.py), its child: the fetch tasks a request starts inherit its
context. Without the package every `span` is a `nullcontext`, so absent it costs a function call.
With it, spans are recorded once a tracer provider is set up (the SDK's, e.g. by
`opentelemetry-instrument gridql serve`); the API's default provider records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

try:
    from opentelemetry import propagate, trace
except ImportError:  # the `otel` extra is not installed
    trace = None  # type: ignore[assignment]
else:
    # A proxy until a tracer provider is set up, then that provider's tracer.
    _tracer = trace.get_tracer("gridql")

Attributes = Mapping[str, str | int | bool | float]


class Span(Protocol):
    def set_attributes(self, attributes: Attributes) -> None: ...


class _NoSpan:
    def set_attributes(self, attributes: Attributes) -> None:
        pass


_NONE = _NoSpan()


def server(name: str, headers: Mapping[str, str], attributes: Attributes) -> AbstractContextManager[Span]:
    """A request's span, continuing the trace its `traceparent` header names, if any."""
    if trace is None:
        return nullcontext(_NONE)
    return _tracer.start_as_current_span(
        name, context=propagate.extract(headers), kind=trace.SpanKind.SERVER, attributes=attributes
    )


def client(name: str, attributes: Attributes) -> AbstractContextManager[Span]:
    """An upstream request's span, a child of the current one."""
    if trace is None:
        return nullcontext(_NONE)
    return _tracer.start_as_current_span(name, kind=trace.SpanKind.CLIENT, attributes=attributes)
