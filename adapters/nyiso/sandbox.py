"""An offline NYISO MIS: daily CSVs and monthly zips of every served dataset, and the generator list,
in NYISO's own layout."""

from __future__ import annotations

import email.utils
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx

from .. import synthetic
from ..model import MarketRun
from . import sandbox_feeds
from .mis import EASTERN
from .nodes import EXTERNAL, ZONES

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
HEADER = (
    '"Time Stamp","Name","PTID","LBMP ($/MWHr)","Marginal Cost Losses ($/MWHr)","Marginal Cost Congestion ($/MWHr)"\r\n'
)
FILE = re.compile(r"^/public/csv/(damlbmp|realtime|rtlbmp)/(\d{8})\1_(zone|gen)(\.csv|_csv\.zip)$")
SERIES_FILE = re.compile(r"^/public/csv/(\w+)/(\d{8})\1(\.csv|_csv\.zip)$")
NOT_FOUND = "<html><body>404 Not Found</body></html>"


def _points(variant: str) -> list[tuple[str, str]]:
    if variant == "zone":
        return sorted([(name, ptid) for ptid, name in {**ZONES, **EXTERNAL}.items()])
    return sorted((name, ptid) for ptid, (name, _) in GENERATORS.items())


def day_csv(dataset: str, variant: str, day: date) -> bytes:
    run = RUNS[dataset]
    step = timedelta(minutes=5) if run is MarketRun.REAL_TIME_5_MIN else timedelta(hours=1)
    start = datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=EASTERN).astimezone(UTC)
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
    return "".join(out).encode()


def _archive(first: date, stem: str, day_file: Callable[[date], bytes]) -> bytes:
    """A month's daily CSVs zipped as NYISO names them; isolf members carry their posting time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        day = first
        while day.month == first.month:
            info = zipfile.ZipInfo(f"{day:%Y%m%d}{stem}.csv", _posted(stem, day).astimezone(EASTERN).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, day_file(day))
            day += timedelta(days=1)
    return buffer.getvalue()


def _posted(stem: str, day: date) -> datetime:
    """When a day's file was last written: isolf vintages as the sandbox posts them, other files
    just after their operating day."""
    if stem == "isolf":
        return sandbox_feeds.isolf_published(day)
    return datetime(day.year, day.month, day.day, tzinfo=EASTERN).astimezone(UTC) + timedelta(days=1, minutes=10)


def generator_csv() -> bytes:
    lines = ['"Generator Name","Generator PTID","Zone","Subzone","Latitude","Longitude","Active"\r\n']
    for ptid, (name, zone) in GENERATORS.items():
        lines.append(f'"{name}",{ptid},"{zone}","","","","Y"\r\n')
    return "".join(lines).encode()


def respond(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/public/csv/generator/generator.csv":
        return httpx.Response(200, content=generator_csv(), headers={"Content-Type": "text/csv"})
    match = FILE.match(path)
    if match is not None:
        dataset, stamp, variant, kind = match.groups()
        return _file(stamp, kind, lambda day: day_csv(dataset, variant, day), f"{dataset}_{variant}")
    match = SERIES_FILE.match(path)
    if match is not None and match.group(1) in sandbox_feeds.DAY_FILES:
        dataset, stamp, kind = match.groups()
        return _file(stamp, kind, sandbox_feeds.DAY_FILES[dataset], dataset)
    return httpx.Response(404, text=NOT_FOUND)


def _file(stamp: str, kind: str, day_file: Callable[[date], bytes], stem: str) -> httpx.Response:
    unit = datetime.strptime(stamp, "%Y%m%d").date()
    if kind == ".csv":
        modified = email.utils.format_datetime(_posted(stem, unit), usegmt=True)
        return httpx.Response(
            200, content=day_file(unit), headers={"Content-Type": "text/csv", "Last-Modified": modified}
        )
    if unit.day != 1:
        return httpx.Response(404, text=NOT_FOUND)
    return httpx.Response(
        200, content=_archive(unit, stem, day_file), headers={"Content-Type": "application/x-zip-compressed"}
    )


def transport(latency: float = 0.0) -> httpx.MockTransport:
    return synthetic.mock_transport(respond, latency)
