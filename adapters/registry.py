"""Builds the four adapters, live or sandboxed, from settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

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
    built = {
        iso: package.create(sandboxed, sandbox.transport(iso, settings, clock=clock), clock=clock)
        for iso, package in packages.items()
    }
    import_sandbox_documents(built, (clock or _now)())
    return built


def import_sandbox_documents(adapters: Mapping[ISO, Adapter], now: datetime) -> None:
    """What `gridql import` does with the sandbox's documents (capacity auction workbooks), into
    each sandboxed adapter's archive: the datasets only documents publish answer there too."""
    from . import sandbox
    from .pipeline import FeedAdapter

    for iso, adapter in adapters.items():
        if not isinstance(adapter, FeedAdapter) or adapter.pipeline.archive is None:
            continue
        archive = adapter.pipeline.archive
        bodies = sandbox.documents(iso, now)
        for feed in adapter.catalog.feeds:
            if feed.name in bodies:
                archive.keep_now(feed, feed.parse(bodies[feed.name]), now)


def _now() -> datetime:
    return datetime.now(UTC)


def feeds() -> list[Feed[object]]:
    from . import caiso, ercot, nyiso, pjm

    return [*pjm.FEEDS, *ercot.FEEDS, *caiso.FEEDS, *nyiso.FEEDS]
