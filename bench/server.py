"""`gridql serve --sandbox` in a child process on loopback, for the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

REPO = Path(__file__).resolve().parents[1]


class Server:
    def __init__(self, *, latency: float = 0.0, faults: str = "", workers: int = 1) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "GRIDQL_SANDBOX_LATENCY": str(latency),
            "GRIDQL_SANDBOX_FAULTS": faults,
            # W2's year of 5-minute prices reads 1.6 million records, past the default cost limit by
            # design (issue 13): the benchmark measures the work, the limit is the operator's choice.
            "GRIDQL_MAX_COST": os.environ.get("GRIDQL_MAX_COST", "20000000"),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gridql.graph.cli",
                "serve",
                "--sandbox",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1).raise_for_status()
                return self
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__(None, None, None)
                    raise RuntimeError("gridql serve --sandbox did not start") from None
                time.sleep(0.1)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _processes(self) -> list[int]:
        """The server and, with workers, every process under it."""
        pids, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children")
            todo += [int(c) for c in children.read_text().split()] if children.exists() else []
        return pids

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the server's processes together, MiB."""
        current = peak = 0.0
        for pid in self._processes():
            fields = dict(
                line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
            )
            current += int(fields["VmRSS"].split()[0]) / 1024
            peak += int(fields["VmHWM"].split()[0]) / 1024
        return current, peak

    def cpu_s(self) -> float:
        """CPU seconds (user and system) the server's processes have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self._processes():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total
