"""Market-wide datasets (load, fuel mix, ancillary prices, ...): validate, then load once per request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from gridql.adapters.errors import UnsupportedDataset, UpstreamError
from gridql.adapters.feed import unsupported_dataset
from gridql.adapters.model import ISO, DatasetKind, MarketRun, SeriesRequest

from .context import Context
from .errors import bad_input, dataset_not_served, from_upstream
from .notices import explain, no_market
from .windows import resolve_window


async def market_series(
    context: Context,
    iso: ISO,
    kind: DatasetKind,
    path: Sequence[str | int],
    *,
    start: datetime | None,
    end: datetime | None,
    day: date | None,
    days: int,
    run: MarketRun | None = None,
    published_before: datetime | None = None,
    filters: Mapping[str, str | bool | None] | None = None,
) -> Sequence[Any]:
    """The dataset's records over the window, filtered; an unknown label is refused listing the
    valid ones, and an answer short of its window gets a notice saying why."""
    adapter = context.adapters[iso]
    info = next((d for d in adapter.datasets if d.kind is kind), None)
    why = adapter.market.absence(kind)
    if info is None and why is not None:
        resolve_window(adapter.market, start, end, day, days)  # a bad window is refused all the same
        no_market(context, iso, path, kind.value, why)
        return []
    if info is None:
        raise dataset_not_served(str(unsupported_dataset(iso, kind, run, None)))
    if run is not None and run not in info.runs:
        raise bad_input(str(unsupported_dataset(iso, kind, run, info)))
    if published_before is not None and published_before.utcoffset() is None:
        raise bad_input(f"`publishedBefore` {published_before.isoformat()} has no UTC offset")
    window = resolve_window(adapter.market, start, end, day, days)
    request = SeriesRequest(
        kind, window, run, published_before.astimezone(UTC) if published_before is not None else None
    )
    try:
        records: Sequence[Any] = await context.loaders.series.load((iso, request))
    except UnsupportedDataset as exc:  # a run-keyed dataset asked for without a run
        raise bad_input(str(exc)) from exc
    except UpstreamError as exc:
        raise from_upstream(exc) from exc
    wanted = {name: value for name, value in (filters or {}).items() if value is not None}
    _check_labels(iso, kind, adapter.labels(kind), records, wanted)
    chosen = select(records, **wanted)
    what = kind.value + "".join(f" {name}={value}" for name, value in wanted.items())
    coverage = adapter.coverage(kind, run)
    explain(context, iso, path, what, window, chosen, coverage, sparse=kind is DatasetKind.CONSTRAINTS)
    return chosen


def _check_labels(
    iso: ISO,
    kind: DatasetKind,
    declared: Mapping[str, Sequence[str]],
    records: Sequence[Any],
    wanted: Mapping[str, str | bool],
) -> None:
    """A label filter must name one of the ISO's labels: those its feeds declare, and those in
    the answer. Where neither is known (no declaration, no rows) the notice says why it is empty."""
    for name, value in wanted.items():
        if not isinstance(value, str):
            continue
        valid = {*declared.get(name, ()), *(v for r in records if isinstance(v := getattr(r, name, None), str))}
        if valid and value.casefold() not in {v.casefold() for v in valid}:
            labels = ", ".join(sorted(valid))
            raise bad_input(f"{iso.value} has no {kind.value} {name} {value!r}; its {name} labels are: {labels}")


def select(records: Sequence[Any], **wanted: str | bool | None) -> Sequence[Any]:
    """Records whose fields equal the wanted values (area, product, fuel, ...); strings compare
    case-insensitively, and a filter left None matches everything."""
    tests = [(name, value) for name, value in wanted.items() if value is not None]
    if not tests:
        return records
    return [r for r in records if all(_equal(getattr(r, name), value) for name, value in tests)]


def _equal(value: object, wanted: str | bool) -> bool:
    if isinstance(wanted, str):
        return isinstance(value, str) and value.casefold() == wanted.casefold()
    return value is wanted
