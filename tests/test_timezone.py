"""`timezone:` on every time-selecting field: the same intervals and values, written in another zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gridql.adapters.model import ISO

from .sandbox_app import Stack

HUBS = ["PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"]
SPRING_FORWARD = """
query($tz: String) {
  nodes(ids: ["PJM:51288", "ERCOT:HB_HOUSTON", "CAISO:TH_NP15_GEN-APND", "NYISO:61761"]) {
    id
    prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09", timezone: $tz) { start end lmp }
    priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-03-09", timezone: $tz) { start end lmp }
  }
}
"""
# Local midnight of 2025-03-09 in each market, in UTC.
MIDNIGHT_UTC = {"PJM": "05:00", "ERCOT": "06:00", "CAISO": "08:00", "NYISO": "05:00"}


def _data(body: dict[str, Any]) -> Any:
    assert body.get("errors") is None, body.get("errors")
    return body["data"]


async def test_utc_writes_the_same_intervals_and_values_in_utc() -> None:
    stack = Stack()
    local = _data(await stack.query(SPRING_FORWARD, {"tz": None}))["nodes"]
    utc = _data(await stack.query(SPRING_FORWARD, {"tz": "UTC"}))["nodes"]
    for here, there in zip(local, utc, strict=True):
        iso = here["id"].split(":")[0]
        rows = there["prices"]
        assert len(rows) == 23, iso  # still the market's operating day, DST included
        assert rows[0]["start"] == f"2025-03-09T{MIDNIGHT_UTC[iso]}:00+00:00"
        assert all(r["start"].endswith("+00:00") and r["end"].endswith("+00:00") for r in rows)
        assert [datetime.fromisoformat(r["start"]) for r in rows] == [
            datetime.fromisoformat(r["start"]) for r in here["prices"]
        ]
        assert [r["lmp"] for r in rows] == [r["lmp"] for r in here["prices"]]
        # The columns agree with the rows, in the zone asked for.
        assert there["priceSeries"]["start"] == [r["start"] for r in rows]
        assert there["priceSeries"]["lmp"] == [r["lmp"] for r in rows]
    # The zone changes no request: the second query is answered from the cache.
    assert dict(stack.counts) == {iso: 1 for iso in ISO}


async def test_any_iana_zone_is_written_with_its_own_offsets() -> None:
    stack = Stack()
    body = await stack.query(
        '{ market(iso: PJM) { load(date: "2025-03-29", timezone: "Europe/London") { start end area } } }'
    )
    rows = _data(body)["market"]["load"]
    assert rows, "PJM's sandbox has load for the day"
    london = ZoneInfo("Europe/London")
    for row in rows:
        start = datetime.fromisoformat(row["start"])
        # Written in London's offset of that instant: +00:00 before 01:00 UTC on 2025-03-30, +01:00 after.
        assert start.utcoffset() == start.astimezone(UTC).astimezone(london).utcoffset()
    offsets = {row["start"][-6:] for row in rows}
    assert offsets == {"+00:00", "+01:00"}  # PJM's 2025-03-29 (04:00-04:00 UTC) spans London's change at 01:00 UTC


async def test_market_series_takes_a_zone_and_keeps_the_operating_day() -> None:
    stack = Stack()
    body = await stack.query(
        '{ market(iso: CAISO) { series(dataset: LOAD, date: "2025-06-01", timezone: "utc") { start end } } }'
    )
    starts = _data(body)["market"]["series"]["start"]
    assert starts[0] == "2025-06-01T07:00:00+00:00"  # CAISO's local midnight, PDT
    assert all(re.fullmatch(r"2025-06-0[12]T\d\d:\d\d:00\+00:00", s) for s in starts)
    assert datetime.fromisoformat(starts[-1]) < datetime(2025, 6, 2, 7, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "", "EST5EDT-nope"])
async def test_an_unknown_zone_is_bad_input_before_any_upstream_request(zone: str) -> None:
    stack = Stack()
    body = await stack.query(
        'query($tz: String) { node(id: "PJM:51288") { prices(run: DAY_AHEAD_HOURLY, date: "2025-03-09", '
        "timezone: $tz) { start } } }",
        {"tz": zone},
    )
    (error,) = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert f'unknown time zone "{zone}"' in error["message"]
    assert sum(stack.counts.values()) == 0
