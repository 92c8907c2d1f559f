"""Upstream faults, injected into the sandbox: each ISO fails alone, with a code, and nothing bad is kept."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from gridql.adapters import cache
from gridql.adapters.model import ISO
from gridql.adapters.sandbox import faults

from .sandbox_app import Stack
from .test_api import HUBS, PRICES, errors

CASES = [
    ("503", "UPSTREAM_UNAVAILABLE"),
    ("timeout", "UPSTREAM_TIMEOUT"),
    ("reset", "UPSTREAM_UNAVAILABLE"),
    ("429", "UPSTREAM_THROTTLED"),
    ("html", "UPSTREAM_BAD_RESPONSE"),
    ("empty", "UPSTREAM_BAD_RESPONSE"),
]


@pytest.mark.parametrize("iso", list(ISO))
@pytest.mark.parametrize(("fault", "code"), CASES)
async def test_a_faulty_iso_fails_alone_with_its_code(iso: ISO, fault: str, code: str) -> None:
    stack = Stack(retries=1, faults=f"{iso.value}={fault}")
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": PRICES, "variables": {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}},
        )
    assert response.status_code == 200  # never a 500 from gridql
    body = response.json()
    for node_id, node in zip(HUBS, body["data"]["nodes"], strict=True):
        if node_id.startswith(iso.value):
            assert node is None
        else:
            assert len(node["prices"]) == 24, node_id
    [error] = errors(body)
    assert (error["extensions"]["code"], error["extensions"]["iso"]) == (code, iso.value)


@pytest.mark.parametrize("iso", [ISO.NYISO, ISO.CAISO])
async def test_a_truncated_zip_is_a_bad_response(iso: ISO) -> None:
    # Months before the current one come from NYISO's monthly zip; OASIS always answers a zip.
    stack = Stack(retries=1, faults=f"{iso.value}=truncate")
    body = await stack.query(PRICES, {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"})
    [error] = errors(body)
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"


async def test_a_bad_answer_is_not_cached() -> None:
    """The first answer is an HTML page under 200; the next query gets the real data."""
    real = Stack().transports[ISO.NYISO].inner
    answers = 0

    async def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal answers
        answers += 1
        if answers == 1:
            return httpx.Response(200, text="<html>Maintenance</html>")
        return await real.handle_async_request(request)

    stack = Stack(failing={ISO.NYISO: flaky}, retries=1)
    variables = {"ids": ["NYISO:61761"], "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}
    first = await stack.query(PRICES, variables)
    assert errors(first)[0]["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    second = await stack.query(PRICES, variables)
    assert errors(second) == [] and len(second["data"]["nodes"][0]["prices"]) == 24  # type: ignore[index]


def test_a_malformed_fault_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="bad fault 'MISO=503'"):
        faults.parse("MISO=503")
    assert faults.parse("PJM/da_hrl=429:2") == [faults.Fault(ISO.PJM, "da_hrl", "429", 2.0)]


async def _answer(stack: Stack) -> dict[str, Any]:
    return await stack.query(PRICES, {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"})


@pytest.mark.parametrize("fault", faults.CONTENT)
async def test_a_damaged_table_is_refused_or_read_right_never_wrong(fault: str) -> None:
    truth = (await _answer(Stack()))["data"]["nodes"]  # type: ignore[index]
    spec = ",".join(f"{iso.value}={fault}" for iso in ISO)
    body = await _answer(Stack(retries=1, faults=spec))
    failed = {e["path"][1]: e["extensions"]["code"] for e in errors(body)}
    for i, node in enumerate(body["data"]["nodes"]):  # type: ignore[index]
        if i in failed:
            assert node is None and failed[i] == "UPSTREAM_BAD_RESPONSE", (HUBS[i], failed[i])
        else:
            assert node == truth[i], HUBS[i]  # read right despite the damage
    if fault in ("drop-column", "rename-column", "out-of-window"):
        # No price column, or a row dated 2099 in a day's answer: every ISO refuses the answer.
        assert len(failed) == len(HUBS)
    if fault in ("reorder-columns", "duplicate-rows"):
        assert failed == {}  # columns are found by name; a repeated row is one interval


async def test_health_and_metrics_show_each_iso_upstream() -> None:
    stack = Stack(retries=1, faults="ERCOT=503")
    await _answer(stack)
    async with stack.client() as client:
        health = (await client.get("/healthz")).json()
        metrics = (await client.get("/metrics")).text
    assert health["upstream"]["ERCOT"]["public-api"] == {"circuit": "closed", "failures": 1}
    assert 'gridql_upstream_failures_total{iso="ERCOT",upstream="public-api"} 1' in metrics
    assert 'gridql_upstream_failures_total{iso="NYISO",upstream="mis"} 0' in metrics
    assert 'gridql_errors_total{code="UPSTREAM_UNAVAILABLE"} 1' in metrics
    assert "gridql_requests_total 1" in metrics


async def test_an_open_oasis_circuit_shows_apart_from_caisos_files() -> None:
    stack = Stack(retries=1, faults="CAISO/oasisapi=503")
    variables = {"ids": ["CAISO:TH_NP15_GEN-APND"], "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}
    for _ in range(6):
        body = await stack.query(PRICES, variables)
        assert errors(body)[0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    async with stack.client() as client:
        health = (await client.get("/healthz")).json()
        metrics = (await client.get("/metrics")).text
    assert health["upstream"]["CAISO"]["oasis"]["circuit"] == "open"
    assert health["upstream"]["CAISO"]["files"] == {"circuit": "closed", "failures": 0}
    assert 'gridql_upstream_failures_total{iso="CAISO",upstream="oasis"} 5' in metrics
    assert 'gridql_circuit_open{iso="CAISO",upstream="oasis"} 1' in metrics
    assert 'gridql_circuit_open{iso="CAISO",upstream="files"} 0' in metrics


def nyiso_that_fails() -> tuple[Stack, asyncio.Event]:
    """A stack whose NYISO answers from the sandbox until the event is set, then 503s; a short TTL."""
    real = Stack().transports[ISO.NYISO].inner
    down = asyncio.Event()

    async def flaky(request: httpx.Request) -> httpx.Response:
        if down.is_set():
            return httpx.Response(503)
        return await real.handle_async_request(request)

    return Stack(failing={ISO.NYISO: flaky}, retries=1, cache_ttl=0.05), down


async def test_stale_data_is_served_when_an_iso_fails_and_marked() -> None:
    stack, down = nyiso_that_fails()
    variables = {"ids": ["NYISO:61761", "PJM:51288"], "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}
    fresh = await stack.query(PRICES, variables)
    await asyncio.sleep(0.1)  # past the TTL
    down.set()
    stale = await stack.query(PRICES, variables)
    assert errors(stale) == []
    assert stale["data"] == fresh["data"]
    upstream = stale["extensions"]["gridql"]["upstream"]  # type: ignore[index]
    assert upstream["NYISO"]["staleSeconds"] >= 0 and "staleSeconds" not in upstream["PJM"]


async def test_a_copy_older_than_its_feeds_stale_window_is_not_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two hours on, a day-ahead copy (one publication a day) still stands in for a failing ISO;
    a 5-minute copy (an hour's window) is two dozen intervals short and is not served."""
    stack, down = nyiso_that_fails()
    asks = {
        run: {"ids": ["NYISO:61761"], "run": run, "date": "2025-07-01"}
        for run in ("DAY_AHEAD_HOURLY", "REAL_TIME_5_MIN")
    }
    fresh = {run: await stack.query(PRICES, variables) for run, variables in asks.items()}
    assert all(errors(body) == [] for body in fresh.values())
    await asyncio.sleep(0.1)  # past the TTL
    two_hours_on = time.monotonic() + 7200
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: two_hours_on))
    down.set()
    day_ahead = await stack.query(PRICES, asks["DAY_AHEAD_HOURLY"])
    assert errors(day_ahead) == [] and day_ahead["data"] == fresh["DAY_AHEAD_HOURLY"]["data"]
    real_time = await stack.query(PRICES, asks["REAL_TIME_5_MIN"])
    assert [e["extensions"]["code"] for e in errors(real_time)] == ["UPSTREAM_UNAVAILABLE"]


