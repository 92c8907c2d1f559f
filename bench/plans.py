"""What each feed asks of its ISO: requests, upstream seconds at the ISO's documented pace, and the
request pattern, for a day and 31 days, recent and three years back, of one node and of 20.

    python -m bench.plans [--iso PJM] [--feed da_hrl_lmps] [--feeds]

`--feeds` prints each feed's retention, first day, cadence and delay instead, and what an answer
with no rows says (the notice codes of resolvers/notices.py).

Each case runs the live client code against the ISO's sandbox through a fresh adapter (no cache,
no archive) and counts what reaches the sandbox; the seconds are the plan's own estimate (what the
deadline check refuses on), since the sandbox answers without the ISO's spacing.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from gridql.adapters import caiso, ercot, nyiso, pjm, sandbox
from gridql.adapters.archive import day_window
from gridql.adapters.config import Settings
from gridql.adapters.errors import UpstreamError
from gridql.adapters.feed import Document, Feed, Prices
from gridql.adapters.model import ISO
from gridql.adapters.pipeline import Ask, FeedAdapter
from tests.sandbox_app import Counting

PACKAGES = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}
OLD = date(2023, 10, 2)  # three years back: every ISO's history path (archives, month files)


@dataclass(frozen=True)
class Case:
    label: str
    first: date
    days: int
    nodes: int  # 0: a market-wide feed


@dataclass(frozen=True)
class Outcome:
    requests: int
    seconds: float
    wall: float
    pattern: str
    error: str | None


def _adapter(iso: ISO, settings: Settings) -> tuple[FeedAdapter, Counting]:
    counting = Counting(iso, sandbox.transport(iso, settings), Counter())
    adapter = PACKAGES[iso].create(sandbox.credentials(settings), transport=counting, min_interval=0)
    assert isinstance(adapter, FeedAdapter)
    return adapter, counting


def _pattern(counting: Counting) -> str:
    urls = [u for u in counting.urls if u.host != "ercotb2c.b2clogin.com"]
    if not urls:
        return "-"
    first = urls[0]
    names = ",".join(sorted({k for k, _ in first.params.multi_items()}))
    return f"{first.host}{first.path}" + (f"?{names}" if names else "")


async def _run(iso: ISO, feed: Feed[object], case: Case, codes: Sequence[str], settings: Settings) -> Outcome:
    adapter, counting = _adapter(iso, settings)
    try:
        window = day_window(case.first, case.first + timedelta(days=case.days - 1), adapter.market.tz)
        ask = Ask(window, adapter.clock(), tuple(codes[: case.nodes]))
        seconds = await adapter.pipeline.upstream_seconds(feed, ask)
        started = time.perf_counter()
        error = None
        try:
            await adapter.pipeline.run(feed, ask)
        except UpstreamError as exc:
            error = exc.code
        wall = time.perf_counter() - started
        return Outcome(counting.counts[iso], seconds, wall, _pattern(counting), error)
    finally:
        await adapter.aclose()


def _cases(feed: Feed[object], today: date) -> list[Case]:
    recent = today - timedelta(days=32)
    spans = [("recent", recent), ("3 years back", OLD)]
    node_counts = [1, 20] if isinstance(feed.serves, Prices) else [0]
    return [
        Case(f"{when}, {days} d, " + (f"{n} node{'s' * (n > 1)}" if n else "all"), first, days, n)
        for when, first in spans
        for days in (1, 31)
        for n in node_counts
    ]


def _span(value: timedelta | None) -> str:
    if value is None:
        return "no documented limit"
    if value < timedelta(0):
        return f"{_span(-value)} ahead"  # a day-ahead market publishes before the day
    if value >= timedelta(days=2):
        return f"{value.days} d"
    return (
        f"{value.total_seconds() / 3600:g} h" if value >= timedelta(hours=1) else f"{value.total_seconds() / 60:g} min"
    )


def _empty(feed: Feed[object]) -> str:
    """How an answer of this feed with no rows is explained (resolvers/notices.py, from the declaration)."""
    why = ["NOT_YET_PUBLISHED past now - delay"]
    if feed.retention is not None:
        why.append(f"OUTSIDE_RETENTION before now - {_span(feed.retention)}")
    if feed.earliest is not None:
        why.append(f"OUTSIDE_RETENTION before {feed.earliest}")
    why.append("else NO_DATA")
    return "; ".join(why)


def _served(feed: Feed[object]) -> bool:
    return feed.interval is not None and feed.serves is not None and not isinstance(feed.query, Document)


async def main(isos: Sequence[ISO], only: str | None, feeds_only: bool = False) -> None:
    # The deadline is lifted so that every plan runs and is counted; the default deadline's verdict
    # on each plan is its own column.
    settings = Settings(sandbox=True, archive=None, request_deadline=3600.0)
    deadline = Settings().request_deadline
    today = datetime.now(UTC).date()
    if feeds_only:
        print("| ISO | feed | retention | earliest | cadence | delay | an empty answer says |")
        print("|---|---|---|---|---|---|---|")
        for iso in isos:
            probe, _ = _adapter(iso, settings)
            for feed in (f for f in probe.catalog.feeds if _served(f) and (only is None or f.name == only)):
                print(
                    f"| {iso.value} | {feed.name} | {_span(feed.retention)} | {feed.earliest or '-'} | "
                    f"{_span(feed.cadence)} | {_span(feed.delay) if feed.delay else '0'} | {_empty(feed)} |"
                )
            await probe.aclose()
        return
    print("| ISO | feed | case | requests | upstream s | default deadline | pattern (first request) |")
    print("|---|---|---|---|---|---|---|")
    for iso in isos:
        probe, _ = _adapter(iso, settings)
        codes = [node.code for node in await probe.nodes()][:20]
        feeds = [f for f in probe.catalog.feeds if _served(f) and (only is None or f.name == only)]
        await probe.aclose()
        for feed in feeds:
            for case in _cases(feed, today):
                out = await _run(iso, feed, case, codes, settings)
                verdict = "refused up front" if out.seconds > deadline else "ok"
                shown = out.error or verdict
                print(
                    f"| {iso.value} | {feed.name} | {case.label} | {out.requests} | {out.seconds:.0f} | {shown} | "
                    f"`{out.pattern}` |",
                    flush=True,
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="requests and upstream seconds of every feed's plans")
    parser.add_argument("--iso", choices=[i.value for i in ISO], help="only this ISO")
    parser.add_argument("--feed", help="only the feed of this name")
    parser.add_argument("--feeds", action="store_true", help="each feed's retention, cadence and empty answer instead")
    args = parser.parse_args()
    asyncio.run(main([ISO(args.iso)] if args.iso else list(ISO), args.feed, args.feeds))
