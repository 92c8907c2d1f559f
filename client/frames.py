"""Answers as pandas DataFrames: indexed by interval start, every time in UTC.

Each market writes its times in its own offset, which changes on DST days, and pandas refuses a
column of mixed offsets: the client asks for `timezone: "UTC"`, and reads with `utc=True` all the
same, so an answer in any offset gives the same instants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .columns import FLOAT_COLUMNS, TIME_COLUMNS


def _times(values: Sequence[Any]) -> pd.DatetimeIndex:
    # null (a forecast's unknown vintage) reads as NaT
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(values, dtype="object"), utc=True, format="ISO8601"))


def _frame(series: dict[str, Any], columns: Sequence[str]) -> pd.DataFrame:
    data: dict[str, Any] = {"end": _times(series["end"])}
    for name in columns:
        values = series.get(name)
        if values is None:  # a column the dataset does not have
            values = [None] * len(series["start"])
        if name in TIME_COLUMNS:
            data[name] = _times(values)
        elif name in FLOAT_COLUMNS:  # NaN for null, even in a column of nulls only
            data[name] = pd.array(values, dtype="float64")
        else:
            data[name] = values
    frame = pd.DataFrame(data, index=_times(series["start"]))
    frame.index.name = "start"
    return frame


def price_frame(parts: Sequence[tuple[str, dict[str, Any]]], columns: Sequence[str]) -> pd.DataFrame:
    """One frame of every node's price columns, a `node` column first, in the order asked for."""
    frames = []
    for node, series in parts or [("", {"start": [], "end": []})]:
        frame = _frame(series, columns)
        frame.insert(0, "node", [node] * len(frame))
        frames.append(frame)
    return pd.concat(frames)


def series_frame(series: dict[str, Any], columns: Sequence[str]) -> pd.DataFrame:
    return _frame(series, columns)
