"""The sandbox: an offline model of each ISO, answering its real requests in its real wire format.

Loaded only in sandbox mode (`gridql serve --sandbox`, the tests); no production module imports
it. Each ISO's module (`pjm`, `ercot`, `caiso`, `nyiso`) encodes that ISO's documented behaviour
itself -- URLs, parameters, limits, columns, clocks, what is published when -- and imports nothing
from the ISO's client package but its reference node lists (`adapters.<iso>.nodes`): a sandbox
sharing the client's constants could not catch a wrong one. Each exports
`transport(latency=0.0, *, clock=None)` and `PRICE_COLUMNS`, the columns content faults aim at.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import httpx

from ..config import Secret, Settings
from ..model import ISO
from .faults import FaultTransport, parse


def transport(iso: ISO, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> httpx.AsyncBaseTransport:
    """The ISO's sandbox with the latency and faults `settings` ask for; `clock` pins "now"."""
    module = importlib.import_module(f"{__name__}.{iso.value.lower()}")
    inner: httpx.AsyncBaseTransport = module.transport(latency=settings.sandbox_latency, clock=clock)
    chosen = [fault for fault in parse(settings.faults) if fault.iso is iso]
    return FaultTransport(inner, chosen, module.PRICE_COLUMNS) if chosen else inner


def credentials(settings: Settings) -> Settings:
    """Stand-in keys and accounts where none are configured: the sandbox checks that they are sent."""
    return replace(
        settings,
        pjm_api_key=settings.pjm_api_key or Secret("sandbox-pjm-key"),
        pjm_planning_key=settings.pjm_planning_key or Secret("sandbox-planning-key"),
        ercot_api_key=settings.ercot_api_key or Secret("sandbox-subscription-key"),
        ercot_username=settings.ercot_username or Secret("sandbox@example.com"),
        ercot_password=settings.ercot_password or Secret("sandbox-password"),
    )


def documents(iso: ISO, now: datetime) -> dict[str, bytes]:
    """The reports the ISO publishes as documents (workbooks, downloads), as the sandbox's ISO would post them
    by `now`, by the name of the feed that reads them: what `gridql import` would be given."""
    if iso is ISO.PJM:
        from .pjm.rpm import workbook as rpm

        return {"rpm-auctions-resource-clearing-price-summary": rpm(now.year)}
    if iso is ISO.NYISO:
        from .nyiso import tcc
        from .nyiso.icap import workbook as icap

        return {
            "ICAP-Market-Report": icap(now.date()),
            "TCC-Nodal-Price": tcc.nodal_prices(now.date()),
            "TCC-Summary-of-Awards": tcc.awards(now.date()),
        }
    if iso is ISO.ERCOT:
        from .ercot.crr import monthly_results

        return {"NP7-803-M": monthly_results(now.date())}
    return {}
