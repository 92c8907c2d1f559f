"""`Node.prices`: validate the run and window, then load through the batching PriceLoader."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from gridql.adapters.errors import UnsupportedRun, UpstreamError
from gridql.adapters.feed import unsupported_run
from gridql.adapters.model import MarketRun, Node, PriceRecord

from .context import Context
from .errors import bad_input, from_upstream
from .notices import explain
from .windows import resolve_window


async def node_prices(
    context: Context,
    path: Sequence[str | int],
    node: Node,
    run: MarketRun,
    start: datetime | None,
    end: datetime | None,
    day: date | None,
    days: int,
) -> list[PriceRecord]:
    market = context.market(node.iso)
    if run not in market.runs:
        raise bad_input(str(unsupported_run(node.iso, run, market.runs)))
    window = resolve_window(market, start, end, day, days)
    try:
        records: list[PriceRecord] = await context.loaders.prices.load((node.iso, run, window, node.code))
    except UnsupportedRun as exc:
        raise bad_input(str(exc)) from exc
    except UpstreamError as exc:
        raise from_upstream(exc) from exc
    explain(
        context,
        node.iso,
        path,
        f"{run.name} prices at {node.id}",
        window,
        records,
        context.adapters[node.iso].coverage(None, run),
    )
    return records
