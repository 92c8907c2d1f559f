"""`gridql serve --workers N`: N server processes on one port, so a query's CPU work uses every core.

Each worker binds its own socket with SO_REUSEPORT and the kernel spreads new connections over
them by address. uvicorn's own workers share one listening socket instead, where the worker that
wakes first accepts a whole burst: one measurement put 64 keep-alive clients on one worker (28.6 s
of CPU against 0.1 s). Each worker holds its own caches, single-flight and circuit breakers, and
spaces its upstream requests N times as far apart (`Settings.workers`), so together they keep each
ISO's limits.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from multiprocessing.connection import wait
from types import FrameType
from typing import Any

_STOP_GRACE = 15.0  # seconds a worker has to finish its requests once asked to stop


def bind(host: str, port: int, *, shared: bool) -> socket.socket:
    """The listening socket; `shared`: one of several the kernel balances connections over."""
    sock = socket.socket(family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(app: Any, sock: socket.socket, log_level: str, log_format: str) -> bool:
    """Run uvicorn on `sock` until it is stopped; whether it started."""
    import uvicorn

    from . import logs
    from .server import HeaderDeadline

    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=logs.config(log_format, log_level),
        http=HeaderDeadline,
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C is how a foreground server is stopped
        pass
    finally:
        sock.close()
    return bool(server.started)


def _worker(overrides: dict[str, object], host: str, port: int, log_level: str) -> None:
    from gridql.adapters.config import Settings

    from .app import create_app

    settings = Settings.from_env(**overrides)
    app = create_app(settings)
    raise SystemExit(0 if serve(app, bind(host, port, shared=True), log_level, settings.log_format) else 1)


def run(workers: int, overrides: dict[str, object], host: str, port: int, log_level: str) -> int:
    """Start `workers` processes and wait; when one ends or this process is told to stop, stop them all."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no event loop or client copied in
    processes = [
        spawn.Process(target=_worker, args=(overrides, host, port, log_level), name=f"gridql-worker-{n}")
        for n in range(workers)
    ]
    for process in processes:
        process.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        wait([p.sentinel for p in processes])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in processes:
            process.terminate()  # uvicorn stops on SIGTERM once its requests are answered
        for process in processes:
            process.join(_STOP_GRACE)
            if process.is_alive():
                process.kill()
                process.join()
    return 1 if any(p.exitcode for p in processes) else 0
