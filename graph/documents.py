"""One cache of parsed and validated query documents, bounded by bytes.

A dashboard sends the same few documents over and over: each is parsed and validated once. The
cache is bounded by the memory its documents hold, not by their count: a parsed document takes
about 100 bytes per byte of query text (tracemalloc, a 6 KB query of 60 aliases: 630 KB), so 256
distinct 1 MB queries would otherwise hold 25 GB. Documents longer than `MAX_CACHED_TEXT` are
parsed and validated every time, and never kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

AST_BYTES_PER_CHAR = 100
MAX_CACHED_TEXT = 32 * 1024
MAX_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class _Entry:
    document: DocumentNode
    size: int
    # Validation errors per rule set: turning introspection off adds a rule.
    errors: dict[tuple[Any, ...], list[GraphQLError]] = field(default_factory=dict)


_documents: LRUCache[str, _Entry] = LRUCache(maxsize=MAX_BYTES, getsizeof=lambda entry: entry.size)


class DocumentCache(SchemaExtension):
    """Parses and validates each query text once while it is in the cache."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        query = execution.query or ""
        entry = _documents.get(query)
        if entry is None:
            document = parse(query, **execution.parse_options)
            entry = _Entry(document, AST_BYTES_PER_CHAR * len(query))
            if len(query) <= MAX_CACHED_TEXT:
                _documents[query] = entry
        execution.graphql_document = entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        entry = _documents.get(execution.query or "")
        rules = tuple(execution.validation_rules)
        errors = entry.errors.get(rules) if entry is not None else None
        if errors is None:
            assert execution.graphql_document is not None
            errors = validate_document(execution.schema._schema, execution.graphql_document, rules)
            if entry is not None and entry.document is execution.graphql_document:
                entry.errors[rules] = errors
        execution.pre_execution_errors = errors
        yield


def cached_bytes() -> int:
    """What the cached documents are estimated to hold (for tests and /metrics)."""
    return int(_documents.currsize)
