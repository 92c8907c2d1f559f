"""Sandboxed CAISO daily files: Today's Outlook fuelsource.csv history and the Daily Renewables Watch.

fuelsource.csv prints local `HH:MM` wall times: on the spring-forward day the missing hour is kept
with empty cells, on the fall-back day 01:00-01:55 is printed twice (first pass, then second).
The Daily Renewables Watch counts hour-ending 1..23/24/25 from local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx

from .series import HUBS, iso_load
from .wire import PACIFIC, daylight, local_hour, midnight, noise

FUELS = (
    "Solar",
    "Wind",
    "Geothermal",
    "Biomass",
    "Biogas",
    "Small hydro",
    "Coal",
    "Nuclear",
    "Natural gas",
    "Large hydro",
    "Batteries",
    "Imports",
    "Other",
)
_STEADY = {"Geothermal": 850.0, "Biomass": 280.0, "Biogas": 190.0, "Coal": 5.0, "Nuclear": 2250.0, "Other": 0.0}


def _mix(t: datetime) -> dict[str, float]:
    hour = local_hour(t)
    solar = 14000.0 * daylight(hour) * (0.9 + 0.1 * noise("solar", t))
    wind = 900.0 + 2500.0 * noise("wind", t.date(), t.hour)
    mix = {
        **_STEADY,
        "Solar": solar,
        "Wind": wind,
        "Small hydro": 300.0 + 50 * noise("sh", t),
        "Large hydro": 2500.0 + 800 * noise("lh", t.hour),
        "Batteries": 1500.0 if 17 <= hour < 21 else (-1200.0 if 10 <= hour < 15 else 0.0),
        "Imports": 5000.0 + 1500 * noise("imp", t.hour),
    }
    rest = iso_load(t) - sum(mix.values())
    mix["Natural gas"] = max(1500.0, rest)
    return mix


def fuelsource(day: date, now: datetime) -> str:
    """The day's file as it stands at `now`: Today's Outlook appends a row every five minutes."""
    start, end = midnight(day), min(midnight(day + timedelta(days=1)), now)
    lines = [",".join(("Time", *FUELS))]
    t = start
    while t < end:
        local = t.astimezone(PACIFIC)
        mix = _mix(t)
        lines.append(",".join((f"{local:%H:%M}", *(f"{mix[f]:.0f}" for f in FUELS))))
        after = t + timedelta(minutes=5)
        # Spring forward: CAISO keeps the hour that does not exist, with empty cells.
        if after.astimezone(PACIFIC).hour - local.hour > 1:
            lines.extend(f"{local.hour + 1:02d}:{m:02d}" + "," * len(FUELS) for m in range(0, 60, 5))
        t = after
    return "\n".join(lines) + "\n"


def renewables_watch(day: date) -> str:
    start = midnight(day)
    hours = (midnight(day + timedelta(days=1)) - start) // timedelta(hours=1)
    head = "\tHour\t\tGEOTHERMAL\tBIOMASS\t\tBIOGAS\t\tSMALL HYDRO\tWIND TOTAL\tSOLAR PV\tSOLAR THERMAL\t\t\t\t\t\t"
    lines = [f"{day:%m/%d/%y}\t\t\tHourly Breakdown of Renewable Resources (MW)" + "\t" * 14, head]
    for h in range(1, hours + 1):
        t = start + timedelta(hours=h - 1)
        wind = sum(400.0 + 1200.0 * noise(hub, "wind", t) for hub in HUBS)
        pv = 6000.0 * daylight(local_hour(t))
        cells = (h, 900, 260, 220, 300, round(wind), round(pv), round(pv * 0.03))
        lines.append("\t" + "\t\t".join(str(c) for c in cells) + "\t\t")
    lines += ["\t" * 17, "\t" * 17, "\t\t\tHourly Breakdown of Total Production by Resource Type (MW)" + "\t" * 14]
    return "\r\n".join(lines) + "\r\n"


def answer(request: httpx.Request, now: datetime) -> httpx.Response | None:
    """The response for a daily file URL, or None if the URL is not one. A day's fuel source is
    posted from its first minute on; its Renewables Watch once the day is over."""
    url = request.url
    parts = url.path.strip("/").split("/")
    try:
        if url.host == "www.caiso.com" and parts[:2] == ["outlook", "history"] and parts[3:] == ["fuelsource.csv"]:
            day = datetime.strptime(parts[2], "%Y%m%d").date()
            if now <= midnight(day):
                return httpx.Response(404, text="Not Found")
            return httpx.Response(200, text=fuelsource(day, now), headers={"Content-Type": "text/csv"})
        if url.host == "content.caiso.com" and parts[:2] == ["green", "renewrpt"] and len(parts) == 3:
            stamp, _, name = parts[2].partition("_")
            if name == "DailyRenewablesWatch.txt":
                day = datetime.strptime(stamp, "%Y%m%d").date()
                if now < midnight(day + timedelta(days=1)):
                    return httpx.Response(404, text="Not Found")
                return httpx.Response(200, text=renewables_watch(day), headers={"Content-Type": "text/plain"})
    except (ValueError, IndexError):
        return httpx.Response(404, text="Not Found")
    return None
