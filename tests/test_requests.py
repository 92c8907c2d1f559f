"""Requests that cannot hurt the server: bodies counted as they stream, malformed ones refused with
a JSON 400, no schema leaked through suggestions, and a clear 503 past the concurrency limit."""

from __future__ import annotations

import asyncio
import gc
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from bench.workloads import DASHBOARD_NODES, DASHBOARD_TYPED, dashboard_day
from gridql.adapters.sandbox import synthetic
from gridql.graph.server import HeaderDeadline

from .sandbox_app import Stack

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"null", JSON, "must be a JSON object"),
        (b"5", JSON, "must be a JSON object"),
        (b'"{ markets { iso } }"', JSON, "must be a JSON object"),
        (b'{"query": "\\xff\\xfe"}'.replace(b"\\xff\\xfe", b"\xff\xfe"), JSON, "not valid JSON"),
        (b'{"query": "{ markets { iso } }"}', {**JSON, "content-encoding": "gzip"}, "Content-Encoding gzip"),
        (b"[" * 100_000 + b"]" * 100_000, JSON, "not valid JSON"),
    ],
    ids=["null", "a number", "a string", "not UTF-8", "gzip", "nested 100,000 deep"],
)
async def test_a_malformed_body_gets_a_json_400(body: bytes, headers: dict[str, str], message: str) -> None:
    async with Stack().client() as client:
        response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST" and message in error["message"]


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    sent = 0

    async def thirty_megabytes() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(30):
            sent += 1
            yield b" " * 1_000_000

    async with Stack().client() as client:
        response = await client.post("/graphql", content=thirty_megabytes(), headers=JSON)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert sent <= 3  # read up to the 1 MiB limit, not to the end


async def test_with_introspection_off_errors_suggest_no_names() -> None:
    query = "{ markets { iso nam } }"
    on = await Stack().query(query)
    assert "Did you mean 'name'?" in on["errors"][0]["message"]  # type: ignore[index]
    off = await Stack(introspection=False).query(query)
    message = off["errors"][0]["message"]  # type: ignore[index]
    assert message == "Cannot query field 'nam' on type 'Market'."


async def test_past_the_concurrency_limit_a_request_gets_503_overloaded() -> None:
    stack = Stack(max_concurrent=1, sandbox_latency=0.3)
    slow = '{ node(id: "NYISO:61761") { prices(run: DAY_AHEAD_HOURLY, date: "2025-06-01") { lmp } } }'
    async with stack.client() as client:
        first = asyncio.create_task(client.post("/graphql", json={"query": slow}))
        await asyncio.sleep(0.05)
        second = await client.post("/graphql", json={"query": "{ markets { iso } }"})
        assert (await first).status_code == 200
    assert second.status_code == 503 and second.headers["retry-after"] == "1"
    assert second.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"


class _Quick(HeaderDeadline):
    header_timeout = 0.3


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, int]]:
    """The sandbox app behind uvicorn with gridql's protocol, on a free local port."""
    sock = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(Stack().app, http=_Quick, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield sock.getsockname()[:2]
    server.should_exit = True
    await task
    sock.close()


async def _answer(reader: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(reader.read(), timeout=5)  # until the server closes


async def test_a_silent_connection_is_closed_with_408(served: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*served)
    answer = await _answer(reader)
    assert answer.startswith(b"HTTP/1.1 408 ") and b'"code":"REQUEST_TIMEOUT"' in answer
    writer.close()


async def test_headers_sent_a_byte_at_a_time_are_cut_off(served: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*served)
    began = asyncio.get_running_loop().time()
    answer = asyncio.create_task(reader.read(1024))  # returns as soon as the server says anything
    for byte in b"POST /graphql HTTP/1.1\r\nhost: x\r\n" * 10:
        if answer.done():
            break
        writer.write(bytes([byte]))
        await asyncio.sleep(0.02)
    assert (await asyncio.wait_for(answer, timeout=5)).startswith(b"HTTP/1.1 408 ")
    assert asyncio.get_running_loop().time() - began < 2  # not the minutes a byte a second would take
    writer.close()


async def test_a_prompt_client_keeps_its_connection_between_requests(served: tuple[str, int]) -> None:
    async with httpx.AsyncClient(base_url=f"http://{served[0]}:{served[1]}") as client:
        for _ in range(2):  # one connection: the deadline is re-armed after each response
            response = await client.post("/graphql", json={"query": "{ markets { iso } }"})
            assert response.status_code == 200 and len(response.json()["data"]["markets"]) == 4


async def test_a_running_server_moves_what_survives_out_of_the_collectors_sight() -> None:
    """A full collection over a warm cache paused every request for a second; frozen objects are
    not walked (graph/collector.py)."""
    stack = Stack(gc_freeze_every=0.05)
    gc.unfreeze()
    try:
        async with stack.app.router.lifespan_context(stack.app):
            assert await stack.query("{ markets { iso } }")
            await asyncio.sleep(0.2)
            frozen = gc.get_freeze_count()
        assert frozen > 1000
    finally:
        gc.unfreeze()


async def test_a_warm_typed_dashboard_leaves_the_collector_asleep() -> None:
    """A typed list's rows live for one request and go by reference counting: at Python's default
    thresholds they set off a dozen collections a request, and a full one every ~20 requests."""
    stack = Stack()
    variables = {"ids": DASHBOARD_NODES, "date": dashboard_day().isoformat()}
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    async with stack.app.router.lifespan_context(stack.app):
        await stack.query(DASHBOARD_TYPED, variables)  # warm
        gc.callbacks.append(count)
        try:
            for _ in range(5):
                assert "errors" not in await stack.query(DASHBOARD_TYPED, variables)
        finally:
            gc.callbacks.remove(count)
    assert len(collections) <= 1


async def test_with_the_freezer_off_the_collector_is_left_alone() -> None:
    stack = Stack(gc_freeze_every=0)
    gc.unfreeze()
    async with stack.app.router.lifespan_context(stack.app):
        await asyncio.sleep(0.1)
    assert gc.get_freeze_count() == 0


async def test_the_loop_answers_others_while_the_sandbox_builds_a_large_file() -> None:
    def month_file(request: httpx.Request) -> httpx.Response:
        time.sleep(0.3)  # what building a month's zip costs in CPU, without the noise
        return httpx.Response(200, content=b"ok")

    ticks = 0

    async def others() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(others())
    async with httpx.AsyncClient(transport=synthetic.mock_transport(month_file)) as client:
        response = await client.get("https://sandbox.example/month.zip")
    ticking.cancel()
    assert response.content == b"ok" and ticks >= 10
