"""The shared store: the same bodies in PostgreSQL, so several gridql replicas keep one history.

`bodies` is partitioned by month of the operating day: a month's partition is created by the first
write that needs it, and an old month can be detached or dropped whole. Its primary key (feed,
series, day, revision) is the index every read walks: a series' days, latest revision first.

The schema is versioned (`gridql_schema`) and migrated only by `gridql archive migrate`: a
replica that finds it out of date refuses to start, rather than several replicas changing one
shared schema as they come up. Two connections, each behind a lock: reads (the planner's marks)
never wait behind a month of writes. The calls block; the archive runs every one of them off the
event loop, so a database slow to answer holds up the queries waiting on it, not the server.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import codec
from .migrations import Migration, out_of_date, pending
from .store import ArchiveError, ArchiveUnavailable, Extent, Key, Mark

T = TypeVar("T")

MIGRATIONS = (
    Migration(
        1,
        "one body per (feed, series, day, revision), partitioned by month of the day",
        """
        CREATE TABLE bodies (
            feed text NOT NULL,
            series text NOT NULL,
            day date NOT NULL,
            revision integer NOT NULL,
            fetched_at timestamptz NOT NULL,
            settled boolean NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (feed, series, day, revision)
        ) PARTITION BY RANGE (day)
        """,
    ),
)

# Advisory lock keys (one namespace per database): migrating, and creating a month's partition.
_MIGRATING = 0x67726964  # "grid"
_PARTITIONING = 0x67726965


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())  # libpq's messages run over lines, with hints


# Seconds to wait for a connection when the URL sets none: a database host that has gone silent
# must fail over to the ISO in seconds, not after TCP's minutes.
CONNECT_TIMEOUT = 5


def _connect(url: str, where: str) -> psycopg.Connection[Any]:
    try:
        if "connect_timeout" not in conninfo_to_dict(url):
            url = make_conninfo(url, connect_timeout=CONNECT_TIMEOUT)
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise ArchiveUnavailable(f"cannot reach the archive {where}: {_one_line(exc)}") from None


class _Connection:
    """One connection and its lock, opened again if the server dropped it (a restart, a failover)."""

    def __init__(self, url: str, where: str) -> None:
        self._url, self._where = url, where
        self._lock = threading.Lock()
        self._conn = _connect(url, where)

    def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """`work` done on the connection; done again on a new one if the server had dropped this
        one (a restart: the first statement after it finds out). ArchiveUnavailable when the
        server cannot be reached or fails the connection again."""
        with self._lock:
            for retry in (False, True):
                if self._conn.closed or self._conn.broken:
                    self._conn = _connect(self._url, self._where)
                try:
                    return work(self._conn)
                except psycopg.OperationalError as exc:
                    if retry or not self._conn.broken:
                        raise ArchiveUnavailable(f"the archive {self._where}: {_one_line(exc)}") from None
        raise AssertionError("unreachable: the retry returns or raises")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('gridql_schema') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT max(version) FROM gridql_schema").fetchone()
    return int(found[0]) if found is not None and found[0] is not None else 0


def _migrate(conn: psycopg.Connection[Any], where: str) -> list[Migration]:
    """Apply what is pending, in one transaction: two `gridql archive migrate` at once apply
    each migration once (the second waits on the lock, then finds nothing to do)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATING,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS gridql_schema ("
            "version integer PRIMARY KEY, purpose text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        todo = pending(_version(conn), MIGRATIONS, where)
        for migration in todo:
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO gridql_schema (version, purpose) VALUES (%s, %s)", (migration.version, migration.purpose)
            )
    return todo


def _partition(day: date) -> tuple[str, date, date]:
    """The month partition holding `day`: its name and bounds."""
    first = day.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return f"bodies_y{first.year:04d}m{first.month:02d}", first, after


