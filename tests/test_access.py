"""Client keys, cost budgets, and the production switches (GraphiQL, introspection, CORS)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from gridql.graph import access
from gridql.graph.access import KeyFileError, KeyRing, add_key, digest, read_entries, revoke_key
from gridql.graph.cli import main

from .sandbox_app import Stack
from .test_cli import assert_operator_error, free_port, gridql

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
    assert error["extensions"] == {"code": "OVER_BUDGET"} and "whole budget" in error["message"]


def test_keys_add_prints_the_key_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = tmp_path / "keys.json"
    assert main(["keys", "add", "partner-c", "--budget", "1000000", "--file", str(keys)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("gq_") and key not in keys.read_text() and "partner-c" in keys.read_text()


SHA = "0" * 64


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        ("", "the file is empty"),
        ("  \n", "the file is empty"),
        ("[{", "not valid JSON"),
        ('{"name": "a"}', "expected a JSON list"),
        ("[]", "lists no keys"),
        ('["a"]', "entry 0 is not an object"),
        (f'[{{"sha256": "{SHA}"}}]', "entry 0 has no name"),
        ('[{"name": "a", "sha256": "abc"}]', "'a' has no valid sha256"),
        (f'[{{"name": "a", "sha256": "{SHA}", "budgetPerMinute": -5}}]', "'a' has a negative budgetPerMinute (-5)"),
        (f'[{{"name": "a", "sha256": "{SHA}", "budgetPerMinute": "10"}}]', "not a whole number"),
        (f'[{{"name": "a", "sha256": "{SHA}", "budget_per_minute": 10}}]', "unknown field(s) 'budget_per_minute'"),
        (f'[{{"name": "a", "sha256": "{SHA}"}}, {{"name": "a", "sha256": "{"1" * 64}"}}]', "'a' is listed twice"),
        (f'[{{"name": "a", "sha256": "{SHA}"}}, {{"name": "b", "sha256": "{SHA}"}}]', "key of 'b' is listed twice"),
    ],
)
def test_an_unusable_keys_file_is_refused_at_start(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "keys.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(KeyFileError) as refused:
        Stack(api_keys_file=str(path))  # create_app loads the keys
    message = str(refused.value)
    assert message.startswith(f"GRIDQL_API_KEYS_FILE={path}: ") and problem in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "content", [None, "", "not json", '[{"name": "a", "sha256": "' + SHA + '", "budgetPerMinute": -1}]']
)
def test_serve_refuses_to_start_on_a_bad_keys_file(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "keys.json"
    if content is not None:
        path.write_text(content)
    result = gridql("serve", "--sandbox", "--port", str(free_port()), env={"GRIDQL_API_KEYS_FILE": str(path)})
    line = assert_operator_error(result, f"GRIDQL_API_KEYS_FILE={path}: ", "not starting")
    assert result.returncode == 1, line


def test_keys_add_refuses_a_duplicate_name(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    add_key(path, "partner-a", None)
    before = path.read_text()
    with pytest.raises(KeyFileError, match="a key named 'partner-a' exists already"):
        add_key(path, "partner-a", 10)
    assert path.read_text() == before
    assert_operator_error(gridql("keys", "add", "partner-a", "--file", str(path)), "exists already")
    assert path.read_text() == before
    assert_operator_error(gridql("keys", "add", "x", "--budget", "-1", "--file", str(path)), "--budget", "negative")


def test_keys_add_refuses_to_extend_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text("[{")
    assert_operator_error(gridql("keys", "add", "a", "--file", str(path)), str(path), "not valid JSON")
    assert path.read_text() == "[{"


def test_keys_list_shows_names_and_budgets_never_hashes(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys = [add_key(path, "partner-a", 5000), add_key(path, "b", None)]
    result = gridql("keys", "list", "--file", str(path))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == ["partner-a  5000/min", "b          unlimited"]
    for key in keys:
        assert key not in result.stdout and digest(key) not in result.stdout
    # --file defaults to the file the server uses
    assert gridql("keys", "list", env={"GRIDQL_API_KEYS_FILE": str(path)}).stdout == result.stdout
    assert_operator_error(gridql("keys", "list", "--file", str(tmp_path / "none.json")), "no such file")


def test_keys_revoke_removes_one_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "keys.json"
    add_key(path, "a", None)
    kept = add_key(path, "b", 100)
    assert main(["keys", "revoke", "a", "--file", str(path)]) == 0
    assert "revoked the key of 'a'" in capsys.readouterr().err
    assert read_entries(path) == [access.Entry("b", digest(kept), 100)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json"]  # written atomically, no temporary left


def test_keys_revoke_of_an_unknown_name_fails(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    add_key(path, "a", None)
    before = path.read_text()
    result = gridql("keys", "revoke", "nobody", "--file", str(path))
    assert result.returncode == 1
    assert_operator_error(result, "no key named 'nobody'", "'a'")
    assert path.read_text() == before


async def test_keys_are_reloaded_when_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "keys.json"
    first = add_key(path, "a", None)
    stack = Stack(api_keys_file=str(path))
    assert (await post(stack, first))[0] == 200
    second = add_key(path, "b", None)
    assert (await post(stack, second))[0] == 200  # added while the server runs
    revoke_key(path, "a")
    assert (await post(stack, first))[0] == 401  # revoked while the server runs
    revoke_key(path, "b")
    assert (await post(stack, second))[0] == 401  # no keys left: nobody gets in


def test_the_file_is_checked_at_most_once_a_second(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys.json"
    key = add_key(path, "a", None)
    ring = KeyRing.load(path)
    stats: list[Path] = []
    real = access._signature

    def counting(p: Path) -> tuple[int, int, int] | None:
        stats.append(p)
        return real(p)

    monkeypatch.setattr(access, "_signature", counting)
    add_key(path, "b", None)
    for _ in range(1000):
        assert ring.client(key) is not None
    assert stats == []  # within the second after loading: not even a stat
    ring._checked -= access.RECHECK_SECONDS
    assert ring.client(key) is not None and ring.client(key) is not None
    assert len(stats) == 1  # one stat, which saw the change and reloaded
    assert sorted(c.name for c in ring._by_digest.values()) == ["a", "b"]


def test_a_broken_change_keeps_the_last_good_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(access, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "keys.json"
    key = add_key(path, "a", None)
    good = path.read_text()
    ring = KeyRing.load(path)
    for broken in ("[{", "", f'[{{"name": "a", "sha256": "{digest(key)}", "budgetPerMinute": -1}}]', None):
        caplog.clear()
        if broken is None:
            path.unlink()
        else:
            path.write_text(broken)
        with caplog.at_level(logging.WARNING, logger="gridql"):
            for _ in range(3):
                assert ring.client(key) is not None  # still the keys loaded before
        [warning] = caplog.records  # once per change, not once per request
        assert warning.levelno == logging.WARNING
        assert "KEYS NOT RELOADED" in warning.getMessage() and f"GRIDQL_API_KEYS_FILE={path}" in warning.getMessage()
    path.write_text(good.replace('"a"', '"renamed"'))
    client = ring.client(key)
    assert client is not None and client.name == "renamed"


def test_a_reload_keeps_what_a_client_has_spent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "RECHECK_SECONDS", 0.0)
    path = tmp_path / "keys.json"
    key = add_key(path, "a", 600)
    ring = KeyRing.load(path)
    client = ring.client(key)
    assert client is not None and client.bucket is not None
    client.bucket.take(500)
    add_key(path, "b", None)
    assert ring.client(key) is client  # the same bucket: a reload is no way round a budget
    entries = json.loads(path.read_text())
    entries[0]["budgetPerMinute"] = 1200
    path.write_text(json.dumps(entries))
    changed = ring.client(key)
    assert changed is not None and changed is not client and changed.budget_per_minute == 1200


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
