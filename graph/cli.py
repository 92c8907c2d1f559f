"""`gridql serve` runs the API; `gridql parse` runs an adapter's parser over a downloaded file;
`gridql keys add` creates a client API key; `gridql schema` prints the SDL."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import orjson

from adapters import registry
from adapters.config import Settings
from adapters.errors import UpstreamError
from adapters.feed import Feed


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    overrides: dict[str, object] = {}
    if args.sandbox:
        overrides["sandbox"] = True
    if args.sandbox_latency is not None:
        overrides["sandbox_latency"] = args.sandbox_latency
    if args.faults:
        overrides["faults"] = args.faults
    settings = Settings.from_env(**overrides)
    if settings.faults:
        from adapters.sandbox import faults

        faults.parse(settings.faults)  # a bad spec is refused before the server starts
    mode = "sandbox (offline, generated data)" if settings.sandbox else "live"
    print(f"gridql: {mode} on http://{args.host}:{args.port}/graphql", file=sys.stderr)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError


def _parse(args: argparse.Namespace) -> int:
    feeds = registry.feeds()
    if args.list:
        for feed in feeds:
            print(f"{feed.iso.value:6} {feed.name:24} {feed.description}")
        return 0
    if not (args.iso and args.feed and args.file):
        print("gridql parse: give ISO FEED FILE, or --list", file=sys.stderr)
        return 2
    chosen: Feed[Any] | None = next(
        (f for f in feeds if f.iso.value == args.iso.upper() and f.name.lower() == args.feed.lower()), None
    )
    if chosen is None:
        print(f"gridql parse: no feed {args.feed!r} for {args.iso!r}; see `gridql parse --list`", file=sys.stderr)
        return 2
    body = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        records = chosen.parse(body)
    except UpstreamError as exc:
        print(f"gridql parse: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    for record in records:
        out.write(orjson.dumps(dataclasses.asdict(record), default=_plain, option=orjson.OPT_APPEND_NEWLINE))
    return 0


def _keys(args: argparse.Namespace) -> int:
    from .access import add_key

    path = Path(args.file)
    key = add_key(path, args.name, args.budget)
    print(f"gridql: key for {args.name!r} stored (hashed) in {path}; it is shown only now:", file=sys.stderr)
    print(key)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import sdl

    sys.stdout.write(sdl())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridql", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL API")
    serve.add_argument("--sandbox", action="store_true", help="serve generated data offline, no ISO reached")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--sandbox-latency", type=float, help="seconds each sandbox upstream response is held")
    serve.add_argument(
        "--faults", help="sandbox fault injection, e.g. 'NYISO=503,PJM=429:2' (see adapters/sandbox/faults.py)"
    )
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(run=_serve)

    parse = commands.add_parser("parse", help="parse a file downloaded from an ISO into JSON lines")
    parse.add_argument("iso", nargs="?", help="PJM, ERCOT, CAISO or NYISO")
    parse.add_argument("feed", nargs="?", help="the feed name (see --list)")
    parse.add_argument("file", nargs="?", help="the body exactly as the ISO served it; - for stdin")
    parse.add_argument("--list", action="store_true", help="list the feeds")
    parse.set_defaults(run=_parse)

    keys = commands.add_parser(
        "keys", help="create a client API key (serve checks keys when GRIDQL_API_KEYS_FILE is set)"
    )
    keys.add_argument("action", choices=["add"])
    keys.add_argument("name", help="who the key is for")
    keys.add_argument("--budget", type=int, help="query-cost budget per minute; none: unlimited")
    keys.add_argument("--file", default="gridql-keys.json", help="the key file (hashes only)")
    keys.set_defaults(run=_keys)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(run=_schema)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
