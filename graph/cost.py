"""What a query will cost, estimated before it runs: nodes x intervals x fields.

A typed interval leaf costs GraphQL execution about 4 µs; a value inside a column costs about as
much as writing it as JSON. Typed leaves therefore weigh `TYPED_WEIGHT` times a column value.

The estimate reads the arguments GraphQL will execute with: variables coerced by the schema
(defaults filled in, `366.0` for an `Int` read as 366) and argument defaults. Each fragment's cost
is worked out once and multiplied where it is spread, so a query whose fragments fan out
exponentially costs linear time to estimate, and is refused for what it would really cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from gridql.adapters.model import ISO, RUN_LENGTH, DatasetKind

from .fragments import Fragments

TYPED_WEIGHT = 10
INTERVALS_PER_DAY = {run.name: timedelta(days=1) // length for run, length in RUN_LENGTH.items()}
# Market-wide datasets: a 5-minute cadence over a dozen areas is the common worst case.
DATASET_ROWS_PER_DAY = 288 * 12
DATASET_FIELDS = frozenset(kind.value for kind in DatasetKind)
MARKETS = len(ISO)
PAGE = 100  # Market.nodes without `first`
# An interconnection queue's projects, on average over the four ISOs (PJM's file holds about 8,000,
# the others 1,500 to 3,000): every field of all four queues stays under the default limit.
QUEUE_ROWS = 3_000


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: VariableValues) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = Fragments(document, self._fragment, (0, 0))

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLObjectType) -> tuple[int, int]:
        """(cost, leaves) of a selection set on `parent`: leaves are what one row of it holds."""
        total = leaves = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                cost, count = self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                on = self._type(selection.type_condition.name.value) if selection.type_condition else parent
                cost, count = self.cost(selection.selection_set, on or parent)
            elif isinstance(selection, FragmentSpreadNode):
                cost, count = self.fragments(selection.name.value)
            else:
                continue
            total += cost
            leaves += count
        return total, leaves

    def _fragment(self, fragment: FragmentDefinitionNode) -> tuple[int, int]:
        on = self._type(fragment.type_condition.name.value)
        return self.cost(fragment.selection_set, on) if on is not None else (0, 0)

    def _type(self, name: str) -> GraphQLObjectType | None:
        found = self.schema.get_type(name)
        return found if isinstance(found, GraphQLObjectType) else None

    def _field(self, node: FieldNode, parent: GraphQLObjectType) -> tuple[int, int]:
        name = node.name.value
        definition = parent.fields.get(name)
        if definition is None:
            return (1, 1) if name == "__typename" else (0, 0)  # validation refuses unknown fields
        try:
            args = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            args = {}  # execution reports the bad argument itself
        child = get_named_type(definition.type)
        if node.selection_set is None or not isinstance(child, GraphQLObjectType):
            return 1, 1
        inner, leaves = self.cost(node.selection_set, child)
        if name in ("prices", "priceSeries"):
            rows = _days(args) * INTERVALS_PER_DAY.get(_name(args.get("run")), 288)
            return rows * leaves * (TYPED_WEIGHT if name == "prices" else 1), leaves
        if name == "interconnectionQueue":
            return QUEUE_ROWS * leaves * TYPED_WEIGHT, leaves
        if name in DATASET_FIELDS or name == "series":
            rows = _days(args) * DATASET_ROWS_PER_DAY
            return rows * leaves * (TYPED_WEIGHT if name != "series" else 1), leaves
        return _multiplier(name, args) * inner, leaves


def _name(value: object) -> str:
    return value.name if isinstance(value, Enum) else str(value)


def _multiplier(name: str, args: Mapping[str, Any]) -> int:
    if name == "nodes" and isinstance(args.get("ids"), list):
        return max(1, len(args["ids"]))
    if name == "nodes":  # Market.nodes: a page
        first = args.get("first")
        return first if isinstance(first, int) and first > 0 else PAGE
    if name == "markets":
        return MARKETS
    return 1


def _days(args: Mapping[str, Any]) -> int:
    if args.get("date") is not None:
        days = args.get("days")
        return days if isinstance(days, int) and days > 0 else 1
    start, end = args.get("start"), args.get("end")
    if isinstance(start, datetime) and isinstance(end, datetime):
        try:
            return max(1, int(abs((end - start).total_seconds()) // 86400) + 1)
        except (OverflowError, TypeError):  # one naive, one aware: the resolver refuses it
            return 1
    if isinstance(start, date) and isinstance(end, date):
        return max(1, abs((end - start).days) + 1)
    return 1  # the resolver refuses this selection with a clear error anyway


def estimate(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """The cost of the operation as it will execute; 0 when it will not execute (no such operation,
    variables that do not coerce: execution reports those)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables or {}))
    if isinstance(coerced, list):
        return 0
    return _Walk(schema, document, coerced).cost(operation.selection_set, root)[0]
