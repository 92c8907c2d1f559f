"""The embedded store: one SQLite file, no server to start. Its schema is migrated when it is
opened: a file on the user's own machine has no operator to run `gridql archive migrate`.

Its calls block (they are SQLite's): the pipeline runs them off the event loop.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from . import codec
from .migrations import Migration, pending
from .store import Extent, Key, Mark

MIGRATIONS = (
    Migration(
        1,
        "one body per (feed, series, day, revision)",
        """
        CREATE TABLE IF NOT EXISTS bodies (
            feed TEXT NOT NULL,
            series TEXT NOT NULL,
            day TEXT NOT NULL,            -- the operating day, ISO 8601
            revision INTEGER NOT NULL,
            fetched_at REAL NOT NULL,     -- UTC epoch seconds
            settled INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (feed, series, day, revision)
        ) WITHOUT ROWID;
        """,
    ),
)


class SQLiteStore:
    """The embedded store. `path` ":memory:" keeps it in memory (the sandbox's default: each run
    starts empty, so a sandbox run is reproducible)."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()  # one connection shared by the worker threads
        with self._lock:
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self.applied = self._migrate(str(path))

    def _migrate(self, where: str) -> list[Migration]:
        """Bring the file to the latest schema. The write lock first, then the version: two
        workers opening a new file at once apply each migration once."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            (found,) = self._db.execute("PRAGMA user_version").fetchone()
            todo = pending(found, MIGRATIONS, where)
            for migration in todo:
                # Statement by statement: executescript would commit this transaction first.
                for statement in migration.sql.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {migration.version:d}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return todo

    def marks(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, Mark]:
        return {
            key: Mark(datetime.fromtimestamp(fetched_at, UTC), bool(settled), revision)
            for key, (revision, fetched_at, settled, _) in self._latest(feed, series, days, "NULL").items()
        }

    def read(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, list[Any]]:
        return {key: codec.decode(row[3]) for key, row in self._latest(feed, series, days, "body").items()}

    def _latest(self, feed: str, series: Sequence[str], days: Sequence[date], body: str) -> dict[Key, tuple[Any, ...]]:
        if not series or not days:
            return {}
        marks = ",".join("?" * len(series))
        # The latest revision of each (series, day): the highest, found along the primary key.
        query = (
            f"SELECT series, day, revision, fetched_at, settled, {body} FROM bodies AS b "
            f"WHERE feed = ? AND series IN ({marks}) AND day BETWEEN ? AND ? AND revision = ("
            "SELECT MAX(revision) FROM bodies WHERE feed = b.feed AND series = b.series AND day = b.day)"
        )
        with self._lock:
            rows = self._db.execute(query, (feed, *series, min(days).isoformat(), max(days).isoformat())).fetchall()
        wanted = set(days)
        found: dict[Key, tuple[Any, ...]] = {}
        for name, day, *rest in rows:
            on = date.fromisoformat(day)
            if on in wanted:
                found[(name, on)] = tuple(rest)
        return found

    def write(
        self, feed: str, bodies: Mapping[Key, Sequence[Any]], fetched_at: datetime, settled: Iterable[date]
    ) -> None:
        done = set(settled)
        stamp = fetched_at.timestamp()
        with self._lock:
            # Take the write lock first: a transaction that began by reading cannot wait for another
            # process's writer (its snapshot is stale once that one commits), so it would fail instead.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for (name, day), records in bodies.items():
                    body = codec.encode(records)
                    latest = self._db.execute(
                        "SELECT revision, body FROM bodies WHERE feed = ? AND series = ? AND day = ? "
                        "ORDER BY revision DESC LIMIT 1",
                        (feed, name, day.isoformat()),
                    ).fetchone()
                    if latest is not None and latest[1] == body:
                        self._db.execute(
                            "UPDATE bodies SET fetched_at = ?, settled = ? "
                            "WHERE feed = ? AND series = ? AND day = ? AND revision = ?",
                            (stamp, day in done, feed, name, day.isoformat(), latest[0]),
                        )
                        continue
                    revision = 1 if latest is None else latest[0] + 1
                    self._db.execute(
                        "INSERT INTO bodies VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (feed, name, day.isoformat(), revision, stamp, day in done, body),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def extents(self) -> list[Extent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT feed, MIN(day), MAX(day), COUNT(DISTINCT series || ' ' || day), COUNT(DISTINCT series), "
                "COUNT(*) FROM bodies GROUP BY feed ORDER BY feed"
            ).fetchall()
        return [
            Extent(feed, date.fromisoformat(first), date.fromisoformat(last), days, series, revisions)
            for feed, first, last, days, series, revisions in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()
