"""gridql's GraphiQL page, at GET /graphql for a browser: gridql's examples in its tabs, scripts from
this server's copy (`gridql graphiql install`) or else the CDN, both checked by their pinned hashes.

The page is served before any key is checked, as the scripts are: with client keys on, it opens
for anyone and puts an `Authorization` placeholder in the Headers tab; the queries it sends need the key."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gridql.adapters.config import Settings

from . import graphiql_assets
from .examples import examples

ASSETS_PATH = "/graphiql/assets"
KEY_PLACEHOLDER = "Bearer <your gridql key>"
TIMEOUT_SECONDS = 20  # past this with GraphiQL not started, the page says why instead of staying blank
_TEMPLATE = resources.files(__package__).joinpath("graphiql.html").read_text(encoding="utf-8")


def folder(settings: Settings) -> Path:
    return Path(settings.graphiql_assets) if settings.graphiql_assets else graphiql_assets.default_folder()


def wants_page(scope: Scope) -> bool:
    """A browser's GET: the test strawberry applies to show its IDE (so `curl URL` still gets the page)."""
    if scope["method"] != "GET":
        return False
    request = Request(scope)
    accept = request.headers.get("accept", "")
    return "query" not in request.query_params and ("text/html" in accept or "*/*" in accept)


def _assets(local: bool, root_path: str) -> list[dict[str, str]]:
    listed = []
    for package in graphiql_assets.PACKAGES:
        for asset in package.assets:
            if local:
                url = f"{root_path}{ASSETS_PATH}/{package.folder}/{asset.name}"
            else:
                url = f"{graphiql_assets.CDN}/{package.folder}/{asset.path}"
            kind = "css" if asset.name.endswith(".css") else "js"
            listed.append({"url": url, "integrity": asset.integrity, "kind": kind})
    return listed


def page(settings: Settings, scope: Scope) -> HTMLResponse:
    local = graphiql_assets.installed(folder(settings))
    if local:
        hint = "The server's copy (`gridql graphiql install`) may be incomplete: run the install again."
    else:
        hint = (
            f"This server has no copy of GraphiQL of its own, so the page loads it from {graphiql_assets.CDN}. "
            "For a page that works offline, run `gridql graphiql install` on the server: it downloads "
            "GraphiQL from the npm registry."
        )
    # ERCOT's operating day: the fuel-mix tab's "today".
    today = datetime.now(ZoneInfo("America/Chicago")).date()
    config = {
        "examples": [dataclasses.asdict(example) for example in examples(today)],
        "headers": {"Authorization": KEY_PLACEHOLDER} if settings.api_keys_file else None,
        "assets": _assets(local, scope.get("root_path", "")),
        "hint": hint,
        "storagePrefix": "gridql:",
        "timeoutSeconds": TIMEOUT_SECONDS,
    }
    # `<` escaped so that no string in the examples can close the <script> element holding them.
    blob = orjson.dumps(config).decode().replace("<", "\\u003c")
    return HTMLResponse(_TEMPLATE.replace("__GRIDQL_CONFIG__", blob))


def assets_route(settings: Settings) -> Mount:
    """The installed copy; check_dir off, as `gridql graphiql install` may run after the server starts."""
    return Mount(ASSETS_PATH, StaticFiles(directory=folder(settings), check_dir=False))
