"""GraphQL object types. Leaf fields are plain attributes: no per-field resolvers on hot paths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from adapters import model
from resolvers import nodes as node_resolvers
from resolvers.context import Context
from resolvers.errors import DATASET_NOT_SERVED
from resolvers.prices import node_prices

ISO = strawberry.enum(model.ISO, description="The four markets gridql serves")
MarketRun = strawberry.enum(model.MarketRun, description="A market run: day-ahead or real-time, by interval length")
NodeType = strawberry.enum(model.NodeType, description="Each ISO's own node types mapped to one set")

Info = strawberry.Info[Context, None]

START = Annotated[datetime | None, strawberry.argument(description="Window start, an instant with offset (inclusive)")]
END = Annotated[datetime | None, strawberry.argument(description="Window end, an instant with offset (exclusive)")]
DATE = Annotated[
    date | None,
    strawberry.argument(description="First operating day, in the market's own timezone (instead of start/end)"),
]
DAYS = Annotated[int | None, strawberry.argument(description="Number of operating days from `date`")]


@strawberry.type(description="One interval's price at a node, $/MWh; [start, end), in the market's local offset")
class PriceInterval:
    start: datetime
    end: datetime
    lmp: float = strawberry.field(description="Locational marginal price: energy + congestion + loss")
    energy: float | None = strawberry.field(description="Energy component; null where the ISO does not publish it")
    congestion: float | None = strawberry.field(
        description="Congestion component, signed so that lmp = energy + congestion + loss"
    )
    loss: float | None = strawberry.field(description="Marginal loss component")


@strawberry.type(description="A priced location: hub, zone, generator, load or interface")
class Node:
    id: strawberry.ID = strawberry.field(description='"<ISO>:<the ISO\'s own node id>", e.g. "NYISO:61761"')
    iso: model.ISO
    name: str
    type: model.NodeType
    code: strawberry.Private[str]

    @classmethod
    def of(cls, node: model.Node) -> Node:
        return cls(id=strawberry.ID(node.id), iso=node.iso, name=node.name, type=node.type, code=node.code)

    @strawberry.field
    def market(self, info: Info) -> Market:
        return Market.of(info.context.market(self.iso))

    @strawberry.field(description="Prices of one market run; select `date` (+ `days`) or `start` and `end`")
    async def prices(
        self,
        info: Info,
        run: model.MarketRun,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[PriceInterval]:
        node = model.Node(self.iso, self.code, self.name, self.type)
        records = await node_prices(info.context, node, run, start, end, date, 1 if days is None else days)
        tz = info.context.market(self.iso).tz
        return [
            PriceInterval(
                start=r.start.astimezone(tz),
                end=r.end.astimezone(tz),
                lmp=r.lmp,
                energy=r.energy,
                congestion=r.congestion,
                loss=r.loss,
            )
            for r in records
        ]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class NodeEdge:
    cursor: str
    node: Node


@strawberry.type(description="A page of nodes (Relay cursor connection)")
class NodeConnection:
    edges: list[NodeEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Nodes matching the filters, over all pages")


@strawberry.type(description="A dataset a market serves")
class Dataset:
    name: str
    description: str
    runs: list[model.MarketRun]


@strawberry.type
class LoadInterval:
    start: datetime
    end: datetime
    area: str
    mw: float


@strawberry.type
class LoadForecastInterval:
    start: datetime
    end: datetime
    area: str
    mw: float
    published_at: datetime | None


@strawberry.type
class FuelMixInterval:
    start: datetime
    end: datetime
    fuel: str = strawberry.field(description="The ISO's own fuel label")
    mw: float


@strawberry.type
class AncillaryPriceInterval:
    start: datetime
    end: datetime
    product: str
    area: str | None
    price: float


@strawberry.type
class ConstraintInterval:
    start: datetime
    end: datetime
    name: str
    shadow_price: float


def _not_served(iso: model.ISO, dataset: str) -> GraphQLError:
    return GraphQLError(
        f"{iso.value} {dataset} is not served yet; see `Market.datasets` for what is",
        extensions={"code": DATASET_NOT_SERVED},
    )


@strawberry.type(description="One ISO's market")
class Market:
    iso: model.ISO
    name: str
    timezone: str = strawberry.field(description='IANA name, e.g. "America/Los_Angeles"')
    runs: list[model.MarketRun] = strawberry.field(description="The runs this ISO publishes")

    @classmethod
    def of(cls, info: model.MarketInfo) -> Market:
        return cls(iso=info.iso, name=info.name, timezone=info.timezone, runs=list(info.runs))

    @strawberry.field(description="Nodes, filtered by type and by a case-insensitive name/id search")
    async def nodes(
        self,
        info: Info,
        type: model.NodeType | None = None,
        search: str | None = None,
        first: int | None = 100,
        after: str | None = None,
    ) -> NodeConnection:
        found = await node_resolvers.page(info.context, self.iso, type, search, 100 if first is None else first, after)
        edges = [NodeEdge(cursor=node_resolvers.cursor_of(n), node=Node.of(n)) for n in found.nodes]
        return NodeConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=found.has_next,
                has_previous_page=found.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=found.total,
        )

    @strawberry.field(description="What this market serves: name, description, runs")
    def datasets(self) -> list[Dataset]:
        return [Dataset(name="prices", description="Locational marginal prices by node (Node.prices)", runs=self.runs)]

    @strawberry.field
    def load(
        self, area: str | None = None, start: START = None, end: END = None, date: DATE = None, days: DAYS = 1
    ) -> list[LoadInterval]:
        raise _not_served(self.iso, "load")

    @strawberry.field
    def load_forecast(
        self,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        published_before: datetime | None = None,
    ) -> list[LoadForecastInterval]:
        raise _not_served(self.iso, "load forecast")

    @strawberry.field
    def fuel_mix(
        self, start: START = None, end: END = None, date: DATE = None, days: DAYS = 1
    ) -> list[FuelMixInterval]:
        raise _not_served(self.iso, "fuel mix")

    @strawberry.field
    def ancillary_prices(
        self,
        run: model.MarketRun,
        product: str | None = None,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[AncillaryPriceInterval]:
        raise _not_served(self.iso, "ancillary prices")

    @strawberry.field
    def constraints(
        self, run: model.MarketRun, start: START = None, end: END = None, date: DATE = None, days: DAYS = 1
    ) -> list[ConstraintInterval]:
        raise _not_served(self.iso, "constraints")
