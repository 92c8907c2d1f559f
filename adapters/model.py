"""The normalized shapes every adapter produces, whatever the ISO's wire format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo


class ISO(Enum):
    PJM = "PJM"
    ERCOT = "ERCOT"
    CAISO = "CAISO"
    NYISO = "NYISO"


class MarketRun(Enum):
    DAY_AHEAD_HOURLY = "DAY_AHEAD_HOURLY"
    REAL_TIME_5_MIN = "REAL_TIME_5_MIN"
    REAL_TIME_15_MIN = "REAL_TIME_15_MIN"
    REAL_TIME_HOURLY = "REAL_TIME_HOURLY"
    HOUR_AHEAD_15_MIN = "HOUR_AHEAD_15_MIN"  # CAISO's hour-ahead scheduling process (HASP)


class NodeType(Enum):
    HUB = "HUB"
    ZONE = "ZONE"
    AGGREGATE = "AGGREGATE"
    GENERATOR = "GENERATOR"
    LOAD = "LOAD"
    INTERFACE = "INTERFACE"
    OTHER = "OTHER"


FIVE_MINUTES = timedelta(minutes=5)
QUARTER_HOUR = timedelta(minutes=15)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)  # elapsed time; an operating day is 23, 24 or 25 hours (`Window.days`)

# The nominal length of one interval of each run; irregular runs (NYISO off-cycle RTD intervals,
# ERCOT SCED) may publish shorter ones.
RUN_LENGTH: dict[MarketRun, timedelta] = {
    MarketRun.DAY_AHEAD_HOURLY: HOUR,
    MarketRun.REAL_TIME_5_MIN: FIVE_MINUTES,
    MarketRun.REAL_TIME_15_MIN: QUARTER_HOUR,
    MarketRun.REAL_TIME_HOURLY: HOUR,
    MarketRun.HOUR_AHEAD_15_MIN: QUARTER_HOUR,
}


@dataclass(frozen=True, slots=True)
class MarketInfo:
    iso: ISO
    name: str
    timezone: str  # IANA name; operating days are days in this zone
    runs: tuple[MarketRun, ...]
    # Datasets the market has no market for at all (ERCOT and CAISO hold no capacity auction), each
    # with why: answered empty with a notice saying so, not refused as a dataset not yet served.
    absent: tuple[tuple[DatasetKind, str], ...] = ()

    def absence(self, kind: DatasetKind) -> str | None:
        return next((why for absent, why in self.absent if absent is kind), None)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Node:
    iso: ISO
    code: str  # the ISO's own node id: PJM pnode id, ERCOT settlement point, NYISO PTID, CAISO APnode
    name: str
    type: NodeType

    @property
    def id(self) -> str:
        return f"{self.iso.value}:{self.code}"


class PriceVersion(Enum):
    """Which version of an interval's price this is, where the ISO publishes more than one."""

    PRELIMINARY = "PRELIMINARY"  # posted before the ISO's verification (PJM's unverified LMPs)
    VERIFIED = "VERIFIED"  # the settled price
    CORRECTED = "CORRECTED"  # re-posted after a price correction


