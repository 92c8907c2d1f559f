"""Interconnection queues: filters checked before anything is fetched, then the ISO's snapshot filtered."""

from __future__ import annotations

from collections.abc import Sequence

from gridql.adapters.errors import UnsupportedDataset, UpstreamError
from gridql.adapters.model import ISO, InterconnectionProject, QueueStatus
from gridql.adapters.queue import FUELS

from .context import Context
from .errors import bad_input, dataset_not_served, from_upstream


async def interconnection_queue(
    context: Context, iso: ISO, status: QueueStatus | None, fuel: str | None, state: str | None
) -> Sequence[InterconnectionProject]:
    """The ISO's queue, only the projects matching every filter given. `fuel` must be one of
    gridql's fuel labels and `state` a two-letter code, or nothing is fetched."""
    if fuel is not None and fuel.upper() not in FUELS:
        raise bad_input(f"{fuel!r} is not an interconnection queue fuel; the fuel labels are: {', '.join(FUELS)}")
    if state is not None and not (len(state.strip()) == 2 and state.strip().isalpha()):
        raise bad_input(f"`state` {state!r} is not a two-letter state code (TX, CA, NY, PA, ...)")
    try:
        projects = await context.adapters[iso].interconnection_queue()
    except UnsupportedDataset as exc:
        raise dataset_not_served(str(exc)) from exc
    except UpstreamError as exc:
        raise from_upstream(exc) from exc
    wanted_fuel = fuel.upper() if fuel is not None else None
    wanted_state = state.strip().upper() if state is not None else None
    return [
        p
        for p in projects
        if (status is None or p.status is status)
        and (wanted_fuel is None or p.fuel == wanted_fuel)
        and (wanted_state is None or p.state == wanted_state)
    ]
