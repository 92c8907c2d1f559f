"""Fault injection for the sandbox: make an ISO's upstream misbehave on purpose.

A spec is a comma-separated list of `ISO[/path-part]=fault`, e.g.
`NYISO=503,ERCOT/np6-905=timeout,PJM=429:2,CAISO=latency:1.5,NYISO/damlbmp=truncate`.
Faults: `latency:S` (answer S seconds late), `timeout`, `reset`, `429` or `429:S` (with
Retry-After S), `500`/`502`/`503`, `html` (200 with an HTML error page), `empty` (200 with no
body), `truncate` (200 with the first half of the real body).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from .model import ISO

KINDS = ("latency", "timeout", "reset", "429", "500", "502", "503", "html", "empty", "truncate")


@dataclass(frozen=True, slots=True)
class Fault:
    iso: ISO
    path_part: str | None  # only requests whose URL path contains this; None: every request
    kind: str
    seconds: float | None = None

    def applies(self, request: httpx.Request) -> bool:
        return self.path_part is None or self.path_part in request.url.path


def parse(spec: str) -> list[Fault]:
    faults = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        target, sep, fault = item.partition("=")
        iso_name, _, path_part = target.partition("/")
        kind, _, seconds = fault.partition(":")
        try:
            iso = ISO(iso_name.strip().upper())
        except ValueError:
            iso = None
        if not sep or iso is None or kind not in KINDS:
            raise ValueError(f"bad fault {item!r}: expected ISO[/path]=FAULT with FAULT one of {', '.join(KINDS)}")
        faults.append(Fault(iso, path_part or None, kind, float(seconds) if seconds else None))
    return faults


class FaultTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, faults: list[Fault]) -> None:
        self.inner = inner
        self.faults = faults

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = next((f for f in self.faults if f.applies(request)), None)
        if fault is None:
            return await self.inner.handle_async_request(request)
        kind = fault.kind
        if kind == "latency":
            await asyncio.sleep(fault.seconds or 1.0)
            return await self.inner.handle_async_request(request)
        if kind == "timeout":
            raise httpx.ReadTimeout("sandbox fault: timeout", request=request)
        if kind == "reset":
            raise httpx.RemoteProtocolError("sandbox fault: connection reset", request=request)
        if kind == "429":
            headers = {} if fault.seconds is None else {"Retry-After": f"{fault.seconds:g}"}
            return httpx.Response(429, headers=headers, text="Too Many Requests")
        if kind in ("500", "502", "503"):
            return httpx.Response(int(kind), text="<html><body>Service Unavailable</body></html>")
        if kind == "html":
            return httpx.Response(
                200, headers={"Content-Type": "text/html"}, text="<html><body>Maintenance</body></html>"
            )
        if kind == "empty":
            return httpx.Response(200, content=b"")
        real = await self.inner.handle_async_request(request)
        body = await real.aread()
        return httpx.Response(200, headers=real.headers, content=body[: len(body) // 2])
