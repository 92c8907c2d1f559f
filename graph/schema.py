"""The Query root and the schema; `python -m graph.schema` prints the SDL checked in as schema.graphql."""

from __future__ import annotations

from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gridql.adapters import model
from gridql.resolvers import nodes as node_resolvers

from . import limits
from .columns import SCALARS
from .documents import DocumentCache
from .execution import Executor
from .types import Info, Market, Node


@strawberry.type(description="The entry points: markets, and nodes by id")
class Query:
    @strawberry.field(description="Every market gridql serves")
    def markets(self, info: Info) -> list[Market]:
        return [Market.of(info.context.market(iso)) for iso in model.ISO]

    @strawberry.field(description="One ISO's market")
    def market(self, info: Info, iso: Annotated[model.ISO, strawberry.argument(description="The ISO")]) -> Market:
        return Market.of(info.context.market(iso))

    @strawberry.field(
        description='A node by id, "<ISO>:<the ISO\'s own node id>", e.g. "NYISO:61761"; an unknown id is null '
        "with a NOT_FOUND error"
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description='"<ISO>:<the ISO\'s own node id>", e.g. "PJM:51288", "ERCOT:HB_HOUSTON"'),
        ],
    ) -> Node | None:
        return Node.of(await node_resolvers.find(info.context, id))

    @strawberry.field(description="Nodes by id, in order; null entries for unknown ids, each with an error")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description='Node ids, "<ISO>:<the ISO\'s own node id>"; the answer keeps their order'),
        ],
    ) -> list[Node | None]:
        found = await node_resolvers.find_many(info.context, ids)
        # An error in place of an item nulls that entry and reports the error with its path.
        return [item if isinstance(item, GraphQLError) else Node.of(item) for item in found]  # type: ignore[misc]


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Coded errors are answers, not incidents: the app logs only unexpected ones."""


schema = Schema(
    query=Query,
    config=StrawberryConfig(scalar_map=SCALARS),
    # The limits' rules go in before validation runs (and is cached).
    extensions=[*limits.EXTENSIONS, DocumentCache],
    execution_context_class=Executor,
)


def sdl() -> str:
    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
