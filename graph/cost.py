"""What a query will cost, estimated before it runs: nodes x intervals x fields.

A typed interval leaf costs GraphQL execution about 4 µs; a value inside a column costs about as
much as writing it as JSON. Typed leaves therefore weigh `TYPED_WEIGHT` times a column value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    value_from_ast_untyped,
)

from adapters.model import ISO, RUN_LENGTH, DatasetKind

TYPED_WEIGHT = 10
INTERVALS_PER_DAY = {run.name: timedelta(days=1) // length for run, length in RUN_LENGTH.items()}
# Market-wide datasets: a 5-minute cadence over a dozen areas is the common worst case.
DATASET_ROWS_PER_DAY = 288 * 12
DATASET_FIELDS = frozenset(kind.value for kind in DatasetKind)
MARKETS = len(ISO)


class _Walk:
    def __init__(self, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.variables = dict(variables)
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def args(self, field: FieldNode) -> dict[str, Any]:
        return {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in field.arguments or ()}

    def fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        found: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found += self.fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in self.fragments:
                found += self.fields(self.fragments[selection.name.value].selection_set)
        return found

    def leaves(self, field: FieldNode) -> int:
        children = self.fields(field.selection_set)
        return sum(self.leaves(child) for child in children) if children else 1

    def cost(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for field in self.fields(selection_set):
            name, args = field.name.value, self.args(field)
            if name in ("prices", "priceSeries"):
                rows = _days(args) * INTERVALS_PER_DAY.get(str(args.get("run")), 288)
                total += rows * self.leaves(field) * (TYPED_WEIGHT if name == "prices" else 1)
            elif name in DATASET_FIELDS or name == "series":
                rows = _days(args) * DATASET_ROWS_PER_DAY
                total += rows * self.leaves(field) * (TYPED_WEIGHT if name != "series" else 1)
            elif field.selection_set is None:
                total += 1
            else:
                total += _multiplier(name, args) * self.cost(field.selection_set)
        return total


def _multiplier(name: str, args: Mapping[str, Any]) -> int:
    if name == "nodes" and isinstance(args.get("ids"), list):
        return max(1, len(args["ids"]))
    if name == "nodes":  # Market.nodes: a page
        first = args.get("first")
        return first if isinstance(first, int) and first > 0 else 100
    if name == "markets":
        return MARKETS
    return 1


def _days(args: Mapping[str, Any]) -> int:
    if args.get("date") is not None:
        days = args.get("days")
        return days if isinstance(days, int) and days > 0 else 1
    try:
        span = datetime.fromisoformat(str(args["start"])) - datetime.fromisoformat(str(args["end"]))
        return max(1, int(abs(span.total_seconds()) // 86400) + 1)
    except (KeyError, ValueError, TypeError):
        return 1  # the resolver refuses this selection with a clear error anyway


def estimate(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> int:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0
    return _Walk(document, variables or {}).cost(chosen[0].selection_set)
