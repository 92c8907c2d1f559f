"""Versioned schema changes. Each store keeps its own list, in order, and the version it is at;
a store opened by a gridql that reads another version is refused with what to do about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .store import ArchiveError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    purpose: str
    sql: str


def pending(found: int, migrations: Sequence[Migration], where: str) -> list[Migration]:
    """The migrations a store at version `found` lacks. A store newer than this gridql is refused:
    its rows may mean what this code cannot know."""
    latest = migrations[-1].version
    if found > latest:
        raise ArchiveError(f"the archive {where} is at schema version {found}, newer than this gridql's {latest}")
    return [m for m in migrations if m.version > found]


def out_of_date(found: int, migrations: Sequence[Migration], where: str) -> ArchiveError:
    return ArchiveError(
        f"the archive {where} is at schema version {found}, this gridql needs {migrations[-1].version}: "
        "run `gridql archive migrate`"
    )