def test_content_faults_rewrite_each_wire_format() -> None:
    csv_body = b'"Time Stamp","Name","PTID","LBMP ($/MWHr)"\r\n"07/01/2025 00:00","CAPITL",61757,31.50\r\n'
    lbmp = ("LBMP ($/MWHr)",)
    assert faults.rewrite(csv_body, "out-of-window", lbmp).endswith(b"07/01/2099 00:00,CAPITL,61757,31.50\r\n")
    assert b"N/A" in faults.rewrite(csv_body, "non-numeric", lbmp)
    assert b"LBMP" not in faults.rewrite(csv_body, "drop-column", lbmp)
    assert b"LBMP ($/MWHr)" in faults.rewrite(csv_body, "drop-column", ("VALUE",))  # no such column: kept
    items = b'{"items": [{"datetime_beginning_utc": "2025-07-01T04:00:00", "total_lmp_da": 31.5}], "totalRows": 1}'
    assert "2099-07-01T04:00:00" in faults.rewrite(items, "out-of-window", ("total_lmp_da",)).decode()
    ercot = b'{"fields": [{"name": "deliveryDate"}, {"name": "settlementPointPrice"}], "data": [["2025-07-01", 31.5]]}'
    assert (
        '"Renamed settlementPointPrice"' in faults.rewrite(ercot, "rename-column", ("settlementPointPrice",)).decode()
    )
