"""The columnar form for bulk reads: a series is a handful of JSON arrays, not thousands of objects.

GraphQL execution costs a few microseconds per leaf value; a typed list of 100,000 intervals spends
seconds there. A column scalar is one leaf however long it is, so a series costs what writing the
same arrays as JSON costs. Columns are JSON arrays: `start`/`end`/`publishedAt` of ISO 8601 strings
with offset, numbers (or null), strings, booleans.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any, NewType
from zoneinfo import ZoneInfo

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

from .times import DATETIME, local_times

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
    DateTimeColumn: _column("DateTimeColumn", "A JSON array of ISO 8601 date-times with offset"),
    FloatColumn: _column("FloatColumn", "A JSON array of numbers or nulls"),
    StringColumn: _column("StringColumn", "A JSON array of strings or nulls"),
    BooleanColumn: _column("BooleanColumn", "A JSON array of booleans"),
}


@strawberry.type(
    description="A dataset as columns, one entry per interval in order: the fast form for long series. "
    "Columns the dataset does not have are null."
)
class Series:
    length: int
    start: DateTimeColumn
    end: DateTimeColumn
    node: StringColumn | None = None
    lmp: FloatColumn | None = None
    energy: FloatColumn | None = None
    congestion: FloatColumn | None = None
    loss: FloatColumn | None = None
    version: StringColumn | None = None
    area: StringColumn | None = None
    mw: FloatColumn | None = None
    published_at: DateTimeColumn | None = None
    fuel: StringColumn | None = None
    product: StringColumn | None = None
    price: FloatColumn | None = None
    name: StringColumn | None = None
    shadow_price: FloatColumn | None = None
    limit_mw: FloatColumn | None = None
    flow_mw: FloatColumn | None = None
    source: StringColumn | None = None
    forecast: BooleanColumn | None = None
    model: StringColumn | None = None
    interface: StringColumn | None = None
    positive_limit_mw: FloatColumn | None = None
    negative_limit_mw: FloatColumn | None = None
    auction: StringColumn | None = None
    time_of_use: StringColumn | None = None
    hedge_type: StringColumn | None = None
    unit: StringColumn | None = None


def series(record_type: type, records: Sequence[Any], tz: ZoneInfo) -> Series:
    """Columns of `records` (adapter dataclasses, UTC) with times in the market's offset."""
    local = local_times(tz)
    columns: dict[str, list[Any]] = {}
    for field in dataclasses.fields(record_type):
        values = list(map(attrgetter(field.name), records))
        if field.name in ("start", "end"):
            values = local(values)
        elif field.name == "published_at":
            values = [None if v is None else v.astimezone(tz) for v in values]
        elif field.name == "version":
            values = [None if v is None else v.value for v in values]
        columns[field.name] = values
    return Series(length=len(records), **columns)  # type: ignore[arg-type]