class PostgresStore:
    """`url` is a libpq URL (postgresql://user:password@host/db). With `migrate`, the schema is
    brought up to date first (`gridql archive migrate`); without, it must already be."""

    def __init__(self, url: str, where: str, *, migrate: bool = False) -> None:
        self._reads = _Connection(url, where)
        try:
            self._writes = _Connection(url, where)
        except BaseException:
            self._reads.close()
            raise
        self._months: set[str] = set()  # partitions known to exist
        try:
            self.applied = self._writes.run(lambda conn: _migrate(conn, where) if migrate else [])
            found = self._writes.run(_version)
            pending(found, MIGRATIONS, where)  # newer than this gridql: refused
            if found < MIGRATIONS[-1].version:
                raise out_of_date(found, MIGRATIONS, where)
        except psycopg.Error as exc:  # say, a role that may not create tables
            self.close()
            raise ArchiveError(f"the archive {where}: {_one_line(exc)}") from None
        except BaseException:
            self.close()
            raise

    def marks(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, Mark]:
        return {
            key: Mark(fetched_at, settled, revision)
            for key, (revision, fetched_at, settled, _) in self._latest(feed, series, days, "NULL").items()
        }

    def read(self, feed: str, series: Sequence[str], days: Sequence[date]) -> dict[Key, list[Any]]:
        return {key: codec.decode(row[3]) for key, row in self._latest(feed, series, days, "body").items()}

    def _latest(self, feed: str, series: Sequence[str], days: Sequence[date], body: str) -> dict[Key, tuple[Any, ...]]:
        if not series or not days:
            return {}
        # The day range lets the planner prune to the months asked for before it runs.
        query = (
            f"SELECT DISTINCT ON (series, day) series, day, revision, fetched_at, settled, {body} FROM bodies "
            "WHERE feed = %s AND series = ANY(%s) AND day BETWEEN %s AND %s AND day = ANY(%s) "
            "ORDER BY series, day, revision DESC"
        )
        args = (feed, list(series), min(days), max(days), list(days))
        rows = self._reads.run(lambda conn: conn.execute(query, args).fetchall())
        return {(name, day): tuple(rest) for name, day, *rest in rows}

    def write(
        self, feed: str, bodies: Mapping[Key, Sequence[Any]], fetched_at: datetime, settled: Iterable[date]
    ) -> None:
        if not bodies:
            return
        encoded = {key: codec.encode(records) for key, records in bodies.items()}
        done = set(settled)
        self._writes.run(lambda conn: self._write(conn, feed, encoded, fetched_at, done))

    def _write(
        self, conn: psycopg.Connection[Any], feed: str, encoded: dict[Key, bytes], fetched_at: datetime, done: set[date]
    ) -> None:
        """`write` in one transaction: done again whole if the connection was found dropped."""
        names, days = [name for name, _ in encoded], [day for _, day in encoded]
        self._ensure_months(conn, days)
        with conn.transaction(), conn.cursor() as cursor:
            # One writer per feed across replicas: the latest revision read below is still the
            # latest when the next one is inserted.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (feed,))
            cursor.execute(
                "SELECT DISTINCT ON (b.series, b.day) b.series, b.day, b.revision, sha256(b.body) "
                "FROM bodies AS b JOIN unnest(%s::text[], %s::date[]) AS k(series, day) USING (series, day) "
                "WHERE b.feed = %s AND b.day BETWEEN %s AND %s ORDER BY b.series, b.day, b.revision DESC",
                (names, days, feed, min(days), max(days)),
            )
            latest = {(name, day): (revision, digest) for name, day, revision, digest in cursor.fetchall()}
            same, new = [], []
            for (name, day), body in encoded.items():
                revision, digest = latest.get((name, day), (0, b""))
                if revision and digest == hashlib.sha256(body).digest():
                    same.append((fetched_at, day in done, feed, name, day, revision))
                else:
                    new.append((feed, name, day, revision + 1, fetched_at, day in done, body))
            if same:
                cursor.executemany(
                    "UPDATE bodies SET fetched_at = %s, settled = %s "
                    "WHERE feed = %s AND series = %s AND day = %s AND revision = %s",
                    same,
                )
            with cursor.copy("COPY bodies (feed, series, day, revision, fetched_at, settled, body) FROM STDIN") as copy:
                for row in new:
                    copy.write_row(row)

    def _ensure_months(self, conn: psycopg.Connection[Any], days: Iterable[date]) -> None:
        """Create the month partitions `days` fall in that do not exist yet. In a transaction of
        its own, before the write's: creating a partition locks the whole table, so it must not
        wait while holding a writer's locks."""
        months = {_partition(day) for day in days}
        missing = [month for month in months if month[0] not in self._months]
        if not missing:
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PARTITIONING,))
            for name, first, after in sorted(missing):
                row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
                if row is None or not row[0]:
                    conn.execute(
                        f"CREATE TABLE {name} PARTITION OF bodies FOR VALUES FROM ('{first}') TO ('{after}')".encode()
                    )
        self._months.update(name for name, _, _ in missing)

    def extents(self) -> list[Extent]:
        rows = self._reads.run(
            lambda conn: conn.execute(
                "SELECT feed, min(day), max(day), count(DISTINCT (series, day)), count(DISTINCT series), count(*) "
                "FROM bodies GROUP BY feed ORDER BY feed"
            ).fetchall()
        )
        return [Extent(*row) for row in rows]

    def close(self) -> None:
        self._reads.close()
        self._writes.close()
