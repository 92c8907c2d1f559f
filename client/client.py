"""The HTTP side: one POST to /graphql per call, errors raised with their codes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from .columns import DATASET_COLUMNS, PRICE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

Time = dt.datetime | str
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
# The filters `Market.series` takes besides its time selection, by the Python name a caller passes.
_FILTERS = {
    "area": "String",
    "product": "String",
    "fuel": "String",
    "source": "String",
    "forecast": "Boolean",
    "interface": "String",
    "node": "String",
    "auction": "String",
    "published_before": "DateTime",
}
_CAMEL = {"published_before": "publishedBefore"}


class GridQLError(Exception):
    """A request gridql answered with errors: `errors` as the server sent them, `codes` their
    `extensions.code`, `status` the HTTP status; `data` and `extensions` what came with them."""

    def __init__(
        self,
        errors: list[dict[str, Any]],
        status: int,
        data: Any = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        self.errors = errors
        self.status = status
        self.data = data
        self.extensions = dict(extensions or {})
        self.codes = [str((error.get("extensions") or {}).get("code", "")) for error in errors]
        pairs = zip(self.codes, errors, strict=True)
        lines = [f"{code or 'ERROR'}: {error.get('message', '')}" for code, error in pairs]
        super().__init__("; ".join(lines) or f"HTTP {status}")


class Client:
    """A gridql server at `url` (its base, or its /graphql endpoint), with an optional client key."""

    def __init__(
        self,
        url: str,
        key: str | None = None,
        *,
        timeout: float = 120.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/graphql") else f"{base}/graphql"
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._http = httpx.Client(headers=headers, timeout=timeout, transport=transport)

    def __repr__(self) -> str:  # never the key
        return f"Client({self.url!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def query(
        self, graphql: str, variables: Mapping[str, Any] | None = None, operation_name: str | None = None
    ) -> dict[str, Any]:
        """The answer's `data`; GridQLError if the server answered with any error (a partial answer too)."""
        body: dict[str, Any] = {"query": graphql, "variables": dict(variables or {})}
        if operation_name is not None:
            body["operationName"] = operation_name
        response = self._http.post(self.url, json=body)
        try:
            answer = response.json()
        except ValueError:
            text = response.text[:200]
            raise GridQLError([{"message": f"not a GraphQL answer: {text!r}"}], response.status_code) from None
        if not isinstance(answer, dict):
            raise GridQLError([{"message": "not a GraphQL answer: not a JSON object"}], response.status_code)
        errors = answer.get("errors")
        if errors or response.status_code != 200 or not isinstance(answer.get("data"), dict):
            found = errors if isinstance(errors, list) and errors else [{"message": f"HTTP {response.status_code}"}]
            raise GridQLError(found, response.status_code, answer.get("data"), answer.get("extensions"))
        data: dict[str, Any] = answer["data"]
        return data

    def prices(
        self,
        nodes: Sequence[str],
        run: str = "DAY_AHEAD_HOURLY",
        *,
        start: Time | None = None,
        end: Time | None = None,
        date: dt.date | str | None = None,
        days: int = 1,
        columns: Sequence[str] = PRICE_COLUMNS,
    ) -> pd.DataFrame:
        """Prices at `nodes` ("PJM:51288", "NYISO:61761", ...) of one market run, over `start`-`end`
        (instants with offset) or `date` (+ `days`, operating days in each market's timezone): one row
        per node and interval, indexed by interval start in UTC, with a `node` column, `end` in UTC,
        and `columns` ($/MWh; NaN where the ISO publishes no such component)."""
        _require_pandas()
        from .frames import price_frame

        wanted = _names(columns)
        query = (
            "query ($ids: [ID!]!, $run: MarketRun!, $start: DateTime, $end: DateTime, $date: Date, $days: Int) "
            "{ nodes(ids: $ids) { id priceSeries(run: $run, start: $start, end: $end, date: $date, days: $days, "
            'timezone: "UTC") '
            f"{{ start end {' '.join(wanted)} }} }} }}"
        )
        variables = {"ids": list(nodes), "run": run, **_window(start, end, date, days)}
        answer = self.query(query, variables)
        parts = [(node["id"], node["priceSeries"]) for node in answer["nodes"]]
        return price_frame(parts, wanted)

    def series(
        self,
        iso: str,
        dataset: str,
        *,
        run: str | None = None,
        start: Time | None = None,
        end: Time | None = None,
        date: dt.date | str | None = None,
        days: int = 1,
        **filters: Any,
    ) -> pd.DataFrame:
        """A market-wide dataset (`dataset` a DatasetKind: "LOAD", "FUEL_MIX", ...) of one ISO, one row
        per record, indexed by interval start in UTC, with `end` (and `publishedAt`) in UTC and the
        dataset's own columns. `filters` are `Market.series`'s: area, product, fuel, source, forecast,
        interface, node, auction, published_before."""
        _require_pandas()
        from .frames import series_frame

        if dataset not in DATASET_COLUMNS:
            raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(DATASET_COLUMNS)}")
        unknown = sorted(set(filters) - set(_FILTERS))
        if unknown:
            raise TypeError(f"series() has no filter {', '.join(unknown)}; the filters are {', '.join(_FILTERS)}")
        columns = DATASET_COLUMNS[dataset]
        declared = "".join(f", ${_CAMEL.get(name, name)}: {_FILTERS[name]}" for name in filters)
        passed = "".join(f", {_CAMEL.get(name, name)}: ${_CAMEL.get(name, name)}" for name in filters)
        query = (
            "query ($iso: ISO!, $dataset: DatasetKind!, $run: MarketRun, $start: DateTime, $end: DateTime, "
            f"$date: Date, $days: Int{declared}) {{ market(iso: $iso) {{ series(dataset: $dataset, run: $run, "
            f'start: $start, end: $end, date: $date, days: $days, timezone: "UTC"{passed}) '
            f"{{ start end {' '.join(columns)} }} }} }}"
        )
        variables = {
            "iso": iso,
            "dataset": dataset,
            "run": run,
            **_window(start, end, date, days),
            **{_CAMEL.get(name, name): _text(value) for name, value in filters.items()},
        }
        answer = self.query(query, variables)
        return series_frame(answer["market"]["series"], columns)


def _names(columns: Sequence[str]) -> list[str]:
    names = list(columns)
    bad = [name for name in names if not _NAME.fullmatch(name)]
    if bad:
        raise ValueError(f"not GraphQL field names: {', '.join(map(repr, bad))}")
    return names


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def _window(start: Time | None, end: Time | None, day: dt.date | str | None, days: int) -> dict[str, Any]:
    if day is not None:
        return {"date": _text(day), "days": days}
    for value in (start, end):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            raise ValueError(f"{value} has no timezone: gridql takes instants with an offset")
    return {"start": _text(start), "end": _text(end)}


def _require_pandas() -> None:
    """pandas is an optional extra: imported when a DataFrame is asked for, with the way to install it."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise ImportError(
            "gridql's Client.prices and Client.series return pandas DataFrames, and pandas is not installed: "
            "pip install 'gridql[client]' (or pip install pandas); Client.query works without it"
        ) from None
