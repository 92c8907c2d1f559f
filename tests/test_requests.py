"""Requests that cannot hurt the server: bodies counted as they stream, malformed ones refused with
a JSON 400, no schema leaked through suggestions, and a clear 503 past the concurrency limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

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
