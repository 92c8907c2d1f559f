"""An offline NYISO MIS: daily CSVs and monthly zips of every served report, and the generator
list, in NYISO's own layout, published as NYISO publishes them.

- `https://mis.nyiso.com/public/csv/<folder>/<YYYYMMDD><folder>[_zone|_gen].csv`: one day;
  `.../<YYYYMM01><folder>[_zone|_gen]_csv.zip`: the month's daily CSVs, growing day by day.
- Day-ahead reports (damlbmp, damasp, DAMLimitingConstraints) of day D are posted whole at 11:00
  Eastern on D-1; the load forecast (isolf) dated D at 10:45 on D-1; real-time reports grow
  through their day, a row once its interval is over. Anything not posted yet answers 404.
- Today's real-time 5-minute LBMP file, like NYISO's, carries RTC's advisory prices after its
  last RTD interval: one row per quarter-hour from the next quarter-hour on, 2.5 hours ahead (RTC's
  horizon), within the day; they are RTC's own numbers, not what RTD prints later.
- Daily CSVs are a short-lived copy: one older than `DAILY_CSV_DAYS` answers 404, while every
  month's archive stays (NYISO documents no lifetime for its daily files; gridstatus treats them
  as hosted for the last 7 days only).
"""

from __future__ import annotations

import email.utils
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx

from ...model import MarketRun
from ...nyiso.nodes import EXTERNAL, ZONES
from .. import synthetic
from . import queue, reports
from .reports import EASTERN

__all__ = ["PRICE_COLUMNS", "day_csv", "transport"]

PRICE_COLUMNS: tuple[str, ...] = ("LBMP ($/MWHr)",)

# Plausible generators, one group per zone, under made-up PTIDs in NYISO's generator range.
GENERATORS: dict[str, tuple[str, str]] = {
    str(323500 + i): (f"SANDBOX {zone.replace(' ', '_')} GEN {k + 1}", zone)
    for i, (zone, k) in enumerate((zone, k) for zone in ZONES.values() for k in range(5))
}

RUNS = {
    "damlbmp": MarketRun.DAY_AHEAD_HOURLY,
    "realtime": MarketRun.REAL_TIME_5_MIN,
    "rtlbmp": MarketRun.REAL_TIME_HOURLY,
}
DAY_AHEAD = {"damlbmp", "damasp", "DAMLimitingConstraints"}
HEADER = (
    '"Time Stamp","Name","PTID","LBMP ($/MWHr)","Marginal Cost Losses ($/MWHr)","Marginal Cost Congestion ($/MWHr)"\r\n'
)
HOST = "mis.nyiso.com"
FILE = re.compile(r"^/public/csv/(damlbmp|realtime|rtlbmp)/(\d{8})\1_(zone|gen)(\.csv|_csv\.zip)$")
SERIES_FILE = re.compile(r"^/public/csv/(\w+)/(\d{8})\1(\.csv|_csv\.zip)$")
NOT_FOUND = "<html><body>404 Not Found</body></html>"
DAILY_CSV_DAYS = 10
RTC_HORIZON = timedelta(hours=2, minutes=30)
QUARTER = timedelta(minutes=15)

DayFile = Callable[[date, datetime | None], bytes]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC)


def _points(variant: str) -> list[tuple[str, str]]:
    if variant == "zone":
        return sorted([(name, ptid) for ptid, name in {**ZONES, **EXTERNAL}.items()])
    return sorted((name, ptid) for ptid, (name, _) in GENERATORS.items())


def day_csv(folder: str, variant: str, day: date, until: datetime | None = None) -> bytes:
    """A day's LBMP file; real-time ones hold the intervals over by `until`, the 5-minute one then
    RTC's advisory rows."""
    run = RUNS[folder]
    step = timedelta(minutes=5) if run is MarketRun.REAL_TIME_5_MIN else timedelta(hours=1)
    start = _midnight(day)
    end = _midnight(day + timedelta(days=1))
    if until is not None and run is not MarketRun.DAY_AHEAD_HOURLY:
        end = min(end, until - step + timedelta(microseconds=1))
    points = _points(variant)
    out = [HEADER]
    t = start
    while t < end:
        local = t.astimezone(EASTERN)
        if run is MarketRun.REAL_TIME_5_MIN:  # interval-ending stamps, with seconds
            label = (t + step).astimezone(EASTERN).strftime("%m/%d/%Y %H:%M:%S")
        else:
            label = local.strftime("%m/%d/%Y %H:%M")
        hour = local.hour + local.minute / 60
        for name, ptid in points:
            energy, congestion, loss = synthetic.price(ptid, run.value, t, hour)
            lmp = energy + congestion + loss
            out.append(f'"{label}","{name}",{ptid},{lmp:.2f},{loss:.2f},{-congestion + 0.0:.2f}\r\n')
        t += step
    if run is MarketRun.REAL_TIME_5_MIN and t < _midnight(day + timedelta(days=1)):
        out += _advisory(points, t, _midnight(day + timedelta(days=1)))
    return "".join(out).encode()


