"""Sandboxed CAISO daily files: Today's Outlook fuelsource.csv (current and history), the Daily
Renewable Report (HTML) and, for the days before it, the Daily Renewables Watch (text).

fuelsource.csv prints local `HH:MM` wall times: on the spring-forward day the missing hour is kept
with empty cells, on the fall-back day 01:00-01:55 is printed twice (first pass, then second).
The Daily Renewables Watch counts hour-ending 1..23/24/25 from local midnight.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx

from .series import HUBS, iso_load
from .wire import PACIFIC, daylight, local_hour, midnight, noise

FIVE_MINUTES = timedelta(minutes=5)
# Today's Outlook rolls `current/` over to the new day a few minutes past midnight.
ROLLOVER = timedelta(minutes=10)
HISTORY_FROM = date(2018, 4, 10)
# The Daily Renewables Watch text files end, and the HTML Daily Renewable Report begins, here.
# CAISO states no posting time for the report; gridstatus finds the day's report (and its
# curtailment data) up by 10:00 Pacific the next day. The sandbox posts it at 04:00.
REPORT_FROM = date(2025, 6, 1)
REPORT_POSTED = timedelta(hours=4)

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


def renewable_report(day: date) -> str:
    """The Daily Renewable Report page: its charts' series as JavaScript arrays, one value per
    5-minute interval of the day from local midnight (276/288/300), some wrapped in JSON.parse."""
    start = midnight(day)
    count = (midnight(day + timedelta(days=1)) - start) // FIVE_MINUTES
    times = [start + i * FIVE_MINUTES for i in range(count)]
    solar = [6000.0 * daylight(local_hour(t)) for t in times]
    wind = [sum(400.0 + 1200.0 * noise(hub, "wind", t.replace(minute=0)) for hub in HUBS) for t in times]

    def plain(values: list[float]) -> str:
        return "[" + ",".join(f"{v:.2f}" for v in values) + "]"

    hourly = ",".join('"NA"' if h % 5 else "0" for h in range(count // 12))
    return (
        "<!DOCTYPE html>\n<html><head><title>Daily Renewable Report</title></head><body>\n"
        '<div class="chart" id="solar"></div>\n<script>\n'
        f"var tot_gen_solar_iso_forec = {plain([v * 1.02 for v in solar])};\n"
        f"var tot_gen_solar_iso_telem = {plain(solar)};\n"
        f'var tot_gen_wind_iso_telem = JSON.parse("{plain(wind)}");\n'
        f"var tot_gen_wind_weim_telem = {plain([v / 2 for v in wind])};\n"
        f"var curt_hourly_econ_local = [{hourly}];\n"
        "</script>\n</body></html>\n"
    )


def answer(request: httpx.Request, now: datetime) -> httpx.Response | None:
    """The response for a daily file URL, or None if the URL is not one.

    - fuelsource.csv: Today's Outlook `current/` holds today's rows so far (for its first minutes
      past midnight still yesterday's whole file); a day's `history/` file is posted once the day
      is over, from 2018-04-10 on.
    - the Daily Renewable Report (HTML) is posted at 04:00 Pacific the next day, from 2025-06-01
      on; the Daily Renewables Watch text files, once the day is over, for the days before.
    """
    url = request.url
    parts = url.path.strip("/").split("/")
    try:
        if url.host == "www.caiso.com" and parts == ["outlook", "current", "fuelsource.csv"]:
            today = now.astimezone(PACIFIC).date()
            if now < midnight(today) + ROLLOVER:
                yesterday = today - timedelta(days=1)
                return _text(fuelsource(yesterday, midnight(today)), "text/csv")
            return _text(fuelsource(today, now), "text/csv")
        if url.host == "www.caiso.com" and parts[:2] == ["outlook", "history"] and parts[3:] == ["fuelsource.csv"]:
            day = datetime.strptime(parts[2], "%Y%m%d").date()
            if day < HISTORY_FROM or now < midnight(day + timedelta(days=1)):
                return _missing()
            return _text(fuelsource(day, now), "text/csv")
        if url.host == "www.caiso.com" and parts[:1] == ["documents"] and len(parts) == 2:
            name = parts[1]
            if name.startswith("daily-renewable-report-") and name.endswith(".html"):
                day = datetime.strptime(name.removeprefix("daily-renewable-report-")[:11], "%b-%d-%Y").date()
                if name.endswith("-corrected.html") or day < REPORT_FROM:
                    return _missing()
                if now < midnight(day + timedelta(days=1)) + REPORT_POSTED:
                    return _missing()
                return _text(renewable_report(day), "text/html")
        if url.host == "content.caiso.com" and parts[:2] == ["green", "renewrpt"] and len(parts) == 3:
            stamp, _, name = parts[2].partition("_")
            if name == "DailyRenewablesWatch.txt":
                day = datetime.strptime(stamp, "%Y%m%d").date()
                if day >= REPORT_FROM or now < midnight(day + timedelta(days=1)):
                    return _missing()
                return _text(renewables_watch(day), "text/plain")
    except (ValueError, IndexError):
        return _missing()
    return None


def _text(body: str, kind: str) -> httpx.Response:
    return httpx.Response(200, text=body, headers={"Content-Type": kind})


def _missing() -> httpx.Response:
    return httpx.Response(404, text="<html><body><h1>404 - Page Not Found</h1></body></html>")
