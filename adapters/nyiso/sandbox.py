"""An offline NYISO MIS: daily LBMP CSVs, monthly zips and the generator list, in NYISO's own layout."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import httpx

from .. import synthetic
from ..model import MarketRun
from .nodes import EXTERNAL, ZONES
from .parse import EASTERN

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


def month_zip(dataset: str, variant: str, first: date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        day = first
        while day.month == first.month:
            archive.writestr(f"{day:%Y%m%d}{dataset}_{variant}.csv", day_csv(dataset, variant, day))
            day += timedelta(days=1)
    return buffer.getvalue()


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
    if match is None:
        return httpx.Response(404, text="<html><body>404 Not Found</body></html>")
    dataset, stamp, variant, kind = match.groups()
    unit = datetime.strptime(stamp, "%Y%m%d").date()
    if kind == ".csv":
        return httpx.Response(200, content=day_csv(dataset, variant, unit), headers={"Content-Type": "text/csv"})
    if unit.day != 1:
        return httpx.Response(404, text="<html><body>404 Not Found</body></html>")
    return httpx.Response(
        200, content=month_zip(dataset, variant, unit), headers={"Content-Type": "application/x-zip-compressed"}
    )


def transport(latency: float = 0.0) -> httpx.MockTransport:
    return synthetic.mock_transport(respond, latency)
