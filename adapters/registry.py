"""Builds the four adapters, live or sandboxed, from settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .base import Adapter
from .config import Settings
from .feed import Feed
from .model import ISO


def build(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> dict[ISO, Adapter]:
    """Live adapters reach the ISOs; in sandbox mode each talks to its ISO's sandbox instead,
    which is imported only then. `clock` pins "now" for adapters and sandboxes alike (tests)."""
    from . import caiso, ercot, nyiso, pjm

    packages = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}
    if not settings.sandbox:
        return {iso: package.create(settings, clock=clock) for iso, package in packages.items()}
    from . import sandbox

    sandboxed = sandbox.credentials(settings)
    return {
        iso: package.create(sandboxed, sandbox.transport(iso, settings, clock=clock), clock=clock)
        for iso, package in packages.items()
    }


def feeds() -> list[Feed[object]]:
    from . import caiso, ercot, nyiso, pjm

    return [*pjm.FEEDS, *ercot.FEEDS, *caiso.FEEDS, *nyiso.FEEDS]
