"""/metrics: the app's counters and histograms in Prometheus' text format.

Every app holds its own `CollectorRegistry` with one collector, `Metrics`, that reads plain counts
when scraped: the GraphQL requests, errors, durations and costs it keeps itself, and what each ISO's
upstreams and record caches count (adapters/stats.py, adapters/http.py, adapters/cache.py), so that
adapters need no metrics library and many apps in one process (the tests) never share a series.
prometheus_client writes the exposition (escaping label values a client chose, such as operation
names) and answers a scraper that asks for OpenMetrics in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector, CollectorRegistry

from gridql.adapters.base import Adapter
from gridql.adapters.model import ISO
from gridql.adapters.stats import Histogram

# Operation names are the client's to choose: only this many distinct ones get a series of their
# own, later new ones share OTHER, so inventing names cannot grow the server's memory or a scrape.
MAX_OPERATIONS = 100
ANONYMOUS = "anonymous"  # an operation without a name, or a request refused before one ran
OTHER = "other"
REQUEST_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Estimated cost (graph/cost.py): a node's day of hourly prices is a few hundred, the default limit 2,000,000.
COST_BOUNDS = (100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0, 2_000_000.0, 10_000_000.0)


class Metrics(Collector):
    def __init__(self, adapters: Mapping[ISO, Adapter]) -> None:
        self.adapters = adapters
        self.requests = 0  # GraphQL answers given
        self.errors: Counter[str] = Counter()  # errors in them, by code
        self.durations: dict[str, Histogram] = {}  # by operation label
        self.cost = Histogram(COST_BOUNDS)
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def label(self, operation: str | None) -> str:
        """The operation's label: its name while fewer than MAX_OPERATIONS are labelled, else OTHER."""
        if not operation:
            return ANONYMOUS
        if operation in self.durations or len(self.durations) < MAX_OPERATIONS:
            return operation
        return OTHER

    def observe_request(self, operation: str | None, seconds: float) -> None:
        label = self.label(operation)
        histogram = self.durations.get(label)
        if histogram is None:
            histogram = self.durations[label] = Histogram(REQUEST_SECONDS)
        histogram.observe(seconds)

    def render(self, accept: str | None) -> tuple[bytes, str]:
        """The exposition and its content type, in the format the scraper's Accept header asks for."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily("gridql_requests", "GraphQL requests answered")
        requests.add_metric([], self.requests)
        yield requests
        errors = CounterMetricFamily("gridql_errors", "Errors in GraphQL answers, by extensions.code", labels=["code"])
        for code, n in sorted(self.errors.items()):
            errors.add_metric([code], n)
        yield errors
        yield _histograms(
            "gridql_request_duration_seconds",
            "Seconds to answer each /graphql request, by operation name (anonymous: unnamed or refused before one "
            f"ran; other: past the first {MAX_OPERATIONS} names)",
            ["operation"],
            [((label,), h) for label, h in sorted(self.durations.items())],
        )
        yield _histograms(
            "gridql_query_estimated_cost",
            "Estimated cost of each query that ran (nodes x intervals x fields, extensions.gridql.cost.estimated), "
            "refused ones included",
            [],
            [((), self.cost)],
        )
        yield from self._upstream()
        yield from self._caches()

    def _upstream(self) -> Iterator[Metric]:
        labels = ["iso", "upstream"]
        sent = CounterMetricFamily(
            "gridql_upstream_requests", "HTTP requests sent to each ISO's upstream, retries included", labels=labels
        )
        failed = CounterMetricFamily(
            "gridql_upstream_failures", "Upstream requests that failed after their retries", labels=labels
        )
        circuit = GaugeMetricFamily("gridql_circuit_open", "1 while the upstream's circuit is open", labels=labels)
        latency: list[tuple[tuple[str, ...], Histogram]] = []
        for iso, adapter in self.adapters.items():
            for upstream in adapter.upstreams:
                names = [iso.value, upstream.name]
                sent.add_metric(names, upstream.sent)
                failed.add_metric(names, upstream.failed)
                circuit.add_metric(names, int(upstream.breaker.state != "closed"))
                latency += [((*names, feed), h) for feed, h in sorted(upstream.latency.items())]
        yield from (sent, failed, circuit)
        yield _histograms(
            "gridql_upstream_request_duration_seconds",
            "Seconds each HTTP request to an ISO took, by ISO, upstream and the feed it was for (sign-in: ERCOT's "
            "id token)",
            [*labels, "feed"],
            latency,
        )

    def _caches(self) -> Iterator[Metric]:
        hits = CounterMetricFamily(
            "gridql_cache_hits", "Record cache lookups answered without a new upstream fetch, by ISO", labels=["iso"]
        )
        misses = CounterMetricFamily(
            "gridql_cache_misses", "Record cache lookups that started an upstream fetch, by ISO", labels=["iso"]
        )
        for iso, adapter in self.adapters.items():
            hits.add_metric([iso.value], sum(cache.hits for cache in adapter.caches))
            misses.add_metric([iso.value], sum(cache.misses for cache in adapter.caches))
        yield from (hits, misses)


def _histograms(
    name: str, documentation: str, labels: list[str], series: Iterable[tuple[tuple[str, ...], Histogram]]
) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=labels)
    for values, histogram in series:
        buckets = [(_bound(bound), float(n)) for bound, n in histogram.cumulative()]
        family.add_metric(list(values), buckets, histogram.sum)
    return family


def _bound(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)
