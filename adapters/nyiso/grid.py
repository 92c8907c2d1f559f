"""NYISO system feeds: real-time fuel mix, interface flows and limits, limiting constraints.

- rtfuelmix: `Time Stamp,Time Zone,Fuel Category,Gen MW`, a reading per fuel every 5 minutes
  plus off-cycle ones; like actual load, a reading holds until the fuel's next stamp (<= 5 min).
- ExternalLimitsFlows: `Timestamp,Interface Name,Point ID,Flow (MWH),Positive Limit (MWH),
  Negative Limit (MWH)`; no zone column. The values are MW despite the header (a 5-minute
  snapshot, interval-beginning as gridstatus reads it). ±9999 is NYISO's "no limit".
- LimitingConstraints (real-time) / DAMLimitingConstraints (day-ahead): `Time Stamp,
  [Time Zone,] Limiting Facility, Facility PTID, Contingency, Constraint Cost($)`, one row per
  binding constraint and interval, interval-beginning (5 minutes / 1 hour, as gridstatus reads it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import timedelta

from ..model import FIVE_MINUTES, ConstraintRecord, FuelMixRecord, InterfaceFlowRecord
from .mis import members
from .table import Stamps, Table, bad, clip_to_next, number

NO_LIMIT = 9999.0


def _fuel(record: FuelMixRecord) -> Hashable:
    return record.fuel


def _interface(record: InterfaceFlowRecord) -> Hashable:
    return record.interface


def parse_fuel_mix(body: bytes) -> list[FuelMixRecord]:
    return [record for member in members(body) for record in _fuel_mix(member.body)]


def _fuel_mix(body: bytes) -> list[FuelMixRecord]:
    table = Table(body, "fuel mix")
    fuel_at, mw_at, stamp_at = table.column("Fuel Category"), table.column("Gen MW"), table.column("Time Stamp")
    when = Stamps().reader(table, lambda row: row[fuel_at])
    records: list[FuelMixRecord] = []
    for row in table.rows():
        mw = number(row[mw_at], "Gen MW", row[stamp_at])
        if mw is not None:
            start = when(row)
            records.append(FuelMixRecord(row[fuel_at].strip(), start, start + FIVE_MINUTES, mw))
    return clip_to_next(records, _fuel)


def _limit(text: str, what: str, stamp: str) -> float | None:
    value = number(text, what, stamp)
    return None if value is None or abs(value) == NO_LIMIT else value


def parse_interface_flows(body: bytes) -> list[InterfaceFlowRecord]:
    return [record for member in members(body) for record in _flows(member.body)]


def _flows(body: bytes) -> list[InterfaceFlowRecord]:
    table = Table(body, "interface flow")
    name_at, stamp_at, flow_at = table.column("Interface Name"), table.column("Time Stamp"), table.column("Flow (MWH)")
    positive_at, negative_at = table.column("Positive Limit (MWH)"), table.column("Negative Limit (MWH)")
    when = Stamps().reader(table, lambda row: row[name_at])
    records: list[InterfaceFlowRecord] = []
    for row in table.rows():
        stamp = row[stamp_at]
        flow = number(row[flow_at], "flow", stamp)
        if flow is None:
            continue
        start = when(row)
        positive = _limit(row[positive_at], "positive limit", stamp)
        negative = _limit(row[negative_at], "negative limit", stamp)
        records.append(InterfaceFlowRecord(row[name_at].strip(), start, start + FIVE_MINUTES, flow, positive, negative))
    return clip_to_next(records, _interface)


def constraint_parser(length: timedelta) -> Callable[[bytes], list[ConstraintRecord]]:
    def parse(body: bytes) -> list[ConstraintRecord]:
        return [record for member in members(body) for record in _constraints(member.body, length)]

    return parse


def _constraints(body: bytes, length: timedelta) -> list[ConstraintRecord]:
    table = Table(body, "limiting constraint")
    facility_at, contingency_at = table.column("Limiting Facility"), table.column("Contingency")
    cost_at, stamp_at = table.column("Constraint Cost($)"), table.column("Time Stamp")
    when = Stamps().reader(table, lambda row: (row[facility_at], row[contingency_at]))
    records: list[ConstraintRecord] = []
    for row in table.rows():
        stamp = row[stamp_at]
        cost = number(row[cost_at], "constraint cost", stamp)
        if cost is None:
            raise bad(f"limiting constraint {row[facility_at].strip()!r} has no cost at {stamp}")
        facility, contingency = row[facility_at].strip(), row[contingency_at].strip()
        # A facility binds under several contingencies at once: the pair names the constraint.
        name = f"{facility} | {contingency}" if contingency else facility
        start = when(row)
        records.append(ConstraintRecord(name, start, start + length, cost))
    return records
