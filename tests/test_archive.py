"""The archive keeps what was fetched: a settled day is never fetched again, not even after a
restart; a day still being revised is fetched again after its cadence; changes are revisions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from gridql.adapters import archive as archive_package
from gridql.adapters import ercot, nyiso, pjm, sandbox
from gridql.adapters.archive import ArchiveError, codec, day_window, open_store
from gridql.adapters.archive.backfill import backfill
from gridql.adapters.archive.locations import shown
from gridql.adapters.archive.sqlite import SQLiteStore
from gridql.adapters.config import Settings, scrub
from gridql.adapters.model import (
    ISO,
    AncillaryPriceRecord,
    CapacityPriceRecord,
    ConstraintRecord,
    DatasetKind,
    FuelMixRecord,
    InterfaceFlowRecord,
    LoadForecastRecord,
    LoadRecord,
    MarketRun,
    PriceRecord,
    PriceVersion,
    RenewableRecord,
    SeriesRequest,
    TransmissionRightRecord,
    Window,
)
from gridql.adapters.pipeline import FeedAdapter
from gridql.graph import workers
from gridql.graph.cli import main

from .conftest import SAMPLES, postgres_schema
from .helpers import utc
from .sandbox_app import Counting, Stack

PRICES = '{ node(id: "NYISO:61757") { priceSeries(run: REAL_TIME_5_MIN, date: "2025-03-09", days: 2) { start lmp } } }'


async def test_a_restart_asks_the_iso_nothing_it_already_answered(archive: str) -> None:
    first = Stack(archive=archive)
    before = await first.query(PRICES)
    assert sum(first.counts.values()) >= 1
    again = Stack(archive=archive)  # a new process: new adapters, an empty record cache
    after = await again.query(PRICES)
    assert sum(again.counts.values()) == 0
    assert after["data"] == before["data"]
    assert len(after["data"]["node"]["priceSeries"]["lmp"]) == 23 * 12 + 24 * 12  # type: ignore[index]


async def test_what_was_fetched_is_kept_and_only_what_the_archive_lacks_is_fetched(archive: str) -> None:
    end_of_march = PRICES.replace("2025-03-09", "2025-03-30")
    await Stack(archive=archive).query(end_of_march)  # March's zip: every zone's every day, all kept
    stack = Stack(archive=archive)
    body = await stack.query(end_of_march.replace("days: 2", "days: 3"))
    (url,) = stack.transports[nyiso.MARKET.iso].urls  # only April 1 was missing: April's zip
    assert url.path.endswith("/realtime/20250401realtime_zone_csv.zip")
    starts = body["data"]["node"]["priceSeries"]["start"]  # type: ignore[index]
    assert len(starts) == 3 * 24 * 12 and starts == sorted(starts) and len(set(starts)) == len(starts)
    elsewhere = await stack.query(PRICES.replace("61757", "61752"))  # another zone, March 9-10
    assert sum(stack.counts.values()) == 1 and len(elsewhere["data"]["node"]["priceSeries"]["lmp"]) == 47 * 12  # type: ignore[index]


def _adapter(package: Any, archive: str, now: list[datetime]) -> tuple[FeedAdapter, Counting]:
    settings = sandbox.credentials(Settings(sandbox=True, archive=archive, cache_ttl=0))
    counts: Counter[ISO] = Counter()
    transport = Counting(
        package.MARKET.iso, sandbox.transport(package.MARKET.iso, settings, clock=lambda: now[0]), counts
    )
    adapter = package.create(settings, transport=transport, clock=lambda: now[0], min_interval=0)
    return adapter, transport


async def test_a_day_still_revised_is_fetched_again_after_its_cadence_a_settled_one_never(archive: str) -> None:
    now = [utc(2025, 7, 2, 18)]
    adapter, transport = _adapter(pjm, archive, now)
    today = Window(utc(2025, 7, 2, 4), utc(2025, 7, 2, 16))  # this morning: unverified, still revised
    settled = Window(utc(2025, 6, 1, 4), utc(2025, 6, 2, 4))  # a month ago: past the 7-day revision window
    for window in (today, settled):
        assert (await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["51288"], window))["51288"]
    asked = len(transport.urls)
    await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["51288"], today)  # within the cadence (1 h)
    await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["51288"], settled)
    assert len(transport.urls) == asked
    now[0] += timedelta(hours=2)
    await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["51288"], today)
    await adapter.prices(MarketRun.REAL_TIME_HOURLY, ["51288"], settled)
    assert len(transport.urls) > asked  # today again; the settled day is never asked again
    assert all("2025-06" not in str(url) for url in transport.urls[asked:])
    await adapter.aclose()


async def test_a_settled_day_with_no_rows_is_stored_as_such(archive: str) -> None:
    now = [utc(2025, 7, 20)]
    adapter, transport = _adapter(pjm, archive, now)
    window = Window(utc(2025, 6, 1, 4), utc(2025, 6, 2, 4))
    assert (await adapter.prices(MarketRun.DAY_AHEAD_HOURLY, ["999999999"], window))["999999999"] == []
    asked = len(transport.urls)
    again, transport2 = _adapter(pjm, archive, now)
    assert (await again.prices(MarketRun.DAY_AHEAD_HOURLY, ["999999999"], window))["999999999"] == []
    assert asked >= 1 and transport2.urls == []
    await adapter.aclose()
    await again.aclose()


def test_a_changed_day_is_a_new_revision_and_the_latest_is_read(archive: str) -> None:
    store = open_store(archive)
    day = date(2025, 7, 1)
    one = PriceRecord("A", utc(2025, 7, 1, 4), utc(2025, 7, 1, 5), 30.0, None, None, None, PriceVersion.PRELIMINARY)
    two = PriceRecord("A", utc(2025, 7, 1, 4), utc(2025, 7, 1, 5), 31.5, 30.0, 1.0, 0.5, PriceVersion.VERIFIED)
    store.write("rt", {("A", day): [one]}, utc(2025, 7, 1, 6), ())
    store.write("rt", {("A", day): [one]}, utc(2025, 7, 1, 7), ())  # unchanged: no new revision
    store.write("rt", {("A", day): [two]}, utc(2025, 7, 9), [day])
    assert store.read("rt", ["A"], [day]) == {("A", day): [two]}
    (mark,) = store.marks("rt", ["A"], [day]).values()
    assert mark.revision == 2 and mark.settled and mark.fetched_at == utc(2025, 7, 9)
    (extent,) = store.extents()
    assert (extent.feed, extent.first, extent.last, extent.days, extent.revisions) == ("rt", day, day, 1, 2)
    store.close()


def test_two_processes_writing_one_archive_wait_for_each_other(tmp_path: Path) -> None:
    # `gridql serve --workers N`: one file, N connections. A writer that began by reading would find its
    # snapshot stale once the other committed, and fail instead of waiting.
    path = tmp_path / "archive.sqlite"
    store, other = SQLiteStore(path), sqlite3.connect(str(path), isolation_level=None)
    day = date(2025, 7, 1)
    record = PriceRecord("A", utc(2025, 7, 1, 4), utc(2025, 7, 1, 5), 30.0, None, None, None, PriceVersion.VERIFIED)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO bodies VALUES ('rt', 'B', '2025-07-01', 1, 0, 1, ?)", (codec.encode([record]),))
    writing = threading.Thread(target=store.write, args=("rt", {("A", day): [record]}, utc(2025, 7, 2), [day]))
    writing.start()
    time.sleep(0.3)
    other.execute("COMMIT")
    writing.join(10)
    assert set(store.read("rt", ["A", "B"], [day])) == {("A", day), ("B", day)}


T0, T1 = datetime(2025, 11, 2, 5, tzinfo=UTC), datetime(2025, 11, 2, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "record",
    [
        PriceRecord("N", T0, T1, 1.5, -2.25, None, 0.0, PriceVersion.CORRECTED, T1),
        LoadRecord("NYISO", T0, T1, 15234.5),
        LoadForecastRecord("WEST", T0, T1, 1800.0, T0 - timedelta(days=1), "7DA"),
        FuelMixRecord("Wind", T0, T1, 300.25),
        AncillaryPriceRecord("REGUP", None, T0, T1, 9.75),
        ConstraintRecord("CENTRAL EAST", T0, T1, -45.5, None, 2100.0),
        RenewableRecord("SOLAR", "WEST", T0, T1, 0.0, True, T0, "STPPF"),
        InterfaceFlowRecord("MOSES SOUTH", T0, T1, -1200.5, 2650.0, None),
        TransmissionRightRecord("2025 Annual", "51288", T0, T1, 12.0, "ONPEAK", "OBLIGATION"),
        CapacityPriceRecord("2026/2027 BRA", "RTO", T0, T1, 329.17, "$/MW-day"),
    ],
    ids=lambda record: type(record).__name__,
)
def test_every_record_kind_reads_back_exactly(record: Any) -> None:
    assert codec.decode(codec.encode([record, record])) == [record, record]
    assert codec.decode(codec.encode([])) == []


def test_a_corrupt_body_is_refused() -> None:
    with pytest.raises(codec.CorruptBody):
        codec.decode(b'{"kind": "PriceRecord", "columns": {"node": ["A"]}}')


def test_the_archive_setting_defaults_to_the_data_directory_live_and_a_temporary_store_in_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("GRIDQL_ARCHIVE")
    assert Settings.from_env().archive == str(tmp_path / "gridql" / "archive.sqlite")
    assert Settings.from_env(sandbox=True).archive == ":memory:"
    monkeypatch.setenv("GRIDQL_ARCHIVE", "off")
    assert Settings.from_env(sandbox=True).archive is None
    monkeypatch.setenv("GRIDQL_ARCHIVE", str(tmp_path / "mine.sqlite"))
    assert Settings.from_env().archive == str(tmp_path / "mine.sqlite")


class _FailingOnce(httpx.AsyncBaseTransport):
    """Answers 503 to every request for one day's file until `heal`; the sandbox otherwise."""

    def __init__(self, inner: httpx.AsyncBaseTransport, broken: str) -> None:
        self.inner, self.broken, self.urls = inner, broken, list[httpx.URL]()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        if self.broken and self.broken in str(request.url):
            return httpx.Response(503, request=request)
        return await self.inner.handle_async_request(request)


