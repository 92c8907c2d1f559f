"""Interconnection queues: the ISOs' queue workbooks read by header name into `InterconnectionProject`s.

A queue file is a snapshot of today's queue, not an interval series: its feed serves `feed.QueueSnapshot`,
the pipeline caches it for `SNAPSHOT_TTL` and the archive never keeps it. What is shared by the four
ISOs' parsers lives here: finding a sheet's header row, reading a row by header names that tolerate
the variants the ISOs have used, cells as dates and numbers, and one normalized fuel vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .errors import UpstreamBadResponse
from .model import ISO, QueueStatus
from .workbook import text

# The ISOs rewrite their queue files daily to monthly; six hours keeps one upstream download per
# replica for most of a working day without serving a file older than the ISO's own refresh.
SNAPSHOT_TTL = timedelta(hours=6)
# Seconds between requests to a queue file's host: one file, asked a few times a day; the ISOs
# document no pace for their web sites.
QUEUE_SPACING = 10.0

# gridql's fuel labels, the same at every ISO; the ISO's own words stay in `technology`.
FUELS: tuple[str, ...] = (
    "SOLAR",
    "WIND",
    "OFFSHORE_WIND",
    "STORAGE",
    "HYBRID",
    "GAS",
    "OIL",
    "COAL",
    "NUCLEAR",
    "HYDRO",
    "BIOMASS",
    "GEOTHERMAL",
    "HYDROGEN",
    "TRANSMISSION",
    "LOAD",
    "OTHER",
)

# Words in an ISO's fuel/technology text, in the order they are tried (the first match wins; a
# project naming two of solar, wind and storage is HYBRID).
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("OFFSHORE_WIND", ("offshore wind", "off-shore wind")),
    ("TRANSMISSION", ("transmission", "merchant", "ac line", "dc line")),
    ("LOAD", ("load",)),
    ("HYDROGEN", ("hydrogen",)),
    ("NUCLEAR", ("nuclear", "uranium")),
    ("GEOTHERMAL", ("geothermal",)),
    ("COAL", ("coal", "petcoke", "lignite")),
    ("BIOMASS", ("biomass", "wood", "methane", "landfill", "solid waste", "biogas", "bio")),
    ("HYDRO", ("hydro", "water", "pumped")),
    ("GAS", ("gas", "combined cycle", "combined-cycle", "combustion turbine", "steam turbine", "natural")),
    ("OIL", ("oil", "diesel", "dual fuel")),
)
_SOLAR = ("solar", "photovoltaic")
_WIND = ("wind",)
_STORAGE = ("storage", "battery", "batteries", "flywheel")


def fuel_of(*words: str | None) -> str:
    """gridql's label for an ISO's fuel / technology text."""
    said = " ".join(w for w in words if w).lower()
    kinds = [any(w in said for w in group) for group in (_SOLAR, _WIND, _STORAGE)]
    if "offshore wind" in said or "off-shore wind" in said:
        return "OFFSHORE_WIND"
    if sum(kinds) > 1 or "hybrid" in said:
        return "HYBRID"
    if kinds[0]:
        return "SOLAR"
    if kinds[1]:
        return "WIND"
    if kinds[2]:
        return "STORAGE"
    for label, group in _WORDS:
        if any(w in said for w in group):
            return label
    return "OTHER"


@dataclass(frozen=True, slots=True)
class QueueFile:
    """How an ISO's queue workbook is asked for: one request to `url`."""

    url: str
    method: str = "GET"


