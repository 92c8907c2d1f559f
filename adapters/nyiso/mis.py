"""How a MIS response body holds NYISO's CSVs: the file itself, or a month's zip of daily files."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
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
    return list(each_member(body))


def each_member(body: bytes) -> Iterator[Member]:
    """The CSVs in a body one at a time, in name (= date) order: a month's archive of generator
    prices is hundreds of MB uncompressed, so only one day's CSV is held at once."""
    if body[:4] != b"PK\x03\x04":
        yield Member("", None, body)
        return
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            infos = sorted((i for i in archive.infolist() if i.filename.lower().endswith(".csv")), key=_name)
            if not infos:
                raise UpstreamBadResponse(ISO.NYISO, "archive holds no CSV file")
            for info in infos:
                yield Member(info.filename, _stamp(info), archive.read(info))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        # A truncated download fails here: the central directory or a member's data is cut off.
        raise UpstreamBadResponse(ISO.NYISO, f"archive is not a readable zip ({exc})") from None


def _name(info: zipfile.ZipInfo) -> str:
    return info.filename


def _stamp(info: zipfile.ZipInfo) -> datetime:
    return datetime(*info.date_time, tzinfo=EASTERN).astimezone(UTC)
