"""How a MIS response body holds NYISO's CSVs: the file itself, or a month's zip of daily files."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..errors import UpstreamBadResponse
from ..model import ISO

EASTERN = ZoneInfo("America/New_York")


@dataclass(frozen=True, slots=True)
class Member:
    """One CSV of a response: the body itself, or one day's file inside a monthly archive."""

    name: str
    modified: datetime | None  # the archive's stamp for the member (Eastern wall time), as UTC
    body: bytes


def members(body: bytes) -> list[Member]:
    """The CSVs in a body, in name (= date) order; a zip is read in memory, never written to disk."""
    if body[:4] != b"PK\x03\x04":
        return [Member("", None, body)]
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            infos = sorted((i for i in archive.infolist() if i.filename.lower().endswith(".csv")), key=_name)
            if not infos:
                raise UpstreamBadResponse(ISO.NYISO, "archive holds no CSV file")
            return [Member(i.filename, _stamp(i), archive.read(i)) for i in infos]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        # A truncated download fails here: the central directory or a member's data is cut off.
        raise UpstreamBadResponse(ISO.NYISO, f"archive is not a readable zip ({exc})") from None


def _name(info: zipfile.ZipInfo) -> str:
    return info.filename


def _stamp(info: zipfile.ZipInfo) -> datetime:
    return datetime(*info.date_time, tzinfo=EASTERN).astimezone(UTC)
