"""What GRIDQL_ARCHIVE names, and the store it opens: a PostgreSQL URL, or a SQLite file
(":memory:" for one that starts empty)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .store import ArchiveError, Store

_POSTGRES = ("postgresql://", "postgres://")


def is_postgres(location: str) -> bool:
    return location.startswith(_POSTGRES)


def shown(location: str) -> str:
    """The location as it may be printed: a URL without its password."""
    if not is_postgres(location):
        return location
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}" if parts.username else host))


def open_store(location: str, *, migrate: bool = False) -> Store:
    """The store `location` names. A SQLite file is migrated whenever it is opened; PostgreSQL
    only with `migrate` (`gridql archive migrate`), and refused while out of date."""
    if is_postgres(location):
        try:
            from .postgres import PostgresStore
        except ImportError:
            raise ArchiveError("GRIDQL_ARCHIVE names PostgreSQL: install gridql[postgres] for its driver") from None
        return PostgresStore(location, shown(location), migrate=migrate)
    from .sqlite import SQLiteStore

    return SQLiteStore(location)
