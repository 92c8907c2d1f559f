"""GraphQL object types. Leaf fields are plain attributes: no per-field resolvers on hot paths."""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from operator import attrgetter
from typing import Annotated, Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry
from strawberry.scalars import JSON
from strawberry.types.enum import StrawberryEnumDefinition

from gridql.adapters import model
from gridql.resolvers import nodes as node_resolvers
from gridql.resolvers.context import Context
from gridql.resolvers.errors import bad_input
from gridql.resolvers.prices import node_prices
from gridql.resolvers.queue import interconnection_queue
from gridql.resolvers.series import market_series

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
        "TRANSMISSION_RIGHTS": "FTR / CRR / TCC auction prices (`Market.transmissionRights`): PJM's monthly FTR "
        "auction bids (its clearing prices sit behind PJM's member login); NYISO's TCC auction results (nodal "
        "prices and awards downloaded from tcc.nyiso.com, served from the archive once imported with `gridql "
        "import`); ERCOT's CRR auction results (the results zips MIS posts, NP7-803-M monthly and NP7-802-M "
        "long-term, imported likewise); CAISO's are not served (no confirmed machine-readable layout): "
        "DATASET_NOT_SERVED",
        "FTR_CONGESTION_PRICES": "Congestion prices by node, month and FTR class type, as they were and simulated "
        "(`Market.ftrCongestionPrices`; PJM only)",
        "CAPACITY_PRICES": "Capacity auction clearing prices (`Market.capacityPrices`): PJM's RPM and NYISO's ICAP "
        "auctions, from the workbooks they publish, served from the archive once imported (`gridql import`). ERCOT "
        "and CAISO have no capacity market: their answer is empty, with a NO_SUCH_MARKET notice saying why",
        "SYSTEM_LAMBDA": "The system lambda, $/MWh: the shadow price of the market's power balance, one run at a "
        "time (`Market.systemLambda`; ERCOT's SCED and DAM system lambda)",
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
_enum(
    model.QueueStatus,
    "Where an interconnection request stands, normalized from each ISO's own words (`isoStatus` keeps them)",
    {
        "ACTIVE": "In the queue: being studied, under agreement or under construction (PJM's partly in-service "
        "projects too)",
        "SUSPENDED": "Suspended at the developer's request (PJM, CAISO); may resume",
        "COMPLETED": "Done: in service (PJM, NYISO, CAISO completed projects) or approved for synchronization (ERCOT)",
        "WITHDRAWN": "Left the queue: withdrawn, cancelled, annulled or inactive (ERCOT's inactive projects)",
    },
)

Info = strawberry.Info[Context, None]

# The time selection every dataset takes: `date` (+ `days`), or `start` and `end`
# (resolvers/windows.py). An interval is answered when its start lies in the window.
START = Annotated[
    datetime | None,
    strawberry.argument(
        description="Window start, an ISO 8601 instant with offset (inclusive); give it with `end`, instead of "
        "`date`. An interval is returned when its start lies in [start, end)"
    ),
]
END = Annotated[
    datetime | None,
    strawberry.argument(
        description="Window end, an ISO 8601 instant with offset (exclusive); at most 366 days after `start`"
    ),
]
DATE = Annotated[
    date | None,
    strawberry.argument(
        description="First operating day, in the market's own timezone (instead of start/end): local midnight "
        "to local midnight, so a DST day lasts 23 or 25 hours"
    ),
]
DAYS = Annotated[int | None, strawberry.argument(description="Number of operating days from `date`, 1 to 366")]
TIMEZONE = Annotated[
    str | None,
    strawberry.argument(
        description="The zone `start`/`end` (and `publishedAt`) are written in: null, the market's own offset; "
        '"UTC"; or any IANA name, e.g. "Europe/London". It changes only how instants are written: `date` stays '
        "the market's operating day, and the window is the same"
    ),
]
PUBLISHED_BEFORE = Annotated[
    datetime | None,
    strawberry.argument(
        description="Forecasts as known then: for each interval, the latest vintage published strictly before "
        "this instant (with offset); null: the latest vintage"
    ),
]
RUN_OF_DATASET = Annotated[
    model.MarketRun,
    strawberry.argument(
        description="The market run; `Market.datasets` lists the runs this ISO serves the dataset for, "
        "another is BAD_USER_INPUT"
    ),
]
RUN_OF_PRICES = Annotated[
    model.MarketRun,
    strawberry.argument(description="The market run; one of `Market.runs`, another is BAD_USER_INPUT"),
]