@dataclass(slots=True)
class PriceRecord:
    """One interval's price at one node. `start`/`end` are UTC; the interval is [start, end).

    Components are None where the ISO does not publish them, never 0. `version` is None where the
    ISO publishes one version only; `published_at` where the upstream says when it posted it.
    """

    node: str  # Node.code
    start: datetime
    end: datetime
    lmp: float
    energy: float | None
    congestion: float | None
    loss: float | None
    version: PriceVersion | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open UTC window [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("Window end must be after its start")

    @classmethod
    def days(cls, first: date, count: int, tz: ZoneInfo) -> Window:
        """Operating days first .. first+count-1 in `tz`: 23 or 25 hours on DST days."""
        start = datetime(first.year, first.month, first.day, tzinfo=tz)
        last = first + timedelta(days=count)
        end = datetime(last.year, last.month, last.day, tzinfo=tz)
        return cls(start.astimezone(UTC), end.astimezone(UTC))

    def local_days(self, tz: ZoneInfo) -> list[date]:
        """The operating days in `tz` that the window touches."""
        first = self.start.astimezone(tz).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(tz).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


# --- market-wide datasets (everything beyond node prices) -------------------------------------


class DatasetKind(Enum):
    LOAD = "load"
    LOAD_FORECAST = "loadForecast"
    FUEL_MIX = "fuelMix"
    ANCILLARY_PRICES = "ancillaryPrices"
    CONSTRAINTS = "constraints"
    RENEWABLES = "renewables"
    INTERFACE_FLOWS = "interfaceFlows"
    TRANSMISSION_RIGHTS = "transmissionRights"
    FTR_CONGESTION_PRICES = "ftrCongestionPrices"
    CAPACITY_PRICES = "capacityPrices"
    SYSTEM_LAMBDA = "systemLambda"


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """What an adapter serves of one dataset kind: shown in `Market.datasets`."""

    kind: DatasetKind
    description: str  # the ISO's feeds behind it, e.g. "Real-time actual load by zone (pal, P-58B)"
    runs: tuple[MarketRun, ...] = ()  # for run-keyed kinds (ancillary prices, constraints)


@dataclass(frozen=True, slots=True)
class Archived:
    """What gridql's own archive holds of a dataset: operating days, and (series, day)s in all."""

    first: date
    last: date
    series_days: int


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the ISO serves of a dataset (or a run's prices), as of now: `Dataset.coverage`."""

    earliest: datetime | None  # the first interval start it still serves; None: unknown
    latest: datetime | None  # the end of the latest interval typically published by now
    retention: timedelta | None  # how far back the upstream keeps it; None: no documented limit
    cadence: timedelta  # how often it publishes
    delay: timedelta  # typical time from an interval's start to its publication; negative: ahead
    # How rows of the repeated fall-back hour are placed where the ISO's file does not say which of
    # the two hours a row is; None where every row says (UTC stamps, offsets, a DST flag).
    repeated_hour: str | None = None
    # A dataset the ISO publishes as a document: the document (and where it is posted), imported
    # into the archive with `gridql import`, never fetched; None for feeds.
    document: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """One market-wide dataset over a window; hashable, so DataLoaders dedupe it per request."""

    kind: DatasetKind
    window: Window
    run: MarketRun | None = None
    published_before: datetime | None = None  # forecasts: the latest vintage published before this


# Every record is UTC and half-open [start, end), like PriceRecord. Areas, fuels, products and
# names are the ISO's own labels.


@dataclass(slots=True)
class LoadRecord:
    area: str  # None-free: the ISO-wide total uses the ISO's own label for it (e.g. "NYISO", "RTO")
    start: datetime
    end: datetime
    mw: float


@dataclass(slots=True)
class LoadForecastRecord:
    area: str
    start: datetime
    end: datetime
    mw: float
    published_at: datetime | None
    model: str | None = None  # the ISO's forecast product where it publishes several, e.g. "RTM", "7DA"


@dataclass(slots=True)
class FuelMixRecord:
    fuel: str
    start: datetime
    end: datetime
    mw: float


@dataclass(slots=True)
class AncillaryPriceRecord:
    product: str  # the ISO's product name, e.g. "Regulation Capacity", "REGUP", "Spin"
    area: str | None  # reserve zone / region, None where ISO-wide
    start: datetime
    end: datetime
    price: float  # $/MW(h)


@dataclass(slots=True)
class ConstraintRecord:
    name: str
    start: datetime
    end: datetime
    shadow_price: float
    limit_mw: float | None = None
    flow_mw: float | None = None


@dataclass(slots=True)
class RenewableRecord:
    source: str  # "SOLAR" or "WIND"
    area: str | None  # region / zone, None for the whole ISO
    start: datetime
    end: datetime
    mw: float
    forecast: bool  # False: actual output; True: a forecast
    published_at: datetime | None = None  # forecasts: when this vintage was published
    model: str | None = None  # forecasts: the ISO's forecast product, e.g. "STWPF", "DAM"


@dataclass(slots=True)
class InterfaceFlowRecord:
    interface: str
    start: datetime
    end: datetime
    flow_mw: float
    positive_limit_mw: float | None
    negative_limit_mw: float | None


@dataclass(slots=True)
class TransmissionRightRecord:
    """A price from an FTR / CRR / TCC auction: a cleared price, or a bid where the ISO publishes
    bids only (PJM: its clearing prices sit behind the member login). start/end: the term the right
    covers."""

    auction: str  # the ISO's auction name, e.g. "JAN 2025 Auction"
    node: str  # the ISO's node id the price is quoted at (source/sink prices), or a path "A-B"
    start: datetime
    end: datetime
    price: float  # $/MW for the term, as the ISO publishes it
    time_of_use: str | None = None  # the class type: "ONPEAK", "OFFPEAK", "24H" ...
    hedge_type: str | None = None  # "OBLIGATION" / "OPTION"
    source_node: str | None = None  # a path's source node id (its name where no node has it)
    sink_node: str | None = None  # a path's sink node id (its name where no node has it)
    period: str | None = None  # the ISO's label of the term, e.g. "FEB", "Q3"
    trade_type: str | None = None  # a bid's side: "BUY" / "SELL"
    bid_mw: float | None = None  # a bid's quantity, MW


def add_bid(merged: dict[Any, TransmissionRightRecord], key: Any, record: TransmissionRightRecord) -> None:
    """Keep `record` under `key`; bids alike in `key` (every column but their MW) are one bid of their
    summed MW: the auction files name no bidder, and the bid stack is the same."""
    held = merged.get(key)
    if held is not None and held.bid_mw is not None and record.bid_mw is not None:
        held.bid_mw += record.bid_mw
    else:
        merged[key] = record


@dataclass(slots=True)
class FtrCongestionRecord:
    """A node's congestion price by FTR class type over a term (PJM's FTR credit calculator):
    as it was (`simulated` False), or simulated with planned transmission upgrades."""

    node: str  # the node id (its name where no node has it)
    start: datetime
    end: datetime
    time_of_use: str  # the class type: "ONPEAK", "OFFPEAK", "DAILYOFFPEAK", "WKNDONPEAK", "24H"
    price: float  # $/MWh
    simulated: bool


@dataclass(slots=True)
class CapacityPriceRecord:
    """A capacity auction clearing price (PJM RPM, NYISO ICAP). start/end: the delivery term."""

    auction: str
    area: str  # LDA / locality
    start: datetime
    end: datetime
    price: float
    unit: str  # "$/MW-day", "$/kW-month"
    product: str | None = None  # the ISO's capacity product, e.g. PJM's "CP", "Annual"; None where one


@dataclass(slots=True)
class SystemLambdaRecord:
    """The market's system lambda over an interval: the shadow price of its power balance, $/MWh
    (ERCOT's SCED and DAM system lambda)."""

    start: datetime
    end: datetime
    price: float


RECORD_TYPES: dict[DatasetKind, type] = {
    DatasetKind.LOAD: LoadRecord,
    DatasetKind.LOAD_FORECAST: LoadForecastRecord,
    DatasetKind.FUEL_MIX: FuelMixRecord,
    DatasetKind.ANCILLARY_PRICES: AncillaryPriceRecord,
    DatasetKind.CONSTRAINTS: ConstraintRecord,
    DatasetKind.RENEWABLES: RenewableRecord,
    DatasetKind.INTERFACE_FLOWS: InterfaceFlowRecord,
    DatasetKind.TRANSMISSION_RIGHTS: TransmissionRightRecord,
    DatasetKind.FTR_CONGESTION_PRICES: FtrCongestionRecord,
    DatasetKind.CAPACITY_PRICES: CapacityPriceRecord,
    DatasetKind.SYSTEM_LAMBDA: SystemLambdaRecord,
}


class QueueStatus(Enum):
    """Where an interconnection request stands, normalized from each ISO's own status words."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"


@dataclass(slots=True)
class InterconnectionProject:
    """One request in an ISO's interconnection queue, as of the ISO's current queue file.

    `fuel` is gridql's normalized label (`queue.FUELS`); `technology` the ISO's own words; `extras`
    every other column of the ISO's row, by the ISO's header (JSON values: text, numbers, ISO dates)."""

    iso: ISO
    project_id: str
    name: str | None
    status: QueueStatus
    iso_status: str | None  # the ISO's own status words
    fuel: str
    technology: str | None
    capacity_mw: float | None
    county: str | None
    state: str | None
    point_of_interconnection: str | None
    queue_date: date | None
    in_service_date: date | None  # proposed (or, for completed projects, actual where the ISO says)
    withdrawal_date: date | None
    extras: dict[str, object]
