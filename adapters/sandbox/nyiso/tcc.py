"""The sandbox's TCC auction downloads, in tcc.nyiso.com's CSV layout: the "Nodal Price" report and
the "Summary of Awards" of the latest round of a Centralized TCC Auction (six-month TCCs) for the
capability period after `now`'s. A title block, a header row, the rows, a blank line and a
"Report Created:" footer; dates MM/DD/YYYY; prices $ per TCC for the whole term, synthetic. A
path's clearing price is its POW's nodal price less its POI's, as NYISO's are."""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta

# NYISO's load zones by PTID (the sandbox's own spelling of them)
ZONES = {
    "61752": "WEST",
    "61753": "GENESE",
    "61754": "CENTRL",
    "61757": "CAPITL",
    "61758": "HUD VL",
    "61761": "N.Y.C.",
    "61762": "LONGIL",
}
PATHS = (("61752", "61761", "Bid", 50), ("61754", "61758", "Bid", 25), ("61757", "61762", "Offer", 10))


def capability_period(now: date) -> tuple[str, str, date, date]:
    """The capability period after `now`'s: its auction season, name, first and last day. NYISO's
    Summer Capability Period runs May to October, its Winter one November to April."""
    if 5 <= now.month <= 10:
        year = now.year
        return f"Autumn {year}", f"Winter {year}-{year + 1}", date(year, 11, 1), date(year + 1, 4, 30)
    year = now.year + 1 if now.month >= 11 else now.year
    return f"Spring {year}", f"Summer {year}", date(year, 5, 1), date(year, 10, 31)


def _price(ptid: str, first: date) -> float:
    base = {"61752": 900.0, "61753": 1_400.0, "61754": 2_100.0, "61757": 6_300.0}.get(ptid, 9_800.0)
    return round(base * (0.8 + 0.4 * zlib.crc32(f"{ptid}|{first}".encode()) / 2**32), 2)


def _document(title: str, now: date, header: str, rows: list[str]) -> bytes:
    season = capability_period(now)[0]
    posted = now - timedelta(days=3)
    lines = [
        title,
        "",
        season,
        "Centralized TCC Auction",
        "Round 4 - Six Month TCCs",
        "Version #1",
        "Current Status - Approved",
        f'"Posted: {posted:%B} {posted.day}, {posted.year}"',
        "",
        header,
        *rows,
        "",
        f"Report Created:,{datetime(now.year, now.month, now.day, 1, 44, 21):%m/%d/%Y %H:%M:%S}",
    ]
    return ("\n".join(lines) + "\n").encode()


def nodal_prices(now: date) -> bytes:
    _, name, first, last = capability_period(now)
    term = f"1,{name},{first:%m/%d/%Y},{last:%m/%d/%Y},6"
    rows = [f"{term},{ptid},{zone},{zone},{_price(ptid, first)}" for ptid, zone in ZONES.items()]
    header = (
        "Period ID,Period Name,Start Date,End Date,Period Duration (# of months),PTID,PTID Name,Zone,"
        "Nodal Price ($/TCC-Period Duration)"
    )
    return _document("Nodal Price", now, header, rows)


def awards(now: date) -> bytes:
    _, name, first, last = capability_period(now)
    term = f"1,{name},{first:%m/%d/%Y},{last:%m/%d/%Y},6"
    rows = [
        f"{term},{poi},{ZONES[poi]},{ZONES[poi]},{pow_},{ZONES[pow_]},{ZONES[pow_]},{side},{count},"
        f"{round(_price(pow_, first) - _price(poi, first), 2)}"
        for poi, pow_, side, count in PATHS
    ]
    header = (
        "Period ID,Period Name,Start Date,End Date,Period Duration (# of months),POI,POI Name,POI Zone,POW,"
        "POW Name,POW Zone,Award Type,TCCs Awarded,MCP ($/TCC-Period Duration)"
    )
    return _document("Summary of Awards", now, header, rows)