async def test_a_backfill_that_failed_part_way_resumes_without_refetching_what_it_kept(archive: str) -> None:
    settings = sandbox.credentials(Settings(sandbox=True, archive=archive, retries=1))
    now = utc(2025, 7, 20)
    transport = _FailingOnce(sandbox.transport(ISO.PJM, settings, clock=lambda: now), "06%2F08%2F2025")
    adapter = pjm.create(settings, transport=transport, clock=lambda: now, min_interval=0)
    feed = adapter.catalog.prices(MarketRun.DAY_AHEAD_HOURLY)
    seen: list[int] = []
    done = await backfill(adapter, feed, date(2025, 6, 1), date(2025, 6, 21), ["51288"], lambda p: seen.append(p.days))
    assert seen == [7, 14, 21] and [day for day, _ in done.failed] == [date(2025, 6, 8)]
    assert done.rows == 14 * 24
    first_run = len(transport.urls)
    transport.broken = ""
    again = await backfill(adapter, feed, date(2025, 6, 1), date(2025, 6, 21), ["51288"], lambda p: None)
    assert again.failed == [] and again.rows == 21 * 24
    assert all("06%2F08%2F2025" in str(url) for url in transport.urls[first_run:])  # only the failed week
    await adapter.aclose()
    stack = Stack(archive=archive)  # and a server over the archive answers it with no request
    body = await stack.query(
        '{ node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-06-01", days: 21) { lmp } } }'
    )
    assert len(body["data"]["node"]["priceSeries"]["lmp"]) == 21 * 24 and sum(stack.counts.values()) == 0  # type: ignore[index]


