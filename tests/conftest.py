from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def samples_dir() -> Path:
    return Path(os.environ.get("GRIDQL_SAMPLES_DIR", REPO.parent / "shared" / "iso-samples"))


@pytest.fixture
def samples() -> Path:
    path = samples_dir()
    if not path.is_dir():
        pytest.fail(f"recorded ISO samples not found at {path}; set GRIDQL_SAMPLES_DIR")
    return path
