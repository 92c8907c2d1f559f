"""Workbooks (xlsx) as the ISOs post them, read into rows of cell values: capacity auction results."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from .errors import UpstreamBadResponse
from .model import ISO


def sheet_rows(iso: ISO, body: bytes, name: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of the sheet `name` (the first sheet when None), as cell values."""
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UpstreamBadResponse(iso, "expected an xlsx workbook, got a body that is not one") from None
    try:
        if name is not None and name not in book.sheetnames:
            raise UpstreamBadResponse(iso, f"the workbook has no sheet {name!r}; it has {', '.join(book.sheetnames)}")
        sheet = book[name] if name is not None else book.worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def all_sheets(iso: ISO, body: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows, by the sheet's name with surrounding spaces dropped (NYISO has named
    one " Cluster Projects")."""
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UpstreamBadResponse(iso, "expected an xlsx workbook, got a body that is not one") from None
    try:
        return {sheet.title.strip(): [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}
    finally:
        book.close()


def text(value: Any) -> str:
    """A cell as text, runs of whitespace made one space ("" for an empty cell)."""
    return " ".join(str(value).split()) if value is not None else ""
