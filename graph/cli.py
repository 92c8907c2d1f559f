"""`gridql serve` runs the API; `gridql parse` runs an adapter's parser over a downloaded file;
`gridql keys add|list|revoke` manages client API keys; `gridql schema` prints the SDL;
`gridql query FILE|-` runs a query against a server or the sandbox, printing JSON, CSV or a table;
`gridql graphiql install` fetches GraphiQL's scripts from the npm registry for offline use.

An operator's mistake (a bad flag, file, port or environment value) is one line on stderr starting
`gridql:` and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import socket
import sys
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

import httpx
import orjson

from gridql.adapters import registry
from gridql.adapters.archive import ArchiveError
from gridql.adapters.config import Settings
from gridql.adapters.errors import UpstreamError
from gridql.adapters.feed import Feed

from . import archive_commands, graphiql_assets, query_command, workers


def _serve(args: argparse.Namespace) -> int:
    from .access import KeyFileError
    from .app import create_app

    overrides: dict[str, object] = {}
    if args.workers is not None:
        overrides["workers"] = args.workers
    if args.sandbox:
        overrides["sandbox"] = True
    if args.sandbox_latency is not None:
        overrides["sandbox_latency"] = args.sandbox_latency
    if args.faults:
        overrides["faults"] = args.faults
    if args.log_format:
        overrides["log_format"] = args.log_format
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        raise OperatorError(f"bad environment setting: {exc}{_env_hint(exc)}") from None
    if settings.faults:
        from gridql.adapters.sandbox import faults

        try:
            faults.parse(settings.faults)  # a bad spec is refused before the server starts
        except ValueError as exc:
            source = "--faults" if args.faults else "GRIDQL_SANDBOX_FAULTS"
            raise OperatorError(f"{source}: {exc}") from None
    try:
        app = create_app(settings)  # with workers, each builds its own; this one proves the settings work
    except KeyFileError as exc:
        raise OperatorError(f"{exc}; not starting") from None
    except ValueError as exc:  # a setting the adapters refuse
        raise OperatorError(f"cannot start: {exc}") from None
    sock = _listen(args.host, args.port)
    mode = "sandbox (offline, generated data)" if settings.sandbox else "live"
    each = f", {settings.workers} workers" if settings.workers > 1 else ""
    if settings.log_format == "text":  # in JSON every line is an object: uvicorn's say it has started
        print(f"gridql: {mode} on http://{args.host}:{args.port}/graphql{each}", file=sys.stderr)
    if settings.workers == 1:
        return 0 if workers.serve(app, sock, args.log_level, settings.log_format) else 1
    sock.close()  # bound only to report a taken port as one line; each worker binds its own
    return workers.run(settings.workers, overrides, args.host, args.port, args.log_level)


def _env_hint(exc: ValueError) -> str:
    """Which GRIDQL_* variable a bare conversion error (`could not convert string to float: 'abc'`) came from."""
    text = str(exc)
    if "GRIDQL_" in text:
        return ""
    names = sorted(name for name, value in os.environ.items() if name.startswith("GRIDQL_") and repr(value) in text)
    return f" (from {', '.join(names)})" if names else " (check the GRIDQL_* environment variables)"


def _listen(host: str, port: int) -> socket.socket:
    """Bind the server's socket here, as uvicorn would, so that a taken port is one line, not a log record."""
    try:
        return workers.bind(host, port, shared=False)
    except OSError as exc:
        hint = "; is another server running there? pick another --port" if exc.errno == errno.EADDRINUSE else ""
        raise OperatorError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None


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
        raise OperatorError("parse: give ISO FEED FILE, or --list", 2)
    chosen: Feed[Any] | None = next(
        (f for f in feeds if f.iso.value == args.iso.upper() and f.name.lower() == args.feed.lower()), None
    )
    if chosen is None:
        raise OperatorError(f"parse: no feed {args.feed!r} for {args.iso!r}; see `gridql parse --list`", 2)
    try:
        body = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise OperatorError(f"parse: cannot read {args.file}: {exc.strerror or exc}") from None
    try:
        records = chosen.parse(body)
    except UpstreamError as exc:
        raise OperatorError(f"parse: {exc}") from None
    out = sys.stdout.buffer
    for record in records:
        out.write(orjson.dumps(dataclasses.asdict(record), default=_plain, option=orjson.OPT_APPEND_NEWLINE))
    return 0