# Label filters: the ISO's own labels (`Market.labels`), compared case-insensitively; one the ISO
# does not have is BAD_USER_INPUT, listing those it has.
AREA = Annotated[
    str | None,
    strawberry.argument(description="Only this area: one of the ISO's own zone/region names, case-insensitively"),
]
PRODUCT = Annotated[
    str | None,
    strawberry.argument(description="Only this product: one of the ISO's own product names, case-insensitively"),
]
SOURCE = Annotated[str | None, strawberry.argument(description="SOLAR or WIND only")]
FORECAST = Annotated[
    bool | None, strawberry.argument(description="true: forecasts only; false: actual output only; null: both")
]
INTERFACE = Annotated[
    str | None,
    strawberry.argument(description="Only this interface: one of the ISO's own names, case-insensitively"),
]
NODE = Annotated[
    str | None,
    strawberry.argument(description="Only prices quoted at this node id or path (the ISO's own), case-insensitively"),
]
AUCTION = Annotated[
    str | None, strawberry.argument(description="Only this auction: the ISO's own name, case-insensitively")
]

# Returned intervals: UTC in the adapters, written in the market's offset here.
INTERVAL_START = "Interval start (inclusive), ISO 8601 in the market's local offset"
INTERVAL_END = "Interval end (exclusive): the interval is half-open [start, end), in the market's local offset"
TERM_START = "First instant of the term (inclusive), in the market's local offset"
TERM_END = "End of the term (exclusive), in the market's local offset"


