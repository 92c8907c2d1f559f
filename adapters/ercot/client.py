"""The ERCOT adapter: public-API report queries, paging, caching; the MIS settlement point list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..cache import RecordCache
from ..config import Settings
from ..errors import UnsupportedDataset, UnsupportedRun, UpstreamBadResponse, UpstreamUnavailable
from ..http import Upstream
from ..model import ISO, DatasetInfo, MarketInfo, MarketRun, Node, PriceRecord, SeriesRequest, Window
from . import parse
from .auth import IdToken
from .nodes import FIXED
from .parse import Series, Table

API = "https://api.ercot.com/api/public-reports"
MIS_LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
MIS_DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
SETTLEMENT_POINTS_REPORT = 10008  # MIS report type id of NP4-160-SG
PAGE_SIZE = 100_000  # rows per report page; gridstatus uses this size against the live API

MARKET = MarketInfo(
    iso=ISO.ERCOT,
    name="Electric Reliability Council of Texas",
    timezone="America/Chicago",
    runs=(MarketRun.DAY_AHEAD_HOURLY, MarketRun.REAL_TIME_15_MIN, MarketRun.REAL_TIME_5_MIN),
)


def _delivery_days(first: date, last: date) -> dict[str, str]:
    return {"deliveryDateFrom": first.isoformat(), "deliveryDateTo": last.isoformat()}


def _sced_times(first: date, last: date) -> dict[str, str]:
    # SCED stamps are Central wall times: a whole day of runs, both passes of a repeated hour.
    return {
        "SCEDTimestampFrom": f"{first.isoformat()}T00:00:00",
        "SCEDTimestampTo": f"{(last + timedelta(days=1)).isoformat()}T00:00:00",
    }


@dataclass(frozen=True, slots=True)
class Dataset:
    emil: str  # ERCOT's product id
    endpoint: str  # path under API
    params: Callable[[date, date], dict[str, str]]  # operating days first..last -> query filter
    build: Callable[[Table], Series]


DATASETS: dict[MarketRun, Dataset] = {
    MarketRun.DAY_AHEAD_HOURLY: Dataset(
        "NP4-190-CD", "np4-190-cd/dam_stlmnt_pnt_prices", _delivery_days, parse.dam_prices
    ),
    MarketRun.REAL_TIME_15_MIN: Dataset("NP6-905-CD", "np6-905-cd/spp_node_zone_hub", _delivery_days, parse.rt_prices),
    MarketRun.REAL_TIME_5_MIN: Dataset("NP6-788-CD", "np6-788-cd/lmp_node_zone_hub", _sced_times, parse.sced_lmps),
}


class ErcotAdapter:
    market = MARKET
    fixed_nodes = FIXED
    datasets: tuple[DatasetInfo, ...] = ()

    def __init__(self, upstream: Upstream, cache: RecordCache, settings: Settings) -> None:
        self._upstream = upstream
        self._cache = cache
        self._api_key = settings.ercot_api_key
        self._token = IdToken(upstream, settings.ercot_username, settings.ercot_password)

    async def aclose(self) -> None:
        await self._upstream.aclose()

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        raise UnsupportedDataset(f"{self.market.iso.value} does not serve {request.kind.value} yet")

    async def nodes(self) -> Sequence[Node]:
        return list(await self._cache.get("settlement-points", self._fetch_nodes))

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        dataset = DATASETS.get(run)
        if dataset is None:
            published = ", ".join(r.name for r in self.market.runs)
            raise UnsupportedRun(f"ERCOT does not publish {run.name}; it publishes: {published}")
        wanted = list(dict.fromkeys(codes))
        if not wanted:
            return {}
        days = window.local_days(self.market.tz)
        # The API filters on one settlement point at most: a single point is asked for by name,
        # a batch takes the all-points report -- one query either way.
        point = wanted[0] if len(wanted) == 1 else None
        series = await self._cache.get(
            (run, days[0], days[-1], point), lambda: self._fetch(dataset, days[0], days[-1], point)
        )
        return {code: [r for r in series.get(code, ()) if window.contains(r.start)] for code in wanted}

    async def _fetch(self, dataset: Dataset, first: date, last: date, point: str | None) -> Series:
        params: dict[str, str | int] = {**dataset.params(first, last), "size": PAGE_SIZE}
        if point is not None:
            params["settlementPoint"] = point
        url = f"{API}/{dataset.endpoint}"
        pages: list[Table] = []
        total = 1
        while len(pages) < total:
            params["page"] = len(pages) + 1
            response = await self._upstream.get(url, params=params, headers=await self._headers())
            table, total = parse.report_page(response.content, dataset.emil)
            if pages and table.columns != pages[0].columns:
                raise UpstreamBadResponse(ISO.ERCOT, f"{dataset.emil}: columns changed between pages")
            pages.append(table)
        rows = [row for table in pages for row in table.rows]
        return dataset.build(Table(dataset.emil, pages[0].columns, rows))

    async def _headers(self) -> dict[str, str]:
        if not self._api_key:
            raise UpstreamUnavailable(ISO.ERCOT, "GRIDQL_ERCOT_API_KEY is not set")
        token = await self._token.get()
        return {"Ocp-Apim-Subscription-Key": self._api_key.reveal(), "Authorization": f"Bearer {token}"}

    async def _fetch_nodes(self) -> list[Node]:
        listing = await self._upstream.get(MIS_LIST, params={"reportTypeId": SETTLEMENT_POINTS_REPORT})
        archive = await self._upstream.get(MIS_DOWNLOAD, params={"doclookupId": parse.latest_document(listing.content)})
        return parse.settlement_points(archive.content)
