"""/metrics after real sandbox queries: the counts and buckets an operator's dashboard reads."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from gridql.adapters.model import ISO
from gridql.graph import metrics

from .sandbox_app import Stack
from .test_api import HUBS, errors, gridql

NAMED = """
query Hubs($ids: [ID!]!) { nodes(ids: $ids) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }
"""
ANONYMOUS = '{ nodes(ids: ["NYISO:61761"]) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-02") { lmp } } }'


async def scrape(stack: Stack) -> dict[str, list[Sample]]:
    """Every sample /metrics serves, by metric family, read with Prometheus' own text parser."""
    async with stack.client() as client:
        response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = list(text_string_to_metric_families(response.text))
    for family in families:
        assert family.documentation, f"{family.name} has no HELP line"
        assert family.type in ("counter", "gauge", "histogram"), family.name
    return {family.name: family.samples for family in families}


def value(samples: list[Sample], name: str, **labels: str) -> float:
    [found] = [s.value for s in samples if s.name == name and s.labels == labels]
    return found


def buckets(samples: list[Sample], name: str, **labels: str) -> list[tuple[str, float]]:
    return [
        (s.labels["le"], s.value)
        for s in samples
        if s.name == f"{name}_bucket" and {k: v for k, v in s.labels.items() if k != "le"} == labels
    ]


async def post(stack: Stack, body: dict[str, Any]) -> dict[str, Any]:
    async with stack.client() as client:
        response = await client.post("/graphql", json=body)
    answer: dict[str, Any] = response.json()
    return answer


