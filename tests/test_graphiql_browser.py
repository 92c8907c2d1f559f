"""GraphiQL in a real browser: the sandbox server in a child process, Debian's chromium headless and
offline (tests/browser.py), the assets as `gridql graphiql install` left them.

Locally these skip without chromium or an installed copy; in CI (CI or GRIDQL_BROWSER_TESTS=1, as
.ci/run sets) either missing is a failure, so the test cannot pass by not running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gridql.graph import graphiql_assets
from gridql.graph.access import add_key
from gridql.graph.graphiql import KEY_PLACEHOLDER

from .browser import Browser, chromium, free_port
from .conftest import REPO

REQUIRED = bool(os.environ.get("CI")) or os.environ.get("GRIDQL_BROWSER_TESTS") == "1"
ARTIFACTS = Path(os.environ.get("GRIDQL_ARTIFACTS") or REPO / "artifacts")
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESPONSE = ".graphiql-response .CodeMirror"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason}: the browser test must run in CI")
    pytest.skip(reason)


@pytest.fixture
def binary() -> str:
    found = chromium()
    if found is None:
        _unavailable("no chromium (apt-get install chromium)")
    assert found is not None
    return found


@pytest.fixture
def assets() -> Path:
    folder = graphiql_assets.default_folder()
    if not graphiql_assets.installed(folder):
        _unavailable(f"GraphiQL is not installed in {folder} (gridql graphiql install)")
    return folder


class Server:
    """`gridql serve --sandbox` on loopback, with the environment given."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gridql.graph.cli", "serve", "--sandbox", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"],
            cwd=REPO,
            env={**os.environ, "GRIDQL_ARCHIVE": "off", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("gridql serve --sandbox did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()


@pytest.fixture
def served(assets: Path) -> Iterator[Server]:
    server = Server(GRIDQL_GRAPHIQL_ASSETS=str(assets))
    yield server
    server.stop()


def _editor_text(browser: Browser, selector: str) -> str:
    text = browser.wait_for(f"document.querySelector({json.dumps(selector)})?.CodeMirror?.getValue()")
    return str(text)


# The Headers editor: the one of the editor tools whose text names Authorization.
HEADERS = (
    "[...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map(e => e.CodeMirror)"
    ".find(c => c.getValue().includes('Authorization'))"
)


def _run(browser: Browser) -> dict[str, object]:
    """Press Run and wait for the answer in the response pane."""
    browser.click(".graphiql-execute-button")
    text = browser.wait_for(
        f"(() => {{ const v = document.querySelector({json.dumps(RESPONSE)})?.CodeMirror?.getValue();"
        " try { return v && JSON.parse(v) && v; } catch (e) { return null; } })()",
        timeout=60,
    )
    answer: dict[str, object] = json.loads(text)
    return answer


def test_graphiql_runs_the_example_offline(binary: str, served: Server) -> None:
    with Browser(binary) as browser:
        browser.open(f"{served.url}/graphql")
        browser.wait_for("document.querySelector('.graphiql-container') !== null")
        query = _editor_text(browser, QUERY_EDITOR)
        assert "query SpringForward" in query and 'date: "2025-03-09"' in query
        tabs = browser.evaluate("[...document.querySelectorAll('.graphiql-tab')].map(t => t.textContent)")
        assert len(tabs) == 4, tabs
        answer = _run(browser)
        try:
            assert "errors" not in answer, answer["errors"]
            nodes = answer["data"]["nodes"]  # type: ignore[index]
            assert sorted(node["id"].split(":")[0] for node in nodes) == ["CAISO", "ERCOT", "NYISO", "PJM"]
            assert all(len(node["prices"]) == 23 for node in nodes)  # the spring-forward day
            # Everything the page loaded came from this server: nothing from a CDN.
            assert all(url.startswith((served.url, "data:")) for url in browser.requested()), browser.requested()
        finally:
            browser.screenshot(ARTIFACTS / "graphiql.png")


def test_with_client_keys_the_page_opens_without_one(binary: str, assets: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    key = add_key(keys, "browser", None)
    server = Server(GRIDQL_GRAPHIQL_ASSETS=str(assets), GRIDQL_API_KEYS_FILE=str(keys))
    try:
        assert httpx.get(f"{server.url}/graphql", params={"query": "{ markets { iso } }"}).status_code == 401
        with Browser(binary) as browser:
            browser.open(f"{server.url}/graphql")
            headers = browser.wait_for(f"{HEADERS}?.getValue()")
            assert json.loads(headers) == {"Authorization": KEY_PLACEHOLDER}
            refused = _run(browser)
            assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
            browser.screenshot(ARTIFACTS / "graphiql-keys.png")  # the placeholder, before a key is typed in
            typed = json.dumps({"Authorization": f"Bearer {key}"})
            browser.evaluate(f"{HEADERS}.setValue({json.dumps(typed)})")
            browser.evaluate(f"document.querySelector({json.dumps(RESPONSE)}).CodeMirror.setValue('')")
            answer = _run(browser)
            assert "errors" not in answer and len(answer["data"]["nodes"]) == 4  # type: ignore[arg-type,index]
    finally:
        server.stop()


def test_without_any_copy_the_page_says_so(binary: str, tmp_path: Path) -> None:
    server = Server(GRIDQL_GRAPHIQL_ASSETS=str(tmp_path / "none"))
    try:
        with Browser(binary) as browser:
            browser.open(f"{server.url}/graphql")
            message = browser.wait_for("document.querySelector('[role=alert]')?.textContent")
            assert "GraphiQL could not start" in message and "gridql graphiql install" in message
            assert "unpkg.com" in message
            browser.screenshot(ARTIFACTS / "graphiql-unavailable.png")
    finally:
        server.stop()