def _advisory(points: list[tuple[str, str]], last_end: datetime, day_end: datetime) -> list[str]:
    """RTC's advisory rows after the last RTD interval (ending `last_end`): interval-ending stamps
    at each quarter-hour after it, up to RTC's horizon and the day's end."""
    rows: list[str] = []
    end = last_end.replace(minute=last_end.minute - last_end.minute % 15, second=0, microsecond=0) + QUARTER
    while end <= min(last_end + RTC_HORIZON, day_end):
        label = end.astimezone(EASTERN).strftime("%m/%d/%Y %H:%M:%S")
        local = (end - QUARTER).astimezone(EASTERN)
        for name, ptid in points:
            energy, congestion, loss = synthetic.price(ptid, "RTC", end - QUARTER, local.hour + local.minute / 60)
            lmp = energy + congestion + loss
            rows.append(f'"{label}","{name}",{ptid},{lmp:.2f},{loss:.2f},{-congestion + 0.0:.2f}\r\n')
        end += QUARTER
    return rows


def _opens(folder: str, day: date) -> datetime:
    """When a day's file first appears on the MIS."""
    if folder == "isolf":
        return reports.isolf_published(day)
    if folder in DAY_AHEAD:
        return _midnight(day) - timedelta(hours=13)  # 11:00 the day before (EDT or EST alike)
    return _midnight(day)


def _written(folder: str, day: date, now: datetime) -> datetime:
    """When a day's file was last written, as of `now`: real-time files until their day is over."""
    opens = _opens(folder, day)
    if folder == "isolf" or folder in DAY_AHEAD:
        return opens
    return min(now, _midnight(day + timedelta(days=1)) + timedelta(minutes=10))


def generator_csv() -> bytes:
    lines = ['"Generator Name","Generator PTID","Zone","Subzone","Latitude","Longitude","Active"\r\n']
    for ptid, (name, zone) in GENERATORS.items():
        lines.append(f'"{name}",{ptid},"{zone}","","","","Y"\r\n')
    return "".join(lines).encode()


class Mis:
    """The MIS as of a clock's "now"."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock

    def respond(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        queued = queue.answer(request, self.clock().date())
        if queued is not None:
            return queued
        if request.url.host != HOST:
            return httpx.Response(404, text=NOT_FOUND)
        if path == "/public/csv/generator/generator.csv":
            return httpx.Response(200, content=generator_csv(), headers={"Content-Type": "text/csv"})
        match = FILE.match(path)
        if match is not None:
            folder, stamp, variant, kind = match.groups()
            return self._file(
                folder, f"{folder}_{variant}", stamp, kind, lambda day, until: day_csv(folder, variant, day, until)
            )
        match = SERIES_FILE.match(path)
        if match is not None and match.group(1) in reports.DAY_FILES:
            folder, stamp, kind = match.groups()
            return self._file(folder, folder, stamp, kind, reports.DAY_FILES[folder])
        return httpx.Response(404, text=NOT_FOUND)

    def _file(self, folder: str, stem: str, stamp: str, kind: str, day_file: DayFile) -> httpx.Response:
        try:
            first = datetime.strptime(stamp, "%Y%m%d").date()
        except ValueError:
            return httpx.Response(404, text=NOT_FOUND)
        now = self.clock()
        if kind == ".csv":
            if _opens(folder, first) > now or _midnight(first + timedelta(days=DAILY_CSV_DAYS + 1)) <= now:
                return httpx.Response(404, text=NOT_FOUND)
            modified = email.utils.format_datetime(_written(folder, first, now), usegmt=True)
            return httpx.Response(
                200, content=day_file(first, now), headers={"Content-Type": "text/csv", "Last-Modified": modified}
            )
        if first.day != 1 or _opens(folder, first) > now:
            return httpx.Response(404, text=NOT_FOUND)
        return httpx.Response(
            200,
            content=self._archive(folder, stem, first, day_file, now),
            headers={"Content-Type": "application/x-zip-compressed"},
        )

    @staticmethod
    def _archive(folder: str, stem: str, first: date, day_file: DayFile, now: datetime) -> bytes:
        """The month's daily CSVs posted by `now`, each stamped (Eastern) when it was last written."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            day = first
            while day.month == first.month and _opens(folder, day) <= now:
                stamp = _written(folder, day, now).astimezone(EASTERN).timetuple()[:6]
                info = zipfile.ZipInfo(f"{day:%Y%m%d}{stem}.csv", stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, day_file(day, now))
                day += timedelta(days=1)
        return buffer.getvalue()


def _now() -> datetime:
    return datetime.now(UTC)


def transport(latency: float = 0.0, *, clock: Callable[[], datetime] | None = None) -> httpx.AsyncBaseTransport:
    """The sandbox MIS; `clock` (UTC "now") decides what is posted."""
    return synthetic.mock_transport(Mis(clock or _now).respond, latency)
