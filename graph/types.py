"""GraphQL object types. Leaf fields are plain attributes: no per-field resolvers on hot paths."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from adapters import model
from resolvers import nodes as node_resolvers
from resolvers.context import Context
from resolvers.errors import bad_input
from resolvers.prices import node_prices
from resolvers.series import market_series

from .columns import Series, series
from .times import local_times

E = TypeVar("E", bound=Enum)


def _enum(cls: type[E], description: str, values: Mapping[str, str]) -> type[E]:
    """`cls` as a GraphQL enum, with a description for each of its members, by name: every member
    must have one (the adapters' enums stay free of GraphQL)."""
    strawberry.enum(cls, description=description)
    definition = getattr(cls, "__strawberry_definition__", None)
    if not isinstance(definition, StrawberryEnumDefinition):
        raise TypeError(f"{cls.__name__} is not a strawberry enum")
    named = {value.name for value in definition.values}
    if named != set(values):
        raise ValueError(f"{cls.__name__}: describe exactly its members {sorted(named)}, not {sorted(values)}")
    definition.values = [dataclasses.replace(value, description=values[value.name]) for value in definition.values]
    return cls


ISO = _enum(
    model.ISO,
    "The four markets gridql serves, each on its own operating-day clock (`Market.timezone`)",
    {
        "PJM": "PJM Interconnection (Data Miner 2 feeds); operating days in America/New_York",
        "ERCOT": "Electric Reliability Council of Texas (public API and MIS reports); operating days in "
        "America/Chicago; prices are settlement point prices (SCED LMPs for REAL_TIME_5_MIN), without "
        "energy/congestion/loss components",
        "CAISO": "California ISO (OASIS reports); operating days in America/Los_Angeles",
        "NYISO": "New York ISO (MIS public CSVs); operating days in America/New_York",
    },
)
MarketRun = _enum(
    model.MarketRun,
    "A market run: day-ahead or real-time, by interval length. `Market.runs` lists those an ISO publishes; "
    "asking for another is BAD_USER_INPUT",
    {
        "DAY_AHEAD_HOURLY": "Day-ahead market, hourly intervals, published the day before the operating day "
        "(every ISO)",
        "REAL_TIME_5_MIN": "Real-time dispatch, 5-minute intervals: PJM, CAISO and NYISO (RTD; NYISO's off-cycle "
        "runs add shorter intervals), ERCOT (SCED runs: each holds until the next, at most 5 minutes)",
        "REAL_TIME_15_MIN": "Real-time, 15-minute intervals: ERCOT's settlement point prices, CAISO's "
        "fifteen-minute market (RTPD)",
        "REAL_TIME_HOURLY": "Real-time, hourly intervals: PJM's and NYISO's hourly real-time prices; for ERCOT, "
        "which publishes none, the simple average of the hour's four 15-minute settlement point prices",
        "HOUR_AHEAD_15_MIN": "CAISO's hour-ahead scheduling process (HASP), 15-minute intervals",
    },
)
NodeType = _enum(
    model.NodeType,
    "Each ISO's own node types mapped to one set",
    {
        "HUB": "A trading hub: PJM hubs, ERCOT `HB_` hubs, CAISO `TH_` trading hubs",
        "ZONE": "A load or price zone: PJM zones, ERCOT `LZ_` load zones, CAISO default load aggregation points "
        "(DLAP, ELAP), NYISO's eleven load zones",
        "AGGREGATE": "Another aggregate of buses: PJM aggregates, CAISO custom price zones (sub-LAPs)",
        "GENERATOR": "A generator or resource node: PJM GEN pnodes, ERCOT resource nodes, CAISO aggregated "
        "generation APnodes, NYISO generators",
        "LOAD": "A load bus (PJM LOAD pnodes)",
        "INTERFACE": "An interface or tie to a neighbouring market: PJM interface pnodes, ERCOT DC ties, NYISO's "
        "external proxy buses (H Q, NPX, O H, PJM)",
        "OTHER": "Any node whose ISO type maps to none of the above",
    },
)
DatasetKind = _enum(
    model.DatasetKind,
    "The market-wide datasets, as named in `Market.datasets`; each is also a `Market` field of that name",
    {
        "LOAD": "Actual load by area, MW (`Market.load`)",
        "LOAD_FORECAST": "Load forecasts by area, MW, by vintage (`Market.loadForecast`)",
        "FUEL_MIX": "Generation by fuel, MW (`Market.fuelMix`)",
        "ANCILLARY_PRICES": "Ancillary service clearing prices by product and area, one run at a time "
        "(`Market.ancillaryPrices`)",
        "CONSTRAINTS": "Binding transmission constraints and their shadow prices, one run at a time "
        "(`Market.constraints`)",
        "RENEWABLES": "Wind and solar output, MW, actual and forecast (`Market.renewables`)",
        "INTERFACE_FLOWS": "Flows and limits on transmission interfaces, MW (`Market.interfaceFlows`; NYISO only)",
        "TRANSMISSION_RIGHTS": "FTR / CRR / TCC auction clearing prices (`Market.transmissionRights`; no ISO "
        "serves it yet: DATASET_NOT_SERVED)",
        "CAPACITY_PRICES": "Capacity auction clearing prices (`Market.capacityPrices`; no ISO serves it yet: "
        "DATASET_NOT_SERVED)",
    },
)
PriceVersion = _enum(
    model.PriceVersion,
    "Which version of an interval's price this is, where the ISO publishes more than one",
    {
        "PRELIMINARY": "Posted before the ISO verifies it (PJM's unverified real-time LMPs); replaced once the "
        "verified price is out",
        "VERIFIED": "The verified, settled price (PJM's real-time LMPs)",
        "CORRECTED": "Re-posted after a price correction (PJM: `version_nbr` above 1)",
    },
)

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
    version: model.PriceVersion | None = strawberry.field(
        default=None,
        description="PRELIMINARY (posted before the ISO verifies it, e.g. PJM's unverified LMPs), VERIFIED or "
        "CORRECTED; null where the ISO publishes one version only",
    )
    published_at: datetime | None = strawberry.field(
        default=None, description="When the ISO posted this price, where it says"
    )


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
        path = info.path.as_list()
        records = await node_prices(info.context, path, node, run, start, end, date, 1 if days is None else days)
        tz = info.context.market(self.iso).tz
        local = local_times(tz)
        starts = local([r.start for r in records])
        ends = local([r.end for r in records])
        return [
            PriceInterval(
                start=s,
                end=e,
                lmp=r.lmp,
                energy=r.energy,
                congestion=r.congestion,
                loss=r.loss,
                version=r.version,
                published_at=None if r.published_at is None else r.published_at.astimezone(tz),
            )
            for s, e, r in zip(starts, ends, records, strict=True)
        ]

    @strawberry.field(description="Prices as columns: the fast form for long series (see Series)")
    async def price_series(
        self,
        info: Info,
        run: model.MarketRun,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> Series:
        node = model.Node(self.iso, self.code, self.name, self.type)
        path = info.path.as_list()
        records = await node_prices(info.context, path, node, run, start, end, date, 1 if days is None else days)
        return series(model.PriceRecord, records, info.context.market(self.iso).tz)


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
    coverage: Coverage = strawberry.field(description="What the ISO serves of it, as of now")


@strawberry.type(
    description="What an ISO serves of a dataset as of now. Durations are ISO 8601 (`PT5M`, `P90D`); "
    "times are in the market's offset"
)
class Coverage:
    earliest: datetime | None = strawberry.field(
        description="The earliest interval start the ISO still serves; null where it documents no limit"
    )
    latest: datetime | None = strawberry.field(
        description="About where published data ends now: the latest interval end the ISO has typically posted"
    )
    retention: str | None = strawberry.field(
        description="How far back the upstream keeps it; null where it documents no limit"
    )
    cadence: str = strawberry.field(description="How often the ISO publishes it")
    delay: str = strawberry.field(
        description="Typical time from an interval's start to its publication; negative (`-P1D`) for what is "
        "published ahead, such as day-ahead prices and forecasts"
    )
    repeated_hour: str | None = strawberry.field(
        description="How rows of the repeated hour of a fall-back day are placed where the ISO's file does not "
        "say which of the two hours a row is; null where every row says (UTC stamps, an offset, a DST flag)"
    )

    @classmethod
    def of(cls, coverage: model.Coverage, tz: ZoneInfo) -> Coverage:
        return cls(
            earliest=None if coverage.earliest is None else coverage.earliest.astimezone(tz),
            latest=None if coverage.latest is None else coverage.latest.astimezone(tz),
            retention=None if coverage.retention is None else duration(coverage.retention),
            cadence=duration(coverage.cadence),
            delay=duration(coverage.delay),
            repeated_hour=coverage.repeated_hour,
        )


def duration(length: timedelta) -> str:
    """ISO 8601: P90D, PT5M, -P1D, P1DT6H."""
    sign = "-" if length < timedelta(0) else ""
    seconds = int(abs(length.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"


@strawberry.type(description="The labels one filter of a dataset takes: the ISO's own names")
class Labels:
    field: str = strawberry.field(description="The filter argument: area, fuel, product, source, interface")
    labels: list[str]


@strawberry.type(description="Actual load in an area; `area` is the ISO's own zone/region name")
class LoadInterval:
    start: datetime
    end: datetime
    area: str
    mw: float


@strawberry.type(description="A load forecast for an interval, from the vintage published at `publishedAt`")
class LoadForecastInterval:
    start: datetime
    end: datetime
    area: str
    mw: float
    published_at: datetime | None
    model: str | None = strawberry.field(description="The ISO's forecast product, where it publishes several")


@strawberry.type
class FuelMixInterval:
    start: datetime
    end: datetime
    fuel: str = strawberry.field(description="The ISO's own fuel label")
    mw: float


@strawberry.type(description="An ancillary service clearing price, $/MW(h)")
class AncillaryPriceInterval:
    start: datetime
    end: datetime
    product: str = strawberry.field(description="The ISO's own product name")
    area: str | None = strawberry.field(description="Reserve zone or region; null where ISO-wide")
    price: float


@strawberry.type(description="A binding transmission constraint and its shadow price, $/MWh")
class ConstraintInterval:
    start: datetime
    end: datetime
    name: str
    shadow_price: float
    limit_mw: float | None
    flow_mw: float | None


@strawberry.type(description="Wind or solar output, actual or forecast")
class RenewableInterval:
    start: datetime
    end: datetime
    source: str = strawberry.field(description="SOLAR or WIND")
    area: str | None = strawberry.field(description="Region or zone; null for the whole ISO")
    mw: float
    forecast: bool = strawberry.field(description="false: actual output; true: a forecast")
    published_at: datetime | None = strawberry.field(description="Forecasts: when this vintage was published")
    model: str | None = strawberry.field(description="Forecasts: the ISO's forecast product")


@strawberry.type(description="Flow and limits on a transmission interface, MW")
class InterfaceFlowInterval:
    start: datetime
    end: datetime
    interface: str
    flow_mw: float
    positive_limit_mw: float | None
    negative_limit_mw: float | None


@strawberry.type(description="A cleared FTR / CRR / TCC auction price; start/end is the term the right covers")
class TransmissionRightPrice:
    start: datetime
    end: datetime
    auction: str
    node: str = strawberry.field(description="The ISO's node id (or path) the price is quoted at")
    price: float = strawberry.field(description="$/MW for the term, as the ISO publishes it")
    time_of_use: str | None
    hedge_type: str | None


@strawberry.type(description="A capacity auction clearing price; start/end is the delivery term")
class CapacityPrice:
    start: datetime
    end: datetime
    auction: str
    area: str = strawberry.field(description="LDA / locality")
    price: float
    unit: str = strawberry.field(description='e.g. "$/MW-day", "$/kW-month"')


T = TypeVar("T")


def localized(cls: type[T], records: Iterable[Any], tz: ZoneInfo) -> list[T]:
    """Adapter records (UTC) as GraphQL objects of the same field names, in the market's offset."""
    names = [f.name for f in dataclasses.fields(cls) if f.name not in ("start", "end")]  # type: ignore[arg-type]
    chosen = list(records)
    local = local_times(tz)
    starts, ends = local([r.start for r in chosen]), local([r.end for r in chosen])
    return [
        cls(start=s, end=e, **{n: getattr(r, n) for n in names})  # type: ignore[call-arg]
        for s, e, r in zip(starts, ends, chosen, strict=True)
    ]


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

    @strawberry.field(description="What this market serves: name, description, runs and coverage")
    def datasets(self, info: Info) -> list[Dataset]:
        adapter = info.context.adapters[self.iso]
        tz = adapter.market.tz
        prices = Coverage.of(adapter.coverage(None), tz)
        served = [
            Dataset(
                name="prices",
                description="Locational marginal prices by node (Node.prices)",
                runs=self.runs,
                coverage=prices,
            )
        ]
        for dataset in adapter.datasets:
            coverage = Coverage.of(adapter.coverage(dataset.kind), tz)
            served.append(
                Dataset(
                    name=dataset.kind.value, description=dataset.description, runs=list(dataset.runs), coverage=coverage
                )
            )
        return served

    @strawberry.field(
        description="The labels each filter of a dataset takes (`area`, `fuel`, `product`, ...), as the ISO names "
        "them; a filter naming another label is refused"
    )
    def labels(self, info: Info, dataset: model.DatasetKind) -> list[Labels]:
        declared = info.context.adapters[self.iso].labels(dataset)
        return [Labels(field=name, labels=list(values)) for name, values in declared.items()]

    @strawberry.field(
        description="Actual load by area; `area` filters on the ISO's own zone/region name; `run` picks a "
        "cadence where the ISO publishes several (see `Market.datasets`)"
    )
    async def load(
        self,
        info: Info,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        run: model.MarketRun | None = None,
    ) -> list[LoadInterval]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.LOAD, start, end, date, days, run=run, filters={"area": area}
        )
        return localized(LoadInterval, records, tz)

    @strawberry.field(
        description="Load forecasts: the latest vintage, or the latest published before `publishedBefore`"
    )
    async def load_forecast(
        self,
        info: Info,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        published_before: datetime | None = None,
    ) -> list[LoadForecastInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.LOAD_FORECAST,
            start,
            end,
            date,
            days,
            published_before=published_before,
            filters={"area": area},
        )
        return localized(LoadForecastInterval, records, tz)

    @strawberry.field(description="Generation by fuel; `fuel` filters on the ISO's own label")
    async def fuel_mix(
        self,
        info: Info,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        fuel: str | None = None,
    ) -> list[FuelMixInterval]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.FUEL_MIX, start, end, date, days, filters={"fuel": fuel}
        )
        return localized(FuelMixInterval, records, tz)

    @strawberry.field(description="Ancillary service prices of one run, by product and area")
    async def ancillary_prices(
        self,
        info: Info,
        run: model.MarketRun,
        product: str | None = None,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[AncillaryPriceInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.ANCILLARY_PRICES,
            start,
            end,
            date,
            days,
            run=run,
            filters={"product": product, "area": area},
        )
        return localized(AncillaryPriceInterval, records, tz)

    @strawberry.field(description="Binding transmission constraints of one run and their shadow prices")
    async def constraints(
        self,
        info: Info,
        run: model.MarketRun,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[ConstraintInterval]:
        records, tz = await _series(info, self.iso, model.DatasetKind.CONSTRAINTS, start, end, date, days, run=run)
        return localized(ConstraintInterval, records, tz)

    @strawberry.field(description="Wind and solar output, actual and forecast")
    async def renewables(
        self,
        info: Info,
        source: str | None = None,
        area: str | None = None,
        forecast: bool | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        published_before: datetime | None = None,
    ) -> list[RenewableInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.RENEWABLES,
            start,
            end,
            date,
            days,
            published_before=published_before,
            filters={"source": source, "area": area, "forecast": forecast},
        )
        return localized(RenewableInterval, records, tz)

    @strawberry.field(description="Flows and limits on transmission interfaces")
    async def interface_flows(
        self,
        info: Info,
        interface: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[InterfaceFlowInterval]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.INTERFACE_FLOWS, start, end, date, days, filters={"interface": interface}
        )
        return localized(InterfaceFlowInterval, records, tz)

    @strawberry.field(description="FTR / CRR / TCC auction clearing prices whose term starts in the window")
    async def transmission_rights(
        self,
        info: Info,
        node: str | None = None,
        auction: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[TransmissionRightPrice]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.TRANSMISSION_RIGHTS,
            start,
            end,
            date,
            days,
            filters={"node": node, "auction": auction},
        )
        return localized(TransmissionRightPrice, records, tz)

    @strawberry.field(description="Capacity auction clearing prices whose delivery term starts in the window")
    async def capacity_prices(
        self,
        info: Info,
        area: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
    ) -> list[CapacityPrice]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.CAPACITY_PRICES, start, end, date, days, filters={"area": area}
        )
        return localized(CapacityPrice, records, tz)

    @strawberry.field(
        description="Any market-wide dataset as columns (the fast form for long series); the filters are those "
        "of the dataset's own field, and a filter the dataset does not have is an error"
    )
    async def series(
        self,
        info: Info,
        dataset: model.DatasetKind,
        run: model.MarketRun | None = None,
        area: str | None = None,
        product: str | None = None,
        fuel: str | None = None,
        source: str | None = None,
        forecast: bool | None = None,
        interface: str | None = None,
        node: str | None = None,
        auction: str | None = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        published_before: datetime | None = None,
    ) -> Series:
        filters = {
            "area": area,
            "product": product,
            "fuel": fuel,
            "source": source,
            "forecast": forecast,
            "interface": interface,
            "node": node,
            "auction": auction,
        }
        record_type = model.RECORD_TYPES[dataset]
        fields = {f.name for f in dataclasses.fields(record_type)}
        unknown = sorted(name for name, value in filters.items() if value is not None and name not in fields)
        if unknown:
            raise bad_input(f"{dataset.name} has no {', '.join(unknown)} to filter on")
        records, tz = await _series(
            info, self.iso, dataset, start, end, date, days, run=run, published_before=published_before, filters=filters
        )
        return series(record_type, records, tz)


async def _series(
    info: Info,
    iso: model.ISO,
    kind: model.DatasetKind,
    start: datetime | None,
    end: datetime | None,
    day: date | None,
    days: int | None,
    **options: Any,
) -> tuple[Sequence[Any], ZoneInfo]:
    path = info.path.as_list()
    records = await market_series(
        info.context, iso, kind, path, start=start, end=end, day=day, days=1 if days is None else days, **options
    )
    return records, info.context.market(iso).tz
