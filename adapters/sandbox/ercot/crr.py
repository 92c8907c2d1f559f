"""The sandbox's ERCOT monthly CRR auction results zip (NP7-803-M), laid out as MIS posts it: one CSV
per result set, named `Common_<set>_<year>.<MON>.Monthly.Auction_AUCTION.csv`. The market results
list awarded CRRs (a path, OPT/OBL, BUY/SELL, a time of use, MW, the shadow price in $/MWh, the
month as StartDate/EndDate); the source-and-sink shadow prices each settlement point's price by
month and time of use, a path's price being its sink's less its source's. Values are synthetic."""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import date, timedelta

POINTS = ("HB_HOUSTON", "HB_NORTH", "HB_SOUTH", "HB_WEST", "LZ_HOUSTON", "LZ_WEST")
TIMES_OF_USE = ("PeakWD", "PeakWE", "Off-peak")
AWARDS = (("HB_WEST", "HB_NORTH", "OBL", "BUY", 25.0), ("HB_NORTH", "LZ_HOUSTON", "OPT", "BUY", 10.0))


def _price(point: str, month: date, tou: str) -> float:
    base = {"HB_WEST": -6.0, "LZ_WEST": -7.5, "HB_NORTH": 0.5}.get(point, 1.5)
    return round(base + zlib.crc32(f"{point}|{month}|{tou}".encode()) / 2**32 - 0.5, 4)


def auction_month(today: date) -> date:
    """The month the latest monthly auction sold: the next one (ERCOT holds it the month before)."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def monthly_results(today: date) -> bytes:
    month = auction_month(today)
    last = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    name = f"{month.year}.{month:%b}".upper() + ".Monthly.Auction_AUCTION.csv"
    period = f"{month:%b}".upper() + f"_{month.year}"
    results = ["CRR_ID,OriginalCRR_ID,AccountHolder,HedgeType,BidType,CRRType,Source,Sink,StartDate,EndDate,"
               "TimeOfUse,Bid24Hour,MW,ShadowPricePerMWH"]  # fmt: skip
    for number, (source, sink, hedge, side, mw) in enumerate(AWARDS, 1):
        for tou in TIMES_OF_USE:
            spread = round(_price(sink, month, tou) - _price(source, month, tou), 4)
            price = abs(spread) if hedge == "OPT" else spread  # an option pays no negative spread
            results.append(
                f"{9000 + number},,XSBX,{hedge},{side},PTP,{source},{sink},{month:%m/%d/%Y},{last:%m/%d/%Y},"
                f"{tou},No,{mw},{price}"
            )
    prices = ["SourceSink,CalendarPeriod,TimeOfUse,ShadowPricePerMWH"]
    prices += [f"{point},{period},{tou},{_price(point, month, tou)}" for point in POINTS for tou in TIMES_OF_USE]
    constraints = ["DeviceName,DeviceType,Direction,Flow,Limit,Description,Contingency,CalendarPeriod,TimeOfUse,"
                   "ShadowPrice"]  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for kind, lines in (("MarketResults", results), ("SourceAndSinkShadowPrices", prices),
                            ("BindingConstraint", constraints)):  # fmt: skip
            bundle.writestr(f"Common_{kind}_{name}", "\r\n".join(lines) + "\r\n")
    return out.getvalue()
