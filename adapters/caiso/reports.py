"""What CAISO publishes through OASIS and as files, and the limits OASIS puts on one request.

Query names, versions and market_run_ids are gridstatus's (`caiso_constants.py`), which is what
the public clients that work today send; column layouts are the ones those clients read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..model import ISO, MarketInfo, MarketRun

URL = "https://oasis.caiso.com/oasisapi/SingleZip"

# OASIS answers error 1017 "Please select a maximum of 10 nodes or use the ALL option" past this.
MAX_NODES = 10

NODE_LIST = "ATL_APNODE"
NODE_LIST_VERSION = 1

HOUR = timedelta(hours=1)
QUARTER_HOUR = timedelta(minutes=15)
FIVE_MINUTES = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Report:
    """One OASIS SingleZip query: its name, version, fixed parameters and how much one request may span."""

    queryname: str
    version: int
    market_run_id: str | None  # None: the query takes no market_run_id
    max_days: int  # Pacific operating days one request may span
    interval: timedelta  # the length of one interval the report prints
    description: str
    params: tuple[tuple[str, str], ...] = ()  # further fixed parameters, e.g. anc_type=ALL
    max_hours: int | None = None  # a tighter limit in hours, for the reports held to one hour

    @property
    def key(self) -> tuple[str, str | None, tuple[tuple[str, str], ...]]:
        """What identifies the report's data apart from the window."""
        return (self.queryname, self.market_run_id, self.params)


# HASP prints 15-minute prices in a column named MW (gridstatus reads it so). Held to one
# operating day per request like the other interval reports.
HASP = Report("PRC_HASP_LMP", 3, "HASP", 1, QUARTER_HOUR, "Hour-ahead (HASP) 15-minute LMP and components")

REPORTS: dict[MarketRun, Report] = {
    # Error 1004 "Data can be requested for period of 31 days only".
    MarketRun.DAY_AHEAD_HOURLY: Report("PRC_LMP", 12, "DAM", 31, HOUR, "Day-ahead hourly LMP and components"),
    # Interval reports are held to one operating day per request: the limit recorded for 5-minute
    # queries. gridstatus asks these for 31 days when it names the nodes, so this may be stricter
    # than OASIS needs.
    MarketRun.REAL_TIME_15_MIN: Report(
        "PRC_RTPD_LMP", 3, "RTPD", 1, QUARTER_HOUR, "Fifteen-minute market (RTPD) LMP and components"
    ),
    MarketRun.REAL_TIME_5_MIN: Report(
        "PRC_INTVL_LMP", 3, "RTM", 1, FIVE_MINUTES, "Real-time dispatch 5-minute LMP and components"
    ),
    MarketRun.HOUR_AHEAD_15_MIN: HASP,
}

# --- market-wide reports ----------------------------------------------------------------------

# System demand: one query, one market_run_id per horizon. ACTUAL is the hourly integrated load.
LOAD_ACTUAL = Report("SLD_FCST", 1, "ACTUAL", 31, HOUR, "Actual hourly integrated load by TAC area (SLD_FCST ACTUAL)")
LOAD_FORECASTS: tuple[Report, ...] = tuple(
    Report("SLD_FCST", 1, run, 31, HOUR, f"{label} hourly load forecast by TAC area (SLD_FCST {run})")
    for run, label in (("7DA", "Seven-day-ahead"), ("2DA", "Two-day-ahead"), ("DAM", "Day-ahead"))
)

# Wind and solar by trading hub: ACTUAL output and the day-ahead forecast, hourly.
RENEWABLES_ACTUAL = Report("SLD_REN_FCST", 1, "ACTUAL", 31, HOUR, "Wind and solar actual output by trading hub")
RENEWABLES_DAM = Report("SLD_REN_FCST", 1, "DAM", 31, HOUR, "Day-ahead wind and solar forecast by trading hub")

_AS_ALL = (("anc_type", "ALL"), ("anc_region", "ALL"))
ANCILLARY: dict[MarketRun, Report] = {
    MarketRun.DAY_AHEAD_HOURLY: Report(
        "PRC_AS", 12, "DAM", 31, HOUR, "Day-ahead ancillary service prices by type and region (PRC_AS)", _AS_ALL
    ),
    # gridstatus holds PRC_INTVL_AS to one hour per request (`max_query_frequency: "1h"`).
    MarketRun.REAL_TIME_15_MIN: Report(
        "PRC_INTVL_AS",
        1,
        "RTM",
        1,
        QUARTER_HOUR,
        "Fifteen-minute market ancillary service prices (PRC_INTVL_AS)",
        _AS_ALL,
        max_hours=1,
    ),
}

CONSTRAINTS: dict[MarketRun, Report] = {
    MarketRun.DAY_AHEAD_HOURLY: Report(
        "PRC_NOMOGRAM", 1, "DAM", 31, HOUR, "Day-ahead nomogram and branch shadow prices (PRC_NOMOGRAM)"
    ),
    # market_run_id=RTM of PRC_NOMOGRAM is the fifteen-minute (RTPD) run.
    MarketRun.REAL_TIME_15_MIN: Report(
        "PRC_NOMOGRAM", 1, "RTM", 31, QUARTER_HOUR, "Fifteen-minute nomogram and branch shadow prices (PRC_NOMOGRAM)"
    ),
}

# System load and resource schedules: parsed (a feed), not served as a dataset; see README.
SCHEDULES = "ENE_SLRS"

MARKET = MarketInfo(
    iso=ISO.CAISO,
    name="California ISO",
    timezone="America/Los_Angeles",
    runs=tuple(REPORTS),
)
