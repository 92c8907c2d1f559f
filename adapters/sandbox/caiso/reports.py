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


@dataclass(frozen=True, slots=True)
class Report:
    queryname: str
    version: int
    market_run_id: str
    interval: timedelta
    max_days: int = 31  # error 1004 past it
    max_hours: int | None = None  # error 1004 past it, for the reports held to hours
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
    Report("PRC_RTPD_LMP", 3, "RTPD", QUARTER, max_days=1),
    Report("PRC_INTVL_LMP", 3, "RTM", FIVE, max_days=1),
    Report("PRC_HASP_LMP", 3, "HASP", QUARTER, max_days=1),
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
    Report("PRC_INTVL_AS", 1, "RTM", QUARTER, max_days=1, max_hours=1, params=_AS),
)
NOMOGRAMS = (
    Report("PRC_NOMOGRAM", 1, "DAM", HOUR, ahead=(1, 13, 0)),
    Report("PRC_NOMOGRAM", 1, "RTM", QUARTER),
)
