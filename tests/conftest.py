from __future__ import annotations

import io
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from gridql.graph import logs

REPO = Path(__file__).resolve().parents[1]
# The ISOs' own responses, copied from ../shared/iso-samples with their provenance (MANIFEST.md),
# so a fresh clone tests without ../shared; GRIDQL_SAMPLES_DIR points the tests elsewhere.
SAMPLES = Path(os.environ.get("GRIDQL_SAMPLES_DIR", REPO / "tests" / "recorded"))
# Hand-made bodies in the ISOs' formats (error answers, edge cases): tests/fixtures/<iso>/.
FIXTURES = REPO / "tests" / "fixtures"
# Tests that read settings from the environment must not archive into the user's data directory;
# the archive's own tests name their store.
os.environ["GRIDQL_ARCHIVE"] = "off"

# A PostgreSQL database the archive tests may create schemas in; without it they run on SQLite
# alone here, and fail in CI (which starts PostgreSQL: .ci/run).
POSTGRES_URL = os.environ.get("GRIDQL_TEST_POSTGRES_URL", "")


def postgres_url() -> str:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs the archive tests on PostgreSQL: GRIDQL_TEST_POSTGRES_URL is not set")
        pytest.skip("GRIDQL_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


def _in_schema(url: str, schema: str) -> str:
    """`url` with every connection's search_path set to `schema`: one test's tables apart from another's."""
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL into an empty PostgreSQL schema of its own, dropped afterwards."""
    import psycopg

    base = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}".encode())
    try:
        yield _in_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE".encode())


@pytest.fixture(params=["sqlite", "postgresql"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty archive, migrated: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield str(tmp_path / "archive.sqlite")
        return
    from gridql.adapters.archive import open_store

    with postgres_schema() as url:
        open_store(url, migrate=True).close()
        yield url


# A Redis the replica tests share (its database flushed before each): as GRIDQL_TEST_POSTGRES_URL.
REDIS_URL = os.environ.get("GRIDQL_TEST_REDIS_URL", "")


@pytest.fixture
async def redis_url() -> str:
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs the replica tests on Redis: GRIDQL_TEST_REDIS_URL is not set")
        pytest.skip("GRIDQL_TEST_REDIS_URL is not set")
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()
    return REDIS_URL


class Lines:
    """What the gridql loggers write through the JSON formatter, each line parsed."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.all() if line["logger"] == "gridql.request"]


@pytest.fixture
def lines() -> Iterator[Lines]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("gridql")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield Lines(stream)
    logger.removeHandler(handler)
    logger.setLevel(previous)
