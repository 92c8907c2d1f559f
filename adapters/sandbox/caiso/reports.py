"""The OASIS reports the sandbox publishes, as OASIS documents them: names, versions,
market_run_ids, how much one request may span, interval lengths, and when each is posted.

Stated here, not taken from the client, so a test against the sandbox catches a wrong client
constant (gridstatus's `caiso_constants.py` and the OASIS interface specification are the sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .wire import PACIFIC, midnight

URL_HOST = "oasis.caiso.com"
URL_PATH = "/oasisapi/SingleZip"
MAX_NODES = 10  # error 1017 past it
ATLAS, ATLAS_VERSION = "ATL_APNODE", 1

HOUR, QUARTER, FIVE = timedelta(hours=1), timedelta(minutes=15), timedelta(minutes=5)

# Every report: error 1004 "Data can be requested for period of 31 days only" past 31 days.
# A request for every node (grp_type=ALL or ALL_APNODES) may span one hour of an interval report
# or one trade date of an hourly one (OASIS FAQ). Windows starting more than about 39 months back
# get error 1014 "Start Date is beyond the limit".
MAX_DAYS = 31
ALL_NODES_INTERVAL = HOUR
ALL_NODES_HOURLY = timedelta(days=1)
KEPT = timedelta(days=39 * 365.25 / 12)


@dataclass(frozen=True, slots=True)
class Report:
    queryname: str
    version: int
    market_run_id: str
    interval: timedelta
    max_days: int = MAX_DAYS  # error 1004 past it
    params: tuple[tuple[str, str], ...] = ()  # what the request must also say
    # (days before, hour, minute) Pacific: when an operating day's results are posted. None: each
    # interval is posted as it begins (real-time runs), or as it ends when `actual`.
    ahead: tuple[int, int, int] | None = None
    actual: bool = False

    def posted(self, start: datetime, now: datetime) -> bool:
        if self.ahead is not None:
            days, hour, minute = self.ahead
            day = start.astimezone(PACIFIC).date() - timedelta(days=days)
            return midnight(day) + timedelta(hours=hour, minutes=minute) <= now
        return (start + self.interval if self.actual else start) <= now


_AS = (("anc_type", "ALL"), ("anc_region", "ALL"))

# Day-ahead market results post at 13:00 Pacific the day before.
PRICES = (
    Report("PRC_LMP", 12, "DAM", HOUR, ahead=(1, 13, 0)),
    Report("PRC_RTPD_LMP", 3, "RTPD", QUARTER),
    Report("PRC_INTVL_LMP", 3, "RTM", FIVE),
    Report("PRC_HASP_LMP", 3, "HASP", QUARTER),
)
LOAD = tuple(
    Report("SLD_FCST", 1, run, HOUR, ahead=None if days is None else (days, 9, 10), actual=days is None)
    for run, days in (("ACTUAL", None), ("7DA", 7), ("2DA", 2), ("DAM", 1))
)
RENEWABLES = (
    Report("SLD_REN_FCST", 1, "ACTUAL", HOUR, actual=True),
    Report("SLD_REN_FCST", 1, "DAM", HOUR, ahead=(1, 7, 0)),
)
ANCILLARY = (
    Report("PRC_AS", 12, "DAM", HOUR, params=_AS, ahead=(1, 13, 0)),
    Report("PRC_INTVL_AS", 1, "RTM", QUARTER, params=_AS),
)
NOMOGRAMS = (
    Report("PRC_NOMOGRAM", 1, "DAM", HOUR, ahead=(1, 13, 0)),
    Report("PRC_NOMOGRAM", 1, "RTM", QUARTER),
)
