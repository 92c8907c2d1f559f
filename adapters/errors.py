"""Upstream failures, each with the code the API reports for it.

Messages name the ISO and what failed, never a credential or a full URL with its query string:
whatever an upstream quotes back, every configured secret and bearer token is scrubbed from the
message when the error is made, so neither a response nor a log line can carry one.
"""

from __future__ import annotations

from .config import scrub
from .model import ISO


class UpstreamError(Exception):
    code = "UPSTREAM_UNAVAILABLE"

    def __init__(self, iso: ISO, message: str) -> None:
        super().__init__(scrub(f"{iso.value}: {message}"))
        self.iso = iso


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"


class UpstreamThrottled(UpstreamError):
    code = "UPSTREAM_THROTTLED"


class UpstreamBadResponse(UpstreamError):
    """The ISO answered, but not with data we can trust: never cached, never served."""

    code = "UPSTREAM_BAD_RESPONSE"


class UpstreamBroken(UpstreamBadResponse):
    """The answer broke on the wire (a body that does not decode, a redirect loop, a redirect to
    another scheme): refused like any bad answer, and counted against the ISO's circuit."""


class UpstreamTooSlow(UpstreamError):
    """Answering would take the ISO's documented pace past the request deadline: refused up front,
    before any request is sent, saying how long it would take."""

    code = "UPSTREAM_TOO_SLOW"


class UpstreamBusy(UpstreamError):
    """So many requests to the ISO are already waiting their turn at its pace that this one would
    not be sent before the request deadline: refused at once, sending nothing, and no mark
    against the ISO, whose circuit stays as it was."""

    code = "UPSTREAM_BUSY"


class CredentialsMissing(UpstreamUnavailable):
    """Live mode without the ISO's key or account: no request is sent."""

    code = "UPSTREAM_KEY_MISSING"


class CredentialsRejected(UpstreamError):
    """The ISO refused the configured key or account (401/403): wrong, expired or not subscribed."""

    code = "UPSTREAM_KEY_REJECTED"


class NotPublished(Exception):
    """The ISO has not posted this yet (a file for today, a report not run yet): no records, and
    nothing cached, so the next query asks again."""


class UnsupportedRun(ValueError):
    """The ISO does not publish this market run."""


class UnsupportedDataset(ValueError):
    """The adapter does not serve this dataset (or this run of it)."""
