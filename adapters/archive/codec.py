"""Normalized records <-> compact bytes, one body per (feed, series, operating day).

A body is JSON (orjson) of columns: `{"kind": "PriceRecord", "columns": {"start": [...], ...}}`.
Instants are UTC epoch seconds, enums their names. Columns, not objects: a day of 288 intervals
reads back in one `orjson.loads`, and a year of one node's 5-minute prices is 366 bodies. JSON
rather than pickle: a shared store (PostgreSQL, Redis) must not be able to run code in a replica.
Replicas share fetched pieces through Redis in the same columns (`columns`, `from_columns`): node
lists and FTR congestion prices too, which are not archived.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import orjson

from .. import model

KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        model.PriceRecord,
        model.LoadRecord,
        model.LoadForecastRecord,
        model.FuelMixRecord,
        model.AncillaryPriceRecord,
        model.ConstraintRecord,
        model.RenewableRecord,
        model.InterfaceFlowRecord,
        model.TransmissionRightRecord,
        model.CapacityPriceRecord,
        model.FtrCongestionRecord,
        model.Node,
    )
}


class CorruptBody(ValueError):
    """A stored body that does not decode to the records it claims."""


def _layout(cls: type) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[Any, ...]]:
    """Field names, and per field what a stored value is read back as and written from: `datetime`
    (epoch seconds), an Enum (its name), or None (as stored)."""
    hints = typing.get_type_hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    readers: list[Any] = []
    writers: list[Any] = []
    for name in names:
        kinds = [t for t in typing.get_args(hints[name]) or (hints[name],) if t is not type(None)]
        kind = kinds[0]
        if kind is datetime:
            readers.append(datetime)
            writers.append(datetime)
        elif isinstance(kind, type) and issubclass(kind, Enum):
            readers.append(kind)
            writers.append(Enum)
        else:
            readers.append(None)
            writers.append(None)
    return names, tuple(readers), tuple(writers)


_LAYOUTS = {cls: _layout(cls) for cls in KINDS.values()}


def _read(values: list[Any], reader: Any, stamps: dict[int, datetime]) -> list[Any]:
    if reader is None:
        return values
    if reader is datetime:
        out = []
        for value in values:
            instant = stamps.get(value) if value is not None else None
            if instant is None and value is not None:
                instant = stamps[value] = datetime.fromtimestamp(value, UTC)
            out.append(instant)
        return out
    return [None if value is None else reader[value] for value in values]


def _written(value: Any, kind: Any) -> Any:
    if value is None or kind is None:
        return value
    if kind is datetime:
        return int(value.timestamp())
    return value.name


def columns(records: Sequence[Any]) -> dict[str, Any]:
    """Records of one kind -> their kind and columns, as JSON takes them. Raises KeyError for a
    kind the codec does not know."""
    if not records:
        return {"kind": None, "columns": {}}
    cls = type(records[0])
    names, _, writers = _LAYOUTS[cls]
    return {
        "kind": cls.__name__,
        "columns": {
            name: [_written(getattr(r, name), kind) for r in records] for name, kind in zip(names, writers, strict=True)
        },
    }


def from_columns(data: Any) -> list[Any]:
    """`columns`' output, read back from JSON. Raises CorruptBody for anything else."""
    try:
        kind = data["kind"]
        if kind is None:
            return []
        cls = KINDS[kind]
        names, readers, _ = _LAYOUTS[cls]
        stamps: dict[int, datetime] = {}  # a body repeats each stamp once per series and in `end`
        values = [_read(data["columns"][name], reader, stamps) for name, reader in zip(names, readers, strict=True)]
        return [cls(*row) for row in zip(*values, strict=True)]
    except (KeyError, TypeError, ValueError) as exc:
        raise CorruptBody(f"an archived body does not decode: {exc}") from exc


def encode(records: Sequence[Any]) -> bytes:
    """Records of one kind -> a body; an empty list is a body too (the ISO had no data)."""
    return orjson.dumps(columns(records))


def decode(body: bytes) -> list[Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise CorruptBody(f"an archived body does not decode: {exc}") from exc
    return from_columns(data)