def _keys_add(args: argparse.Namespace) -> int:
    from .access import add_key

    path = Path(args.file)
    key = add_key(path, args.name, args.budget)
    print(f"gridql: key for {args.name!r} stored (hashed) in {path}; it is shown only now:", file=sys.stderr)
    print(key)
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    from .access import read_entries

    entries = read_entries(Path(args.file))
    if not entries:
        print(f"gridql: {args.file} lists no keys", file=sys.stderr)
    width = max((len(entry.name) for entry in entries), default=0)
    for entry in entries:  # names and budgets only: never a hash
        budget = "unlimited" if entry.budget_per_minute is None else f"{entry.budget_per_minute}/min"
        print(f"{entry.name:{width}}  {budget}")
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    from .access import revoke_key

    left = revoke_key(Path(args.file), args.name)
    print(f"gridql: revoked the key of {args.name!r} in {args.file}; {left} key(s) left", file=sys.stderr)
    if not left:
        print("gridql: with no keys left, `gridql serve` refuses to start on this file", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import sdl

    sys.stdout.write(sdl())
    return 0


def _graphiql_install(args: argparse.Namespace) -> int:
    folder = Path(args.dir) if args.dir else graphiql_assets.default_folder()
    try:
        with httpx.Client(timeout=60, follow_redirects=True) as client:
            written = graphiql_assets.install(folder, client, args.registry)
    except graphiql_assets.InstallError as exc:
        raise OperatorError(f"graphiql install: {exc}") from None
    except OSError as exc:
        raise OperatorError(f"graphiql install: cannot write {folder}: {exc.strerror or exc}") from None
    for path in written:
        print(path)
    hint = "" if folder == graphiql_assets.default_folder() else f"; serve with {graphiql_assets.SETTING}={folder}"
    print(f"gridql: GraphiQL installed in {folder}{hint}", file=sys.stderr)
    return 0


class OperatorError(Exception):
    """A mistake in what the operator asked for: one line on stderr, no traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("gridql").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"gridql: {where}{message} (see `{self.prog} --help`)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not between 1 and 65535")
    return port


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _non_negative(kind: type[int] | type[float]) -> Any:
    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {'whole ' if kind is int else ''}number: {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"cannot be negative: {text}")
        return value

    return convert


def _version() -> str:
    try:
        return metadata.version("gridql")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def build_parser() -> argparse.ArgumentParser:
    keys_default = os.environ.get("GRIDQL_API_KEYS_FILE") or "gridql-keys.json"
    parser = _Parser(prog="gridql", description=__doc__)
    parser.add_argument("--version", action="version", version=f"gridql {_version()}", help="print the version")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the GraphQL API")
    serve.add_argument("--sandbox", action="store_true", help="serve generated data offline, no ISO reached")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=_port, default=8000, help="the TCP port to listen on (default: %(default)s)")
    serve.add_argument(
        "--sandbox-latency",
        type=_non_negative(float),
        metavar="SECONDS",
        help="seconds each sandbox upstream response is held",
    )
    serve.add_argument(
        "--faults", help="sandbox fault injection, e.g. 'NYISO=503,PJM=429:2' (see adapters/sandbox/faults.py)"
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        help="server processes on the port, one per core is the most that helps; each ISO's request "
        "budget is divided between them (default: GRIDQL_WORKERS or 1)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
        help="uvicorn's log level, and gridql's (default: %(default)s)",
    )
    serve.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="text lines, or one JSON object per line with each request's id, operation, cost, upstream "
        "requests, duration and error codes (default: GRIDQL_LOG_FORMAT or text)",
    )
    serve.set_defaults(run=_serve)

    parse = commands.add_parser("parse", help="parse a file downloaded from an ISO into JSON lines")
    parse.add_argument("iso", nargs="?", help="PJM, ERCOT, CAISO or NYISO")
    parse.add_argument("feed", nargs="?", help="the feed name (see --list)")
    parse.add_argument("file", nargs="?", help="the body exactly as the ISO served it; - for stdin")
    parse.add_argument("--list", action="store_true", help="list the feeds")
    parse.set_defaults(run=_parse)
    archive_commands.add_commands(commands)
    query_command.add_command(commands)

    keys = commands.add_parser(
        "keys", help="manage client API keys (serve checks keys when GRIDQL_API_KEYS_FILE is set)"
    )
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    file_help = "the key file, hashes only (default: $GRIDQL_API_KEYS_FILE, else gridql-keys.json)"
    add = actions.add_parser("add", help="create a key; it is printed once, only its hash is stored")
    add.add_argument("name", help="who the key is for (unique in the file)")
    add.add_argument(
        "--budget", type=_non_negative(int), metavar="N", help="query-cost budget per minute; none: unlimited"
    )
    add.add_argument("--file", default=keys_default, help=file_help)
    add.set_defaults(run=_keys_add)
    listing = actions.add_parser("list", help="print each key's name and budget (never a key or hash)")
    listing.add_argument("--file", default=keys_default, help=file_help)
    listing.set_defaults(run=_keys_list)
    revoke = actions.add_parser("revoke", help="remove a key; a running server stops accepting it within a second")
    revoke.add_argument("name", help="the name the key was added under")
    revoke.add_argument("--file", default=keys_default, help=file_help)
    revoke.set_defaults(run=_keys_revoke)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(run=_schema)

    graphiql = commands.add_parser("graphiql", help="GraphiQL's browser assets, for a page that works offline")
    graphiql_actions = graphiql.add_subparsers(dest="action", required=True, metavar="ACTION")
    install = graphiql_actions.add_parser(
        "install", help="download the pinned graphiql, react and react-dom packages and keep their browser builds"
    )
    install.add_argument(
        "--dir", help="the asset folder (default: $GRIDQL_GRAPHIQL_ASSETS, else ~/.local/share/gridql/graphiql)"
    )
    install.add_argument("--registry", default=graphiql_assets.REGISTRY, help="the npm registry (default: %(default)s)")
    install.set_defaults(run=_graphiql_install)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .access import KeyFileError

    args = build_parser().parse_args(argv)
    try:
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except OperatorError as exc:
        print(f"gridql: {exc}", file=sys.stderr)
        return exc.code
    except (KeyFileError, archive_commands.CommandError, ArchiveError, query_command.QueryError) as exc:
        print(f"gridql: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        _silence_stdout()
        print("gridql: output closed before all of it was written (broken pipe)", file=sys.stderr)
        return 141  # 128 + SIGPIPE, as a shell reports a command a pipe cut short
    except KeyboardInterrupt:
        print("gridql: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
