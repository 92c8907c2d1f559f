"""The market-wide datasets CAISO serves, as `Market.datasets` lists them."""

from __future__ import annotations

from ..model import DatasetInfo, DatasetKind
from .reports import ANCILLARY, CONSTRAINTS

DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        DatasetKind.LOAD,
        "Actual hourly integrated load by TAC area, CA ISO-TAC the ISO total (OASIS SLD_FCST, ACTUAL)",
    ),
    DatasetInfo(
        DatasetKind.LOAD_FORECAST,
        "Hourly load forecast by TAC area: the latest of the seven-day, two-day and day-ahead forecasts "
        "(OASIS SLD_FCST 7DA/2DA/DAM, published 09:10 Pacific 7, 2 and 1 days ahead)",
    ),
    DatasetInfo(
        DatasetKind.RENEWABLES,
        "Wind and solar by trading hub, hourly actual and day-ahead forecast (OASIS SLD_REN_FCST ACTUAL/DAM); "
        "ISO-wide hourly actual (Daily Renewables Watch)",
    ),
    DatasetInfo(DatasetKind.FUEL_MIX, "Generation by fuel every 5 minutes (Today's Outlook fuelsource.csv, by day)"),
    DatasetInfo(
        DatasetKind.ANCILLARY_PRICES,
        "Ancillary service prices by type (RU, RD, SR, NR, RMU, RMD) and region (OASIS PRC_AS, PRC_INTVL_AS)",
        tuple(ANCILLARY),
    ),
    DatasetInfo(
        DatasetKind.CONSTRAINTS,
        "Nomogram and branch shadow prices (OASIS PRC_NOMOGRAM DAM and RTM)",
        tuple(CONSTRAINTS),
    ),
)
