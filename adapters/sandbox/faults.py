"""Fault injection for the sandbox: make an ISO's upstream misbehave on purpose.

A spec is a comma-separated list of `ISO[/path-part]=fault`, e.g.
`NYISO=503,ERCOT/np6-905=timeout,PJM=429:2,CAISO=latency:1.5,NYISO/damlbmp=truncate`.
Faults: `latency:S` (answer S seconds late), `timeout`, `reset`, `429` or `429:S` (with
Retry-After S), `500`/`502`/`503`, `html` (200 with an HTML error page), `empty` (200 with no
body), `truncate` (200 with the first half of the real body).

Content faults rewrite the price table of the real answer (CSV, zipped CSV, Data Miner `items`
JSON, ERCOT `fields`/`data` JSON): `drop-column` and `rename-column` (the price column),
`reorder-columns`, `blank-price` and `non-numeric` (the first row's price), `duplicate-rows`,
`out-of-window` (a copy of the first row dated in 2099).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import httpx

from ..model import ISO

CONTENT = (
    "drop-column", "rename-column", "reorder-columns", "blank-price", "non-numeric", "duplicate-rows", "out-of-window",
)  # fmt: skip
KINDS = ("latency", "timeout", "reset", "429", "500", "502", "503", "html", "empty", "truncate", *CONTENT)


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
    """`inner` with `faults` applied; content faults aim at the first of `price_columns` a table has."""

    def __init__(self, inner: httpx.AsyncBaseTransport, faults: list[Fault], price_columns: tuple[str, ...]) -> None:
        self.inner = inner
        self.faults = faults
        self.price_columns = price_columns

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
        headers = {k: v for k, v in real.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        if kind == "truncate":
            return httpx.Response(200, headers=headers, content=body[: len(body) // 2])
        return httpx.Response(real.status_code, headers=headers, content=rewrite(body, kind, self.price_columns))


Table = tuple[list[str], list[list[Any]]]
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def rewrite(body: bytes, kind: str, price_columns: tuple[str, ...]) -> bytes:
    """The body with its price table changed by a content fault; a body without one is unchanged."""
    if body[:4] == b"PK\x03\x04":
        source, out = zipfile.ZipFile(io.BytesIO(body)), io.BytesIO()
        with source, zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                member = source.read(name)
                target.writestr(name, rewrite(member, kind, price_columns) if name.lower().endswith(".csv") else member)
        return out.getvalue()
    text = body.decode("utf-8", "replace")
    if text.lstrip()[:1] == "{":
        document = json.loads(text)
        if isinstance(document.get("items"), list) and document["items"]:  # Data Miner
            header = list(document["items"][0])
            rows = [[item.get(key) for key in header] for item in document["items"]]
            header, rows = _mutate(header, rows, kind, price_columns)
            document["items"] = [dict(zip(header, row, strict=False)) for row in rows]
        elif isinstance(document.get("fields"), list) and isinstance(document.get("data"), list):  # ERCOT
            header = [field["name"] for field in document["fields"]]
            by_name = {field["name"]: field for field in document["fields"]}
            header, document["data"] = _mutate(header, document["data"], kind, price_columns)
            document["fields"] = [by_name.get(name, {**next(iter(by_name.values())), "name": name}) for name in header]
        return json.dumps(document).encode()
    lines = list(csv.reader(io.StringIO(text)))
    start = next((i for i, line in enumerate(lines) if line), None)
    if start is None:
        return body
    header, rows = _mutate(lines[start], [line for line in lines[start + 1 :] if line], kind, price_columns)
    out_text = io.StringIO()
    csv.writer(out_text, lineterminator="\r\n").writerows([header, *rows])
    return out_text.getvalue().encode()


def _mutate(header: list[str], rows: list[list[Any]], kind: str, price_columns: tuple[str, ...]) -> Table:
    at = next((header.index(name) for name in price_columns if name in header), None)
    if at is None or not rows:
        return header, rows
    if kind == "drop-column":
        return header[:at] + header[at + 1 :], [row[:at] + row[at + 1 :] for row in rows]
    if kind == "rename-column":
        return [*header[:at], "Renamed " + header[at], *header[at + 1 :]], rows
    if kind == "reorder-columns":
        return header[::-1], [row[::-1] for row in rows]
    if kind == "duplicate-rows":
        return header, [row for row in rows for _ in (0, 1)]
    if kind == "out-of-window":
        # Every ISO's stamps hold a four-digit year; a row from 2099 is outside any window asked for.
        stray = [YEAR.sub("2099", cell) if isinstance(cell, str) else cell for cell in rows[0]]
        return header, [*rows, stray]
    first = list(rows[0])
    first[at] = "" if kind == "blank-price" else "N/A"
    return header, [first, *rows[1:]]
