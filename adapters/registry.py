"""Builds the four adapters, live or sandboxed, from settings."""

from __future__ import annotations

from .base import Adapter
from .config import Settings
from .feeds import Feed
from .model import ISO


def build(settings: Settings) -> dict[ISO, Adapter]:
    from . import caiso, ercot, nyiso, pjm

    return {
        ISO.PJM: pjm.create(settings),
        ISO.ERCOT: ercot.create(settings),
        ISO.CAISO: caiso.create(settings),
        ISO.NYISO: nyiso.create(settings),
    }


def feeds() -> list[Feed]:
    from . import caiso, ercot, nyiso, pjm

    return [*pjm.FEEDS, *ercot.FEEDS, *caiso.FEEDS, *nyiso.FEEDS]
