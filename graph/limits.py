"""Limits checked before a query runs, so that one client's query cannot starve the others."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from resolvers.context import Context
from resolvers.cost import estimate

QUERY_TOO_EXPENSIVE = "QUERY_TOO_EXPENSIVE"
MAX_DEPTH = 12
MAX_ALIASES = 100
MAX_TOKENS = 20_000


class CostLimit(SchemaExtension):
    """Estimates the query's cost (nodes x intervals x fields, see resolvers.cost), reports it in
    `extensions.gridql.cost` and refuses the query before execution when it is over the limit."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and execution.graphql_document is not None:
            context.cost = estimate(execution.graphql_document, execution.operation_name, execution.variables)
            if context.cost > context.max_cost:
                raise GraphQLError(
                    f"This query would cost about {context.cost:,} (nodes x intervals x fields; a typed "
                    f"interval field weighs 10, a column value 1); the limit is {context.max_cost:,}. Ask "
                    "for fewer nodes or days, or read long series as columns (priceSeries, Market.series).",
                    extensions={"code": QUERY_TOO_EXPENSIVE},
                )
        yield


# The depth and alias rules are built once: ValidationCache keys on the rule classes, and
# strawberry's QueryDepthLimiter / MaxAliasesLimiter would build new ones for every request.
RULES: list[type[ASTValidationRule]] = [depth_rule(MAX_DEPTH, should_ignore=None), alias_rule(MAX_ALIASES)]

EXTENSIONS = [
    lambda: AddValidationRules(RULES),
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    CostLimit,
]