async def test_request_durations_count_every_request_by_operation_name() -> None:
    stack = Stack()
    for _ in range(3):
        assert errors(await post(stack, {"query": NAMED, "variables": {"ids": HUBS}})) == []
    assert errors(await post(stack, {"query": ANONYMOUS})) == []
    parse_error = await post(stack, {"query": "query Broken { nodes("})
    assert errors(parse_error)[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    samples = await scrape(stack)

    durations = samples["gridql_request_duration_seconds"]
    name = "gridql_request_duration_seconds"
    assert value(durations, f"{name}_count", operation="Hubs") == 3
    # Unnamed, and refused before any operation ran: one fixed label.
    assert value(durations, f"{name}_count", operation="anonymous") == 2
    assert {s.labels["operation"] for s in durations} == {"Hubs", "anonymous"}
    hubs = buckets(durations, name, operation="Hubs")
    assert hubs[-1] == ("+Inf", 3)
    assert [n for _, n in hubs] == sorted(n for _, n in hubs)  # cumulative
    assert [float(le) for le, _ in hubs[:-1]] == list(metrics.REQUEST_SECONDS)
    assert 0 < value(durations, f"{name}_sum", operation="Hubs") < 60
    # The old names still count what they counted: GraphQL answers, and their errors by code.
    assert value(samples["gridql_requests"], "gridql_requests_total") == 5
    assert value(samples["gridql_errors"], "gridql_errors_total", code="GRAPHQL_PARSE_FAILED") == 1


async def test_upstream_latency_counts_each_request_the_sandbox_received_by_iso_and_feed() -> None:
    stack = Stack()
    for date in ("2025-07-01", "2025-07-02"):
        query = f'{{ nodes(ids: {HUBS!r}) {{ prices(run: DAY_AHEAD_HOURLY, date: "{date}") {{ lmp }} }} }}'
        assert errors(await stack.query(query.replace("'", '"'))) == []
    samples = (await scrape(stack))["gridql_upstream_request_duration_seconds"]
    counts = [s for s in samples if s.name.endswith("_count")]
    by_iso = {
        iso: sum(s.value for s in counts if s.labels["iso"] == iso.value and s.labels["feed"] != "sign-in")
        for iso in ISO
    }
    assert by_iso == {iso: stack.counts[iso] for iso in ISO}
    assert all(stack.counts[iso] >= 1 for iso in ISO)
    feeds = {(s.labels["iso"], s.labels["upstream"], s.labels["feed"]) for s in counts}
    assert ("NYISO", "mis", "damlbmp") in feeds
    assert ("PJM", "dataminer", "da_hrl_lmps") in feeds
    # ERCOT's id token, once for both queries: counted apart from its data requests.
    assert (
        value(
            samples,
            "gridql_upstream_request_duration_seconds_count",
            iso="ERCOT",
            upstream="public-api",
            feed="sign-in",
        )
        == stack.transports[ISO.ERCOT].sign_ins
        == 1
    )
    # The old per-upstream counter agrees: every HTTP request sent, sign-ins included.
    sent = (await scrape(stack))["gridql_upstream_requests"]
    assert value(sent, "gridql_upstream_requests_total", iso="NYISO", upstream="mis") == stack.counts[ISO.NYISO]


async def test_cache_hits_and_misses_by_iso() -> None:
    stack = Stack()
    query = '{ nodes(ids: ["NYISO:61761", "PJM:51288"]) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'
    first = await stack.query(query)
    second = await stack.query(query)
    assert gridql(second)["upstream"]["NYISO"]["cacheHits"] == 1
    samples = await scrape(stack)
    for iso in ("NYISO", "PJM"):
        misses = value(samples["gridql_cache_misses"], "gridql_cache_misses_total", iso=iso)
        hits = value(samples["gridql_cache_hits"], "gridql_cache_hits_total", iso=iso)
        assert (hits, misses) == (1, gridql(first)["upstream"][iso]["requests"]) == (1, 1)
    assert value(samples["gridql_cache_hits"], "gridql_cache_hits_total", iso="CAISO") == 0


async def test_estimated_costs_are_a_histogram_of_queries_that_ran() -> None:
    stack = Stack(max_cost=5_000)
    cheap = await stack.query(ANONYMOUS)
    month = '{ nodes(ids: ["NYISO:61761"]) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01", days: 31) { lmp } } }'
    refused = await post(stack, {"query": month})
    assert errors(refused)[0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"
    await post(stack, {"query": "{ nodes("})  # never ran: no estimate
    costs = (await scrape(stack))["gridql_query_estimated_cost"]
    estimates = [gridql(cheap)["cost"]["estimated"], gridql(refused)["cost"]["estimated"]]
    assert estimates == [240, 7_440]  # a day of 24 hourly lmps, weight 10; then 31 days of them
    assert value(costs, "gridql_query_estimated_cost_count") == 2
    assert value(costs, "gridql_query_estimated_cost_sum") == sum(estimates)
    cumulative = dict(buckets(costs, "gridql_query_estimated_cost"))
    assert (cumulative["100.0"], cumulative["1000.0"], cumulative["10000.0"], cumulative["+Inf"]) == (0, 1, 2, 2)


async def test_invented_operation_names_share_one_label_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 3)
    stack = Stack()
    for n in range(6):
        assert errors(await stack.query(f"query Op{n} {{ markets {{ iso }} }}")) == []
    await stack.query("query Op0 { markets { iso } }")  # a labelled name keeps its label
    # A name the document does not define never runs, and never becomes a label.
    hostile = await post(stack, {"query": "query A { markets { iso } }", "operationName": 'x"}\n# EOF'})
    assert errors(hostile)
    durations = (await scrape(stack))["gridql_request_duration_seconds"]
    labels = {s.labels["operation"]: s.value for s in durations if s.name.endswith("_count")}
    assert labels == {"Op0": 2, "Op1": 1, "Op2": 1, "other": 3, "anonymous": 1}


async def test_openmetrics_when_the_scraper_asks_for_it() -> None:
    stack = Stack()
    await stack.query(ANONYMOUS)
    async with stack.client() as client:
        response = await client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    families = {f.name: f for f in openmetrics_families(response.text)}
    assert families["gridql_requests"].samples[0].value == 1
