"""Limits checked before a query runs, so that one client's query cannot starve the others."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension

from gridql.resolvers.context import Context
from gridql.resolvers.meter import QUERY_TOO_EXPENSIVE, over_budget

from .cost import estimate
from .fragments import Fragments

MAX_DEPTH = 12
MAX_ALIASES = 100
MAX_TOKENS = 20_000


class CostLimit(SchemaExtension):
    """Estimates the query's cost (nodes x intervals x fields, see graph/cost.py), reports it in
    `extensions.gridql.cost` and refuses the query before execution when it is over the limit."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and execution.graphql_document is not None:
            schema = execution.schema._schema
            meter = context.meter
            document, operation = execution.graphql_document, execution.operation_name
            meter.estimated = estimate(schema, document, operation, execution.variables)
            context.operation = operation or ""
            if meter.estimated > meter.limit:
                raise GraphQLError(
                    f"This query would cost about {meter.estimated:,} (nodes x intervals x fields; a typed "
                    f"interval field weighs 10, a column value 1); the limit is {meter.limit:,}. Ask "
                    "for fewer nodes or days, or read long series as columns (priceSeries, Market.series).",
                    extensions={"code": QUERY_TOO_EXPENSIVE},
                )
            if meter.budget is not None:
                wait = meter.budget.take(meter.estimated)
                if wait is not None:
                    raise over_budget(meter.estimated, wait)
        yield


class Introspection(SchemaExtension):
    """Refuses introspection queries when the settings turn introspection off (production)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and not context.settings.introspection:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield


class _Shape:
    """(depth, aliases) of selection sets over the query as it expands, each fragment measured once:
    a fragment spread twice by each of twenty others costs twenty measurements, not a million.
    Depth counts nested object fields as strawberry's depth limiter does (introspection aside);
    aliases count every aliased field of the expanded query."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = Fragments(document, lambda fragment: self.of(fragment.selection_set), (0, 0))

    def of(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                if selection.selection_set is not None:
                    inner, more = self.of(selection.selection_set)
                    aliases += more
                    if not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + inner)
            elif isinstance(selection, InlineFragmentNode):
                inner, more = self.of(selection.selection_set)
                depth, aliases = max(depth, inner), aliases + more
            elif isinstance(selection, FragmentSpreadNode):
                inner, more = self.fragments(selection.name.value)
                depth, aliases = max(depth, inner), aliases + more
        return depth, aliases


class QueryShape(ValidationRule):
    """Refuses operations nested deeper than MAX_DEPTH or with more than MAX_ALIASES aliases, in
    time linear in the document's size however its fragments fan out."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        shape = _Shape(context.document)
        total = 0
        for definition in context.document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                depth, aliases = shape.of(definition.selection_set)
                total += aliases
                if depth > MAX_DEPTH:
                    name = definition.name.value if definition.name else "anonymous"
                    context.report_error(
                        GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", [definition])
                    )
        if total > MAX_ALIASES:
            context.report_error(GraphQLError(f"{total} aliases found. Allowed: {MAX_ALIASES}"))


# One class, built once: ValidationCache keys on the rule classes.
RULES: list[type[ASTValidationRule]] = [QueryShape]

EXTENSIONS: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
    lambda: AddValidationRules(RULES),
    Introspection,
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    CostLimit,
]
