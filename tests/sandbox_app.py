"""The whole stack, adapters included, over sandbox transports that count what reaches them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
from starlette.applications import Starlette

from gridql.adapters import caiso, ercot, nyiso, pjm, registry, sandbox
from gridql.adapters.base import Adapter
from gridql.adapters.config import Settings
from gridql.adapters.model import ISO
from gridql.graph.app import create_app

from .helpers import Handler, Recording

PACKAGES: dict[ISO, ModuleType] = {ISO.PJM: pjm, ISO.ERCOT: ercot, ISO.CAISO: caiso, ISO.NYISO: nyiso}


class Counting(httpx.AsyncBaseTransport):
    """Counts every data request that reaches the (sandbox or failing) upstream, and sign-ins apart."""

    def __init__(self, iso: ISO, inner: httpx.AsyncBaseTransport, counts: Counter[ISO]) -> None:
        self.iso, self.inner, self.counts = iso, inner, counts
        self.urls: list[httpx.URL] = []
        self.sign_ins = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "ercotb2c.b2clogin.com":
            self.sign_ins += 1  # ERCOT's id token: once an hour, not per query
        else:
            self.counts[self.iso] += 1
        self.urls.append(request.url)
        return await self.inner.handle_async_request(request)


class Stack:
    def __init__(self, failing: dict[ISO, Handler] | None = None, **settings: Any) -> None:
        self.settings = Settings(**{"sandbox": True, "retries": 2, **settings})
        self.counts: Counter[ISO] = Counter()
        self.transports: dict[ISO, Counting] = {}
        adapters: dict[ISO, Adapter] = {}
        credentials = sandbox.credentials(self.settings)
        for iso, package in PACKAGES.items():
            inner: httpx.AsyncBaseTransport = (
                Recording(failing[iso]) if failing and iso in failing else sandbox.transport(iso, self.settings)
            )
            self.transports[iso] = Counting(iso, inner, self.counts)
            adapters[iso] = package.create(credentials, transport=self.transports[iso], min_interval=0)
        registry.import_sandbox_documents(adapters, datetime.now(UTC))
        self.app: Starlette = create_app(self.settings, adapters=adapters)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://gridql.test")

    async def query(self, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
        async with self.client() as client:
            response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body