@strawberry.type(description="One interval's price at a node, $/MWh; [start, end), in the market's local offset")
class PriceInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    lmp: float = strawberry.field(
        description="Locational marginal price, $/MWh: energy + congestion + loss (CAISO's greenhouse-gas "
        "component, where a node has one, is in lmp only). ERCOT: the settlement point price (the SCED LMP for "
        "REAL_TIME_5_MIN)"
    )
    energy: float | None = strawberry.field(
        description="Energy component, $/MWh; lmp - congestion - loss where the ISO prints none (NYISO, PJM's "
        "unverified prices); null where the ISO publishes no components (ERCOT), never 0"
    )
    congestion: float | None = strawberry.field(
        description="Congestion component, $/MWh, signed so that lmp = energy + congestion + loss in every market "
        "(NYISO prints it negated; gridql flips it); null where the ISO publishes no components (ERCOT)"
    )
    loss: float | None = strawberry.field(
        description="Marginal loss component, $/MWh; null where the ISO publishes no components (ERCOT)"
    )
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
    id: strawberry.ID = strawberry.field(
        description='"<ISO>:<the ISO\'s own node id>": a PJM pnode id, ERCOT settlement point, CAISO APnode or '
        'NYISO PTID, e.g. "PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"'
    )
    iso: model.ISO = strawberry.field(description="The ISO whose node this is")
    name: str = strawberry.field(
        description="The ISO's own name for the node; its id where the ISO publishes no name (ERCOT resource "
        "nodes, most CAISO APnodes)"
    )
    type: model.NodeType = strawberry.field(description="The ISO's node type, mapped to gridql's set")
    code: strawberry.Private[str]

    @classmethod
    def of(cls, node: model.Node) -> Node:
        return cls(id=strawberry.ID(node.id), iso=node.iso, name=node.name, type=node.type, code=node.code)

    @strawberry.field(description="The market the node is priced in")
    def market(self, info: Info) -> Market:
        return Market.of(info.context.market(self.iso))

    @strawberry.field(
        description="Prices of one market run, ordered by start, without duplicates; select `date` (+ `days`) or "
        "`start` and `end`"
    )
    async def prices(
        self,
        info: Info,
        run: RUN_OF_PRICES,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[PriceInterval]:
        node = model.Node(self.iso, self.code, self.name, self.type)
        path = info.path.as_list()
        tz = zone(timezone, info.context.market(self.iso).tz)
        records = await node_prices(info.context, path, node, run, start, end, date, 1 if days is None else days)
        return localized(PriceInterval, records, tz)

    @strawberry.field(description="The same prices as `prices`, as columns: the fast form for long series (see Series)")
    async def price_series(
        self,
        info: Info,
        run: RUN_OF_PRICES,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> Series:
        node = model.Node(self.iso, self.code, self.name, self.type)
        path = info.path.as_list()
        tz = zone(timezone, info.context.market(self.iso).tz)
        records = await node_prices(info.context, path, node, run, start, end, date, 1 if days is None else days)
        return series(model.PriceRecord, records, tz, info)


@strawberry.type(description="Where a page of nodes lies in the whole list (Relay cursor connection)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More nodes follow this page")
    has_previous_page: bool = strawberry.field(description="Nodes precede this page: it starts `after` a cursor")
    start_cursor: str | None = strawberry.field(description="The first edge's cursor; null on an empty page")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, to pass as `after` for the next page; null on an empty page"
    )


@strawberry.type(description="One node of a page, with its cursor")
class NodeEdge:
    cursor: str = strawberry.field(description="An opaque cursor: pass it as `after` to page on from this node")
    node: Node = strawberry.field(description="The node")


@strawberry.type(description="A page of nodes (Relay cursor connection)")
class NodeConnection:
    edges: list[NodeEdge] = strawberry.field(description="This page's nodes, in the market's node-list order")
    page_info: PageInfo = strawberry.field(description="Whether pages precede or follow this one, and its cursors")
    total_count: int = strawberry.field(description="Nodes matching the filters, over all pages")


@strawberry.type(description="A dataset a market serves")
class Dataset:
    name: str = strawberry.field(
        description="`prices` (`Node.prices`), or the name of the `Market` field that serves the dataset: "
        "a `DatasetKind` as camelCase (`load`, `loadForecast`, ...)"
    )
    description: str = strawberry.field(
        description="What the dataset holds and the ISO's feeds behind it, each with the ISO's own report name "
        "in parentheses"
    )
    runs: list[model.MarketRun] = strawberry.field(
        description="The runs it is served for (the `run` argument); empty where it is not keyed by run"
    )
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
    archived_from: date | None = strawberry.field(
        description="The first operating day gridql's own archive holds (null: none, or no archive): days the "
        "ISO no longer serves are answered from it. Read at most once a minute"
    )
    archived_through: date | None = strawberry.field(
        description="The last operating day gridql's archive holds (null: none, or no archive)"
    )
    archived_series_days: int = strawberry.field(
        description="How many (node or area, operating day)s the archive holds of it, the days the ISO answered "
        "with no data included; 0 with no archive"
    )

    @classmethod
    def of(cls, coverage: model.Coverage, tz: ZoneInfo, archived: model.Archived | None) -> Coverage:
        return cls(
            earliest=None if coverage.earliest is None else coverage.earliest.astimezone(tz),
            latest=None if coverage.latest is None else coverage.latest.astimezone(tz),
            retention=None if coverage.retention is None else duration(coverage.retention),
            cadence=duration(coverage.cadence),
            delay=duration(coverage.delay),
            repeated_hour=coverage.repeated_hour,
            archived_from=None if archived is None else archived.first,
            archived_through=None if archived is None else archived.last,
            archived_series_days=0 if archived is None else archived.series_days,
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
    labels: list[str] = strawberry.field(
        description="The ISO's own labels the filter takes, as its feeds declare them; filters compare them "
        "case-insensitively"
    )


@strawberry.type(description="Actual load in an area; `area` is the ISO's own zone/region name")
class LoadInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    area: str = strawberry.field(
        description="The ISO's own zone/region name; the ISO-wide total under the ISO's label for it (e.g. "
        '"NYISO", "PJM RTO", "CA ISO-TAC")'
    )
    mw: float = strawberry.field(
        description="Load, MW: the interval's average (hourly and integrated feeds) or a reading that holds for "
        "the interval (5-minute feeds), as the ISO publishes it"
    )


@strawberry.type(description="A load forecast for an interval, from the vintage published at `publishedAt`")
class LoadForecastInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    area: str = strawberry.field(description="The ISO's own forecast zone/area name, or its label for the total")
    mw: float = strawberry.field(description="Forecast load, MW")
    published_at: datetime | None = strawberry.field(
        description="When the ISO published this vintage, in the market's offset; null where the feed does not "
        "say (counted as the oldest vintage)"
    )
    model: str | None = strawberry.field(description="The ISO's forecast product, where it publishes several")


@strawberry.type(description="Generation of one fuel over an interval")
class FuelMixInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    fuel: str = strawberry.field(description="The ISO's own fuel label")
    mw: float = strawberry.field(
        description="Generation, MW, as the ISO publishes it for the interval: hourly (PJM) or a 5-minute reading "
        "that holds until the fuel's next one (ERCOT, CAISO, NYISO)"
    )


@strawberry.type(description="An ancillary service clearing price, $/MW(h)")
class AncillaryPriceInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    product: str = strawberry.field(
        description='The ISO\'s own product name, e.g. "REGUP" (ERCOT), "RU" (CAISO), "SR" (PJM)'
    )
    area: str | None = strawberry.field(description="Reserve zone or region; null where ISO-wide")
    price: float = strawberry.field(
        description="Clearing price, $/MW per hour of the service ($/MW(h)), as the ISO publishes it"
    )


@strawberry.type(description="The system lambda over an interval, $/MWh")
class SystemLambdaInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    price: float = strawberry.field(
        description="System lambda, $/MWh: the marginal cost of serving one more MW system-wide, before "
        "congestion and losses, as the ISO publishes it"
    )


@strawberry.type(description="A binding transmission constraint and its shadow price, $/MWh")
class ConstraintInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    name: str = strawberry.field(
        description="The ISO's name for the constraint: the monitored facility (CAISO: the nomogram or branch "
        "id), with the contingency where the ISO gives one"
    )
    shadow_price: float = strawberry.field(
        description="Shadow price, $/MWh, with the ISO's own sign (not normalized across ISOs); NYISO's "
        "`Constraint Cost`"
    )
    limit_mw: float | None = strawberry.field(
        description="The constraint's limit, MW; null where the ISO does not publish it (today only ERCOT does)"
    )
    flow_mw: float | None = strawberry.field(
        description="Flow on the constraint, MW; null where the ISO does not publish it (today only ERCOT does)"
    )


@strawberry.type(description="Wind or solar output, actual or forecast")
class RenewableInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    source: str = strawberry.field(description="SOLAR or WIND")
    area: str | None = strawberry.field(description="Region or zone; null for the whole ISO")
    mw: float = strawberry.field(description="Output, MW, actual or forecast, as the ISO publishes it for the interval")
    forecast: bool = strawberry.field(description="false: actual output; true: a forecast")
    published_at: datetime | None = strawberry.field(description="Forecasts: when this vintage was published")
    model: str | None = strawberry.field(description="Forecasts: the ISO's forecast product")


@strawberry.type(description="Flow and limits on a transmission interface, MW")
class InterfaceFlowInterval:
    start: datetime = strawberry.field(description=INTERVAL_START)
    end: datetime = strawberry.field(description=INTERVAL_END)
    interface: str = strawberry.field(description="The ISO's own interface name")
    flow_mw: float = strawberry.field(
        description="Flow, MW: positive in the interface's positive direction as the ISO defines it, negative "
        "against it"
    )
    positive_limit_mw: float | None = strawberry.field(
        description="Limit on flow in the positive direction, MW; null where the ISO prints no limit (NYISO's ±9999)"
    )
    negative_limit_mw: float | None = strawberry.field(
        description="Limit on flow in the negative direction, MW, as the ISO prints it (usually negative); null "
        "where the ISO prints no limit (NYISO's ±9999)"
    )


@strawberry.type(
    description="An FTR / CRR / TCC auction price; start/end is the term the right covers. PJM publishes the bids "
    "into its auctions (Data Miner 2), not their clearing prices, which sit behind PJM's member login (FTR Center): "
    "a PJM row is one bid, its `price` the bid's quoted price. NYISO publishes its TCC auctions' clearing prices: "
    "a row is a PTID's nodal price (Nodal Price report) or an awarded path with its side, TCCs and clearing price "
    "(Summary of Awards), $ per TCC for the term. ERCOT publishes its CRR auctions' results: a row is an awarded CRR "
    "(path, time of use, hedge type, side, MW) or a settlement point's shadow price for a month, $/MWh"
)
class TransmissionRightPrice:
    start: datetime = strawberry.field(description=TERM_START)
    end: datetime = strawberry.field(description=TERM_END)
    auction: str = strawberry.field(
        description="The ISO's auction name, e.g. \"JAN 2025 Auction\" (PJM); NYISO: its report's title lines, "
        '"Autumn 2026, Centralized TCC Auction, Round 1 - One Year TCCs"'
    )
    node: str = strawberry.field(
        description='The ISO\'s node id the price is quoted at, or a path "<source node>-<sink node>"'
    )
    price: float = strawberry.field(
        description="The price as the ISO publishes it: PJM the bid's quoted price; NYISO a clearing price, $ per TCC "
        "(1 MW) for the whole term; ERCOT a clearing shadow price, $/MWh of the term's time-of-use hours"
    )
    time_of_use: str | None = strawberry.field(
        description='The class type: the hours the right covers, as the ISO names them ("OnPeak", "OffPeak", '
        '"DailyOffPeak", "WkndOnPeak", "24H" at PJM)'
    )
    hedge_type: str | None = strawberry.field(
        description='Obligation or option, as the ISO names it ("Obligation" / "Option" at PJM, OBL / OPT at ERCOT)'
    )
    source_node: str | None = strawberry.field(
        description="A path's source: the node id (PJM: the pnode id its name matches, with runs of spaces "
        "ignored), or the ISO's name where no node has it"
    )
    sink_node: str | None = strawberry.field(
        description="A path's sink: the node id, or the ISO's name where no node has it (as `sourceNode`)"
    )
    period: str | None = strawberry.field(
        description='The ISO\'s label of the term: a month ("FEB") or a planning-year quarter ("Q3": December to '
        'February) at PJM; NYISO\'s period name ("Winter 2026-2027")'
    )
    trade_type: str | None = strawberry.field(
        description="A bid's side, as the ISO names it (PJM: buy or sell; NYISO's awards: Bid or Offer; ERCOT's "
        "awards: BUY or SELL)"
    )
    bid_mw: float | None = strawberry.field(
        description="A bid's quantity, MW (bids alike in all but MW summed); NYISO: the TCCs awarded (1 MW each), "
        "awards alike summed; null for a nodal clearing price"
    )


@strawberry.type(
    description="A node's congestion price over a term for one FTR class type ($/MWh): PJM's FTR credit calculator "
    "congestion LMPs, as they were and as simulated with planned transmission upgrades"
)
class FtrCongestionPrice:
    start: datetime = strawberry.field(description=TERM_START)
    end: datetime = strawberry.field(description=TERM_END)
    node: str = strawberry.field(
        description="The pnode id the feed's node name matches (runs of spaces ignored), or the name where no pnode "
        "has it"
    )
    time_of_use: str = strawberry.field(
        description='The FTR class type: "OnPeak", "OffPeak", "DailyOffPeak", "WkndOnPeak" or "24H"'
    )
    price: float = strawberry.field(description="Congestion price, $/MWh")
    simulated: bool = strawberry.field(
        description="false: as it was; true: simulated by PJM (PROMOD) with planned transmission upgrades"
    )


@strawberry.type(description="A capacity auction clearing price; start/end is the delivery term")
class CapacityPrice:
    start: datetime = strawberry.field(description=TERM_START)
    end: datetime = strawberry.field(description=TERM_END)
    auction: str = strawberry.field(
        description='The ISO\'s auction name: PJM "<delivery year> <auction>" ("2025/2026 BRA"), NYISO "Strip", '
        '"Monthly" or "Spot"'
    )
    area: str = strawberry.field(description="LDA (PJM, e.g. RTO, MAAC) / locality (NYISO: NYCA, GHIJ, NYC, LI)")
    price: float = strawberry.field(description="Clearing price, in `unit`")
    unit: str = strawberry.field(description='"$/MW-day" (PJM), "$/kW-month" (NYISO)')
    product: str | None = strawberry.field(
        description='The ISO\'s capacity product where it clears several: PJM "CP", "Annual", "Base Gen", ...; null '
        "at NYISO"
    )


@strawberry.type(
    description="One request in an ISO's interconnection queue, as of the ISO's current queue file: the same "
    "fields at every ISO, and the ISO's other columns in `extras`"
)
class InterconnectionProject:
    project_id: str = strawberry.field(
        description='The ISO\'s queue id: PJM "AF1-123", ERCOT INR "24INR0123", CAISO queue position, NYISO queue '
        "position"
    )
    name: str | None = strawberry.field(description="Project name, as the ISO lists it (null where confidential)")
    status: model.QueueStatus = strawberry.field(description="The normalized status")
    iso_status: str | None = strawberry.field(
        description="The ISO's own status words (PJM, CAISO), or the sheet the project is listed on (ERCOT, NYISO)"
    )
    fuel: str = strawberry.field(
        description="gridql's fuel label, the same at every ISO: SOLAR, WIND, OFFSHORE_WIND, STORAGE, HYBRID (two "
        "of solar, wind and storage), GAS, OIL, COAL, NUCLEAR, HYDRO, BIOMASS, GEOTHERMAL, HYDROGEN, TRANSMISSION, "
        "LOAD or OTHER"
    )
    technology: str | None = strawberry.field(
        description='The ISO\'s own fuel / technology words, its codes spelled out ("Solar - Photovoltaic Solar", '
        '"Combined Cycle + Natural Gas")'
    )
    capacity_mw: float | None = strawberry.field(
        description="Requested capacity, MW: PJM maximum facility output (MFO), ERCOT capacity, CAISO net MW to "
        "grid, NYISO the larger of summer and winter MW"
    )
    county: str | None = strawberry.field(description="County, as the ISO writes it")
    state: str | None = strawberry.field(description="Two-letter state code (ERCOT: TX)")
    point_of_interconnection: str | None = strawberry.field(
        description="Where it connects: substation or line (ERCOT POI location, CAISO station or transmission "
        "line, NYISO points of interconnection); null where the ISO's file has none (PJM's export)"
    )
    queue_date: date | None = strawberry.field(
        description="Date the request entered the queue (PJM submitted, CAISO queue date, NYISO date of IR, "
        "ERCOT screening study start or model-ready date)"
    )
    in_service_date: date | None = strawberry.field(
        description="Actual in-service date where the ISO gives one, else the proposed one (PJM projected, ERCOT "
        "projected COD, CAISO current on-line date, NYISO proposed in-service)"
    )
    withdrawal_date: date | None = strawberry.field(
        description="Date it left the queue (PJM withdrawal, CAISO withdrawn, ERCOT inactive or cancel date); "
        "NYISO dates no withdrawal: null there"
    )
    extras: JSON = strawberry.field(
        description="The ISO's other columns of this row, by the ISO's header: text, numbers, ISO 8601 dates"
    )


T = TypeVar("T")


def localized(cls: type[T], records: Iterable[Any], tz: ZoneInfo) -> list[T]:
    """Adapter records (UTC) as rows of GraphQL type `cls`, in the market's offset.

    The rows are light: a named tuple with `cls`'s field names, made in C from columns, where a
    `cls` instance costs a Python `__init__` a row. The executor reads any object's fields by
    attribute, and these types declare no `is_type_of` that would tell them apart."""
    chosen = records if isinstance(records, list) else list(records)
    row = _row_of(cls)
    local = local_times(tz)
    columns = []
    for name in row._fields:
        values = list(map(attrgetter(name), chosen))
        if name in ("start", "end"):
            values = local(values)
        elif name == "published_at" and values.count(None) != len(values):
            values = [None if v is None else v.astimezone(tz) for v in values]
        columns.append(values)
    return list(map(row._make, zip(*columns, strict=True)))


_ROWS: dict[type, Any] = {}


def _row_of(cls: type) -> Any:
    row = _ROWS.get(cls)
    if row is None:
        row = _ROWS[cls] = namedtuple(f"{cls.__name__}Row", [f.name for f in dataclasses.fields(cls)])  # type: ignore[misc]
    return row


@strawberry.type(description="One ISO's market")
class Market:
    iso: model.ISO = strawberry.field(description="The ISO")
    name: str = strawberry.field(description='The ISO\'s full name, e.g. "PJM Interconnection"')
    timezone: str = strawberry.field(
        description='IANA name, e.g. "America/Los_Angeles": operating days (`date`) are days in this zone, and '
        "answers are written in its offset"
    )
    runs: list[model.MarketRun] = strawberry.field(description="The runs this ISO publishes prices for (`Node.prices`)")

    @classmethod
    def of(cls, info: model.MarketInfo) -> Market:
        return cls(iso=info.iso, name=info.name, timezone=info.timezone, runs=list(info.runs))

    @strawberry.field(description="Nodes, filtered by type and by a case-insensitive name/id search")
    async def nodes(
        self,
        info: Info,
        type: Annotated[model.NodeType | None, strawberry.argument(description="Only nodes of this type")] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only nodes whose name or ISO node id (without the `<ISO>:` prefix) contains this text, "
                "case-insensitively"
            ),
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 0 to 1000")] = 100,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="A cursor of this list (an edge's `cursor`, `pageInfo.endCursor`): the page starts after "
                "that node"
            ),
        ] = None,
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
    async def datasets(self, info: Info) -> list[Dataset]:
        adapter = info.context.adapters[self.iso]
        tz = adapter.market.tz
        prices = Coverage.of(adapter.coverage(None), tz, await adapter.archived(None))
        served = [
            Dataset(
                name="prices",
                description="Locational marginal prices by node (Node.prices)",
                runs=self.runs,
                coverage=prices,
            )
        ]
        for dataset in adapter.datasets:
            coverage = Coverage.of(adapter.coverage(dataset.kind), tz, await adapter.archived(dataset.kind))
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
    def labels(
        self,
        info: Info,
        dataset: Annotated[
            model.DatasetKind,
            strawberry.argument(description="The dataset; one this ISO does not serve has no labels (an empty list)"),
        ],
    ) -> list[Labels]:
        declared = info.context.adapters[self.iso].labels(dataset)
        return [Labels(field=name, labels=list(values)) for name, values in declared.items()]

    @strawberry.field(
        description="Actual load by area, MW; `area` filters on the ISO's own zone/region name; `run` picks a "
        "cadence where the ISO publishes several (see `Market.datasets`)"
    )
    async def load(
        self,
        info: Info,
        area: AREA = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        run: Annotated[
            model.MarketRun | None,
            strawberry.argument(
                description="The cadence, where the ISO publishes several (NYISO: REAL_TIME_5_MIN, the default when "
                "left out, or REAL_TIME_HOURLY); elsewhere leave it out"
            ),
        ] = None,
    ) -> list[LoadInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.LOAD,
            start,
            end,
            date,
            days,
            run=run,
            filters={"area": area},
            timezone=timezone,
        )
        return localized(LoadInterval, records, tz)

    @strawberry.field(
        description="Load forecasts by area, MW: the latest vintage, or the latest published before `publishedBefore`"
    )
    async def load_forecast(
        self,
        info: Info,
        area: AREA = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        published_before: PUBLISHED_BEFORE = None,
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
            timezone=timezone,
        )
        return localized(LoadForecastInterval, records, tz)

    @strawberry.field(description="Generation by fuel, MW; `fuel` filters on the ISO's own label")
    async def fuel_mix(
        self,
        info: Info,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        fuel: Annotated[
            str | None,
            strawberry.argument(description="Only this fuel: one of the ISO's own fuel labels, case-insensitively"),
        ] = None,
    ) -> list[FuelMixInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.FUEL_MIX,
            start,
            end,
            date,
            days,
            filters={"fuel": fuel},
            timezone=timezone,
        )
        return localized(FuelMixInterval, records, tz)

    @strawberry.field(description="Ancillary service clearing prices of one run, by product and area, $/MW(h)")
    async def ancillary_prices(
        self,
        info: Info,
        run: RUN_OF_DATASET,
        product: PRODUCT = None,
        area: Annotated[
            str | None,
            strawberry.argument(
                description="Only this reserve zone or region: one of the ISO's own names, case-insensitively"
            ),
        ] = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
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
            timezone=timezone,
        )
        return localized(AncillaryPriceInterval, records, tz)

    @strawberry.field(
        description="The system lambda of one run, $/MWh (ERCOT: each SCED run's, holding until the next run, "
        "and the DAM's hourly); see `Market.datasets` for the ISOs and runs that serve it"
    )
    async def system_lambda(
        self,
        info: Info,
        run: RUN_OF_DATASET,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[SystemLambdaInterval]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.SYSTEM_LAMBDA, start, end, date, days, run=run, timezone=timezone
        )
        return localized(SystemLambdaInterval, records, tz)

    @strawberry.field(
        description="Binding transmission constraints of one run and their shadow prices; a constraint appears "
        "only in the intervals where it binds"
    )
    async def constraints(
        self,
        info: Info,
        run: RUN_OF_DATASET,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[ConstraintInterval]:
        records, tz = await _series(
            info, self.iso, model.DatasetKind.CONSTRAINTS, start, end, date, days, run=run, timezone=timezone
        )
        return localized(ConstraintInterval, records, tz)

    @strawberry.field(
        description="Wind and solar output, MW, actual and forecast; forecasts: the latest vintage, or the latest "
        "published before `publishedBefore`"
    )
    async def renewables(
        self,
        info: Info,
        source: SOURCE = None,
        area: Annotated[
            str | None,
            strawberry.argument(
                description="Only this region or zone: one of the ISO's own names, case-insensitively; "
                "ISO-wide rows have no area"
            ),
        ] = None,
        forecast: FORECAST = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        published_before: PUBLISHED_BEFORE = None,
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
            timezone=timezone,
        )
        return localized(RenewableInterval, records, tz)

    @strawberry.field(description="Flows and limits on transmission interfaces, MW")
    async def interface_flows(
        self,
        info: Info,
        interface: INTERFACE = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[InterfaceFlowInterval]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.INTERFACE_FLOWS,
            start,
            end,
            date,
            days,
            filters={"interface": interface},
            timezone=timezone,
        )
        return localized(InterfaceFlowInterval, records, tz)

    @strawberry.field(
        description="FTR / CRR / TCC auction prices whose term starts in the window. PJM: every bid into the monthly "
        'FTR auctions named for the window\'s months ("JAN 2025 Auction"), on the terms starting in the window, '
        "posted about four months after the auction; PJM publishes no clearing prices outside its member login (FTR "
        "Center). A whole auction is about 1.4 million bids: at a non-member key's pace that is over the default "
        "request deadline (UPSTREAM_TOO_SLOW) until the archive holds it. NYISO: the TCC auction results imported "
        "from tcc.nyiso.com's downloads (`gridql import NYISO TCC-Nodal-Price|TCC-Summary-of-Awards <file>`), by "
        "PTID (`node`) or path (`<POI>-<POW>`); NOT_IMPORTED until then. ERCOT: the CRR auction results zips "
        "imported from MIS (`gridql import ERCOT NP7-803-M|NP7-802-M <zip>`), by settlement point or path "
        "(`<source>-<sink>`) and time of use. CAISO: not served"
    )
    async def transmission_rights(
        self,
        info: Info,
        node: NODE = None,
        auction: AUCTION = None,
        time_of_use: Annotated[
            str | None,
            strawberry.argument(
                description='Only this class type, the ISO\'s own label ("OnPeak"), case-insensitively'
            ),
        ] = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[TransmissionRightPrice]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.TRANSMISSION_RIGHTS,
            start,
            end,
            date,
            days,
            filters={"node": node, "auction": auction, "time_of_use": time_of_use},
            timezone=timezone,
        )
        return localized(TransmissionRightPrice, records, tz)

    @strawberry.field(
        description="Congestion prices by node and FTR class type for the months starting in the window, $/MWh: "
        "PJM's FTR credit calculator congestion LMPs (ftr_cong_lmp), as they were and simulated with planned "
        "upgrades"
    )
    async def ftr_congestion_prices(
        self,
        info: Info,
        node: Annotated[
            str | None, strawberry.argument(description="Only this node: its pnode id, or its name where unmatched")
        ] = None,
        time_of_use: Annotated[
            str | None,
            strawberry.argument(description='Only this class type ("OnPeak", "24H", ...), case-insensitively'),
        ] = None,
        simulated: Annotated[
            bool | None, strawberry.argument(description="true: simulated only; false: as it was only")
        ] = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
    ) -> list[FtrCongestionPrice]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.FTR_CONGESTION_PRICES,
            start,
            end,
            date,
            days,
            filters={"node": node, "time_of_use": time_of_use, "simulated": simulated},
            timezone=timezone,
        )
        return localized(FtrCongestionPrice, records, tz)

    @strawberry.field(
        description="Capacity auction clearing prices whose delivery term starts in the window: PJM's RPM resource "
        "clearing prices by LDA, delivery year (from June 1), auction and product, $/MW-day; NYISO's ICAP Strip, "
        "Monthly and Spot prices by locality and month, $/kW-month. Both ISOs publish them as workbooks, not feeds: "
        "gridql serves what the archive holds once the workbook is imported (`gridql import`), and says NOT_IMPORTED "
        "otherwise. ERCOT (an energy-only market) and CAISO (bilateral resource adequacy) hold no capacity auction: "
        "they answer an empty list with a NO_SUCH_MARKET notice saying so"
    )
    async def capacity_prices(
        self,
        info: Info,
        area: Annotated[
            str | None, strawberry.argument(description="Only this LDA / locality, case-insensitively")
        ] = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        auction: AUCTION = None,
    ) -> list[CapacityPrice]:
        records, tz = await _series(
            info,
            self.iso,
            model.DatasetKind.CAPACITY_PRICES,
            start,
            end,
            date,
            days,
            filters={"area": area, "auction": auction},
            timezone=timezone,
        )
        return localized(CapacityPrice, records, tz)

    @strawberry.field(
        description="The ISO's interconnection queue as of its current queue file (PJM planning queue export, ERCOT "
        "GIS report, CAISO Public Queue Report, NYISO interconnection queue workbook): a snapshot, not a series, "
        "cached for hours; filters combine"
    )
    async def interconnection_queue(
        self,
        info: Info,
        status: Annotated[
            model.QueueStatus | None, strawberry.argument(description="Only projects with this status")
        ] = None,
        fuel: Annotated[
            str | None,
            strawberry.argument(
                description="Only this fuel: one of gridql's fuel labels (`InterconnectionProject.fuel`), "
                "case-insensitively; another is BAD_USER_INPUT listing them"
            ),
        ] = None,
        state: Annotated[
            str | None, strawberry.argument(description="Only projects in this state: a two-letter code")
        ] = None,
    ) -> list[InterconnectionProject]:
        found = await interconnection_queue(info.context, self.iso, status, fuel, state)
        # The adapter's records carry every field of the GraphQL type by the same name: served as they are.
        return cast(list[InterconnectionProject], found)

    @strawberry.field(
        description="Any market-wide dataset as columns (the fast form for long series); the filters are those "
        "of the dataset's own field, compared case-insensitively, and a filter the dataset does not have is "
        "BAD_USER_INPUT"
    )
    async def series(
        self,
        info: Info,
        dataset: Annotated[model.DatasetKind, strawberry.argument(description="The dataset")],
        run: Annotated[
            model.MarketRun | None,
            strawberry.argument(
                description="The market run: required by ANCILLARY_PRICES, CONSTRAINTS and SYSTEM_LAMBDA; picks "
                "LOAD's cadence where the ISO publishes several; see `Market.datasets`"
            ),
        ] = None,
        area: Annotated[
            str | None,
            strawberry.argument(
                description="Only this area, the ISO's own name (LOAD, LOAD_FORECAST, ANCILLARY_PRICES, RENEWABLES, "
                "CAPACITY_PRICES)"
            ),
        ] = None,
        product: Annotated[
            str | None,
            strawberry.argument(description="Only this product, the ISO's own name (ANCILLARY_PRICES)"),
        ] = None,
        fuel: Annotated[
            str | None, strawberry.argument(description="Only this fuel, the ISO's own label (FUEL_MIX)")
        ] = None,
        source: Annotated[str | None, strawberry.argument(description="SOLAR or WIND only (RENEWABLES)")] = None,
        forecast: Annotated[
            bool | None,
            strawberry.argument(description="true: forecasts only; false: actual output only (RENEWABLES)"),
        ] = None,
        interface: Annotated[
            str | None,
            strawberry.argument(description="Only this interface, the ISO's own name (INTERFACE_FLOWS)"),
        ] = None,
        node: Annotated[
            str | None,
            strawberry.argument(
                description="Only prices quoted at this node id or path (TRANSMISSION_RIGHTS, FTR_CONGESTION_PRICES)"
            ),
        ] = None,
        auction: Annotated[
            str | None,
            strawberry.argument(
                description="Only this auction, the ISO's own name (TRANSMISSION_RIGHTS, CAPACITY_PRICES)"
            ),
        ] = None,
        start: START = None,
        end: END = None,
        date: DATE = None,
        days: DAYS = 1,
        timezone: TIMEZONE = None,
        published_before: Annotated[
            datetime | None,
            strawberry.argument(
                description="Forecast datasets (LOAD_FORECAST, RENEWABLES) as known then: for each interval, the "
                "latest vintage published strictly before this instant (with offset); null: the latest vintage"
            ),
        ] = None,
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
            info,
            self.iso,
            dataset,
            start,
            end,
            date,
            days,
            run=run,
            published_before=published_before,
            filters=filters,
            timezone=timezone,
        )
        return series(record_type, records, tz, info)


def zone(name: str | None, market: ZoneInfo) -> ZoneInfo:
    """The zone a field's answer is written in: `timezone`, or the market's own."""
    if name is None:
        return market
    key = "UTC" if name.upper() == "UTC" else name
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not a key at all, e.g. a path
        raise bad_input(f'unknown time zone "{name}": use "UTC" or an IANA name such as "America/New_York"') from None


async def _series(
    info: Info,
    iso: model.ISO,
    kind: model.DatasetKind,
    start: datetime | None,
    end: datetime | None,
    day: date | None,
    days: int | None,
    timezone: str | None,
    **options: Any,
) -> tuple[Sequence[Any], ZoneInfo]:
    tz = zone(timezone, info.context.market(iso).tz)  # a bad zone is refused before any upstream request
    path = info.path.as_list()
    records = await market_series(
        info.context, iso, kind, path, start=start, end=end, day=day, days=1 if days is None else days, **options
    )
    return records, tz
