"""The typed-list fast path (graph/execution.py) answers byte for byte as graphql-core does, errors included.

Each query runs twice: through a schema with gridql's executor and through the same schema with
strawberry's own, and the two JSON answers are compared as bytes. A test schema holds every case
the fast path must take or refuse (aliases, fragments, directives, nulls in non-null leaves,
values that do not serialize, interfaces, resolvers, arguments, nested objects, DST-day times);
hypothesis-graphql adds generated queries over it; the sandboxed stack adds gridql's own queries.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
import strawberry
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries

from bench import workloads
from gridql.graph import execution
from gridql.graph.columns import SCALARS
from gridql.graph.execution import Executor, Plan
from gridql.graph.schema import Schema
from gridql.graph.types import LoadInterval, PriceInterval

from .sandbox_app import Stack

EASTERN = ZoneInfo("America/New_York")
# The fall-back day: 01:00-02:00 happens twice, first at -04:00 and then at -05:00.
FALL_BACK = [datetime(2025, 11, 2, 4, tzinfo=UTC) + timedelta(minutes=30 * i) for i in range(8)]


@strawberry.enum
class Color(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.interface
class Shape:
    name: str


@strawberry.type
class Square(Shape):
    side: float


@strawberry.type
class Inner:
    value: float | None


@strawberry.type
class Reading:
    at: datetime
    day: date
    value: float | None
    strict: float
    label: str | None
    count: int | None
    ok: bool
    color: Color | None
    inner: Inner | None
    tags: list[str]
    secret: strawberry.Private[str]

    @strawberry.field
    def doubled(self) -> float | None:
        return None if self.value is None else 2 * self.value

    @strawberry.field
    def scaled(self, by: float = 3.0) -> float | None:
        return None if self.value is None else by * self.value


def reading(i: int, **changes: Any) -> Reading:
    at = FALL_BACK[i % len(FALL_BACK)].astimezone(EASTERN)
    fields: dict[str, Any] = {
        "at": at,
        "day": at.date(),
        "value": [1.5, -0.0, None, 1e308, 0.1, 31.25][i % 6],
        "strict": float(i),
        "label": [None, "NYC", "Zone J", "Ünïcode \u2603"][i % 4],
        "count": [None, 0, -7, 2**31 - 1][i % 4],
        "ok": i % 2 == 0,
        "color": [None, Color.RED, Color.GREEN][i % 3],
        "inner": Inner(value=float(i)),
        "tags": ["a", str(i)],
        "secret": "hidden",
    }
    return Reading(**{**fields, **changes})


CLEAN = [reading(i) for i in range(12)]


@strawberry.type
class Query:
    readings: list[Reading] = strawberry.field(default_factory=lambda: CLEAN)
    strict_readings: list[Reading] = strawberry.field(default_factory=lambda: CLEAN)
    with_holes: list[Reading | None] = strawberry.field(default_factory=lambda: [CLEAN[0], None, CLEAN[2]])
    # A null in a non-null leaf: nulls the item (nullable items) or the list (non-null items).
    null_leaf: list[Reading | None] = strawberry.field(default_factory=lambda: [CLEAN[0], reading(1, strict=None)])
    null_leaf_strict: list[Reading] | None = strawberry.field(
        default_factory=lambda: [CLEAN[0], reading(1, strict=None)]
    )
    # Values a scalar refuses: each its own located error.
    not_a_number: list[Reading] = strawberry.field(default_factory=lambda: [CLEAN[0], reading(1, value=math.nan)])
    too_big: list[Reading] = strawberry.field(default_factory=lambda: [CLEAN[0], reading(1, count=2**31)])
    wrong_type: list[Reading] = strawberry.field(default_factory=lambda: [reading(0, label=object())])
    shapes: list[Shape] = strawberry.field(default_factory=lambda: [Square(name="s", side=2.0)])
    prices: list[PriceInterval] = strawberry.field(
        default_factory=lambda: [
            PriceInterval(start=a, end=b, lmp=25.5, energy=20.0, congestion=5.0, loss=0.5)
            for a, b in zip(
                [t.astimezone(EASTERN) for t in FALL_BACK], [t.astimezone(EASTERN) for t in FALL_BACK[1:]], strict=False
            )
        ]
    )
    loads: list[LoadInterval] = strawberry.field(
        default_factory=lambda: [LoadInterval(start=FALL_BACK[0], end=FALL_BACK[1], area="N.Y.C.", mw=5123.4)]
    )

    @strawberry.field
    async def later(self) -> list[Reading]:
        return CLEAN[:3]


def schema(executor: type[Any] | None) -> strawberry.Schema:
    # gridql's Schema: it does not log the errors the cases are made of.
    config = strawberry.schema.config.StrawberryConfig(scalar_map=SCALARS)
    return Schema(query=Query, types=[Square], config=config, execution_context_class=executor)


FAST, REFERENCE = schema(Executor), schema(None)


async def answer(on: strawberry.Schema, query: str, variables: dict[str, Any] | None = None) -> bytes:
    result = await on.execute(query, variable_values=variables, root_value=Query())
    errors = [e.formatted for e in result.errors or []]
    return orjson.dumps({"data": result.data, "errors": errors})


@pytest.fixture
def taken() -> Iterator[list[bool]]:
    """Whether each list the fast path planned was answered by it (True) or handed back (False)."""
    seen: list[bool] = []
    rows = Plan.rows

    def spy(plan: Plan, items: Any) -> Any:
        out = rows(plan, items)
        seen.append(out is not None)
        return out

    Plan.rows = spy  # type: ignore[method-assign]
    yield seen
    Plan.rows = rows  # type: ignore[method-assign]


# (query, variables, what the fast path does: "answers" every list, "hands back" one it planned
# on a surprise in the data, or "never plans" a selection that is not leaf-only)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("{ readings { at day value strict label count ok color } }", {}, "answers"),
    ("{ readings { v: value v2: value value at2: at } }", {}, "answers"),
    ("{ readings { __typename t: __typename value } }", {}, "answers"),
    ("{ readings { value @include(if: false) label @skip(if: false) count @skip(if: true) } }", {}, "answers"),
    (
        "query($a: Boolean!, $b: Boolean = true) { readings { value @include(if: $a) label @skip(if: $b) ok } }",
        {"a": True},
        "answers",
    ),
    (
        "{ readings { ...R ... on Reading { ok value } } } "
        "fragment R on Reading { at value ...S } fragment S on Reading { day }",
        {},
        "answers",
    ),
    ("{ readings { ... @include(if: false) { value } label } }", {}, "answers"),
    ("{ withHoles { value label } }", {}, "answers"),
    ("{ strictReadings { at strict } later { value } }", {}, "answers"),
    (
        "{ prices { start end lmp energy congestion loss version publishedAt } loads { start end area mw } }",
        {},
        "answers",
    ),
    # A surprise in the data: graphql-core's own path answers, with its located errors.
    ("{ nullLeaf { value strict } }", {}, "hands back"),
    ("{ nullLeafStrict { value strict } }", {}, "hands back"),
    ("{ notANumber { value } }", {}, "hands back"),
    ("{ tooBig { count } }", {}, "hands back"),
    ("{ wrongType { label } }", {}, "hands back"),
    # Not leaf-only: never planned.
    ("{ readings { value doubled } }", {}, "never plans"),
    ("{ readings { scaled(by: 0.5) } }", {}, "never plans"),
    ("{ readings { value inner { value } } }", {}, "never plans"),
    ("{ readings { tags } }", {}, "never plans"),
    ("{ shapes { name ... on Square { side } } }", {}, "never plans"),
]


@pytest.mark.parametrize(("query", "variables", "path"), CASES)
async def test_each_rule_answers_as_graphql_core(
    query: str, variables: dict[str, Any], path: str, taken: list[bool]
) -> None:
    assert await answer(FAST, query, variables) == await answer(REFERENCE, query, variables)
    expected = {"answers": bool(taken) and all(taken), "hands back": False in taken, "never plans": taken == []}
    assert expected[path], taken


async def test_the_fall_back_hours_keep_their_own_offsets() -> None:
    body = orjson.loads(await answer(FAST, "{ prices { start } }"))
    starts = [p["start"] for p in body["data"]["prices"]]
    assert starts[2:6] == [
        "2025-11-02T01:00:00-04:00",
        "2025-11-02T01:30:00-04:00",
        "2025-11-02T01:00:00-05:00",
        "2025-11-02T01:30:00-05:00",
    ]


def test_generated_queries_answer_as_graphql_core(taken: list[bool]) -> None:
    @settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(query=queries(FAST.as_str()))
    def check(query: str) -> None:
        assert asyncio.run(answer(FAST, query)) == asyncio.run(answer(REFERENCE, query))

    check()
    # The generated set is no sham: it reaches the fast path, and its hand-backs.
    assert taken.count(True) > 500 and taken.count(False) > 50, (taken.count(True), taken.count(False))


def test_a_schema_extension_with_a_resolve_hook_turns_the_fast_path_off() -> None:
    class Upper(strawberry.extensions.SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            value = _next(root, info, *args, **kwargs)
            return value.upper() if isinstance(value, str) else value

    hooked = strawberry.Schema(query=Query, types=[Square], extensions=[Upper], execution_context_class=Executor)
    result = hooked.execute_sync("{ readings { label } }", root_value=Query())
    assert result.data is not None and result.data["readings"][2] == {"label": "ZONE J"}


# --- gridql's own queries over the sandboxed stack ---------------------------------------------------

DAY = workloads.dashboard_day().isoformat()
STACK_QUERIES = [
    (workloads.DASHBOARD_TYPED, {"ids": workloads.DASHBOARD_NODES, "date": DAY}),
    (
        'query($d: Date!) { node(id: "NYISO:61761") { prices(run: REAL_TIME_5_MIN, date: $d, days: 2) '
        "{ start end lmp energy congestion loss version publishedAt __typename } } }",
        {"d": "2025-11-01"},
    ),
    (
        "query($d: Date!) { markets { iso load(date: $d) { start end area mw } fuelMix(date: $d) { start fuel mw } } }",
        {"d": "2025-03-09"},
    ),
]


@pytest.mark.parametrize(("query", "variables"), STACK_QUERIES)
async def test_gridqls_queries_answer_the_same_with_the_fast_path_off(
    query: str, variables: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = Stack()
    fast = await stack.query(query, variables)
    monkeypatch.setattr(execution.Executor, "_make_plan", lambda *_: None)
    reference = await stack.query(query, variables)
    assert orjson.dumps([fast["data"], fast.get("errors")]) == orjson.dumps(
        [reference["data"], reference.get("errors")]
    )
    assert fast["data"] is not None


async def test_a_list_begun_past_the_requests_deadline_is_refused_with_its_code() -> None:
    late = SimpleNamespace(deadline=time.monotonic() - 1)
    result = await FAST.execute("{ readings { value } }", root_value=Query(), context_value=late)
    assert [e.extensions for e in result.errors or []] == [{"code": "DEADLINE_EXCEEDED"}]
    on_time = SimpleNamespace(deadline=time.monotonic() + 60)
    assert not (await FAST.execute("{ readings { value } }", root_value=Query(), context_value=on_time)).errors
