"""What a query costs upstream, charged before each batch is fetched.

The estimate made before a query runs (graph/cost.py) counts what the answer holds. Answering may
read far more: NYISO publishes a past month of generator prices as one file of every generator,
PJM's archive pages through every pnode, a forecast is read in every vintage. Each loader asks its
adapter how many records a batch would read upstream (planned pieces not already cached) and
charges them here before fetching, so the limit and a key's budget see the work, not only the rows
returned.
"""

from __future__ import annotations

from math import ceil
from typing import Protocol

from graphql import GraphQLError

from gridql.adapters.model import ISO

# Parsing one upstream record costs 2-8 µs (NYISO and PJM CSVs, `python -m bench.run` W5), about
# what 4 cost units stand for: a typed interval leaf, 4-7 µs of GraphQL execution, weighs 10.
READ_WEIGHT = 4

QUERY_TOO_EXPENSIVE = "QUERY_TOO_EXPENSIVE"
THROTTLED = "THROTTLED"
OVER_BUDGET = "OVER_BUDGET"


class Budget(Protocol):
    """A client's query-cost budget (graph.access.TokenBucket)."""

    def take(self, amount: int) -> float | None:
        """None when `amount` was taken; else seconds until it fits (inf: never, over the whole budget)."""
        ...

    @property
    def remaining(self) -> int: ...


def over_budget(cost: int, wait: float, what: str = "This query would cost") -> GraphQLError:
    """A key's budget refusal: `THROTTLED` with `retryAfter` when waiting helps; `OVER_BUDGET`
    (not retryable as it is) when the cost is more than the key's whole budget per minute."""
    if wait == float("inf"):
        return GraphQLError(
            f"{what} about {cost:,}, more than this key's whole budget per minute; ask for fewer nodes or "
            "days, or ask the operator for a larger budget",
            extensions={"code": OVER_BUDGET},
        )
    retry = ceil(wait)
    return GraphQLError(
        f"{what} about {cost:,}, over what is left of this key's budget; retry in {retry} s",
        extensions={"code": THROTTLED, "retryAfter": retry},
    )


class Meter:
    """The request's running cost: the estimate made before it runs, then every batch's upstream
    reads as they are charged."""

    def __init__(self, limit: int, budget: Budget | None = None) -> None:
        self.limit = limit
        self.budget = budget
        self.estimated = 0  # set before the query runs (graph.limits.CostLimit)
        self.reads = 0  # records read upstream, charged so far

    @property
    def cost(self) -> int:
        return self.estimated + READ_WEIGHT * self.reads

    def charge(self, iso: ISO, rows: int, what: str) -> None:
        """Charge `rows` records read upstream for `what`; refused (nothing fetched) when the query
        would go over the limit or the key's budget."""
        if rows <= 0:
            return
        cost = READ_WEIGHT * rows
        if self.cost + cost > self.limit:
            raise GraphQLError(
                f"{what} reads about {rows:,} records from {iso.value} (it publishes them no finer), which "
                f"takes this query to a cost of about {self.cost + cost:,} (a record read weighs {READ_WEIGHT}); "
                f"the limit is {self.limit:,}. Ask for fewer days or nodes.",
                extensions={"code": QUERY_TOO_EXPENSIVE, "iso": iso.value},
            )
        if self.budget is not None:
            wait = self.budget.take(cost)
            if wait is not None:
                raise over_budget(cost, wait, f"{what} reads {rows:,} records from {iso.value} upstream, costing")
        self.reads += rows
