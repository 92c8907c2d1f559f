"""The ERCOT reports the adapter queries: public-API endpoints, their filters and archive postings.

Endpoints and filter names are those of ERCOT's public-API specification (pubapi-apim-api.json,
as gridstatus ships it) and of captured API answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

API = "https://api.ercot.com/api/public-reports"
# The grid-conditions dashboard's document: the public fuel mix, today and yesterday, no key.
FUEL_MIX_URL = "https://www.ercot.com/api/1/services/read/dashboards/fuel-mix.json"
ARCHIVE_PAGE_SIZE = 1_000  # the archive listing's largest page


def delivery_days(first: date, last: date) -> dict[str, str]:
    return {"deliveryDateFrom": first.isoformat(), "deliveryDateTo": last.isoformat()}


def operating_days(first: date, last: date) -> dict[str, str]:
    # the actual-load reports name the day `operatingDay` (they reject deliveryDate filters)
    return {"operatingDayFrom": first.isoformat(), "operatingDayTo": last.isoformat()}


def in_use_delivery_days(first: date, last: date) -> dict[str, str]:
    # only ERCOT's in-use load forecast model: a seventh of the rows of all models
    return {**delivery_days(first, last), "inUseFlag": "true"}


def sced_times(first: date, last: date) -> dict[str, str]:
    # SCED stamps are Central wall times: a whole day of runs, both passes of a repeated hour.
    return {
        "SCEDTimestampFrom": f"{first.isoformat()}T00:00:00",
        "SCEDTimestampTo": f"{(last + timedelta(days=1)).isoformat()}T00:00:00",
    }


@dataclass(frozen=True, slots=True)
class Report:
    emil: str  # ERCOT's product id
    endpoint: str  # path under API
    params: Callable[[date, date], dict[str, str]]  # operating days first..last -> query filter
    # Days from an operating day to the one daily archive posting that holds it, for reports
    # posted once a day; None for reports posted every 5/15/60 minutes, which are not read back
    # from the archive (that would be one download per posting, up to 288 per day).
    posted: int | None = None

    @property
    def url(self) -> str:
        return f"{API}/{self.endpoint}"

    @property
    def archive(self) -> str:
        return f"{API}/archive/{self.emil.lower()}"


DAM_SPP = Report("NP4-190-CD", "np4-190-cd/dam_stlmnt_pnt_prices", delivery_days, posted=-1)
RT_SPP = Report("NP6-905-CD", "np6-905-cd/spp_node_zone_hub", delivery_days)
SCED_LMP = Report("NP6-788-CD", "np6-788-cd/lmp_node_zone_hub", sced_times)
LOAD_WEATHER_ZONES = Report("NP6-345-CD", "np6-345-cd/act_sys_load_by_wzn", operating_days, posted=1)
LOAD_FORECAST_ZONES = Report("NP6-346-CD", "np6-346-cd/act_sys_load_by_fzn", operating_days, posted=1)
LOAD_FORECAST = Report("NP3-565-CD", "np3-565-cd/lf_by_model_weather_zone", in_use_delivery_days)
AS_PRICES = Report("NP4-188-CD", "np4-188-cd/dam_clear_price_for_cap", delivery_days, posted=-1)
WIND = Report("NP4-732-CD", "np4-732-cd/wpp_hrly_avrg_actl_fcast", delivery_days)
SOLAR = Report("NP4-737-CD", "np4-737-cd/spp_hrly_avrg_actl_fcast", delivery_days)
SCED_SHADOW = Report("NP6-86-CD", "np6-86-cd/shdw_prices_bnd_trns_const", sced_times)
DAM_SHADOW = Report("NP4-191-CD", "np4-191-cd/dam_shadow_prices", delivery_days, posted=-1)

REPORTS: tuple[Report, ...] = (
    DAM_SPP,
    RT_SPP,
    SCED_LMP,
    LOAD_WEATHER_ZONES,
    LOAD_FORECAST_ZONES,
    LOAD_FORECAST,
    AS_PRICES,
    WIND,
    SOLAR,
    SCED_SHADOW,
    DAM_SHADOW,
)
