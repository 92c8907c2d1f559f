"""PJM's two key failures, each with its own code so a client can tell them from an outage."""

from __future__ import annotations

from ..errors import UpstreamError, UpstreamUnavailable


class KeyMissing(UpstreamUnavailable):
    """Live mode without GRIDQL_PJM_API_KEY: no request is sent."""

    code = "UPSTREAM_KEY_MISSING"


class KeyRejected(UpstreamError):
    """Data Miner answered 401/403: the subscription key is wrong, expired or not subscribed."""

    code = "UPSTREAM_KEY_REJECTED"
