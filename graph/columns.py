"""The columnar form for bulk reads: a series is a handful of JSON arrays, not thousands of objects.

GraphQL execution costs a few microseconds per leaf value; a typed list of 100,000 intervals spends
seconds there. A column scalar is one leaf however long it is, so a series costs what writing the
same arrays as JSON costs. Columns are JSON arrays: `start`/`end`/`publishedAt` of ISO 8601 strings
with offset, numbers (or null), strings, booleans.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NewType
from zoneinfo import ZoneInfo

import strawberry
from graphql import FieldNode, GraphQLError
from strawberry.types.info import Info
from strawberry.types.scalar import ScalarDefinition
from strawberry.utils.str_converters import to_camel_case

from .times import DATE, DATETIME, local_times

DateTimeColumn = NewType("DateTimeColumn", list)  # type: ignore[type-arg]
FloatColumn = NewType("FloatColumn", list)  # type: ignore[type-arg]
StringColumn = NewType("StringColumn", list)  # type: ignore[type-arg]
BooleanColumn = NewType("BooleanColumn", list)  # type: ignore[type-arg]


def _output_only(name: str) -> Callable[[object], object]:
    def refuse(value: object) -> object:
        raise GraphQLError(f"{name} is an output type")

    return refuse


def _column(name: str, description: str) -> ScalarDefinition:
    # Identity serialization: the list goes to orjson as it is (datetimes included, written with
    # their offsets), which is the point of a column.
    return strawberry.scalar(
        name=name, description=description, serialize=lambda value: value, parse_value=_output_only(name)
    )


SCALARS: dict[object, ScalarDefinition] = {
    datetime: DATETIME,
    date: DATE,
    DateTimeColumn: _column("DateTimeColumn", "A JSON array of ISO 8601 date-times with offset"),
    FloatColumn: _column("FloatColumn", "A JSON array of numbers or nulls"),
    StringColumn: _column("StringColumn", "A JSON array of strings or nulls"),
    BooleanColumn: _column("BooleanColumn", "A JSON array of booleans"),
}


@strawberry.type(
    description="A dataset as columns, one entry per interval in order: the fast form for long series. "
    "Columns the dataset does not have are null; each column's description names those that have it: prices "
    "(`Node.priceSeries`) or a `DatasetKind` (`Market.series`)."
)
class Series:
    length: int = strawberry.field(
        description="Number of intervals: each column the dataset has holds this many entries, in order"
    )
    start: DateTimeColumn = strawberry.field(
        description="Interval starts (inclusive), ISO 8601 in the market's local offset; for rights and capacity "
        "prices, the term's start"
    )
    end: DateTimeColumn = strawberry.field(
        description="Interval ends (exclusive): each interval is half-open [start, end), in the market's local offset"
    )
    node: StringColumn | None = strawberry.field(
        default=None,
        description="Prices: the ISO's own node id (without the `<ISO>:` prefix); TRANSMISSION_RIGHTS: the node "
        "id or path the price is quoted at; FTR_CONGESTION_PRICES: the node id",
    )
    lmp: FloatColumn | None = strawberry.field(
        default=None, description="Prices: locational marginal price, $/MWh (as `PriceInterval.lmp`)"
    )
    energy: FloatColumn | None = strawberry.field(
        default=None,
        description="Prices: energy component, $/MWh, null where the ISO publishes none (as `PriceInterval.energy`)",
    )
    congestion: FloatColumn | None = strawberry.field(
        default=None, description="Prices: congestion component, $/MWh, signed so that lmp = energy + congestion + loss"
    )
    loss: FloatColumn | None = strawberry.field(default=None, description="Prices: marginal loss component, $/MWh")
    version: StringColumn | None = strawberry.field(
        default=None,
        description="Prices: a `PriceVersion` name (PRELIMINARY, VERIFIED, CORRECTED), null where the ISO "
        "publishes one version only",
    )
    area: StringColumn | None = strawberry.field(
        default=None,
        description="LOAD, LOAD_FORECAST, ANCILLARY_PRICES, RENEWABLES, CAPACITY_PRICES: the ISO's own area name; "
        "null where ISO-wide",
    )
    mw: FloatColumn | None = strawberry.field(default=None, description="LOAD, LOAD_FORECAST, FUEL_MIX, RENEWABLES: MW")
    published_at: DateTimeColumn | None = strawberry.field(
        default=None,
        description="Prices, LOAD_FORECAST, RENEWABLES: when the ISO published the value (a forecast's vintage), "
        "in the market's offset; null where it does not say",
    )
    fuel: StringColumn | None = strawberry.field(default=None, description="FUEL_MIX: the ISO's own fuel label")
    product: StringColumn | None = strawberry.field(
        default=None, description="ANCILLARY_PRICES, CAPACITY_PRICES: the ISO's own product name"
    )
    price: FloatColumn | None = strawberry.field(
        default=None,
        description="Clearing price: ANCILLARY_PRICES $/MW(h), TRANSMISSION_RIGHTS as the ISO publishes it (PJM: "
        "the bid's quoted price; NYISO: $ per TCC for the term; ERCOT: $/MWh), FTR_CONGESTION_PRICES $/MWh, "
        "CAPACITY_PRICES in `unit`; SYSTEM_LAMBDA: the system lambda, $/MWh",
    )
    name: StringColumn | None = strawberry.field(
        default=None, description="CONSTRAINTS: the ISO's name for the constraint"
    )
    shadow_price: FloatColumn | None = strawberry.field(
        default=None, description="CONSTRAINTS: shadow price, $/MWh, with the ISO's own sign"
    )
    limit_mw: FloatColumn | None = strawberry.field(
        default=None, description="CONSTRAINTS: the constraint's limit, MW; null where the ISO does not publish it"
    )
    flow_mw: FloatColumn | None = strawberry.field(
        default=None,
        description="CONSTRAINTS: flow on the constraint, MW, or null; INTERFACE_FLOWS: flow, MW, positive in the "
        "interface's positive direction",
    )
    source: StringColumn | None = strawberry.field(default=None, description="RENEWABLES: SOLAR or WIND")
    forecast: BooleanColumn | None = strawberry.field(
        default=None, description="RENEWABLES: false for actual output, true for a forecast"
    )
    model: StringColumn | None = strawberry.field(
        default=None, description="LOAD_FORECAST, RENEWABLES: the ISO's forecast product, where it names one"
    )
    interface: StringColumn | None = strawberry.field(
        default=None, description="INTERFACE_FLOWS: the ISO's own interface name"
    )
    positive_limit_mw: FloatColumn | None = strawberry.field(
        default=None, description="INTERFACE_FLOWS: limit in the positive direction, MW; null where the ISO prints none"
    )
    negative_limit_mw: FloatColumn | None = strawberry.field(
        default=None,
        description="INTERFACE_FLOWS: limit in the negative direction, MW, as the ISO prints it; null where it "
        "prints none",
    )
    auction: StringColumn | None = strawberry.field(
        default=None, description="TRANSMISSION_RIGHTS, CAPACITY_PRICES: the ISO's auction name"
    )
    time_of_use: StringColumn | None = strawberry.field(
        default=None,
        description="TRANSMISSION_RIGHTS, FTR_CONGESTION_PRICES: the class type, the hours covered "
        '("OnPeak", "24H", ...)',
    )
    hedge_type: StringColumn | None = strawberry.field(
        default=None, description='TRANSMISSION_RIGHTS: "Obligation" or "Option", as the ISO names it'
    )
    source_node: StringColumn | None = strawberry.field(
        default=None, description="TRANSMISSION_RIGHTS: a path's source node id (its name where no node has it)"
    )
    sink_node: StringColumn | None = strawberry.field(
        default=None, description="TRANSMISSION_RIGHTS: a path's sink node id (its name where no node has it)"
    )
    period: StringColumn | None = strawberry.field(
        default=None, description='TRANSMISSION_RIGHTS: the ISO\'s label of the term, e.g. "FEB", "Q3"'
    )
    trade_type: StringColumn | None = strawberry.field(
        default=None, description="TRANSMISSION_RIGHTS: a bid's side, as the ISO names it"
    )
    bid_mw: FloatColumn | None = strawberry.field(
        default=None, description="TRANSMISSION_RIGHTS: a bid's quantity, MW; null for a clearing price"
    )
    simulated: BooleanColumn | None = strawberry.field(
        default=None,
        description="FTR_CONGESTION_PRICES: false as it was, true simulated with planned transmission upgrades",
    )
    unit: StringColumn | None = strawberry.field(
        default=None, description='CAPACITY_PRICES: the unit of `price`, e.g. "$/MW-day", "$/kW-month"'
    )


def series(record_type: type, records: Sequence[Any], tz: ZoneInfo, info: Info[Any, Any] | None = None) -> Series:
    """Columns of `records` (adapter dataclasses, UTC) with times in the market's offset: with
    `info`, only the columns its query selects (a column costs a pass over every record)."""
    wanted = _selected(info) if info is not None else None
    local = local_times(tz)
    columns: dict[str, list[Any]] = {}
    for field in dataclasses.fields(record_type):
        if wanted is not None and field.name not in wanted:
            continue
        values = list(map(attrgetter(field.name), records))
        if field.name in ("start", "end"):
            values = local(values)
        elif field.name == "published_at":
            values = [None if v is None else v.astimezone(tz) for v in values]
        elif field.name == "version":
            values = [None if v is None else v.value for v in values]
        columns[field.name] = values
    return Series(length=len(records), **columns)  # type: ignore[arg-type]


def _selected(info: Info[Any, Any]) -> set[str] | None:
    """The Series fields (Python names) the query selects; None when a fragment would make that a
    longer question, and all columns are built. Read from the query's own nodes: strawberry's
    `selected_fields` builds a tree of objects, which cost more than the columns it saves."""
    wanted = {"start", "end"}  # Series requires them
    for node in info._raw_info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            if not isinstance(selection, FieldNode):
                return None
            wanted.add(_PYTHON_NAMES.get(selection.name.value, selection.name.value))
    return wanted


_PYTHON_NAMES = {to_camel_case(f.name): f.name for f in dataclasses.fields(Series)}
