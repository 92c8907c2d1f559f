"""Structured logs: one JSON line per /graphql request, its id echoed, no secret ever written."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from gridql.adapters.config import Secret, Settings
from gridql.adapters.model import ISO
from gridql.graph import logs
from gridql.graph.access import add_key

from .conftest import Lines
from .sandbox_app import Stack
from .test_api import HUBS, errors, gridql
from .test_cli import REPO, free_port

NAMED = 'query Hubs($ids: [ID!]!) { nodes(ids: $ids) { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'


async def post(stack: Stack, body: dict[str, Any], **headers: str) -> httpx.Response:
    async with stack.client() as client:
        return await client.post("/graphql", json=body, headers=headers)


async def test_one_line_per_request_with_its_id_operation_cost_and_upstream_requests(lines: Lines) -> None:
    stack = Stack()
    response = await post(stack, {"query": NAMED, "variables": {"ids": HUBS}}, **{"X-Request-Id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    body = response.json()
    assert errors(body) == []
    [line] = lines.requests()
    assert line["requestId"] == "abc-123"
    assert line["operation"] == "Hubs"
    assert (line["method"], line["path"], line["status"], line["errors"]) == ("POST", "/graphql", 200, [])
    assert line["cost"] == gridql(body)["cost"]["estimated"] == 4 * 24 * 10
    assert {iso: u["requests"] for iso, u in line["upstream"].items()} == {iso.value: stack.counts[iso] for iso in ISO}
    assert line["upstream"]["ERCOT"]["authRequests"] == 1  # the id token, apart
    assert 0 < line["durationMs"] < 60_000
    assert line["level"] == "info" and line["time"].endswith("+00:00")


@pytest.mark.parametrize("presented", [None, "", "has space", 'x"}\n{"forged": 1', "x" * 129])
async def test_an_absent_or_odd_request_id_is_replaced_by_a_new_one(lines: Lines, presented: str | None) -> None:
    headers = {} if presented is None else {"X-Request-Id": presented}
    response = await post(Stack(), {"query": "{ markets { iso } }"}, **headers)
    rid = response.headers["x-request-id"]
    assert len(rid) == 32 and int(rid, 16) >= 0 and rid != presented
    [line] = lines.all()
    assert line["requestId"] == rid and line["operation"] is None and "forged" not in line


async def test_an_operation_name_is_logged_up_to_128_characters(lines: Lines) -> None:
    name = "Q" + "x" * 5_000
    await post(Stack(), {"query": f"query {name} {{ markets {{ iso }} }}"})
    [line] = lines.requests()
    assert line["operation"] == name[:128]


async def test_a_failing_iso_logs_its_code_and_retries_under_the_request_id(lines: Lines) -> None:
    stack = Stack(retries=2, faults="NYISO=503")
    query = '{ node(id: "NYISO:61761") { prices(run: DAY_AHEAD_HOURLY, date: "2025-07-01") { lmp } } }'
    response = await post(stack, {"query": query}, **{"X-Request-Id": "retry-1"})
    assert errors(response.json())[0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    [line] = lines.requests()
    assert line["errors"] == ["UPSTREAM_UNAVAILABLE"] and line["status"] == 200
    assert line["upstream"]["NYISO"]["requests"] == stack.counts[ISO.NYISO] == 2
    retries = [entry for entry in lines.all() if entry["logger"] == "gridql.upstream"]
    assert len(retries) == 2 and all(entry["requestId"] == "retry-1" for entry in retries)
    assert retries[0]["level"] == "warning" and "HTTP 503 (attempt 1 of 2)" in retries[0]["message"]


async def test_requests_refused_before_graphql_are_logged_with_their_status_and_code(
    lines: Lines, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "partner-a", budget_per_minute=None)
    stack = Stack(api_keys_file=str(keys), max_body_bytes=2_000)
    refused = await post(stack, {"query": "{ markets { iso } }"}, Authorization="Bearer gq_not-a-key-at-all")
    too_large = await post(stack, {"query": "{ markets { iso } }", "pad": "x" * 3_000}, Authorization=f"Bearer {key}")
    answered = await post(stack, {"query": "{ markets { iso } }"}, Authorization=f"Bearer {key}")
    assert (refused.status_code, too_large.status_code, answered.status_code) == (401, 413, 200)
    logged = [(line["status"], line["errors"], line["client"]) for line in lines.requests()]
    assert logged == [(401, ["UNAUTHENTICATED"], None), (413, ["REQUEST_TOO_LARGE"], None), (200, [], "partner-a")]
    assert key not in lines.text and "gq_not-a-key-at-all" not in lines.text


async def test_no_secret_is_ever_written(lines: Lines) -> None:
    secrets = {"pjm_api_key": "pjm-secret-4c1a", "ercot_password": "hunter2-secret-pw"}
    stack = Stack(retries=2, faults="PJM=503,ERCOT=503", **{k: Secret(v) for k, v in secrets.items()})
    await post(stack, {"query": NAMED, "variables": {"ids": HUBS}})
    logging.getLogger("gridql").warning("upstream said: bad key %s", "PJM-SECRET-4C1A")  # echoed, in any case
    assert len(lines.all()) > 3  # retries and the request were logged
    assert "pjm-secret-4c1a" not in lines.text.lower() and "hunter2" not in lines.text
    assert lines.all()[-1]["message"] == "upstream said: bad key [redacted]"


def test_the_format_is_a_setting_text_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDQL_LOG_FORMAT", raising=False)
    assert Settings.from_env().log_format == "text"
    monkeypatch.setenv("GRIDQL_LOG_FORMAT", "JSON")
    assert Settings.from_env().log_format == "json"
    monkeypatch.setenv("GRIDQL_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="GRIDQL_LOG_FORMAT must be text or json"):
        Settings.from_env()


def test_serve_with_log_format_json_writes_only_json_lines(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    err = tmp_path / "stderr"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDQL_")}
    command = [
        sys.executable,
        "-m",
        "gridql.graph.cli",
        "serve",
        "--sandbox",
        "--port",
        str(port),
        "--log-format",
        "json",
    ]
    with err.open("w") as stderr:
        process = subprocess.Popen(command, cwd=REPO, env={**env, "GRIDQL_ARCHIVE": "off"}, stderr=stderr)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline and process.poll() is None, err.read_text()
                    time.sleep(0.1)
            response = httpx.post(
                f"{url}/graphql",
                json={"query": "query Markets { markets { iso } }"},
                headers={"X-Request-Id": "from-the-proxy"},
                timeout=30,
            )
            assert response.headers["x-request-id"] == "from-the-proxy"
        finally:
            process.terminate()
            process.wait(timeout=10)
    entries = [json.loads(line) for line in err.read_text().splitlines()]  # every line is JSON
    [request] = [e for e in entries if e["logger"] == "gridql.request"]
    assert (request["requestId"], request["operation"], request["status"]) == ("from-the-proxy", "Markets", 200)
    assert any(e["logger"] == "uvicorn.error" and "startup complete" in e["message"] for e in entries)


def test_text_lines_are_scrubbed_and_name_the_request_they_were_logged_in() -> None:
    Secret("text-secret-9b2d")
    formatter = logs.TextFormatter("%(levelprefix)s %(message)s", use_colors=False)
    record = logging.LogRecord(
        "gridql.upstream", logging.WARNING, __file__, 1, "echoed %s", ("TEXT-SECRET-9B2D",), None
    )
    token = logs.current_id.set("req-7")
    try:
        line = formatter.format(record)
    finally:
        logs.current_id.reset(token)
    assert line == "WARNING:  echoed [redacted] (request req-7)"
    assert formatter.format(record) == "WARNING:  echoed [redacted]"  # outside a request
