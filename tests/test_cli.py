"""`gridql parse` turns a file downloaded from an ISO into JSON lines; `gridql schema` prints the SDL;
an operator's mistake is one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bench.server import Server
from gridql.adapters.config import Settings
from gridql.graph.cli import build_parser, main
from gridql.graph.schema import sdl

from .conftest import SAMPLES

REPO = Path(__file__).resolve().parents[1]
BIG_SAMPLE = SAMPLES / "caiso/oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip"  # megabytes of JSON lines


def gridql(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`gridql ARGS` in its own process, as an operator runs it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRIDQL_")}
    return subprocess.run(
        [sys.executable, "-m", "gridql.graph.cli", *args],
        cwd=REPO,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_operator_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Non-zero exit, and stderr is exactly one line starting `gridql:` (no traceback) naming `fragments`."""
    assert result.returncode not in (0, None), result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridql: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_parse_prints_normalized_records_with_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    path = SAMPLES / "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv"
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
        "version": None,  # NYISO publishes one version of its day-ahead prices
        "published_at": None,
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
    with Server() as server:
        health = httpx.get(f"{server.url}/healthz", timeout=1).json()
        assert health["isos"] == ["PJM", "ERCOT", "CAISO", "NYISO"]
        # the MIS, and www.nyiso.com for the interconnection queue workbook
        closed = {"circuit": "closed", "failures": 0}
        assert health["upstream"]["NYISO"] == {"mis": closed, "www": closed}
        answer = httpx.post(f"{server.url}/graphql", json={"query": QUERY}, timeout=30).json()
        assert answer["data"]["node"]["name"] == "N.Y.C."
        assert len(answer["data"]["node"]["prices"]) == 23
        assert answer["extensions"]["gridql"]["sandbox"] is True


def test_shutdown_lets_a_request_in_flight_finish() -> None:
    with Server(latency=3) as server, concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(httpx.post, f"{server.url}/graphql", json={"query": QUERY}, timeout=30)
        time.sleep(1.0)  # by now the request waits on the slow (3 s) sandbox upstream
        server.process.send_signal(signal.SIGTERM)
        answer = pending.result()
        assert answer.status_code == 200
        assert len(answer.json()["data"]["node"]["prices"]) == 23
        # uvicorn finishes in-flight requests, then exits by the signal it was sent.
        assert server.process.wait(timeout=10) in (0, -signal.SIGTERM)


