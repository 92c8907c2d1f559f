"""The normalized shapes every adapter produces, whatever the ISO's wire format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
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


class NodeType(Enum):
    HUB = "HUB"
    ZONE = "ZONE"
    AGGREGATE = "AGGREGATE"
    GENERATOR = "GENERATOR"
    LOAD = "LOAD"
    INTERFACE = "INTERFACE"
    OTHER = "OTHER"


# The nominal length of one interval of each run; irregular runs (NYISO off-cycle RTD intervals,
# ERCOT SCED) may publish shorter ones.
RUN_LENGTH: dict[MarketRun, timedelta] = {
    MarketRun.DAY_AHEAD_HOURLY: timedelta(hours=1),
    MarketRun.REAL_TIME_5_MIN: timedelta(minutes=5),
    MarketRun.REAL_TIME_15_MIN: timedelta(minutes=15),
    MarketRun.REAL_TIME_HOURLY: timedelta(hours=1),
}


@dataclass(frozen=True, slots=True)
class MarketInfo:
    iso: ISO
    name: str
    timezone: str  # IANA name; operating days are days in this zone
    runs: tuple[MarketRun, ...]

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


@dataclass(slots=True)
class PriceRecord:
    """One interval's price at one node. `start`/`end` are UTC; the interval is [start, end).

    Components are None where the ISO does not publish them, never 0.
    """

    node: str  # Node.code
    start: datetime
    end: datetime
    lmp: float
    energy: float | None
    congestion: float | None
    loss: float | None


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
