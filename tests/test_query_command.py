"""`gridql query FILE|-`: JSON, CSV, NDJSON or a table, in-process against the sandbox or over HTTP."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.server import Server
from gridql.graph.access import add_key
from gridql.graph.cli import main

from .sandbox_app import Stack

PRICES = """query ($run: MarketRun!) { nodes(ids: ["PJM:51288", "NYISO:61761"]) {
  id name prices(run: $run, date: "2025-03-09") { start end lmp congestion } } }"""
DAY_AHEAD = '{"run": "DAY_AHEAD_HOURLY"}'


@pytest.fixture
def prices_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.graphql"
    path.write_text(PRICES)
    return path


async def graphql_answer(variables: dict[str, Any]) -> dict[str, Any]:
    return await Stack().query(PRICES, variables)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_prints_the_sandboxs_answer(prices_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(prices_file), "--sandbox", "--variables", DAY_AHEAD)
    assert code == 0 and err == ""
    answer = json.loads(out)
    expected = asyncio.run(graphql_answer({"run": "DAY_AHEAD_HOURLY"}))
    assert answer["data"] == expected["data"]  # the sandbox is deterministic: the same numbers in-process
    assert answer["extensions"]["gridql"]["sandbox"] is True
    assert len(answer["data"]["nodes"][0]["prices"]) == 23


def test_csv_is_the_exports_rows(prices_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(prices_file), "--sandbox", "--variables", DAY_AHEAD, "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header[:3] == ["nodes.id", "nodes.name", "nodes.prices.start"]
    assert len(rows) == 2 * 23
    code, out, _ = run(capsys, str(prices_file), "--sandbox", "--variables", DAY_AHEAD)
    nodes = json.loads(out)["data"]["nodes"]
    expected = [
        [n["id"], n["name"], p["start"], p["end"], p["lmp"], p["congestion"]] for n in nodes for p in n["prices"]
    ]
    assert [[*row[:4], float(row[4]), float(row[5])] for row in rows] == expected


def test_a_table_lines_the_rows_up(
    prices_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PRICES))
    code, out, _ = run(capsys, "-", "--sandbox", "--variables", DAY_AHEAD, "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "nodes.id",
        "nodes.name",
        "nodes.prices.start",
        "nodes.prices.end",
        "nodes.prices.lmp",
        "nodes.prices.congestion",
    ]
    assert len(lines) == 1 + 2 * 23
    assert lines[1].split()[:4] == ["PJM:51288", "WESTERN", "HUB", "2025-03-09T00:00:00-05:00"]
    lmp = lines[0].index("nodes.prices.lmp") + len("nodes.prices.lmp")
    assert all(line[lmp - 1] != " " for line in lines[1:])  # numbers end where their column does


def test_a_table_of_several_lists_shows_each_under_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "two.graphql"
    query.write_text(
        """{ node(id: "NYISO:61761") { dayAhead: prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { lmp }
             realTime: prices(run: REAL_TIME_HOURLY, date: "2025-03-09") { lmp } } }"""
    )
    code, out, _ = run(capsys, str(query), "--sandbox", "--format", "table")
    assert code == 0
    assert "node.dayAhead (23 rows)" in out and "node.realTime (23 rows)" in out
    code, out, err = run(capsys, str(query), "--sandbox", "--format", "csv")
    assert code == 1 and out == ""
    assert err.startswith("gridql: query: BAD_REQUEST: This query holds 2 tables") and err.count("\n") == 1


def test_a_refused_query_is_one_line_and_exit_1(prices_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(prices_file), "--sandbox", "--variables", '{"run": "HOURLY"}')
    assert code == 1
    assert json.loads(out)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # the answer, as sent
    assert err.startswith("gridql: query: BAD_USER_INPUT: ") and err.count("\n") == 1
    code, out, err = run(capsys, str(prices_file), "--sandbox", "--format", "csv")  # $run missing
    assert code == 1 and out == "" and "BAD_USER_INPUT" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.graphql", "--sandbox"], "cannot read missing.graphql"),
        (["{file}", "--sandbox", "--variables", "{run"], "--variables is not valid JSON"),
        (["{file}", "--sandbox", "--variables", "[1]"], "--variables must be a JSON object"),
        (["{file}", "--url", "http://127.0.0.1:9"], "cannot reach http://127.0.0.1:9"),
    ],
)
def test_a_mistake_is_one_line(
    args: list[str], message: str, prices_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *(arg.replace("{file}", str(prices_file)) for arg in args))
    assert code == 1
    assert err.startswith("gridql: ") and message in err and err.count("\n") == 1


def test_against_a_server_with_the_key_from_the_environment(
    tmp_path: Path, prices_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "terminal", None)
    monkeypatch.setenv("GRIDQL_API_KEYS_FILE", str(keys))  # the server's environment
    with Server() as server:
        monkeypatch.delenv("GRIDQL_API_KEYS_FILE")
        monkeypatch.delenv("GRIDQL_KEY", raising=False)
        code, _, err = run(capsys, str(prices_file), "--url", server.url, "--variables", DAY_AHEAD)
        assert code == 1 and "UNAUTHENTICATED" in err
        monkeypatch.setenv("GRIDQL_KEY", key)
        code, out, _ = run(capsys, str(prices_file), "--url", f"{server.url}/graphql", "--variables", DAY_AHEAD)
        assert code == 0
        served = httpx.post(
            f"{server.url}/graphql",
            json={"query": PRICES, "variables": {"run": "DAY_AHEAD_HOURLY"}},
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        assert json.loads(out)["data"] == served["data"]
        code, out, _ = run(
            capsys, str(prices_file), "--url", server.url, "--variables", DAY_AHEAD, "--format", "ndjson"
        )
        assert code == 0 and len(out.splitlines()) == 2 * 23
        assert json.loads(out.splitlines()[0])["nodes.id"] == "PJM:51288"
