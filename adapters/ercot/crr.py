"""ERCOT's CRR auction results: the zip MIS posts after each auction (NP7-803-M for the monthly
auctions, MIS report type 11201; NP7-802-M for the long-term auction sequences, 11203), read for
its clearing prices.

Of the zip's CSVs two hold prices: `Common_MarketResults_<auction>_AUCTION.csv`, every awarded
CRR (source, sink, hedge type OPT/OBL, bid type BUY/SELL, time of use, MW, the clearing shadow
price in $/MWh, StartDate and EndDate, MM/DD/YYYY), and
`Common_SourceAndSinkShadowPrices_<auction>_AUCTION.csv`, each settlement point's shadow price by
calendar month (`CalendarPeriod`, e.g. JUN_2025) and time of use. The auction is named as ERCOT
names it in the members' file names ("2025.JUN.Monthly.Auction", "2026.2nd6.AnnualAuction.Seq1").
Column names are those gridstatus read from these files (its `get_crr_*` scrapers, 2026, since
removed); no recorded file exists here. EndDate is read as the term's last day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..model import TransmissionRightRecord, add_bid
from .parse import TZ, Table, bad_response, convert_rows, csv_table, parse_day, zip_tables

MARKET_RESULTS = "Common_MarketResults_"
SHADOW_PRICES = "Common_SourceAndSinkShadowPrices_"
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)


def _number(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


def _text(value: Any) -> str | None:
    return str(value).strip() or None


def _auction(member: str, prefix: str) -> str:
    """ERCOT's auction name in a member's file name: `<prefix><auction>_AUCTION....csv`."""
    stem = member.rsplit("/", 1)[-1].removeprefix(prefix).removesuffix(".csv")
    name = stem.split("_AUCTION", 1)[0]
    if not name:
        raise bad_response(f"CRR auction results: {member} names no auction")
    return name


def _calendar_month(value: Any) -> tuple[datetime, datetime]:
    month, _, year = str(value).strip().upper().partition("_")
    if month not in MONTHS or not year.isdigit():
        raise ValueError(f"CalendarPeriod {value!r} is not a month like JUN_2025")
    first = date(int(year), MONTHS.index(month) + 1, 1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return _midnight(first), _midnight(after)


def _market_results(table: Table, auction: str) -> list[TransmissionRightRecord]:
    """Awarded CRRs; awards alike in path, term, time of use, hedge type, side and price are one
    of their summed MW (the CRR ids and account holders are left out)."""
    i_source, i_sink = table.index("Source"), table.index("Sink")
    i_start, i_end = table.index("StartDate"), table.index("EndDate")
    i_tou, i_hedge, i_side = table.index("TimeOfUse"), table.index("HedgeType"), table.index("BidType")
    i_mw, i_price = table.index("MW"), table.index("ShadowPricePerMWH")
    merged: dict[tuple[Any, ...], TransmissionRightRecord] = {}

    def step(row: Sequence[Any]) -> None:
        source, sink = _text(row[i_source]), _text(row[i_sink])
        if source is None or sink is None:
            raise ValueError("a CRR without its source or sink")
        start, last = _midnight(parse_day(row[i_start])), _midnight(parse_day(row[i_end]) + timedelta(days=1))
        if last <= start:
            raise ValueError(f"EndDate {row[i_end]!r} is before StartDate {row[i_start]!r}")
        tou, hedge, side = _text(row[i_tou]), _text(row[i_hedge]), _text(row[i_side])
        price, mw = _number(row[i_price]), _number(row[i_mw])
        record = TransmissionRightRecord(
            auction, f"{source}-{sink}", start, last, price, tou, hedge, source, sink, None, side, mw
        )
        add_bid(merged, (source, sink, start, last, tou, hedge, side, price), record)

    convert_rows(table, step)
    return list(merged.values())


def _shadow_prices(table: Table, auction: str) -> list[TransmissionRightRecord]:
    """Each settlement point's clearing shadow price by month and time of use."""
    i_point, i_period = table.index("SourceSink"), table.index("CalendarPeriod")
    i_tou, i_price = table.index("TimeOfUse"), table.index("ShadowPricePerMWH")
    out: list[TransmissionRightRecord] = []

    def step(row: Sequence[Any]) -> None:
        point = _text(row[i_point])
        if point is None:
            raise ValueError("a shadow price without its settlement point")
        start, end = _calendar_month(row[i_period])
        period = str(row[i_period]).strip().upper()
        out.append(
            TransmissionRightRecord(auction, point, start, end, _number(row[i_price]), _text(row[i_tou]), period=period)
        )

    convert_rows(table, step)
    return out


def parse(body: bytes, source: str) -> list[Any]:
    """An auction results zip as MIS posts it -> its awarded CRRs and settlement point prices."""
    if not body.startswith(b"PK\x03\x04"):
        raise bad_response(f"{source}: expected the auction results zip MIS posts")
    records: list[Any] = []
    found = set()
    for member, data in zip_tables(body, source, lambda name: MARKET_RESULTS in name or SHADOW_PRICES in name):
        prefix = MARKET_RESULTS if MARKET_RESULTS in member else SHADOW_PRICES
        found.add(prefix)
        table = csv_table(data, f"{source} {member.rsplit('/', 1)[-1]}")
        build = _market_results if prefix == MARKET_RESULTS else _shadow_prices
        records += build(table, _auction(member, prefix))
    missing = [p for p in (MARKET_RESULTS, SHADOW_PRICES) if p not in found]
    if missing:
        raise bad_response(f"{source}: the zip holds no {' or '.join(m + '*.csv' for m in missing)}")
    return records