# Every recorded sample of a feed gridql serves, with the feed that parses it.
SAMPLE_FEEDS = {
    "nyiso/pyiso_lmp.csv": ("NYISO", "realtime"),
    "nyiso/vincal848_realtime_zone_20251102_CAPITL.csv": ("NYISO", "realtime"),
    "nyiso/vincal848_realtime_zone_20211107_CAPITL_trimmed.csv": ("NYISO", "realtime"),
    "nyiso/vincal848_damlbmp_zone_20251102_trimmed.csv": ("NYISO", "damlbmp"),
    "nyiso/pyiso_20171122pal.csv": ("NYISO", "pal"),
    "nyiso/vincal848_pal_20251102_CAPITL_trimmed.csv": ("NYISO", "pal"),
    "nyiso/pyiso_20171122isolf.csv": ("NYISO", "isolf"),
    "nyiso/vincal848_isolf_20251102_trimmed.csv": ("NYISO", "isolf"),
    "nyiso/pyiso_20171122rtfuelmix.csv": ("NYISO", "rtfuelmix"),
    "nyiso/pyiso_20171122ExternalLimitsFlows.csv": ("NYISO", "ExternalLimitsFlows"),
    "nyiso/vincal848_tcc_nodal_prices_20260827.csv": ("NYISO", "TCC-Nodal-Price"),
    "nyiso/vincal848_tcc_nodal_prices_20060920.csv": ("NYISO", "TCC-Nodal-Price"),
    "nyiso/vincal848_tcc_awards_20261001.csv": ("NYISO", "TCC-Summary-of-Awards"),
    "pjm/dm2_da_hrl_lmps_hubs_2025-05-01_2025-05-02.csv": ("PJM", "da_hrl_lmps"),
    "pjm/dm2_rt_hrl_lmps_hubs_2025-05-01_2025-05-02.csv": ("PJM", "rt_hrl_lmps"),
    "pjm/gridstatus_da_marginal_value_2023-11-05_2023-11-07.json": ("PJM", "da_marginal_value"),
    "pjm/gridstatus_da_marginal_value_2024-09-02_2024-09-04.json": ("PJM", "da_marginal_value"),
    "pjm/gridstatus_da_transconstraints_2023-11-05_2023-11-07.json": ("PJM", "da_transconstraints"),
    "pjm/gridstatus_hourly_solar_power_forecast_response.json": ("PJM", "hourly_solar_power_forecast"),
    "ercot/mis_np6-788-cd_LMPSROSNODENP6788_20260625_004018_trimmed.csv": ("ERCOT", "NP6-788-CD"),
    "ercot/api_np3-911-er_2_Day_AS_Disclosure_20241018.zip": ("ERCOT", "NP3-911-ER"),
    "ercot/api_np3-911-er_2d_Cleared_DAM_AS_REGUP-18-OCT-24.csv": ("ERCOT", "NP3-911-ER"),
    "caiso/pyiso_sld_forecast.xml": ("CAISO", "SLD_FCST"),
    "caiso/pyiso_ene_slrs.xml": ("CAISO", "ENE_SLRS"),
    "caiso/pyiso_sld_ren_forecast.xml": ("CAISO", "SLD_REN_FCST"),
    "caiso/pyiso_20171104_DailyRenewablesWatch.txt": ("CAISO", "DailyRenewablesWatch"),
    "caiso/pyiso_20171106_DailyRenewablesWatch.txt": ("CAISO", "DailyRenewablesWatch"),
    "caiso/oasis_PRC_LMP_DAM_all_apnodes_20200102_gmt.zip": ("CAISO", "PRC_LMP"),
    "caiso/20250219_20250227_SLD_FCST_7DA_20250221_01_09_58_v1.zip": ("CAISO", "SLD_FCST"),
    "caiso/20250204_20250211_SLD_REN_FCST_DAM_20250214_04_52_10_v1.zip": ("CAISO", "SLD_REN_FCST"),
}


def test_every_recorded_sample_is_run_from_the_command_line() -> None:
    recorded = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file() and p.name != "MANIFEST.md"}
    # The archive listing is how NP3-911-ER documents are found, not a report body.
    assert recorded - set(SAMPLE_FEEDS) == {"ercot/api_archive_np3-911-er_listing_2024-10-18.json"}


