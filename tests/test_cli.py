"""`gridql parse` turns a file downloaded from an ISO into JSON lines; `gridql schema` prints the SDL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.cli import main
from graph.schema import sdl


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
