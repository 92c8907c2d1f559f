"""Node ids ("<ISO>:<the ISO's own id>") -> nodes, and paging through a market's node list."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from graphql import GraphQLError

from gridql.adapters.errors import UpstreamError
from gridql.adapters.model import ISO, Node, NodeType

from .context import Context
from .errors import bad_input, from_upstream, not_found

MAX_PAGE = 1000


def split_id(node_id: str) -> tuple[ISO, str]:
    iso_name, sep, code = node_id.partition(":")
    try:
        iso = ISO(iso_name)
    except ValueError:
        iso = None
    if not sep or not code or iso is None:
        isos = ", ".join(i.value for i in ISO)
        raise bad_input(f"Node id {node_id!r} is not of the form '<ISO>:<node>' with ISO one of {isos}")
    return iso, code


async def catalog(context: Context, iso: ISO) -> dict[str, Node]:
    try:
        nodes: dict[str, Node] = await context.loaders.catalog.load(iso)
    except UpstreamError as exc:
        raise from_upstream(exc) from exc
    return nodes


async def find(context: Context, node_id: str) -> Node:
    iso, code = split_id(node_id)
    try:
        node: Node | None = await context.loaders.node.load((iso, code))
    except UpstreamError as exc:
        raise from_upstream(exc) from exc
    if node is None:
        raise not_found(f"Unknown node id {node_id!r}: {iso.value} has no node {code!r}")
    return node


async def find_many(context: Context, node_ids: Sequence[str]) -> list[Node | GraphQLError]:
    """One entry per id, in order; unknown ids become an error in place (null in the response)."""

    async def one(node_id: str) -> Node | GraphQLError:
        try:
            return await find(context, node_id)
        except GraphQLError as error:
            return error

    return list(await asyncio.gather(*(one(node_id) for node_id in node_ids)))


@dataclass(frozen=True, slots=True)
class Page:
    nodes: list[Node]
    total: int
    has_next: bool
    has_previous: bool


def cursor_of(node: Node) -> str:
    return base64.urlsafe_b64encode(f"node:{node.code}".encode()).decode()


def _code_of(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("node:"):
        raise bad_input(f"`after` {cursor!r} is not a cursor this API issued")
    return text[5:]


async def page(
    context: Context, iso: ISO, type_: NodeType | None, search: str | None, first: int, after: str | None
) -> Page:
    if not 0 <= first <= MAX_PAGE:
        raise bad_input(f"`first` must be between 0 and {MAX_PAGE}, got {first}")
    nodes = list((await catalog(context, iso)).values())
    if type_ is not None:
        nodes = [n for n in nodes if n.type is type_]
    if search:
        needle = search.casefold()
        nodes = [n for n in nodes if needle in n.name.casefold() or needle in n.code.casefold()]
    offset = 0
    if after is not None:
        code = _code_of(after)
        offset = next((i + 1 for i, n in enumerate(nodes) if n.code == code), -1)
        if offset < 0:
            raise bad_input(f"`after` cursor points at node {code!r}, which is not in this list")
    return Page(nodes[offset : offset + first], len(nodes), offset + first < len(nodes), offset > 0)
