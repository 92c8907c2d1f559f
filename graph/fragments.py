"""A document's fragments, each measured once.

A spread of an already measured fragment is a look-up, so a query whose fragments spread each
other twice over costs time linear in its size to measure, not exponential in its depth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from graphql import DocumentNode, FragmentDefinitionNode

T = TypeVar("T")


class Fragments(Generic[T]):
    def __init__(self, document: DocumentNode, measure: Callable[[FragmentDefinitionNode], T], empty: T) -> None:
        self._definitions = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._measure = measure
        self._empty = empty
        self._known: dict[str, T] = {}
        self._visiting: set[str] = set()

    def __call__(self, name: str) -> T:
        """The measure of fragment `name`; `empty` for an unknown or cyclic one, which graphql's own
        validation rules report."""
        if name in self._known:
            return self._known[name]
        fragment = self._definitions.get(name)
        if fragment is None or name in self._visiting:
            return self._empty
        self._visiting.add(name)
        found = self._known[name] = self._measure(fragment)
        self._visiting.discard(name)
        return found
