"""Why an answer holds no rows, or fewer than asked: notices in `extensions.gridql.notices`.

An empty list alone cannot tell "no data" from "asked wrong". Every answer that is empty, or stops
short of its window, gets a notice with a code, the ISO and the field's path, decided from what the
ISO serves (`Coverage`: its retention, publication delay and cadence) and what came back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime, timedelta
from operator import attrgetter, sub
from typing import Any
from zoneinfo import ZoneInfo

from gridql.adapters.model import ISO, Coverage, Window
from gridql.adapters.timeutil import repeated_hours

from .context import Context

_START = attrgetter("start")
_END = attrgetter("end")

NOT_YET_PUBLISHED = "NOT_YET_PUBLISHED"  # a future or not-yet-posted interval
OUTSIDE_RETENTION = "OUTSIDE_RETENTION"  # older than the upstream keeps
NO_DATA = "NO_DATA"  # the ISO answered and had none
PARTIAL = "PARTIAL"  # rows for part of the window only, for none of the reasons above
REPEATED_HOUR_BY_ORDER = "REPEATED_HOUR_BY_ORDER"  # rows of a repeated hour the file does not tell apart
NOT_IMPORTED = "NOT_IMPORTED"  # published as a document: the archive holds none of the window
NO_SUCH_MARKET = "NO_SUCH_MARKET"  # the ISO holds no market for it (ERCOT's and CAISO's capacity): never any rows
FROM_ARCHIVE = "FROM_ARCHIVE"  # rows older than the ISO keeps: served from gridql's own archive
ARCHIVE_UNAVAILABLE = "ARCHIVE_UNAVAILABLE"  # the archive could not be reached: answered from the ISO, not archived


def explain(
    context: Context,
    iso: ISO,
    path: Sequence[str | int],
    what: str,
    window: Window,
    records: Sequence[Any],
    coverage: Coverage,
    *,
    sparse: bool = False,
) -> None:
    """Add a notice when `records` leave part of `window` unexplained. `sparse`: the dataset has
    rows only where something happened (binding constraints), so gaps are not notable."""
    found = [_reason(what, window, records, coverage, sparse), _archived(records, coverage)]
    if coverage.repeated_hour is not None and records:
        found.append(_repeated_hour(context.market(iso).tz, records, coverage.repeated_hour))
    stats = context.stats.isos.get(iso)
    if stats is not None and stats.archive_unavailable:
        found.append((ARCHIVE_UNAVAILABLE, _ARCHIVE_UNAVAILABLE))
    for code, message in filter(None, found):
        context.notices.append(
            {"iso": iso.value, "path": list(path), "code": code, "message": f"{iso.value} {what}: {message}"}
        )


_ARCHIVE_UNAVAILABLE = (
    "the archive could not be reached: answered from the ISO (at its pace, within its retention), "
    "and what was fetched is not archived"
)


def no_market(context: Context, iso: ISO, path: Sequence[str | int], what: str, why: str) -> None:
    """The ISO has no market for `what`: an empty answer that is complete, not a gap."""
    context.notices.append(
        {"iso": iso.value, "path": list(path), "code": NO_SUCH_MARKET, "message": f"{iso.value} {what}: {why}"}
    )


def _archived(records: Sequence[Any], coverage: Coverage) -> tuple[str, str] | None:
    """Rows from before the ISO's retention can only have come from the archive: say so, since
    the ISO itself could no longer be asked to check them."""
    earliest = coverage.earliest
    if coverage.retention is None or earliest is None or not records or records[0].start >= earliest:
        return None
    return FROM_ARCHIVE, (
        f"rows before {_at(earliest)} are older than the ISO keeps ({_span(coverage.retention)}): served from "
        "gridql's archive, as fetched then"
    )


def _repeated_hour(tz: ZoneInfo, records: Sequence[Any], how: str) -> tuple[str, str] | None:
    """Records are ordered by start: a bisection per fall-back day finds whether any is in its
    repeated hour."""
    for lo, hi in repeated_hours(tz, records[0].start, records[-1].end):
        first = bisect_left(records, lo, key=_START)
        if first < len(records) and records[first].start < hi:
            return REPEATED_HOUR_BY_ORDER, f"{_at(lo)} - {_at(hi)} is the repeated hour: {how}"
    return None


def _reason(
    what: str, window: Window, records: Sequence[Any], coverage: Coverage, sparse: bool
) -> tuple[str, str] | None:
    earliest, latest = coverage.earliest, coverage.latest
    if not records:
        if latest is not None and window.start >= latest:
            return NOT_YET_PUBLISHED, (
                f"{_at(window.start)} onwards is not published yet: the ISO posts each interval about "
                f"{_span(coverage.delay)} after it starts, so far up to about {_at(latest)}"
            )
        if coverage.document is not None:
            return NOT_IMPORTED, (
                f"the ISO publishes it as a document, {coverage.document}, which gridql does not fetch; the "
                f"archive holds none of {_at(window.start)} - {_at(window.end)}: load the file with `gridql import`"
            )
        if earliest is not None and window.end <= earliest:
            kept = f"keeps {_span(coverage.retention)}" if coverage.retention is not None else "serves"
            return OUTSIDE_RETENTION, f"older than the ISO {kept}: it serves from about {_at(earliest)}"
        return NO_DATA, f"the ISO answered with no rows for {_at(window.start)} - {_at(window.end)}"
    first = records[0].start  # records are ordered by start
    if first <= window.start and records[-1].end >= window.end:
        return None  # covered at both ends: no gap for a reason below to explain
    # map over attrgetters runs in C: rows by the thousand.
    last = max(map(_END, records))
    step = min(map(sub, map(_END, records), map(_START, records)))
    if latest is not None and window.end - last > step and latest < window.end:
        return NOT_YET_PUBLISHED, f"served up to {_at(last)}; later intervals are not published yet"
    if earliest is not None and first - window.start > step and earliest > window.start:
        return OUTSIDE_RETENTION, f"served from {_at(first)}: earlier intervals are older than the ISO keeps"
    if not sparse and (first - window.start > step or window.end - last > step):
        return (
            PARTIAL,
            f"the ISO has rows for {_at(first)} - {_at(last)} only, of {_at(window.start)} - {_at(window.end)}",
        )
    return None


def _at(instant: datetime) -> str:
    return instant.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _span(length: timedelta | None) -> str:
    if length is None:
        return "no documented limit"
    seconds = int(abs(length.total_seconds()))
    ahead = " ahead" if length < timedelta(0) else ""
    if seconds and seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}{ahead}"
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600} h{ahead}"
    return f"{seconds // 60} min{ahead}"
