"""Typed lists at the speed of columns: graphql-core's executor with one loop for lists of leaf-only objects.

graphql-core completes every leaf value through resolve info, a resolver call, an awaitable check
and `complete_value`: a few microseconds each, nine tenths of a typed list's time. A list whose
items are one object type selecting only plain attributes (strawberry fields with no resolver,
extension, permission or argument), `__typename`, aliases, fragments on that type and
`@skip`/`@include` has nothing in that machinery that changes its answer: here each item's dict
is built in one loop, with the same serializers (`coerce_output_value`), in the same key order.

Anything else goes to graphql-core's own path, which then gives its exact answer and errors:
interfaces and unions (`is_type_of`), resolvers, nested objects and lists, middleware (a schema
extension with a `resolve` hook), `@defer`/`@stream`, and any surprise in the data -- a null in a
non-null leaf or item, a value that will not serialize, an awaitable -- discards the loop's work
and completes the list again the normal way. `tests/test_execution.py` holds the two paths to
byte-identical JSON, errors included.

`complete_list_value` is not graphql-core's public API: pyproject pins graphql-core's minor version.

The executor also checks the request's deadline before each list: execution is synchronous between
upstream awaits, where `asyncio.timeout` cannot interrupt it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, Callable, Iterable
from datetime import date, datetime
from inspect import isawaitable
from math import isfinite
from typing import Any, NamedTuple

from graphql import (
    GraphQLError,
    GraphQLFloat,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
_TYPENAME = "__typename"
_SKIP_INCLUDE = frozenset({"skip", "include"})
# Values of these classes are neither awaitables nor errors: the loop need not ask.
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, datetime, date})


class Leaf(NamedTuple):
    key: str  # the response key: the alias, or the field's name
    attribute: str | None  # the Python attribute read; None for `__typename`
    coerce: Callable[[Any], Any]  # the scalar's or enum's own serializer
    non_null: bool


class Plan:
    """How to complete each item of one list field in one selection: built once per request.

    The loop over items is written out as Python source for this selection and compiled, the way
    `dataclasses` writes `__init__`: each leaf a local read and a constant-keyed dict, with a
    finite float (the commonest leaf) passed through without a call. A general loop reading the
    same plan spent half its time on the per-leaf bookkeeping this removes."""

    __slots__ = ("_build", "items_non_null", "leaves", "typename")

    def __init__(self, typename: str, leaves: tuple[Leaf, ...], items_non_null: bool) -> None:
        self.typename, self.leaves, self.items_non_null = typename, leaves, items_non_null
        self._build = _compile(typename, leaves, items_non_null)

    def rows(self, items: list[Any] | tuple[Any, ...]) -> list[Any] | None:
        """Each item's dict, as graphql-core would build it; None where graphql-core must decide
        (an error to locate, a null to propagate, an awaitable to await)."""
        try:
            return self._build(items)
        except Exception:  # graphql-core's own path reports it, located, in its words
            return None


def _compile(typename: str, leaves: tuple[Leaf, ...], items_non_null: bool) -> Callable[[Any], list[Any] | None]:
    lines = [
        "def rows(items):",
        "    out = []",
        "    append = out.append",
        "    for item in items:",
        "        if item is None or item is Undefined:",
        "            if items_non_null:",
        "                return None",
        "            append(None)",
        "            continue",
    ]
    scope: dict[str, Any] = {
        "Undefined": Undefined,
        "_PLAIN": _PLAIN,
        "isawaitable": isawaitable,
        "isfinite": isfinite,
        "items_non_null": items_non_null,
        "typename": typename,
    }
    entries = []
    for n, leaf in enumerate(leaves):
        v = f"v{n}"
        entries.append(f"{leaf.key!r}: {'typename' if leaf.attribute is None else v}")
        if leaf.attribute is None:
            continue
        scope[f"coerce{n}"] = leaf.coerce
        general = [
            f"if {v} is None or {v} is Undefined:",
            "    return None" if leaf.non_null else f"    {v} = None",
            "else:",
            f"    if {v}.__class__ not in _PLAIN and (isawaitable({v}) or isinstance({v}, Exception)):",
            "        return None",
            f"    {v} = coerce{n}({v})",
            f"    if {v} is None or {v} is Undefined:",
            "        return None",
        ]
        lines.append(f"        {v} = item.{leaf.attribute}")
        if leaf.coerce is _float:  # graphql-core's answer for a finite float is the float itself
            lines.append(f"        if {v}.__class__ is not float or not isfinite({v}):")
            lines += [f"            {line}" for line in general]
        else:
            lines += [f"        {line}" for line in general]
    lines += ["        append({" + ", ".join(entries) + "})", "    return out"]
    exec("\n".join(lines), scope)  # the source holds only response keys and attribute names
    build: Callable[[Any], list[Any] | None] = scope["rows"]
    return build


class Executor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed like graphql-core's own memo: the field details list is kept alive with its plan
        # so that its id is not reused during this execution.
        self._plans: dict[tuple[GraphQLList[Any], int], tuple[FieldDetailsList, Plan | None]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: AsyncIterable[Any] | Iterable[Any],
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        deadline = getattr(self.context_value, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise GraphQLError(
                "The request ran past its deadline while its answer was being built",
                extensions={"code": DEADLINE_EXCEEDED},
            )
        if isinstance(result, list | tuple):
            plan = self._plan(return_type, field_details_list)
            if plan is not None:
                rows = plan.rows(result)
                if rows is not None:
                    return rows
        return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)

    def _plan(self, return_type: GraphQLList[Any], field_details_list: FieldDetailsList) -> Plan | None:
        key = (return_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = self._plans[key] = (field_details_list, self._make_plan(return_type, field_details_list))
        return cached[1]

    def _make_plan(self, return_type: GraphQLList[Any], field_details_list: FieldDetailsList) -> Plan | None:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None
        if any(d.name.value not in _SKIP_INCLUDE for fd in field_details_list for d in fd.node.directives or ()):
            return None  # @stream, or a directive added later: graphql-core knows what it means
        item_type, items_non_null = _unwrapped(return_type.of_type)
        if not is_object_type(item_type):
            return None
        assert isinstance(item_type, GraphQLObjectType)
        if item_type.is_type_of is not None:
            return None
        grouped, defer_usages, _ = self.collect_subfields(item_type, field_details_list)
        if defer_usages:
            return None
        leaves = []
        for response_key, details in grouped.items():
            leaf = _leaf(item_type, response_key, details)
            if leaf is None:
                return None
            leaves.append(leaf)
        return Plan(item_type.name, tuple(leaves), items_non_null)


def _leaf(parent: GraphQLObjectType, key: str, details: FieldDetailsList) -> Leaf | None:
    """How to complete one response key of a list item, if it is a plain attribute or `__typename`."""
    for fd in details:
        node = fd.node
        if fd.defer_usage is not None or fd.fragment_variable_values is not None or node.arguments:
            return None
        if node.selection_set is not None:
            return None
        if any(d.name.value not in _SKIP_INCLUDE for d in node.directives or ()):
            return None
    name = details[0].node.name.value
    if name == _TYPENAME:
        return Leaf(key, None, str, True)
    field = parent.fields.get(name)
    if field is None or field.args:
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or not getattr(field.resolve, "_is_default", False):
        return None  # a resolver, an extension or a permission runs for this field
    if not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    field_type, non_null = _unwrapped(field.type)
    if not is_leaf_type(field_type):
        return None
    if not definition.python_name.isidentifier():
        return None  # the compiled loop reads it as `item.<name>`
    coerce = _FAST.get(field_type, field_type.coerce_output_value)
    return Leaf(key, definition.python_name, coerce, non_null)


def _unwrapped(output_type: Any) -> tuple[Any, bool]:
    """The type inside a non-null wrapper, and whether there was one."""
    if isinstance(output_type, GraphQLNonNull):
        return output_type.of_type, True
    return output_type, False


def _float(value: Any) -> Any:
    # graphql-core returns `float(value)` for a finite float: the same number.
    if value.__class__ is float and isfinite(value):
        return value
    return GraphQLFloat.coerce_output_value(value)


def _string(value: Any) -> Any:
    return value if value.__class__ is str else GraphQLString.coerce_output_value(value)


# The built-in scalars' serializers, with their commonest case first: what they return for it.
_FAST: dict[object, Callable[[Any], Any]] = {GraphQLFloat: _float, GraphQLString: _string}
