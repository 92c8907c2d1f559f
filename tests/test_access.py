"""Client keys, cost budgets, and the production switches (GraphiQL, introspection, CORS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.access import add_key
from graph.cli import main

from .sandbox_app import Stack

QUERY = '{ node(id: "NYISO:61761") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'
COST = 24  # 24 intervals x 1 column


async def post(stack: Stack, key: str | None, query: str = QUERY) -> tuple[int, dict[str, object]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with stack.client() as client:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    return response.status_code, response.json()


async def test_with_keys_on_a_request_needs_a_listed_key(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "partner-a", budget_per_minute=None)
    assert key not in keys.read_text()  # only its hash is stored
    stack = Stack(api_keys_file=str(keys))
    for presented in (None, "gq_not-a-key"):
        status, body = await post(stack, presented)
        assert status == 401
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
    status, body = await post(stack, key)
    assert status == 200 and "errors" not in body


async def test_a_budget_throttles_with_a_retry_time(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "partner-b", budget_per_minute=60)  # one cost unit a second
    stack = Stack(api_keys_file=str(keys))
    _, body = await post(stack, key)
    cost = body["extensions"]["gridql"]["cost"]  # type: ignore[index]
    assert cost["estimated"] == COST and cost["budgetRemaining"] == 60 - COST
    await post(stack, key)
    _, body = await post(stack, key)  # 3 x 24 > 60
    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "THROTTLED"
    assert 1 <= error["extensions"]["retryAfter"] <= 24
    big = '{ node(id: "NYISO:61761") { priceSeries(run: REAL_TIME_5_MIN, date: "2025-07-01") { lmp } } }'
    _, body = await post(stack, key, big)  # 288 > the whole budget: no retry time helps
    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"] == {"code": "THROTTLED"} and "whole budget" in error["message"]


def test_keys_add_prints_the_key_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = tmp_path / "keys.json"
    assert main(["keys", "add", "partner-c", "--budget", "1000000", "--file", str(keys)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("gq_") and key not in keys.read_text() and "partner-c" in keys.read_text()


async def test_production_switches() -> None:
    stack = Stack(graphiql=False, introspection=False, cors_origins=("https://app.example",))
    async with stack.client() as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        body = (await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in body["errors"][0]["message"]
        answer = await client.post(
            "/graphql", json={"query": "{ markets { iso } }"}, headers={"Origin": "https://app.example"}
        )
        assert answer.headers["access-control-allow-origin"] == "https://app.example"
