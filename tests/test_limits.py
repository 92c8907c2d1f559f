"""Limits that cannot be talked around: the cost estimate sees what will really run."""

from __future__ import annotations

from typing import Any

import pytest

from gridql.graph import documents

from .sandbox_app import Stack
from .test_api import errors

FIELDS = "start end lmp energy congestion loss"
YEAR = 366 * 288 * 6 * 10  # a typed year of 5-minute prices: well over the 2,000,000 limit


def refused(body: dict[str, Any]) -> dict[str, Any]:
    (error,) = errors(body)
    assert error["extensions"]["code"] == "QUERY_TOO_EXPENSIVE", error
    return error


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            'query($d: Int = 366) { node(id: "NYISO:61761") '
            f'{{ prices(run: REAL_TIME_5_MIN, date: "2024-01-01", days: $d) {{ {FIELDS} }} }} }}',
            {},
        ),
        (
            'query($d: Int!) { node(id: "NYISO:61761") '
            f'{{ prices(run: REAL_TIME_5_MIN, date: "2024-01-01", days: $d) {{ {FIELDS} }} }} }}',
            {"d": 366.0},
        ),
        (
            'query($s: DateTime = "2024-01-01T00:00:00Z", $e: DateTime = "2024-12-31T00:00:00Z") '
            f'{{ node(id: "NYISO:61761") {{ prices(run: REAL_TIME_5_MIN, start: $s, end: $e) {{ {FIELDS} }} }} }}',
            {},
        ),
    ],
    ids=["variable default", "float for an Int", "start/end defaults"],
)
async def test_the_estimate_reads_the_arguments_as_they_will_execute(query: str, variables: dict[str, Any]) -> None:
    stack = Stack()
    body = await stack.query(query, variables)
    refused(body)
    assert body["extensions"]["gridql"]["cost"]["estimated"] >= 365 * 288 * 6 * 10  # type: ignore[index]
    assert sum(stack.counts.values()) == 0  # refused before any upstream request


async def test_exponential_fragment_fan_out_is_estimated_at_its_size_and_refused() -> None:
    # Each fragment spreads the next twice: 2^24 copies of the innermost selection, in 1.5 kB.
    depth = 24
    fragments = [f"fragment F{i} on PriceInterval {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth)]
    fragments.append(f"fragment F{depth} on PriceInterval {{ lmp }}")
    query = '{ node(id: "PJM:51288") { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { ...F0 } } } ' + " ".join(
        fragments
    )
    stack = Stack()
    body = await stack.query(query)
    refused(body)
    assert body["extensions"]["gridql"]["cost"]["estimated"] == 24 * 2**depth * 10  # type: ignore[index]
    assert sum(stack.counts.values()) == 0


async def test_a_query_within_the_limit_is_estimated_from_its_variables() -> None:
    body = await Stack().query(
        'query($d: Int = 2) { node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-07-01", '
        "days: $d) { start lmp } } }"
    )
    assert errors(body) == []
    assert body["extensions"]["gridql"]["cost"]["estimated"] == 2 * 24 * 2  # type: ignore[index]


async def test_aliases_are_counted_as_the_fragments_expand() -> None:
    # 2 aliases in the innermost fragment, spread 2^10 times: 2,048 aliases in a few hundred bytes.
    fragments = [f"fragment A{i} on Market {{ ...A{i + 1} ...A{i + 1} }}" for i in range(10)]
    fragments.append("fragment A10 on Market { a: iso b: name }")
    body = await Stack().query("{ market(iso: PJM) { ...A0 } } " + " ".join(fragments))
    (error,) = errors(body)
    assert error["message"] == "2048 aliases found. Allowed: 100"


async def test_parsed_documents_are_kept_by_bytes_and_long_ones_not_at_all() -> None:
    stack = Stack()
    padding = "#" + "x" * 200_000 + "\n"  # a 200 kB comment: no tokens, all text
    before = documents.cached_bytes()
    for i in range(5):
        body = await stack.query(f"{padding}{{ a{i}: markets {{ iso }} }}")
        assert errors(body) == [] and len(body["data"]["a" + str(i)]) == 4  # type: ignore[index]
    assert documents.cached_bytes() == before  # answered, parsed each time, never kept
    small = "{ b: markets { iso } }"
    await stack.query(small)
    await stack.query(small)
    assert documents.cached_bytes() == before + documents.AST_BYTES_PER_CHAR * len(small)
    just_cached = "#" + "y" * (documents.MAX_CACHED_TEXT - 100) + "\n"
    for i in range(30):  # each about 3 MB parsed: 90 MB asked to be kept
        body = await stack.query(just_cached + f"{{ c{i}: markets {{ iso }} }}")
        assert errors(body) == []
    assert documents.MAX_BYTES // 2 < documents.cached_bytes() <= documents.MAX_BYTES