def test_backfill_and_status_from_the_terminal(
    archive: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRIDQL_ARCHIVE", archive)
    argv = ["backfill", "NYISO", "isolf", "--from", "2025-01-01", "--to", "2025-01-03", "--sandbox"]
    assert main(argv) == 0
    assert "1,728 rows, 1 upstream requests; 0 week(s) failed" in capsys.readouterr().err
    assert main(argv) == 0  # resumed: everything is held
    assert "0 upstream requests" in capsys.readouterr().err
    assert main(["archive", "status"]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "isolf" in line]
    assert line.split()[1] == "2025-01-01"  # and all that came in the same file: vintages forecast days ahead
    assert main(["backfill", "NYISO", "nope", "--from", "2025-01-01", "--to", "2025-01-03", "--sandbox"]) == 1
    assert "has no feed 'nope'" in capsys.readouterr().err


async def test_an_imported_iso_file_is_served_from_the_archive_with_its_own_numbers(
    archive: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDQL_ARCHIVE", archive)
    recorded = SAMPLES / "nyiso" / "vincal848_realtime_zone_20251102_CAPITL.csv"
    assert await asyncio.to_thread(main, ["import", "NYISO", "realtime", str(recorded)]) == 0
    stack = Stack(archive=archive)
    body = await stack.query(
        '{ node(id: "NYISO:61757") { priceSeries(run: REAL_TIME_5_MIN, date: "2025-11-02") { start lmp } } }'
    )
    series = body["data"]["node"]["priceSeries"]  # type: ignore[index]
    assert sum(stack.counts.values()) == 0 and len(series["lmp"]) == 300  # the 25-hour day, from the file
    assert (
        series["start"][0] == "2025-11-02T00:00:00-04:00" and series["lmp"][0] == 123.63
    )  # "11/02/2025 00:05:00","CAPITL",61757,123.63


def test_a_postgresql_archive_out_of_date_is_refused_until_migrated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with postgres_schema() as url:
        with pytest.raises(ArchiveError, match=r"schema version 0, this gridql needs 1: run `gridql archive migrate`"):
            open_store(url)
        monkeypatch.setenv("GRIDQL_ARCHIVE", url)
        monkeypatch.setattr(workers, "serve", lambda *_: pytest.fail("served an out-of-date archive"))
        assert main(["serve", "--sandbox"]) == 1  # refused before it listens
        assert "run `gridql archive migrate`" in capsys.readouterr().err
        assert main(["archive", "migrate"]) == 0
        assert "applied migration 1" in capsys.readouterr().err
        assert main(["archive", "migrate"]) == 0
        assert "up to date" in capsys.readouterr().err
        open_store(url).close()


def test_an_archive_newer_than_this_gridql_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    sqlite3.connect(str(path)).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(ArchiveError, match="schema version 99, newer than this gridql's 1"):
        open_store(str(path))


def test_the_password_of_a_postgresql_archive_is_never_shown() -> None:
    assert shown("postgresql://gridql:hunter2@db:5432/gridql") == "postgresql://gridql@db:5432/gridql"
    with pytest.MonkeyPatch.context() as patch:  # reading the setting makes its password a secret
        patch.setenv("GRIDQL_ARCHIVE", "postgresql://gridql:hunter2@db/gridql")
        Settings.from_env()
    assert scrub("password hunter2 refused") == "password [redacted] refused"


def test_two_replicas_writing_one_postgresql_day_at_once_keep_both_revisions() -> None:
    with postgres_schema() as url:
        stores = [open_store(url, migrate=True), open_store(url)]
        day = date(2025, 7, 1)
        versions = [
            PriceRecord("A", utc(2025, 7, 1, 4), utc(2025, 7, 1, 5), price, None, None, None, PriceVersion.VERIFIED)
            for price in (30.0, 31.0)
        ]
        writers = [
            threading.Thread(target=store.write, args=("rt", {("A", day): [record]}, utc(2025, 7, 2), [day]))
            for store, record in zip(stores, versions, strict=True)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(10)
        (mark,) = stores[0].marks("rt", ["A"], [day]).values()
        (extent,) = stores[1].extents()
        assert mark.revision == 2 and extent.revisions == 2
        for store in stores:
            store.close()


def test_a_backfill_killed_mid_run_resumes_without_refetching_what_it_kept(
    archive: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["backfill", "PJM", "da_hrl_lmps", "--from", "2025-06-01", "--to", "2025-06-28", "--nodes", "51288"]
    env = {**os.environ, "GRIDQL_ARCHIVE": archive, "GRIDQL_SANDBOX_LATENCY": "1"}
    run = subprocess.Popen(
        [sys.executable, "-m", "gridql.graph.cli", *argv, "--sandbox"], env=env, stderr=subprocess.PIPE, text=True
    )
    assert run.stderr is not None
    line = run.stderr.readline()  # a line per week: the first week is archived, the second being fetched
    run.kill()
    run.wait(10)
    assert line.startswith("da_hrl_lmps: 7/28 days, 168 rows, 1 upstream requests"), line
    monkeypatch.setenv("GRIDQL_ARCHIVE", archive)
    assert main([*argv, "--sandbox"]) == 0
    assert "672 rows, 3 upstream requests; 0 week(s) failed" in capsys.readouterr().err


def test_an_unreachable_postgresql_archive_is_one_line_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("GRIDQL_ARCHIVE", "postgresql://gridql:hunter3@127.0.0.1:1/gridql?connect_timeout=2")
    assert main(["archive", "status"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert (
        line.startswith("gridql: cannot reach the archive postgresql://gridql@127.0.0.1:1/gridql")
        and "hunter3" not in line
    )


async def test_a_slow_postgresql_lookup_does_not_hold_up_the_server() -> None:
    import psycopg

    day_ahead = '{ node(id: "PJM:51288") { priceSeries(run: DAY_AHEAD_HOURLY, date: "2025-06-02") { lmp } } }'
    with postgres_schema() as url:
        open_store(url, migrate=True).close()
        stack = Stack(archive=url)
        with psycopg.connect(url) as blocker:
            # Every read of the archive waits on this lock until the timer lets go: a lookup held
            # 1.5 s. A thread lets go, not the loop, which a blocking lookup would stop.
            blocker.execute("LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE")
            release = threading.Timer(1.5, blocker.rollback)
            began = time.perf_counter()
            release.start()
            query = asyncio.create_task(stack.query(day_ahead))
            await asyncio.sleep(0.2)  # the query is planning: waiting on the archive
            async with stack.client() as client:
                health = await client.get("/healthz")
            waited = time.perf_counter() - began
            assert health.status_code == 200 and not query.done()
            assert waited < 0.7, f"/healthz answered {waited:.2f} s in, behind an archive lookup held 1.5 s"
            body = await query
            release.join()
        assert len(body["data"]["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]


async def test_queries_held_up_by_a_slow_postgresql_leave_the_parsing_of_other_answers_alone() -> None:
    import psycopg

    with postgres_schema() as url:
        open_store(url, migrate=True).close()
        archived, plain = Stack(archive=url), Stack()
        with psycopg.connect(url) as blocker:
            blocker.execute("LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE")  # every archive lookup waits 2 s
            release = threading.Timer(2.0, blocker.rollback)
            began = time.perf_counter()
            release.start()
            held = [asyncio.create_task(archived.query(_day_ahead(f"2025-06-{day:02d}"))) for day in range(1, 11)]
            await asyncio.sleep(0.2)
            answer = await plain.query(_day_ahead("2025-06-02"))  # parsed off the loop, while ten lookups wait
            took = time.perf_counter() - began
            assert len(answer["data"]["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]
            assert took < 1.2 and not any(task.done() for task in held), f"answered {took:.2f} s in"
            bodies = await asyncio.gather(*held)
            release.join()
        assert all(len(body["data"]["node"]["priceSeries"]["lmp"]) == 24 for body in bodies)  # type: ignore[index]


class Outage:
    """A port forwarding to PostgreSQL that can be shut: then it refuses connections, and the
    ones open through it are cut, as when the server stops. `restore` listens again."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._target = (parts.hostname or "localhost", parts.port or 5432)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = urlunsplit(parts._replace(netloc=f"{parts.netloc.rpartition('@')[0]}@127.0.0.1:{self.port}"))
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # shut
            server = socket.create_connection(self._target)
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def shut(self) -> None:
        self._listener.close()
        for conn in self._open:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self._open.clear()

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)


def _day_ahead(day: str) -> str:
    return f'{{ node(id: "PJM:51288") {{ priceSeries(run: DAY_AHEAD_HOURLY, date: "{day}") {{ lmp }} }} }}'


async def test_a_postgresql_archive_that_goes_down_mid_run_fails_no_query(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(archive_package, "RETRY_SECONDS", 0.2)
    with postgres_schema() as url:
        open_store(url, migrate=True).close()
        outage = Outage(url)
        stack = Stack(archive=outage.url)
        before = await stack.query(_day_ahead("2025-06-02"))
        assert "notices" not in before["extensions"]["gridql"] and stack.counts[ISO.PJM] == 1  # type: ignore[index]

        outage.shut()  # the server stops: its port refuses connections, the open ones are cut
        with caplog.at_level(logging.WARNING, logger="gridql.archive"):
            during = await stack.query(_day_ahead("2025-06-03"))
            await asyncio.sleep(0.3)  # past the retry pause: the next query asks the store again, and fails again
            again = await stack.query(_day_ahead("2025-06-04"))
        for body in (during, again):
            assert "errors" not in body and len(body["data"]["node"]["priceSeries"]["lmp"]) == 24  # type: ignore[index]
            (notice,) = body["extensions"]["gridql"]["notices"]  # type: ignore[index]
            assert notice["code"] == "ARCHIVE_UNAVAILABLE" and notice["path"] == ["node", "priceSeries"]
            assert notice["message"].startswith("PJM DAY_AHEAD_HOURLY prices at PJM:51288: the archive could not be")
        assert stack.counts[ISO.PJM] == 3  # each from the ISO
        logged = [r.getMessage() for r in caplog.records]
        assert any("cannot reach the archive" in line and "answering from the ISO" in line for line in logged)
        assert any("not archived (the archive is unavailable)" in line for line in logged)
        assert all("ci-archive-pw" not in line and "Traceback" not in line for line in logged)

        outage.restore()  # back: what was archived before is there; what was fetched during the outage is not
        later = Stack(archive=outage.url)
        await later.query(_day_ahead("2025-06-02"))
        assert sum(later.counts.values()) == 0
        await later.query(_day_ahead("2025-06-03"))
        assert later.counts[ISO.PJM] == 1
        outage.shut()


async def test_a_day_the_iso_no_longer_keeps_is_served_from_the_archive_and_the_answer_says_so(
    archive: str,
) -> None:
    """ERCOT's fuel-mix dashboard keeps two days: what gridql fetched then is all there is later."""
    today = datetime.now(UTC).replace(microsecond=0)
    then = [today - timedelta(days=5)]
    fetched_day = (then[0] - timedelta(days=1)).astimezone(ercot.MARKET.tz).date()
    adapter, transport = _adapter(ercot, archive, then)
    window = day_window(fetched_day, fetched_day, ercot.MARKET.tz)
    kept = await adapter.series(SeriesRequest(DatasetKind.FUEL_MIX, window))
    await adapter.aclose()
    assert len(kept) > 0 and transport.counts[ISO.ERCOT] == 1

    stack = Stack(archive=archive)  # now: the day is three days past the dashboard's two
    body = await stack.query(
        f'{{ market(iso: ERCOT) {{ fuelMix(date: "{fetched_day}") {{ start fuel mw }} '
        "datasets { name coverage { retention archivedFrom archivedThrough archivedSeriesDays } } } }"
    )
    assert sum(stack.counts.values()) == 0
    rows = body["data"]["market"]["fuelMix"]  # type: ignore[index]
    assert [(r["fuel"], r["mw"]) for r in rows] == [(r.fuel, r.mw) for r in kept]
    notices = body["extensions"]["gridql"]["notices"]  # type: ignore[index]
    assert [n["code"] for n in notices] == ["FROM_ARCHIVE"], notices
    assert "older than the ISO keeps (2 days): served from gridql's archive" in notices[0]["message"]
    (fuel_mix,) = (d for d in body["data"]["market"]["datasets"] if d["name"] == "fuelMix")  # type: ignore[index]
    assert fuel_mix["coverage"] == {
        "retention": "P2D",
        "archivedFrom": str(fetched_day),
        "archivedThrough": str(then[0].astimezone(ercot.MARKET.tz).date()),  # the dashboard's other day
        "archivedSeriesDays": 2,
    }
    prices = body["data"]["market"]["datasets"][0]  # type: ignore[index]
    assert prices["coverage"]["archivedSeriesDays"] == 0 and prices["coverage"]["archivedFrom"] is None
