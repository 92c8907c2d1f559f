"""Limits checked before a query runs, so that one client's query cannot starve the others."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from math import ceil

from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from resolvers.context import Context

from .cost import estimate

QUERY_TOO_EXPENSIVE = "QUERY_TOO_EXPENSIVE"
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
            context.cost = estimate(execution.graphql_document, execution.operation_name, execution.variables)
            limit = context.settings.max_cost
            if context.cost > limit:
                raise GraphQLError(
                    f"This query would cost about {context.cost:,} (nodes x intervals x fields; a typed "
                    f"interval field weighs 10, a column value 1); the limit is {limit:,}. Ask "
                    "for fewer nodes or days, or read long series as columns (priceSeries, Market.series).",
                    extensions={"code": QUERY_TOO_EXPENSIVE},
                )
            if context.budget is not None:
                wait = context.budget.take(context.cost)
                if wait is not None:
                    raise GraphQLError(_over_budget(context.cost, wait), extensions=_throttled(wait))
        yield


def _over_budget(cost: int, wait: float) -> str:
    if wait == float("inf"):
        return f"This query would cost about {cost:,}, more than this key's whole budget per minute"
    return f"This query would cost about {cost:,}, over what is left of this key's budget; retry in {ceil(wait)} s"


def _throttled(wait: float) -> dict[str, object]:
    extensions: dict[str, object] = {"code": "THROTTLED"}
    if wait != float("inf"):
        extensions["retryAfter"] = ceil(wait)
    return extensions


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


# The depth and alias rules are built once: ValidationCache keys on the rule classes, and
# strawberry's QueryDepthLimiter / MaxAliasesLimiter would build new ones for every request.
RULES: list[type[ASTValidationRule]] = [depth_rule(MAX_DEPTH, should_ignore=None), alias_rule(MAX_ALIASES)]

EXTENSIONS: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
    lambda: AddValidationRules(RULES),
    Introspection,
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    CostLimit,
]