@pytest.mark.parametrize("sample", sorted(SAMPLE_FEEDS))
def test_every_recorded_sample_parses_from_the_command_line(sample: str, capsys: pytest.CaptureFixture[str]) -> None:
    iso, feed = SAMPLE_FEEDS[sample]
    assert main(["parse", iso, feed, str(SAMPLES / sample)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines, sample
    for line in lines:
        for key in ("start", "end", "published_at"):
            if line.get(key):
                assert line[key].endswith("+00:00"), (sample, key, line[key])  # instants carry their offset


def test_parse_of_a_missing_file_is_one_line() -> None:
    assert_operator_error(gridql("parse", "NYISO", "damlbmp", "no-such-file.csv"), "no-such-file.csv", "No such file")


def test_parse_into_a_closed_pipe_is_one_line() -> None:
    """`gridql parse ... | head -1`: the reader goes away after one line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gridql.graph.cli", "parse", "CAISO", "PRC_LMP", str(BIG_SAMPLE)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["node"]
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert_operator_error(subprocess.CompletedProcess(process.args, code, "", stderr), "broken pipe")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--port", "abc"], ["--port", "not a port number: 'abc'"]),
        (["--port", "0"], ["--port", "between 1 and 65535"]),
        (["--port", "70000"], ["--port", "between 1 and 65535"]),
        (["--sandbox-latency", "-1"], ["--sandbox-latency", "negative"]),
        (["--log-level", "loud"], ["--log-level", "invalid choice"]),
        (["--no-such-option"], ["unrecognized arguments"]),
    ],
)
def test_serve_refuses_bad_options_in_one_line(args: list[str], fragments: list[str]) -> None:
    result = gridql("serve", "--sandbox", *args)
    line = assert_operator_error(result, *fragments)
    assert result.returncode == 2  # argparse's usage-error code
    assert line.startswith("gridql: serve: ") or "unrecognized" in line  # extra words are the top parser's


def test_serve_refuses_a_bad_faults_spec() -> None:
    assert_operator_error(gridql("serve", "--sandbox", "--faults", "NYISO=bogus"), "--faults", "'NYISO=bogus'")
    env = {"GRIDQL_SANDBOX_FAULTS": "MISO=503"}
    assert_operator_error(gridql("serve", "--sandbox", "--port", str(free_port()), env=env), "GRIDQL_SANDBOX_FAULTS")


@pytest.mark.parametrize(
    ("name", "value"),
    [("GRIDQL_CACHE_TTL", "abc"), ("GRIDQL_RETRIES", "abc"), ("GRIDQL_RETRIES", "-1"), ("GRIDQL_MAX_COST", "1.5")],
)
def test_serve_refuses_a_bad_environment_value(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    try:
        Settings.from_env()
    except ValueError:
        pass
    else:  # adapters/config.py decides what it refuses; the CLI's part is to report it in one line
        pytest.skip(f"Settings.from_env accepts {name}={value}")
    result = gridql("serve", "--sandbox", "--port", str(free_port()), env={name: value})
    line = assert_operator_error(result, "bad environment setting", name)
    assert value in line


def test_a_bad_environment_value_is_reported_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever ValueError Settings.from_env raises (e.g. once it checks GRIDQL_RETRIES >= 0) is one line."""

    def refuse(**overrides: object) -> Settings:
        raise ValueError("GRIDQL_RETRIES must be 0 or more, not -1")

    monkeypatch.setattr(Settings, "from_env", staticmethod(refuse))
    assert main(["serve", "--sandbox"]) == 1
    assert capsys.readouterr().err == "gridql: bad environment setting: GRIDQL_RETRIES must be 0 or more, not -1\n"


def test_serve_on_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = gridql("serve", "--sandbox", "--port", str(port))
    assert_operator_error(result, f"127.0.0.1:{port}", "already in use")


def test_version() -> None:
    result = gridql("--version")
    assert result.returncode == 0 and result.stdout.strip() == "gridql 0.1.0"


def test_a_missing_command_is_one_line() -> None:
    assert_operator_error(gridql(), "required")
    assert_operator_error(gridql("keys"), "keys: ", "required")


def test_every_option_has_help() -> None:
    def walk(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found.extend(walk(sub))
            else:
                found.append((parser.prog, action))
        return found

    actions = walk(build_parser())
    assert len(actions) > 20
    missing = [(prog, action.dest) for prog, action in actions if not action.help]
    assert missing == []


def test_serve_with_two_workers_spreads_connections_over_both() -> None:
    """Each worker binds the port with SO_REUSEPORT: the kernel, not a race to accept, picks the worker."""
    with Server(workers=2) as server:
        answered = {httpx.get(f"{server.url}/healthz").json()["pid"] for _ in range(40)}
        response = httpx.post(f"{server.url}/graphql", json={"query": "{ markets { iso } }"})
    assert len(answered) == 2 and server.process.pid not in answered
    assert response.json()["data"]["markets"]
