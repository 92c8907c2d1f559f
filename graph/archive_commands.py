"""`gridql backfill`, `gridql import` and `gridql archive status|migrate`: the archive from the terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gridql.adapters import registry
from gridql.adapters.archive import Archive, open_store
from gridql.adapters.archive.backfill import Progress, backfill
from gridql.adapters.archive.locations import shown
from gridql.adapters.config import Settings
from gridql.adapters.errors import UpstreamError
from gridql.adapters.model import ISO, MarketInfo
from gridql.adapters.pipeline import FeedAdapter


class CommandError(Exception):
    """An operator mistake: one line, no traceback (graph.cli reports it)."""


def add_commands(commands: Any) -> None:
    fill = commands.add_parser(
        "backfill", help="fill the archive with a feed's history, within the ISO's limits; resumable"
    )
    fill.add_argument("iso", help="PJM, ERCOT, CAISO or NYISO")
    fill.add_argument("feed", help="the feed's name, as `gridql parse --list` shows it")
    fill.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="first day, YYYY-MM-DD")
    fill.add_argument("--to", dest="last", type=date.fromisoformat, required=True, help="last day, inclusive")
    fill.add_argument("--nodes", default="", help="price feeds: the ISO's node ids to keep, comma-separated")
    fill.add_argument("--sandbox", action="store_true", help="fill from the sandbox (GRIDQL_ARCHIVE names the file)")
    fill.set_defaults(run=_backfill)

    load = commands.add_parser(
        "import", help="load files downloaded from an ISO into the archive, through the feed's own parser"
    )
    load.add_argument("iso", help="PJM, ERCOT, CAISO or NYISO")
    load.add_argument("feed", help="the feed's name, as `gridql parse --list` shows it")
    load.add_argument("files", nargs="+", help="bodies exactly as the ISO served them (zips, CSVs, JSON)")
    load.set_defaults(run=_import)

    archive = commands.add_parser("archive", help="what the archive holds")
    actions = archive.add_subparsers(dest="action", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="days, series and revisions held per feed")
    status.set_defaults(run=_status)
    migrate = actions.add_parser(
        "migrate", help="bring the archive's schema up to date (PostgreSQL: before replicas start)"
    )
    migrate.set_defaults(run=_migrate)


def _iso(name: str, command: str) -> ISO:
    try:
        return ISO(name.upper())
    except ValueError:
        raise CommandError(f"{command}: no ISO {name!r}; use PJM, ERCOT, CAISO or NYISO") from None


def _timezone(iso: ISO) -> ZoneInfo:
    from gridql.adapters import caiso, ercot, nyiso, pjm

    market: MarketInfo = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}[iso].MARKET
    return market.tz


def _backfill(args: argparse.Namespace) -> int:
    settings = Settings.from_env(**({"sandbox": True} if args.sandbox else {}))
    if settings.archive is None:
        raise CommandError("backfill: GRIDQL_ARCHIVE is off: there is no archive to fill")
    if args.last < args.first:
        raise CommandError(f"backfill: --to {args.last} is before --from {args.first}")
    iso = _iso(args.iso, "backfill")
    adapter = registry.build(settings)[iso]
    assert isinstance(adapter, FeedAdapter)
    feed = next((f for f in adapter.catalog.feeds if f.name.lower() == args.feed.lower()), None)
    if feed is None:
        raise CommandError(f"backfill: {iso.value} has no feed {args.feed!r}; see `gridql parse --list`")
    nodes = [code.strip() for code in args.nodes.split(",") if code.strip()]

    live = sys.stderr.isatty()  # one line redrawn on a terminal, a line per week in a log

    def report(progress: Progress) -> None:
        eta = f", about {progress.seconds_left:.0f} s of upstream time left" if progress.seconds_left else ""
        line = f"{feed.name}: {progress.days}/{progress.total} days, {progress.rows:,} rows, "
        start, end = ("\r", "") if live else ("", "\n")
        print(f"{start}{line}{progress.requests} upstream requests{eta}", end=end, file=sys.stderr)

    async def run() -> Progress:
        try:
            return await backfill(adapter, feed, args.first, args.last, nodes, report)
        finally:
            await adapter.aclose()

    try:
        done = asyncio.run(run())
    except ValueError as exc:
        raise CommandError(f"backfill: {exc}") from None
    if live:
        print(file=sys.stderr)
    for day, reason in done.failed:
        print(f"gridql: backfill: the week from {day} failed: {reason}", file=sys.stderr)
    print(
        f"gridql: {feed.name} {args.first} - {args.last} is in {shown(settings.archive)}: {done.rows:,} rows, "
        f"{done.requests} upstream requests; {len(done.failed)} week(s) failed (run again to retry them)",
        file=sys.stderr,
    )
    return 1 if done.failed else 0


def _import(args: argparse.Namespace) -> int:
    location = _stored("import")
    iso = _iso(args.iso, "import")
    feed = next((f for f in registry.feeds() if f.iso is iso and f.name.lower() == args.feed.lower()), None)
    if feed is None or feed.interval is None:
        raise CommandError(f"import: {iso.value} has no archived feed {args.feed!r}; see `gridql parse --list`")
    archive = Archive(open_store(location), _timezone(iso))
    now = datetime.now(UTC)
    total = 0
    try:
        for name in args.files:
            try:
                records = feed.parse(Path(name).read_bytes())
            except OSError as exc:
                raise CommandError(f"import: cannot read {name}: {exc.strerror or exc}") from None
            except UpstreamError as exc:
                raise CommandError(f"import: {name}: {exc}") from None
            asyncio.run(archive.keep(feed, records, now))
            total += len(records)
            print(f"gridql: {name}: {len(records):,} {feed.name} rows archived", file=sys.stderr)
    finally:
        archive.store.close()
    print(f"gridql: {total:,} rows from {len(args.files)} file(s) in {shown(location)}", file=sys.stderr)
    return 0


def _stored(command: str) -> str:
    """The archive GRIDQL_ARCHIVE names, if it outlives this command."""
    location = Settings.from_env().archive
    if location is None or location == ":memory:":
        raise CommandError(f"{command}: GRIDQL_ARCHIVE names no archive file or database")
    return location


def _status(args: argparse.Namespace) -> int:
    location = _stored("archive")
    store = open_store(location)
    try:
        extents = store.extents()
    finally:
        store.close()
    print(f"{shown(location)}: {len(extents)} feed(s)")
    for e in extents:
        held = f"{e.days:>8,} series-days of {e.series:,} series, {e.revisions:,} bodies with revisions"
        print(f"  {e.feed:28} {e.first} - {e.last}  {held}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    location = _stored("archive migrate")
    store = open_store(location, migrate=True)
    store.close()
    for migration in store.applied:
        print(f"gridql: {shown(location)}: applied migration {migration.version}: {migration.purpose}", file=sys.stderr)
    if not store.applied:
        print(f"gridql: {shown(location)}: the schema is up to date", file=sys.stderr)
    return 0
