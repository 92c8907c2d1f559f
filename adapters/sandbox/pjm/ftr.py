"""The sandbox's Financial Transmission Rights feeds: `ftr_bids_mnt` and `ftr_cong_lmp` in Data Miner's shape.

Like PJM's, these feeds name nodes and carry no pnode id, and print some names with other runs of
internal spaces than the pnode list does (here: the first space doubled). One bid path sinks at
a node no pnode has (a retired bus), and one bid is listed twice, as PJM lists identical bids of
different bidders. Bids are posted four months after the auction's month; a month's congestion
prices once it is over. Values are synthetic and deterministic.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from typing import Any

from ...pjm.nodes import BUSES, HUBS, ZONES, Pnode
from .wire import TZ, BadQuery, Table, only_filters

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
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
CLASSES = ("OffPeak", "DailyOffPeak", "OnPeak", "WkndOnPeak", "24H")
CONGESTION_COLUMNS = (
    "effective_day",
    "terminate_day",
    "pnode_name",
    "offpeak_clmp",
    "dailyoffpeak_clmp",
    "onpeak_clmp",
    "wkndonpeak_clmp",
    "24hour_clmp",
    "lt_sim_offpeak_clmp",
    "lt_sim_dailyoffpeak_clmp",
    "lt_sim_onpeak_clmp",
    "lt_sim_wkndonpeak_clmp",
    "lt_sim_clmp",
)
RETIRED = "RETIRED  69 KV T9"  # no pnode has this name
POSTED_AFTER_MONTHS = 4
_NODES: tuple[Pnode, ...] = (HUBS[2], HUBS[0], ZONES[3], ZONES[9], BUSES[8], BUSES[9], BUSES[0])
# (source, sink) names of the bid paths
_PATHS = ((0, 1), (4, 2), (5, 3), (6, 0), (2, 3))


def _printed(name: str) -> str:
    """The name as the FTR feeds print it: the first space doubled."""
    return name.replace(" ", "  ", 1)


def _noise(*parts: object) -> float:
    return zlib.crc32("|".join(map(str, parts)).encode()) / 2**32


def _months_after(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def _auction(name: str) -> date:
    parts = name.split(" ")
    if len(parts) != 3 or parts[0] not in _MONTHS or not parts[1].isdigit() or parts[2] != "Auction":
        raise BadQuery("market_name", f"'{name}' is not a market_name")
    return date(int(parts[1]), _MONTHS.index(parts[0]) + 1, 1)


def _periods(auction: date) -> list[str]:
    """The auction's month and the next two, then the planning year's quarters not yet begun
    (PJM's planning year starts in June: Q1 June-August ... Q4 March-May)."""
    year_start = date(auction.year if auction.month >= 6 else auction.year - 1, 6, 1)
    year_end = _months_after(year_start, 12)
    months = [_months_after(auction, i) for i in range(3)]
    out = [_MONTHS[m.month - 1] for m in months if m < year_end]
    for q in range(4):
        first = _months_after(year_start, 3 * q)
        if first > auction:
            out.append(f"Q{q + 1}")
    return out


def ftr_bids_mnt(params: dict[str, str], now: datetime) -> Table:
    only_filters(params, {"market_name"})
    name = params.get("market_name")
    if not name:
        raise BadQuery("market_name", "A market_name is required")
    auction = _auction(name)
    posted = _months_after(auction, POSTED_AFTER_MONTHS)
    rows: list[tuple[Any, ...]] = []
    if datetime(posted.year, posted.month, 1, tzinfo=TZ) <= now:
        for period in _periods(auction):
            for p, (source, sink) in enumerate(_PATHS):
                src = _printed(_NODES[source].name)
                snk = RETIRED if p == 1 and period.startswith("Q") else _printed(_NODES[sink].name)
                for class_type in ("OnPeak", "OffPeak", "24H"):
                    hedge = "Option" if p == 4 else "Obligation"
                    for step in range(2):
                        side = "SELL" if step else "BUY"
                        price = round(400.0 * (_noise(name, period, p, class_type) - 0.3) + 25.0 * step, 2)
                        mw = round(1.0 + 9.0 * _noise("mw", name, period, p, class_type, step), 1)
                        rows.append((name, period, src, snk, class_type, hedge, side, mw, price))
        rows.append(rows[0])  # an identical bid, as two bidders' alike bids are listed
    return Table(BID_COLUMNS, len(rows), rows.__getitem__)


def _day_range(text: str) -> tuple[date, date]:
    try:
        lo, hi = (datetime.strptime(part.strip().split(" ")[0], "%m/%d/%Y").date() for part in text.split("to"))
    except ValueError:
        raise BadQuery("effective_day", f"Invalid date range '{text}'") from None
    return lo, hi


def ftr_cong_lmp(params: dict[str, str], now: datetime) -> Table:
    only_filters(params, {"effective_day"})
    span = params.get("effective_day")
    if not span:
        raise BadQuery("effective_day", "An effective_day range is required")
    lo, hi = _day_range(span)
    first = date(lo.year, lo.month, 1) if lo.day == 1 else _months_after(date(lo.year, lo.month, 1), 1)
    rows: list[tuple[Any, ...]] = []
    while first <= hi:
        after = _months_after(first, 1)
        if datetime(after.year, after.month, 1, tzinfo=TZ) <= now:
            last = date.fromordinal(after.toordinal() - 1)
            stamps = (f"{first.isoformat()}T00:00:00", f"{last.isoformat()}T00:00:00")
            for n, node in enumerate(_NODES):
                base = [round(12.0 * (_noise(node.id, first, c) - 0.45), 4) for c in CLASSES]
                simulated: list[float | None] = [
                    round(v + 3.0 * (_noise("sim", node.id, first) - 0.5), 4) for v in base
                ]
                if n == 3:
                    simulated[1] = None  # a class type PJM left unpriced
                rows.append((*stamps, _printed(node.name), *base, *simulated))
        first = after
    return Table(CONGESTION_COLUMNS, len(rows), rows.__getitem__)
