"""`gridql query FILE|-`: a query from the terminal, against a server or the sandbox in-process.

JSON prints the answer as the server sent it. CSV and NDJSON are the server's /export, written out
as it arrives; a table is /export's NDJSON rows lined up in columns, one table after another when
the query holds several. Either way the rows are the ones /export makes, never a second flattening.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import orjson

from gridql.adapters.config import Settings

from .export import cell

KEY_SETTING = "GRIDQL_KEY"
DEFAULT_URL = "http://127.0.0.1:8000"
FORMATS = ("json", "csv", "ndjson", "table")
TIMEOUT = httpx.Timeout(10.0, read=300.0)  # the server's own deadline (60 s by default) ends a query first


class QueryError(Exception):
    """A mistake in the command, or a query the server refused: one line (graph.cli reports it)."""


def add_command(commands: Any) -> None:
    query = commands.add_parser("query", help="run a GraphQL query from a file against a server or the sandbox")
    query.add_argument("file", help="the file holding the query; - reads it from stdin")
    where = query.add_mutually_exclusive_group()
    where.add_argument("--url", default=DEFAULT_URL, help="the gridql server (default: %(default)s)")
    where.add_argument(
        "--sandbox", action="store_true", help="run in this process against the sandbox's generated data, offline"
    )
    query.add_argument(
        "--key", help=f"the client key, for a server that requires one (default: ${KEY_SETTING}, kept out of ps)"
    )
    query.add_argument("--variables", metavar="JSON", help='the query\'s variables, a JSON object: \'{"run": "..."}\'')
    query.add_argument("--operation", metavar="NAME", help="the operation to run, when the file holds several")
    query.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json: the whole answer; csv, ndjson: its rows, as /export writes them; table: the rows lined up "
        "(default: %(default)s)",
    )
    query.set_defaults(run=_query)


def _query(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise QueryError(f"query: cannot read {args.file}: {problem or exc}") from None
    body: dict[str, Any] = {"query": text, "variables": _variables(args.variables)}
    if args.operation:
        body["operationName"] = args.operation
    return asyncio.run(_ask(args, body))


def _variables(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        variables = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise QueryError(f"query: --variables is not valid JSON: {exc}") from None
    if not isinstance(variables, dict):
        raise QueryError('query: --variables must be a JSON object, e.g. \'{"run": "DAY_AHEAD_HOURLY"}\'')
    return variables


async def _ask(args: argparse.Namespace, body: dict[str, Any]) -> int:
    key = args.key or os.environ.get(KEY_SETTING)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if not args.sandbox:
        base = args.url.rstrip("/").removesuffix("/graphql")
        try:
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT) as client:
                return await _answer(client, body, args.format)
        except httpx.TransportError as exc:
            raise QueryError(f"query: cannot reach {base}: {exc or type(exc).__name__}") from None
        except httpx.InvalidURL as exc:
            raise QueryError(f"query: --url {args.url!r}: {exc}") from None
    from gridql.adapters import registry

    from .app import create_app

    try:
        settings = Settings.from_env(sandbox=True)
    except ValueError as exc:
        raise QueryError(f"query: bad environment setting: {exc}") from None
    adapters = registry.build(settings)
    transport = httpx.ASGITransport(app=create_app(settings, adapters))
    try:
        async with httpx.AsyncClient(base_url="http://sandbox", headers=headers, transport=transport) as client:
            return await _answer(client, body, args.format)
    finally:
        for adapter in adapters.values():
            await adapter.aclose()


async def _answer(client: httpx.AsyncClient, body: dict[str, Any], format: str) -> int:
    out = sys.stdout.buffer
    if format == "json":
        response = await client.post("/graphql", json=body)
        answer = _json(response)
        out.write(orjson.dumps(answer, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        if answer.get("errors") or response.status_code != 200:
            raise QueryError(f"query: {_errors(answer, response.status_code)}")
        return 0
    wanted = "ndjson" if format == "table" else format
    async with client.stream("POST", "/export", params={"format": wanted}, json=body) as response:
        if response.status_code != 200:
            await response.aread()
            raise QueryError(f"query: {_errors(_json(response), response.status_code)}")
        if format != "table":
            async for chunk in response.aiter_bytes():
                out.write(chunk)
            return 0
        rows = [orjson.loads(line) async for line in response.aiter_lines() if line]
    out.write(table(rows).encode())
    return 0


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise QueryError(f"query: HTTP {response.status_code}, not a gridql answer: {response.text[:120]!r}")
    return answer


def _errors(answer: Mapping[str, Any], status: int) -> str:
    errors = answer.get("errors") or [{"message": f"HTTP {status}"}]
    first = errors[0]
    code = (first.get("extensions") or {}).get("code", "ERROR")
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    return f"{code}: {first.get('message', '')}{more}"


def table(rows: list[dict[str, Any]]) -> str:
    """NDJSON rows as aligned text, numbers right-aligned; rows naming several tables, each under its name."""
    if not rows:
        return "(no rows)\n"
    if "table" not in rows[0]:
        return _lines(rows)
    names = list(dict.fromkeys(row["table"] for row in rows))
    parts = []
    for name in names:
        own = [{k: v for k, v in row.items() if k != "table"} for row in rows if row["table"] == name]
        parts.append(f"{name} ({len(own)} rows)\n{_lines(own)}")
    return "\n".join(parts)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _lines(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    numeric = [all(_number(row.get(column)) or row.get(column) is None for row in rows) for column in columns]
    out = []
    for line in [columns, *cells]:
        out.append(
            "  ".join(
                text.rjust(width) if right else text.ljust(width)
                for text, width, right in zip(line, widths, numeric, strict=True)
            ).rstrip()
        )
    return "\n".join(out) + "\n"
