"""gridql's GraphiQL page and its examples, over HTTP; tests/test_graphiql_browser.py runs it in chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from graphql import build_schema, parse, validate

from gridql.graph import graphiql_assets
from gridql.graph.access import add_key
from gridql.graph.examples import SPRING_FORWARD, Example, examples
from gridql.graph.graphiql import KEY_PLACEHOLDER

from .conftest import REPO
from .sandbox_app import Stack

EXAMPLES = examples(date(2025, 7, 15))
_CONFIG = re.compile(r'<script type="application/json" id="gridql-config">(.*?)</script>', re.S)


def _config(page: httpx.Response) -> dict[str, object]:
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    match = _CONFIG.search(page.text)
    assert match is not None
    config: dict[str, object] = json.loads(match.group(1))
    return config


def _install(folder: Path) -> None:
    """A stand-in copy: files where the install puts them (their contents are not checked here)."""
    for package in graphiql_assets.PACKAGES:
        for asset in package.assets:
            (folder / package.folder).mkdir(parents=True, exist_ok=True)
            (folder / package.folder / asset.name).write_text(f"/* {asset.name} */")


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_every_example_validates_against_the_schema_file(example: Example) -> None:
    schema = build_schema((REPO / "schema.graphql").read_text())
    assert validate(schema, parse(example.query)) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
async def test_every_example_runs_in_the_sandbox(example: Example) -> None:
    body = await Stack().query(example.query, example.variables)
    assert "errors" not in body, body["errors"]
    assert body["data"] and all(body["data"].values())  # type: ignore[attr-defined]


async def test_todays_fuel_mix_runs_on_today() -> None:
    [today_example] = [e for e in examples(date.today()) if "FuelMixToday" in e.query]
    body = await Stack().query(today_example.query, today_example.variables)
    assert "errors" not in body
    assert body["data"]["market"]["series"]["length"] > 0  # type: ignore[index]


async def test_the_page_opens_on_gridqls_example_with_every_tab(tmp_path: Path) -> None:
    async with Stack(graphiql_assets=str(tmp_path)).client() as client:
        config = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
    tabs = config["examples"]
    assert isinstance(tabs, list) and tabs[0]["query"] == SPRING_FORWARD
    assert [tab["title"] for tab in tabs] == [e.title for e in EXAMPLES]
    assert config["headers"] is None


async def test_without_a_local_copy_the_page_loads_the_pinned_cdn_files(tmp_path: Path) -> None:
    async with Stack(graphiql_assets=str(tmp_path / "none")).client() as client:
        config = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
    assets = config["assets"]
    assert isinstance(assets, list)
    assert [a["url"] for a in assets] == [
        "https://unpkg.com/react@18.3.1/umd/react.production.min.js",
        "https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js",
        "https://unpkg.com/graphiql@3.9.0/graphiql.min.css",
        "https://unpkg.com/graphiql@3.9.0/graphiql.min.js",
    ]
    assert all(a["integrity"].startswith("sha384-") for a in assets)
    assert "gridql graphiql install" in str(config["hint"])


async def test_with_a_local_copy_the_page_loads_it_from_this_server(tmp_path: Path) -> None:
    _install(tmp_path)
    async with Stack(graphiql_assets=str(tmp_path)).client() as client:
        config = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
        assets = config["assets"]
        assert isinstance(assets, list)
        for asset in assets:
            assert asset["url"].startswith("/graphiql/assets/")
            served = await client.get(asset["url"])
            assert served.status_code == 200 and served.text.startswith("/* ")


async def test_with_client_keys_the_page_opens_without_a_key_and_asks_for_one(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    add_key(keys, "someone", None)
    _install(tmp_path / "assets")
    stack = Stack(api_keys_file=str(keys), graphiql_assets=str(tmp_path / "assets"))
    async with stack.client() as client:
        config = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
        assert config["headers"] == {"Authorization": KEY_PLACEHOLDER}
        assert (await client.get(config["assets"][0]["url"])).status_code == 200  # type: ignore[index]
        refused = await client.post("/graphql", json={"query": "{ markets { iso } }"})
        assert refused.status_code == 401
        asked = await client.get("/graphql", params={"query": "{ markets { iso } }"})
        assert asked.status_code == 401  # a GET with a query is an API request, not the page


async def test_no_string_in_the_config_can_end_its_script_element(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    add_key(keys, "someone", None)
    async with Stack(api_keys_file=str(keys), graphiql_assets=str(tmp_path)).client() as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    match = _CONFIG.search(page.text)
    assert "<" in KEY_PLACEHOLDER
    assert match is not None and "<" not in match.group(1)  # escaped, as \u003c


async def test_with_graphiql_off_there_is_no_page_and_no_assets(tmp_path: Path) -> None:
    _install(tmp_path)
    async with Stack(graphiql=False, graphiql_assets=str(tmp_path)).client() as client:
        assert (await client.get("/graphql", headers={"Accept": "text/html"})).status_code == 404
        assert (await client.get("/graphiql/assets/react@18.3.1/react.production.min.js")).status_code == 404


def test_the_pinned_hashes_are_sri_sha384() -> None:
    for package in graphiql_assets.PACKAGES:
        for asset in package.assets:
            algorithm, _, digest = asset.integrity.partition("-")
            assert algorithm == "sha384" and len(base64.b64decode(digest)) == hashlib.sha384().digest_size


async def test_a_copy_installed_while_the_server_runs_is_used_at_the_next_page_load(tmp_path: Path) -> None:
    async with Stack(graphiql_assets=str(tmp_path / "later")).client() as client:
        before = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
        assert before["assets"][0]["url"].startswith("https://unpkg.com/")  # type: ignore[index]
        _install(tmp_path / "later")
        after = _config(await client.get("/graphql", headers={"Accept": "text/html"}))
        url = after["assets"][0]["url"]  # type: ignore[index]
        assert url.startswith("/graphiql/assets/") and (await client.get(url)).status_code == 200
