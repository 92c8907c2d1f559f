"""Helpers the sandbox's queue workbooks share: a workbook from sheets of rows, and synthetic projects."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl import Workbook


def xlsx(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with these sheets, in order, each its rows."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Project:
    """A synthetic project, written into each ISO's own layout by that ISO's sandbox."""

    number: int
    fuel: str  # "solar", "wind", "storage", "gas", "solar+storage"
    mw: float
    county: str
    state: str
    queued: date
    in_service: date
    kind: str  # "active", "withdrawn", "completed", "suspended"


_FUELS = ("solar", "wind", "storage", "gas", "solar+storage", "solar", "storage", "wind")
_KINDS = ("active", "active", "active", "withdrawn", "completed", "active", "suspended", "withdrawn")


def projects(today: date, counties: Sequence[tuple[str, str]]) -> list[Project]:
    """Eight projects, one per fuel/status pairing above, in the given (county, state)s."""
    out = []
    for i, (fuel, kind) in enumerate(zip(_FUELS, _KINDS, strict=True)):
        county, state = counties[i % len(counties)]
        queued = today.replace(day=1) - timedelta(days=200 * (i + 1))
        out.append(
            Project(i + 1, fuel, 20.0 * (i + 1) + 0.5, county, state, queued, queued + timedelta(days=1200), kind)
        )
    return out
