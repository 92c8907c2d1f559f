"""The ERCOT adapter: public-API report queries (paging, sign-in, archive fallback), caching, the
MIS settlement point list and the fuel-mix dashboard."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from ..cache import RecordCache
from ..config import Settings
from ..errors import (
    CredentialsMissing,
    CredentialsRejected,
    UnsupportedDataset,
    UnsupportedRun,
    UpstreamBadResponse,
)
from ..http import Upstream
from ..model import (
    ISO,
    DatasetInfo,
    DatasetKind,
    MarketInfo,
    MarketRun,
    Node,
    PriceRecord,
    RenewableRecord,
    SeriesRequest,
    Window,
)
from . import archive, datasets, parse, reports
from .auth import IdToken
from .nodes import FIXED
from .parse import Series, Table
from .reports import API, FUEL_MIX_URL, Report

MIS_LIST = "https://www.ercot.com/misapp/servlets/IceDocListJsonWS"
MIS_DOWNLOAD = "https://www.ercot.com/misdownload/servlets/mirDownload"
SETTLEMENT_POINTS_REPORT = 10008  # MIS report type id of NP4-160-SG
PAGE_SIZE = 100_000  # rows per report page; gridstatus uses this size against the live API

__all__ = ["API", "MARKET", "MIS_DOWNLOAD", "MIS_LIST", "PAGE_SIZE", "SETTLEMENT_POINTS_REPORT", "ErcotAdapter"]

MARKET = MarketInfo(
    iso=ISO.ERCOT,
    name="Electric Reliability Council of Texas",
    timezone="America/Chicago",
    runs=(
        MarketRun.DAY_AHEAD_HOURLY,
        MarketRun.REAL_TIME_15_MIN,
        MarketRun.REAL_TIME_5_MIN,
        MarketRun.REAL_TIME_HOURLY,
    ),
)


@dataclass(frozen=True, slots=True)
class PriceFeed:
    report: Report
    build: Callable[[Table], Series]


PRICE_FEEDS: dict[MarketRun, PriceFeed] = {
    MarketRun.DAY_AHEAD_HOURLY: PriceFeed(reports.DAM_SPP, parse.dam_prices),
    MarketRun.REAL_TIME_15_MIN: PriceFeed(reports.RT_SPP, parse.rt_prices),
    MarketRun.REAL_TIME_5_MIN: PriceFeed(reports.SCED_LMP, parse.sced_lmps),
}

DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        DatasetKind.LOAD,
        "Hourly actual load by weather zone with the ERCOT total (NP6-345-CD) and by forecast zone, "
        "prefixed FZ_ (NP6-346-CD)",
    ),
    DatasetInfo(
        DatasetKind.LOAD_FORECAST,
        "Seven-day hourly load forecast by weather zone and ERCOT total: ERCOT's in-use model, named in "
        "`model` (NP3-565-CD)",
    ),
    DatasetInfo(DatasetKind.FUEL_MIX, "5-minute generation by fuel, today and yesterday (fuel-mix dashboard)"),
    DatasetInfo(
        DatasetKind.ANCILLARY_PRICES,
        "DAM clearing prices for capacity: REGUP, REGDN, RRS, NSPIN, ECRS (NP4-188-CD)",
        runs=(MarketRun.DAY_AHEAD_HOURLY,),
    ),
    DatasetInfo(
        DatasetKind.CONSTRAINTS,
        "Binding constraints and shadow prices: SCED (NP6-86-CD), DAM (NP4-191-CD)",
        runs=(MarketRun.REAL_TIME_5_MIN, MarketRun.DAY_AHEAD_HOURLY),
    ),
    DatasetInfo(
        DatasetKind.RENEWABLES,
        "Hourly wind (NP4-732-CD: STWPF, WGRPP) and solar (NP4-737-CD: STPPF, PVGRPP) actuals and forecasts",
    ),
)


class ErcotAdapter:
    market = MARKET
    fixed_nodes = FIXED
    datasets = DATASETS

    def __init__(self, upstream: Upstream, cache: RecordCache, settings: Settings) -> None:
        self._upstream = upstream
        self._cache = cache
        self._api_key = settings.ercot_api_key
        self._token = IdToken(upstream, settings.ercot_username, settings.ercot_password)

    async def aclose(self) -> None:
        await self._upstream.aclose()

    # --- node prices ----------------------------------------------------------------------------

    async def nodes(self) -> Sequence[Node]:
        return list(await self._cache.get("settlement-points", self._fetch_nodes))

    async def prices(self, run: MarketRun, codes: Sequence[str], window: Window) -> dict[str, list[PriceRecord]]:
        if run not in self.market.runs:
            published = ", ".join(r.name for r in self.market.runs)
            raise UnsupportedRun(f"ERCOT does not publish {run.name}; it publishes: {published}")
        wanted = list(dict.fromkeys(codes))
        if not wanted:
            return {}
        days = window.local_days(self.market.tz)
        # The API filters on one settlement point at most: a single point is asked for by name,
        # a batch takes the all-points report -- one query either way.
        point = wanted[0] if len(wanted) == 1 else None
        if run is MarketRun.REAL_TIME_HOURLY:
            series = parse.hourly_average(await self._price_series(MarketRun.REAL_TIME_15_MIN, days, point))
        else:
            series = await self._price_series(run, days, point)
        return {code: [r for r in series.get(code, ()) if window.contains(r.start)] for code in wanted}

    async def _price_series(self, run: MarketRun, days: list[date], point: str | None) -> Series:
        feed = PRICE_FEEDS[run]
        extra = {} if point is None else {"settlementPoint": point}

        async def fetch() -> Series:
            merged: Series = {}
            for table in await self._tables(feed.report, days[0], days[-1], extra):
                for code, records in feed.build(table).items():
                    merged.setdefault(code, []).extend(records)
            for records in merged.values():
                records.sort(key=lambda r: r.start)  # live and archive days, each already in order
            return merged

        return await self._cache.get((run, days[0], days[-1], point), fetch)

    # --- market-wide datasets -------------------------------------------------------------------

    async def series(self, request: SeriesRequest) -> Sequence[Any]:
        info = next((d for d in self.datasets if d.kind is request.kind), None)
        if info is None:
            raise UnsupportedDataset(f"ERCOT does not serve {request.kind.value}")
        if info.runs and request.run not in info.runs:
            runs = ", ".join(r.name for r in info.runs)
            asked = request.run.name if request.run else "no run"
            raise UnsupportedDataset(f"ERCOT publishes {request.kind.value} for {runs}, not {asked}")
        window = request.window
        days = window.local_days(self.market.tz)
        records: Sequence[Any]
        match request.kind:
            case DatasetKind.LOAD:
                weather, forecast = await asyncio.gather(
                    self._records(reports.LOAD_WEATHER_ZONES, days, datasets.weather_zone_load),
                    self._records(reports.LOAD_FORECAST_ZONES, days, datasets.forecast_zone_load),
                )
                records = sorted([*weather, *forecast], key=lambda r: (r.start, r.area))
            case DatasetKind.LOAD_FORECAST:
                vintages = await self._records(reports.LOAD_FORECAST, days, datasets.load_forecast)
                records = datasets.latest_vintage(
                    (r for r in vintages if window.contains(r.start)), lambda r: r.area, request.published_before
                )
            case DatasetKind.FUEL_MIX:
                records = await self._cache.get(datasets.FUEL_MIX, self._fetch_fuel_mix)
            case DatasetKind.ANCILLARY_PRICES:
                records = await self._records(reports.AS_PRICES, days, datasets.ancillary_prices)
            case DatasetKind.CONSTRAINTS if request.run is MarketRun.REAL_TIME_5_MIN:
                records = await self._records(reports.SCED_SHADOW, days, datasets.sced_constraints)
            case DatasetKind.CONSTRAINTS:
                records = await self._records(reports.DAM_SHADOW, days, datasets.dam_constraints)
            case _:  # RENEWABLES
                wind, solar = await asyncio.gather(
                    self._records(reports.WIND, days, lambda t: datasets.production(t, datasets.WIND)),
                    self._records(reports.SOLAR, days, lambda t: datasets.production(t, datasets.SOLAR)),
                )
                records = _renewables([*wind, *solar], window, request.published_before)
        return [r for r in records if window.contains(r.start)]

    async def _records(self, report: Report, days: list[date], build: Callable[[Table], list[Any]]) -> list[Any]:
        async def fetch() -> list[Any]:
            records = [record for table in await self._tables(report, days[0], days[-1]) for record in build(table)]
            # live and archive tables hold different days: a stable sort by start keeps each
            # table's order (area, product, ...) within an interval
            return sorted(records, key=lambda r: r.start)

        return await self._cache.get((report.emil, days[0], days[-1]), fetch)

    async def _fetch_fuel_mix(self) -> list[Any]:
        response = await self._upstream.get(FUEL_MIX_URL)
        return datasets.fuel_mix(response.content)

    # --- public API: report pages, archive fallback, credentials --------------------------------

    async def _tables(
        self, report: Report, first: date, last: date, extra: dict[str, str] | None = None
    ) -> list[Table]:
        """The report's rows for operating days first..last: every page of the live answer, then,
        for a report posted daily, the archive postings of the days the live answer lacks (live
        endpoints keep recent days only). Nothing in either is no table: nothing was published."""
        params: dict[str, str | int] = {**report.params(first, last), **(extra or {}), "size": PAGE_SIZE}
        pages: list[Table] = []
        total = 1
        while len(pages) < total:
            params["page"] = len(pages) + 1
            response = await self._api_get(report.url, params)
            table, total = parse.report_page(response.content, report.emil)
            if pages and table.columns != pages[0].columns:
                raise UpstreamBadResponse(ISO.ERCOT, f"{report.emil}: columns changed between pages")
            pages.append(table)
        live = Table(report.emil, pages[0].columns, [row for table in pages for row in table.rows])
        tables = [live] if live.rows else []
        if report.posted is None:
            return tables
        missing = _missing_days(live, first, last)
        if missing:
            tables.append(await self._archived(report, missing[0], missing[-1]))
        return [table for table in tables if table.rows]

    async def _archived(self, report: Report, first: date, last: date) -> Table:
        """The daily archive postings holding days first..last, each zip read in turn."""
        assert report.posted is not None
        posted = timedelta(days=report.posted)
        params: dict[str, str | int] = {
            **archive.window(first + posted, last + posted),
            "size": reports.ARCHIVE_PAGE_SIZE,
        }
        postings: list[archive.Posting] = []
        total = 1
        page = 0
        while page < total:
            page += 1
            params["page"] = page
            response = await self._api_get(report.archive, params)
            found, total = archive.listing(response.content, report.emil)
            postings += found
        columns: list[str] | None = None
        rows: list[Sequence[Any]] = []
        for posting in sorted(postings, key=lambda p: p.posted):  # a later posting (a correction) wins
            response = await self._api_get(report.archive, {"download": posting.doc_id})
            table = parse.read_table(response.content, f"{report.emil} archive document {posting.doc_id}")
            if columns is not None and [c.strip().lower() for c in table.columns] != [
                c.strip().lower() for c in columns
            ]:
                raise UpstreamBadResponse(ISO.ERCOT, f"{report.emil}: archive documents differ in columns")
            columns = columns or table.columns
            rows += table.rows
        return Table(report.emil, columns or [], rows)

    async def _api_get(self, url: str, params: dict[str, str | int]) -> httpx.Response:
        """One public-API request with the subscription key and id token. A 401 means the token
        went stale early (ERCOT can revoke before the hour): sign in again once and retry once."""
        if not self._api_key:
            raise CredentialsMissing(ISO.ERCOT, "GRIDQL_ERCOT_API_KEY is not set")
        for attempt in range(2):
            token = await self._token.get()
            headers = {"Ocp-Apim-Subscription-Key": self._api_key.reveal(), "Authorization": f"Bearer {token}"}
            response = await self._upstream.get(url, params=params, headers=headers, ok_statuses=(401,))
            if response.status_code != 401:
                return response
            if attempt == 0:
                self._token.expire(token)
        raise CredentialsRejected(
            ISO.ERCOT,
            f"GET {httpx.URL(url).copy_with(query=None)} answered HTTP 401 with a fresh id token: "
            "check GRIDQL_ERCOT_API_KEY and that the account subscribes to the public API",
        )

    # --- MIS settlement point list --------------------------------------------------------------

    async def _fetch_nodes(self) -> list[Node]:
        listing = await self._upstream.get(MIS_LIST, params={"reportTypeId": SETTLEMENT_POINTS_REPORT})
        archive_zip = await self._upstream.get(
            MIS_DOWNLOAD, params={"doclookupId": parse.latest_document(listing.content)}
        )
        return parse.settlement_points(archive_zip.content)


def _missing_days(table: Table, first: date, last: date) -> list[date]:
    """Days first..last with no row in a daily report's table."""
    wanted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if not table.rows:
        return wanted
    i_day = table.index("deliveryDate", "operatingDay", "OperDay")
    try:
        present = {parse.parse_day(value) for value in {row[i_day] for row in table.rows}}
    except (ValueError, IndexError, TypeError):
        raise UpstreamBadResponse(ISO.ERCOT, f"{table.source}: unreadable delivery day") from None
    return [day for day in wanted if day not in present]


def _renewables(records: list[RenewableRecord], window: Window, published_before: datetime | None) -> list[Any]:
    """Actuals as they are; of forecasts, the newest vintage per (source, area, hour, model)."""
    actuals = [r for r in records if not r.forecast and window.contains(r.start)]
    forecasts = datasets.latest_vintage(
        (r for r in records if r.forecast and window.contains(r.start)),
        lambda r: (r.source, r.area, r.model),
        published_before,
    )
    return sorted([*actuals, *forecasts], key=datasets.renewable_order)
