from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The ISOs' own responses, copied from ../shared/iso-samples with their provenance (MANIFEST.md),
# so a fresh clone tests without ../shared; GRIDQL_SAMPLES_DIR points the tests elsewhere.
SAMPLES = Path(os.environ.get("GRIDQL_SAMPLES_DIR", REPO / "tests" / "recorded"))
# Hand-made bodies in the ISOs' formats (error answers, edge cases): tests/fixtures/<iso>/.
FIXTURES = REPO / "tests" / "fixtures"
# Tests that read settings from the environment must not archive into the user's data directory;
# the archive's own tests name their store.
os.environ["GRIDQL_ARCHIVE"] = "off"
