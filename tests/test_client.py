"""The Python client against the sandbox app in-process: DataFrames hold the GraphQL answer's values exactly."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from strawberry.utils.str_converters import to_camel_case

from gridql.adapters.model import RECORD_TYPES, DatasetKind
from gridql.client import Client, GridQLError
from gridql.client.columns import DATASET_COLUMNS
from gridql.graph.access import add_key
from gridql.graph.schema import schema

from .conftest import REPO
from .sandbox_app import Stack

START = datetime(2025, 3, 9, 5, tzinfo=UTC)  # Eastern midnight of the spring-forward day
END = datetime(2025, 3, 10, 4, tzinfo=UTC)


class InProcess(httpx.BaseTransport):
    """The sync client's requests, answered by the ASGI app on an event loop of their own."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def answer() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self.loop.run_until_complete(answer())

    def close(self) -> None:
        self.loop.close()


@pytest.fixture
def stack() -> Stack:
    return Stack()


@pytest.fixture
def gridql(stack: Stack) -> Iterator[Client]:
    with Client("http://gridql.test", transport=InProcess(stack.app)) as client:
        yield client


def values(column: pd.Series[Any] | pd.Index[Any]) -> list[Any]:
    return [None if pd.isna(value) else value for value in column]


def utc(texts: list[str]) -> list[pd.Timestamp]:
    return [pd.Timestamp(datetime.fromisoformat(text)).tz_convert("UTC") for text in texts]


def test_prices_at_nodes_of_two_markets_equal_the_graphql_answer(gridql: Client) -> None:
    frame = gridql.prices(["PJM:51288", "NYISO:61761"], run="DAY_AHEAD_HOURLY", start=START, end=END)
    answer = gridql.query(
        """query ($start: DateTime, $end: DateTime) { nodes(ids: ["PJM:51288", "NYISO:61761"]) { id
             priceSeries(run: DAY_AHEAD_HOURLY, start: $start, end: $end) {
               start end lmp energy congestion loss } } }""",
        {"start": START.isoformat(), "end": END.isoformat()},
    )
    assert isinstance(frame.index, pd.DatetimeIndex) and str(frame.index.tz) == "UTC"
    assert frame.index.name == "start"
    assert list(frame.columns) == ["node", "end", "lmp", "energy", "congestion", "loss"]
    assert len(frame) == 2 * 23  # the spring-forward day
    for node in answer["nodes"]:
        series = node["priceSeries"]
        rows = frame[frame["node"] == node["id"]]
        assert list(rows.index) == utc(series["start"])
        assert list(rows["end"]) == utc(series["end"])
        for name in ("lmp", "energy", "congestion", "loss"):
            assert values(rows[name]) == series[name], (node["id"], name)
    # the hour that starts at 01:00 EST ends at 03:00 EDT: one hour later, in UTC
    pjm = frame[frame["node"] == "PJM:51288"]
    assert pjm.index[1] == pd.Timestamp("2025-03-09T06:00Z") and pjm["end"].iloc[1] == pd.Timestamp("2025-03-09T07:00Z")


def test_prices_by_operating_day_and_chosen_columns(gridql: Client) -> None:
    frame = gridql.prices(["NYISO:61761"], run="REAL_TIME_5_MIN", date="2025-07-01", columns=["lmp"])
    answer = gridql.query(
        '{ node(id: "NYISO:61761") { priceSeries(run: REAL_TIME_5_MIN, date: "2025-07-01") { start lmp } } }'
    )
    assert list(frame.columns) == ["node", "end", "lmp"]
    assert values(frame["lmp"]) == answer["node"]["priceSeries"]["lmp"]
    assert list(frame.index) == utc(answer["node"]["priceSeries"]["start"])


def test_no_nodes_is_an_empty_frame_of_the_same_columns(gridql: Client) -> None:
    frame = gridql.prices([], date="2025-07-01")
    assert frame.empty and list(frame.columns) == ["node", "end", "lmp", "energy", "congestion", "loss"]
    assert str(frame.index.tz) == "UTC"


def test_a_market_series_equals_the_graphql_answer(gridql: Client) -> None:
    frame = gridql.series("NYISO", "LOAD", date="2025-11-02", area="N.Y.C.")
    answer = gridql.query(
        '{ market(iso: NYISO) { series(dataset: LOAD, date: "2025-11-02", area: "N.Y.C.") { start end area mw } } }'
    )
    series = answer["market"]["series"]
    assert list(frame.columns) == ["end", "area", "mw"]
    assert str(frame.index.tz) == "UTC" and len(frame) == len(series["start"]) > 0
    assert list(frame.index) == utc(series["start"])  # the fall-back day's repeated hour, in order
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert values(frame["mw"]) == series["mw"] and values(frame["area"]) == series["area"]


def test_a_forecasts_vintage_is_a_utc_time_column(gridql: Client) -> None:
    frame = gridql.series("NYISO", "LOAD_FORECAST", date="2025-07-01")
    answer = gridql.query(
        '{ market(iso: NYISO) { series(dataset: LOAD_FORECAST, date: "2025-07-01") { start publishedAt mw } } }'
    )
    published = answer["market"]["series"]["publishedAt"]
    assert [None if pd.isna(t) else t for t in frame["publishedAt"]] == [
        None if text is None else utc([text])[0] for text in published
    ]
    assert values(frame["mw"]) == answer["market"]["series"]["mw"]


