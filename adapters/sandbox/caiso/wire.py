"""What every sandboxed OASIS answer is made of: the zip, the XML error report, GMT stamps,
operating-day labels, and a deterministic noise source for the synthetic values."""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

PACIFIC = ZoneInfo("America/Los_Angeles")

_STAMP = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d):(\d\d)-0000")
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)  # fixed, so the same request gives the same bytes

_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd">
<m:MessageHeader>
\t<m:TimeDate>2025-01-01T00:00:00.000Z</m:TimeDate>
\t<m:Source>OASIS</m:Source>
\t<m:Version>v20131201</m:Version>
</m:MessageHeader>
<m:MessagePayload>
<m:RTO>
<m:name>CAISO</m:name>
<m:DISCLAIMER_ITEM>
<m:DISCLAIMER>The contents of these pages are subject to change without notice. Decisions based on \
information contained within the California ISO's web site are the visitor's sole \
responsibility.</m:DISCLAIMER>
</m:DISCLAIMER_ITEM>
<m:ERROR>
<m:ERR_CODE>{code}</m:ERR_CODE>
<m:ERR_DESC>{description}</m:ERR_DESC>
</m:ERROR>

</m:RTO>
</m:MessagePayload>
</m:OASISReport>
"""


def error(code: int, description: str) -> httpx.Response:
    return zipped("INVALID_REQUEST", "xml", _ERROR.format(code=code, description=description))


def zipped(stem: str, extension: str, text: str) -> httpx.Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        member = zipfile.ZipInfo(f"{stem}.{extension}", date_time=_ZIP_TIME)
        archive.writestr(member, text.encode(), compress_type=zipfile.ZIP_DEFLATED)
    return httpx.Response(
        200,
        content=buffer.getvalue(),
        headers={
            "Content-Type": "application/x-zip-compressed",
            "Content-Disposition": f"inline; filename={stem}.{extension}.zip;",
        },
    )


def instant(text: str) -> datetime | None:
    """An OASIS startdatetime/enddatetime parameter, or None if malformed."""
    match = _STAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute = map(int, match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def gmt(t: datetime) -> str:
    return f"{t:%Y-%m-%dT%H:%M:%S}-00:00"


def intervals(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """The interval starts of length `step`, aligned to the epoch, that fall in [start, end)."""
    seconds = step.total_seconds()
    first = datetime.fromtimestamp(math.ceil(start.timestamp() / seconds) * seconds, UTC)
    return [first + i * step for i in range(max(0, math.ceil((end - first) / step)))]


def operating(t: datetime, step: timedelta, *, hourly: bool) -> tuple[str, str, str]:
    """OPR_DT, OPR_HR (hour-ending, counted from local midnight: 1..23 or 1..25 on DST days), OPR_INTERVAL."""
    day = t.astimezone(PACIFIC).date()
    hour, into = divmod(t - midnight(day), timedelta(hours=1))
    if hourly:
        return day.isoformat(), str(hour + 1), "0"
    return day.isoformat(), f"{hour + 1:02d}", str(into // step + 1)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PACIFIC).astimezone(UTC)


def local_hour(t: datetime) -> float:
    local = t.astimezone(PACIFIC)
    return local.hour + local.minute / 60


def noise(*parts: object) -> float:
    """A stable number in [0, 1) for the parts (Python's hash() is salted per process)."""
    return zlib.crc32(repr(parts).encode()) / 2**32


def daylight(hour: float) -> float:
    """0 at night, rising to 1 at 13:00 local: a solar shape."""
    return max(0.0, math.sin((hour - 6.5) / 13.0 * math.pi))


def demand_shape(hour: float) -> float:
    """About 0.75 overnight to 1.15 in the early evening: a California load shape."""
    return 0.95 + 0.2 * math.sin((hour - 11.0) / 24.0 * 2 * math.pi)
