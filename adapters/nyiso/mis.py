"""Where NYISO keeps its public MIS files, and how a response body holds them.

Every dataset lives in one folder: `<dataset>/<YYYYMMDD><dataset><suffix>.csv` for a day, and
`<dataset>/<YYYYMM01><dataset><suffix>_csv.zip` for a month (one CSV per day inside). The current
month's archive is assumed to grow day by day, as gridstatus reads date ranges of it (unverified).
"""

from __future__ import annotations

import email.utils
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

import httpx

from ..errors import UpstreamBadResponse
from ..model import ISO, Window

EASTERN = ZoneInfo("America/New_York")
BASE_URL = "https://mis.nyiso.com/public/csv"


@dataclass(frozen=True, slots=True)
class Unit:
    """One file to fetch: a day's CSV, or the archive of the month starting `first`."""

    first: date
    monthly: bool

    def name(self, dataset: str, suffix: str = "") -> str:
        return f"{self.first:%Y%m%d}{dataset}{suffix}{'_csv.zip' if self.monthly else '.csv'}"

    def may_be_unpublished(self, today: date) -> bool:
        """A file that covers today or later may not be posted yet; an older one must exist."""
        if self.monthly:
            return self.first >= today.replace(day=1)
        return self.first >= today


def file_url(dataset: str, unit: Unit, suffix: str = "") -> str:
    return f"{BASE_URL}/{dataset}/{unit.name(dataset, suffix)}"


def units(window: Window, today: date) -> list[Unit]:
    """The files serving `window`: one archive per month, so a 45-day query asks for at most one
    file per month; a lone day of the current or a later month comes from its daily CSV, which is
    fresher than the archive and a fraction of its size."""
    days = window.local_days(EASTERN)
    this_month = today.replace(day=1)
    chosen: list[Unit] = []
    for month, in_month in groupby(days, key=lambda d: d.replace(day=1)):
        month_days = list(in_month)
        if month >= this_month and len(month_days) == 1:
            chosen.append(Unit(month_days[0], monthly=False))
        else:
            chosen.append(Unit(month, monthly=True))
    return chosen


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


def last_modified(response: httpx.Response) -> datetime | None:
    value = response.headers.get("Last-Modified")
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def member_day(name: str) -> date | None:
    """The date a member's name starts with (`20251102isolf.csv`), if it does."""
    stem = name.rsplit("/", 1)[-1][:8]
    if not stem.isdigit():
        return None
    try:
        return date(int(stem[:4]), int(stem[4:6]), int(stem[6:8]))
    except ValueError:
        return None
