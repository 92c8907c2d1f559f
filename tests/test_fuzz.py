"""Generated queries over the whole schema: never a 500, never an uncoded or internal error."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from gridql.graph.schema import sdl

from .sandbox_app import Stack
from .test_api import PRICES

# Days of the current month, whose sandbox files are small daily ones: the fuzzer explores the
# schema, not the generators.
TODAY = datetime.now(UTC).date()
DAYS = st.dates(min_value=TODAY.replace(day=1), max_value=max(TODAY.replace(day=1), date(TODAY.year, TODAY.month, 2)))
SCALARS = {
    "Date": DAYS.map(lambda d: nodes.String(d.isoformat())),
    "DateTime": st.datetimes(
        min_value=datetime(TODAY.year, TODAY.month, 1),
        max_value=datetime(TODAY.year, TODAY.month, 3),
        timezones=st.just(UTC),
    ).map(lambda t: nodes.String(t.isoformat())),
}


# Derandomized: the same 60 queries every run, so CI cannot turn red by the luck of a draw.
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(query=from_schema(sdl(), custom_scalars=SCALARS))
def test_generated_queries_get_coded_answers(query: str) -> None:
    async def run() -> None:
        stack = Stack(request_deadline=10)
        async with stack.client() as client:
            response = await client.post("/graphql", json={"query": query})
        assert response.status_code == 200, response.text
        for error in response.json().get("errors") or []:
            code = error.get("extensions", {}).get("code")
            assert code and code != "INTERNAL_SERVER_ERROR", (query, error)

    asyncio.run(run())


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)
VARIABLES = st.fixed_dictionaries(
    {},
    optional={
        "ids": st.lists(st.sampled_from(["NYISO:61761", "PJM:51288", "NYISO:1", ":", ""]) | st.text(max_size=12))
        | JSON_VALUE,
        "run": st.sampled_from(["DAY_AHEAD_HOURLY", "REAL_TIME_5_MIN", "NOPE"]) | JSON_VALUE,
        "date": DAYS.map(date.isoformat) | JSON_VALUE,
        "start": st.sampled_from(["2026-11-01T00:00:00Z", "2026-11-01T00:00:00", "yesterday"]) | JSON_VALUE,
        "end": st.sampled_from(["2026-11-02T00:00:00-05:00", "2026-10-01T00:00:00Z"]) | JSON_VALUE,
        "days": st.integers(min_value=-5, max_value=400) | JSON_VALUE,
    },
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(variables=VARIABLES)
def test_generated_variables_get_coded_answers(variables: dict[str, object]) -> None:
    async def run() -> None:
        stack = Stack(request_deadline=10)
        async with stack.client() as client:
            response = await client.post("/graphql", json={"query": PRICES, "variables": variables})
        assert response.status_code == 200, response.text
        for error in response.json().get("errors") or []:
            code = error.get("extensions", {}).get("code")
            assert code and code != "INTERNAL_SERVER_ERROR", (variables, error)

    asyncio.run(run())
