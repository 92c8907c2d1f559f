"""`gridql parse` turns a file downloaded from an ISO into JSON lines; `gridql schema` prints the SDL."""

from __future__ import annotations

import concurrent.futures
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph.cli import main
from graph.schema import sdl

from .conftest import REPO


def test_parse_prints_normalized_records_with_offsets(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = samples / "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv"
    assert main(["parse", "NYISO", "damlbmp", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 50
    assert lines[0] == {
        "node": "61757",
        "start": "2025-11-02T04:00:00+00:00",
        "end": "2025-11-02T05:00:00+00:00",
        "lmp": 49.96,
        "energy": 48.6,
        "congestion": 0.0,
        "loss": 1.36,
    }


def test_parse_lists_feeds_and_refuses_unknown_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--list"]) == 0
    listing = capsys.readouterr().out
    for feed in ("damlbmp", "realtime", "rtlbmp"):
        assert feed in listing
    assert main(["parse", "NYISO", "nope", "file.csv"]) == 2
    assert "no feed 'nope' for 'NYISO'" in capsys.readouterr().err


def test_parse_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "page.html"
    bad.write_text("<html>maintenance</html>")
    assert main(["parse", "NYISO", "realtime", str(bad)]) == 1
    assert "NYISO: LBMP file has no 'Time Stamp' column" in capsys.readouterr().err


def test_schema_command_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == sdl()


QUERY = '{ node(id: "NYISO:61761") { name prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09") { lmp } } }'


def test_serve_sandbox_answers_over_http() -> None:
    """`gridql serve --sandbox` as a user runs it: a real uvicorn process on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--sandbox", "--port", str(port), "--log-level", "warning"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        assert health.json()["isos"] == ["PJM", "ERCOT", "CAISO", "NYISO"]
        assert health.json()["upstream"]["NYISO"] == {"circuit": "closed", "failures": 0}
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": QUERY},
            timeout=30,
        ).json()
        assert answer["data"]["node"]["name"] == "N.Y.C."
        assert len(answer["data"]["node"]["prices"]) == 23
        assert answer["extensions"]["gridql"]["sandbox"] is True
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_shutdown_lets_a_request_in_flight_finish() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "serve",
            "--sandbox",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--sandbox-latency",
            "1.5",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(httpx.post, f"{base}/graphql", json={"query": QUERY}, timeout=30)
            time.sleep(0.5)  # the request waits on the slow sandbox upstream
            server.send_signal(signal.SIGTERM)
            answer = pending.result()
        assert answer.status_code == 200
        assert len(answer.json()["data"]["node"]["prices"]) == 23
        # uvicorn finishes in-flight requests, then exits by the signal it was sent.
        assert server.wait(timeout=10) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