def bad(iso: ISO, message: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(iso, f"interconnection queue: {message}")


class Sheet:
    """A sheet's rows under its header row, read by header name.

    `columns` maps each field a parser reads to the header names the ISO has used for it (the
    first found wins); a field marked required whose names are all absent refuses the layout."""

    def __init__(
        self,
        iso: ISO,
        name: str,
        rows: Sequence[tuple[Any, ...]],
        columns: Mapping[str, tuple[str, ...]],
        required: Iterable[str],
        *,
        header_rows: int = 1,
        scan: int = 30,
    ) -> None:
        self.iso, self.name = iso, name
        header = None
        for i in range(min(scan, len(rows))):
            names = _names(rows[i : i + header_rows])
            if all(any(n.lower() in names for n in columns[field]) for field in required):
                header = i
                break
        if header is None:
            wanted = ", ".join(repr(columns[field][0]) for field in required)
            raise bad(iso, f"sheet {name!r} has no header row with {wanted}; the layout changed")
        self.headers = _ordered_names(rows[header : header + header_rows])
        index = {h.lower(): i for i, h in reversed(list(enumerate(self.headers))) if h}
        self.at: dict[str, int | None] = {
            field: next((index[n.lower()] for n in names if n.lower() in index), None)
            for field, names in columns.items()
        }
        self.rows = rows[header + header_rows :]
        self.first_line = header + header_rows + 1

    def value(self, row: tuple[Any, ...], field: str) -> Any:
        column = self.at[field]
        if column is None or column >= len(row):
            return None
        cell = row[column]
        return None if isinstance(cell, str) and not cell.strip() else cell

    def text(self, row: tuple[Any, ...], field: str) -> str | None:
        return text(self.value(row, field)) or None

    def extras(self, row: tuple[Any, ...]) -> dict[str, object]:
        """The row's cells under the headers no field reads, as JSON values."""
        read = {c for c in self.at.values() if c is not None}
        out: dict[str, object] = {}
        for column, header in enumerate(self.headers):
            if column in read or not header or column >= len(row) or row[column] is None:
                continue
            cell = row[column]
            if isinstance(cell, datetime):
                out[header] = (cell.date() if cell.time() == datetime.min.time() else cell).isoformat()
            elif isinstance(cell, date):
                out[header] = cell.isoformat()
            elif isinstance(cell, int | float):
                out[header] = cell
            elif text(cell):
                out[header] = text(cell)
        return out

    def day(self, row: tuple[Any, ...], field: str, line: int) -> date | None:
        """A date cell: an Excel date, or text as the ISOs type it (M/D/YYYY, YYYY-MM-DD); text
        that is no date ("TBD", "N/A") is no date."""
        cell = self.value(row, field)
        if cell is None:
            return None
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        if isinstance(cell, int | float):
            raise bad(self.iso, f"sheet {self.name!r} line {line}: {field} is the number {cell}, not a date")
        said = text(cell)
        for layout in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(said, layout).date()
            except ValueError:
                continue
        return None

    def number(self, row: tuple[Any, ...], field: str, line: int) -> float | None:
        """A MW cell: a number, or text of one; empty, "TBD" or "N/A" is none."""
        cell = self.value(row, field)
        if cell is None or isinstance(cell, bool):
            return None
        if isinstance(cell, int | float):
            return float(cell)
        said = text(cell).replace(",", "")
        try:
            return float(said)
        except ValueError:
            if said.upper() in ("TBD", "N/A", "NA", "-", "--"):
                return None
            raise bad(self.iso, f"sheet {self.name!r} line {line}: {field} {said!r} is not a number") from None


def _names(rows: Sequence[tuple[Any, ...]]) -> set[str]:
    return {n.lower() for n in _ordered_names(rows) if n}


def _ordered_names(rows: Sequence[tuple[Any, ...]]) -> list[str]:
    """Header names, a header over two rows joined by a space ("Queue" over "Pos." is "Queue Pos.")."""
    width = max((len(r) for r in rows), default=0)
    names = []
    for column in range(width):
        parts = [text(r[column]) for r in rows if column < len(r) and text(r[column])]
        names.append(" ".join(parts))
    return names


# The ISOs' status words, by what they mean (tried in order, by substring of the lowercased words).
_STATUSES: tuple[tuple[QueueStatus, tuple[str, ...]], ...] = (
    (QueueStatus.WITHDRAWN, ("withdraw", "annul", "retract", "cancel", "deactivat", "inactive", "terminat")),
    (QueueStatus.SUSPENDED, ("suspend",)),
    (QueueStatus.ACTIVE, ("partially in service", "active", "construction", "engineering", "study", "confirmed")),
    (QueueStatus.COMPLETED, ("in service", "in-service", "completed", "operational", "commercial operation")),
)


def status_of(iso: ISO, said: str | None, where: str) -> QueueStatus:
    """The normalized status of an ISO's status words; words gridql has not seen refuse the file
    rather than guess."""
    lowered = (said or "").lower()
    for status, words in _STATUSES:
        if any(w in lowered for w in words):
            return status
    raise bad(iso, f"{where}: status {said!r} is not one gridql knows; the ISO's vocabulary changed")


def state_of(said: str | None) -> str | None:
    """A state as its two-letter code, as the ISOs mostly write it."""
    if said is None:
        return None
    return _STATE_NAMES.get(said.strip().lower(), said.strip().upper())


_STATE_NAMES = {
    "texas": "TX",
    "california": "CA",
    "nevada": "NV",
    "arizona": "AZ",
    "new york": "NY",
    "pennsylvania": "PA",
    "new jersey": "NJ",
    "maryland": "MD",
    "virginia": "VA",
    "ohio": "OH",
    "illinois": "IL",
}
