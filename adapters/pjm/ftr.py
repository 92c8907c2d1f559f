"""Data Miner 2's Financial Transmission Rights feeds -> records: auction bids and FTR congestion LMPs.

The bid feeds (`ftr_bids_mnt`, `ftr_bids_annual`, `ftr_bids_long_term`) list every bid into an
auction, by path (source and sink pnode names), class type, hedge type and side, with its quoted
MW and price; PJM posts them about four months after the auction. The clearing prices themselves
are not in Data Miner: they sit behind PJM's member login (FTR Center). `ftr_cong_lmp` (the FTR
credit calculator's congestion LMPs) gives each node's congestion price per month and class type,
as it was and as simulated with planned transmission upgrades (the `lt_sim_*` columns).

These feeds name nodes, they carry no pnode id: converters keep the name as `nodes.name_key`
reduces it, and the source swaps in the pnode id the pnode list gives that name (`with_pnode_ids`).

Columns and labels: the public PJM FTR warehouse ETL and schema quoted in NOTES (market_name as
"JAN 2025 Auction", period_type as a month or quarter, class types OnPeak, OffPeak, DailyOffPeak,
WkndOnPeak and 24H, the `24hour_clmp` and `lt_sim_clmp` columns).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..model import FtrCongestionRecord, TransmissionRightRecord, add_bid
from .nodes import name_key
from .parse import Reader, Row, bad, finite, optional, stamp

TZ = ZoneInfo("America/New_York")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# PJM's planning year runs June to May; its quarters are the planning year's: Q1 June-August,
# Q2 September-November, Q3 December-February, Q4 March-May.
PLANNING_YEAR_START = 6
QUARTERS = {"Q1": 0, "Q2": 3, "Q3": 6, "Q4": 9}

BID_COLUMNS = (
    "market_name",
    "period_type",
    "source_pnode_name",
    "sink_pnode_name",
    "class_type",
    "hedge_type",
    "trade_type",
    "quoted_mw",
    "quoted_price",
)
# ftr_cong_lmp's value columns and the class type each is for; PJM names the 24-hour columns
# `24hour_clmp` and `lt_sim_clmp` (not `lt_sim_24hour_clmp`).
CLASS_COLUMNS = (
    ("OffPeak", "offpeak_clmp", "lt_sim_offpeak_clmp"),
    ("DailyOffPeak", "dailyoffpeak_clmp", "lt_sim_dailyoffpeak_clmp"),
    ("OnPeak", "onpeak_clmp", "lt_sim_onpeak_clmp"),
    ("WkndOnPeak", "wkndonpeak_clmp", "lt_sim_wkndonpeak_clmp"),
    ("24H", "24hour_clmp", "lt_sim_clmp"),
)
CONGESTION_COLUMNS = (
    "effective_day",
    "terminate_day",
    "pnode_name",
    *(column for _, column, _ in CLASS_COLUMNS),
    *(column for _, _, column in CLASS_COLUMNS),
)


def auction_name(month: date) -> str:
    """The monthly auction named for `month`, as `market_name` filters it: "JAN 2025 Auction"."""
    return f"{MONTHS[month.month - 1]} {month.year} Auction"


def auction_month(name: str) -> date:
    """`market_name` of a monthly auction -> the first day of the month it is named for."""
    parts = name.split()
    if len(parts) != 3 or parts[0].upper() not in MONTHS or not parts[1].isdigit() or parts[2] != "Auction":
        raise bad(f"ftr_bids: {name!r} is not a monthly auction name like 'JAN 2025 Auction'")
    return date(int(parts[1]), MONTHS.index(parts[0].upper()) + 1, 1)


def planning_year(month: date) -> date:
    """The first day of the planning year `month` is in."""
    year = month.year if month.month >= PLANNING_YEAR_START else month.year - 1
    return date(year, PLANNING_YEAR_START, 1)


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ).astimezone(UTC)


def term(auction: date, period: str) -> tuple[datetime, datetime]:
    """The term a period label of the auction's planning year covers: a month ("FEB") or a
    planning-year quarter ("Q3"); any other label is refused, not guessed."""
    label = period.strip().upper()
    year = planning_year(auction)
    if label in MONTHS:
        first = _add_months(year, (MONTHS.index(label) + 1 - PLANNING_YEAR_START) % 12)
        return _midnight(first), _midnight(_add_months(first, 1))
    if label in QUARTERS:
        first = _add_months(year, QUARTERS[label])
        return _midnight(first), _midnight(_add_months(first, 3))
    raise bad(f"ftr_bids: period_type {period!r} is neither a month nor a quarter (Q1-Q4)")


def _name(value: Any, reader: Reader, column: str) -> str:
    text = name_key(str(value or ""))
    if not text:
        raise bad(f"{reader.name}: a row has no {column}")
    return text


def bids(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    """One record per distinct bid; bids alike in every column but MW are one bid of their summed
    MW (PJM lists no bidder, and the bid stack is the same)."""
    months: dict[str, date] = {}
    merged: dict[tuple[Any, ...], TransmissionRightRecord] = {}
    for market, period, source, sink, class_type, hedge, side, mw, price in rows:
        auction = str(market or "").strip()
        first = months.get(auction)
        if first is None:
            first = months[auction] = auction_month(auction)
        start, end = term(first, str(period or ""))
        src, snk = _name(source, reader, "source_pnode_name"), _name(sink, reader, "sink_pnode_name")
        labels = (str(class_type or "").strip(), str(hedge or "").strip(), str(side or "").strip())
        quoted = finite(price, reader, "quoted_price", bools=False)
        amount = finite(mw, reader, "quoted_mw", bools=False)
        record = TransmissionRightRecord(
            auction,
            f"{src}-{snk}",
            start,
            end,
            quoted,
            labels[0] or None,
            labels[1] or None,
            src,
            snk,
            str(period).strip().upper(),
            labels[2] or None,
            amount,
        )
        add_bid(merged, (auction, start, end, src, snk, *labels, quoted), record)
    return list(merged.values())


def congestion(reader: Reader, rows: Sequence[Row]) -> list[Any]:
    """A row per node and month -> a record per class type and series (as it was, simulated);
    `terminate_day` is the term's last day. A blank value is a class type PJM did not price."""
    out = []
    terms: dict[tuple[Any, Any], tuple[datetime, datetime]] = {}  # a body repeats one term per node
    for effective, terminate, node, *values in rows:
        span = terms.get((effective, terminate))
        if span is None:
            last = stamp(terminate).date() + timedelta(days=1)
            span = terms[(effective, terminate)] = (_midnight(stamp(effective).date()), _midnight(last))
        start, end = span
        name = _name(node, reader, "pnode_name")
        for simulated, offset in ((False, 0), (True, len(CLASS_COLUMNS))):
            for i, (class_type, *columns) in enumerate(CLASS_COLUMNS):
                price = optional(values[offset + i], reader, columns[int(simulated)], bools=False)
                if price is not None:
                    out.append(FtrCongestionRecord(name, start, end, class_type, price, simulated))
    return out


def with_pnode_ids(records: Sequence[Any], ids: Mapping[str, str]) -> list[Any]:
    """Records with each node name swapped for the pnode id the pnode list gives it (`ids`: by
    `name_key`); a name no pnode has stays, as reduced."""
    out: list[Any] = []
    for record in records:
        if isinstance(record, TransmissionRightRecord) and record.source_node and record.sink_node:
            src, snk = ids.get(record.source_node, record.source_node), ids.get(record.sink_node, record.sink_node)
            out.append(dataclasses.replace(record, node=f"{src}-{snk}", source_node=src, sink_node=snk))
        elif isinstance(record, FtrCongestionRecord):
            out.append(dataclasses.replace(record, node=ids.get(record.node, record.node)))
        else:
            out.append(record)
    return out
