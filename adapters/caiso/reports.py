"""What CAISO publishes through OASIS, and the limits OASIS puts on one request.

Query names, versions and market_run_ids are gridstatus's (`caiso_constants.py`), which is what
the public clients that work today send.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ISO, MarketInfo, MarketRun

URL = "https://oasis.caiso.com/oasisapi/SingleZip"

# OASIS answers error 1017 "Please select a maximum of 10 nodes or use the ALL option" past this.
MAX_NODES = 10

NODE_LIST = "ATL_APNODE"
NODE_LIST_VERSION = 1


@dataclass(frozen=True, slots=True)
class Report:
    queryname: str
    version: int
    market_run_id: str
    max_days: int  # Pacific operating days one request may span
    description: str


REPORTS: dict[MarketRun, Report] = {
    # Error 1004 "Data can be requested for period of 31 days only".
    MarketRun.DAY_AHEAD_HOURLY: Report("PRC_LMP", 12, "DAM", 31, "Day-ahead hourly LMP and components"),
    # Interval reports are held to one operating day per request: the limit recorded for 5-minute
    # queries. gridstatus asks these for 31 days when it names the nodes, so this may be stricter
    # than OASIS needs.
    MarketRun.REAL_TIME_15_MIN: Report("PRC_RTPD_LMP", 3, "RTPD", 1, "Fifteen-minute market (RTPD) LMP and components"),
    MarketRun.REAL_TIME_5_MIN: Report("PRC_INTVL_LMP", 3, "RTM", 1, "Real-time dispatch 5-minute LMP and components"),
}

MARKET = MarketInfo(
    iso=ISO.CAISO,
    name="California ISO",
    timezone="America/Los_Angeles",
    runs=tuple(REPORTS),
)