def test_each_datasets_columns_are_its_records_and_series_fields() -> None:
    """The client cannot import the server: its column lists are held to the server's here."""
    series_fields = set(schema._schema.type_map["Series"].fields)  # type: ignore[attr-defined]
    for kind in DatasetKind:
        expected = tuple(
            to_camel_case(field.name)
            for field in dataclasses.fields(RECORD_TYPES[kind])
            if field.name not in ("start", "end")
        )
        assert DATASET_COLUMNS[kind.name] == expected, kind
        assert set(expected) <= series_fields


def test_errors_are_raised_with_their_codes(gridql: Client) -> None:
    with pytest.raises(GridQLError) as unknown:
        gridql.prices(["NYISO:no-such-node"], date="2025-07-01")
    assert unknown.value.codes == ["NOT_FOUND"] and unknown.value.status == 200
    assert "NOT_FOUND: " in str(unknown.value)
    with pytest.raises(GridQLError) as bad_run:
        gridql.prices(["NYISO:61761"], run="HOUR_AHEAD_15_MIN", date="2025-07-01")
    assert bad_run.value.codes == ["BAD_USER_INPUT"] and "HOUR_AHEAD_15_MIN" in str(bad_run.value)
    with pytest.raises(GridQLError) as parse:
        gridql.query("{ node(id: ")
    assert parse.value.codes == ["GRAPHQL_PARSE_FAILED"]
    with pytest.raises(ValueError, match="unknown dataset 'WEATHER'"):
        gridql.series("NYISO", "WEATHER", date="2025-07-01")
    with pytest.raises(TypeError, match="no filter zone"):
        gridql.series("NYISO", "LOAD", date="2025-07-01", zone="N.Y.C.")
    with pytest.raises(ValueError, match="has no timezone"):
        gridql.prices(["NYISO:61761"], start=datetime(2025, 7, 1), end=datetime(2025, 7, 2))


def test_a_key_is_sent_and_never_shown(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "analyst", None)
    stack = Stack(api_keys_file=str(keys))
    with Client("http://gridql.test/graphql", transport=InProcess(stack.app)) as anonymous:
        with pytest.raises(GridQLError) as refused:
            anonymous.query("{ markets { iso } }")
        assert refused.value.status == 401 and refused.value.codes == ["UNAUTHENTICATED"]
    with Client("http://gridql.test/graphql", key, transport=InProcess(stack.app)) as client:
        assert client.query("{ markets { iso } }") == {
            "markets": [{"iso": iso} for iso in ("PJM", "ERCOT", "CAISO", "NYISO")]
        }
        assert key not in repr(client)


def test_without_pandas_the_dataframe_methods_say_how_to_install_it(
    gridql: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    monkeypatch.delitem(sys.modules, "client.frames", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'gridql\[client\]'"):
        gridql.prices(["NYISO:61761"], date="2025-07-01")
    with pytest.raises(ImportError, match="pandas is not installed"):
        gridql.series("NYISO", "LOAD", date="2025-07-01")
    assert gridql.query('{ node(id: "NYISO:61761") { name } }') == {"node": {"name": "N.Y.C."}}


def test_the_client_imports_nothing_of_the_server() -> None:
    """It will be installed as gridql.client: only relative imports, the standard library, httpx and pandas."""
    allowed = {"httpx", "pandas", *sys.stdlib_module_names}
    for path in sorted((REPO / "client").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert {name.split(".")[0] for name in names} <= allowed, (path.name, names)


def test_the_readme_example_gives_the_graphql_answers_values(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from gridql import client

    readme = (REPO / "README.md").read_text()
    example = readme.split("### Python client", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    real = client.Client
    monkeypatch.setattr(client, "Client", lambda url, key=None: real(url, key, transport=InProcess(stack.app)))
    namespace: dict[str, Any] = {}
    exec(example, namespace)
    prices = namespace["prices"]
    with real("http://gridql.test", transport=InProcess(stack.app)) as gridql:
        answer = gridql.query(
            '{ nodes(ids: ["PJM:51288", "NYISO:61761"]) { id prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") '
            "{ start lmp } } }"
        )
    for node in answer["nodes"]:
        rows = prices[prices["node"] == node["id"]]
        assert list(rows.index) == utc([p["start"] for p in node["prices"]])
        assert values(rows["lmp"]) == [p["lmp"] for p in node["prices"]]
    table = prices.pivot(columns="node", values="lmp").head(3)
    assert table.to_dict() == {"NYISO:61761": dict(zip(table.index, [28.75, 34.13, 44.41], strict=True))} | {
        "PJM:51288": dict(zip(table.index, [28.94, 34.44, 45.06], strict=True))
    }


def test_ercots_system_lambda_equals_the_graphql_answer(gridql: Client) -> None:
    frame = gridql.series("ERCOT", "SYSTEM_LAMBDA", run="DAY_AHEAD_HOURLY", date="2025-07-01")
    answer = gridql.query(
        '{ market(iso: ERCOT) { series(dataset: SYSTEM_LAMBDA, run: DAY_AHEAD_HOURLY, date: "2025-07-01") '
        "{ start price } } }"
    )
    series = answer["market"]["series"]
    assert list(frame.columns) == ["end", "price"] and len(frame) == 24
    assert list(frame.index) == utc(series["start"]) and values(frame["price"]) == series["price"]
