"""The queue file's fetch, added to an ISO's source: the pipeline asks it like any other feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .config import Secret
from .errors import CredentialsMissing
from .feed import Feed
from .http import Upstream
from .pipeline import Ask, Parse, Piece, Source
from .queue import QueueFile


class WithQueue:
    """An ISO's source (`pipeline.Source`) plus its queue file, fetched from its own upstream (its
    own host and circuit): one request, the whole file, parsed off the loop by the pipeline."""

    def __init__(
        self, inner: Source, upstream: Upstream, spacing: float, headers: Mapping[str, Secret] | None = None
    ) -> None:
        self.inner = inner
        self.upstream = upstream
        self.spacing = spacing
        self.headers = dict(headers or {})
        self.upstreams: Sequence[Upstream] = (*inner.upstreams, upstream)

    def plan(self, feed: Feed[Any], ask: Ask) -> list[Piece]:
        if isinstance(feed.query, QueueFile):
            return [Piece(None, feed.query.url, self.spacing)]
        return self.inner.plan(feed, ask)

    async def fetch(self, feed: Feed[Any], piece: Piece, parse: Parse) -> list[Any]:
        query = feed.query
        if not isinstance(query, QueueFile):
            return await self.inner.fetch(feed, piece, parse)
        missing = [name for name, value in self.headers.items() if not value]
        if missing:
            raise CredentialsMissing(feed.iso, f"{feed.name} needs the {', '.join(missing)} header; see README")
        headers = {name: value.reveal() for name, value in self.headers.items()}
        response = await self.upstream.request(query.method, query.url, headers=headers)
        return await parse(response.content)
