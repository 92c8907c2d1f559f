"""The HTTP/1.1 protocol gridql serves with: uvicorn's h11 protocol with a deadline on headers.

uvicorn times out a keep-alive connection only while it is silent, and a connection that has not
completed a request yet not at all: a client that opens a socket and says nothing, or sends its
headers a byte a second, holds a connection for ever. Here each request's headers must arrive
within `HEADER_TIMEOUT` seconds of the connection opening (or of the previous response); past it
the client gets a 408 and the connection is closed. A body that stalls is the app's to answer
(graph/app.py `read_body`).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: %d\r\n\r\n"
)
_BODY = b'{"errors":[{"message":"The request headers did not arrive in time","extensions":{"code":"REQUEST_TIMEOUT"}}]}'


class HeaderDeadline(H11Protocol):
    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._due: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_request():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self._in_request():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._due = self.loop.call_later(self.header_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def _timed_out(self) -> None:
        self._due = None
        if self._in_request() or self.transport.is_closing():
            return
        self.transport.write(_TIMED_OUT % len(_BODY) + _BODY)
        self.transport.close()
