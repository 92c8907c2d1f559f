"""ERCOT public-API sign-in: an Azure B2C id token from the account's username and password."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import orjson

from ..config import Secret
from ..errors import CredentialsMissing, CredentialsRejected, UpstreamBadResponse
from ..http import Upstream
from ..model import ISO

TOKEN_URL = "https://ercotb2c.b2clogin.com/ercotb2c.onmicrosoft.com/B2C_1_PUBAPI-ROPC-FLOW/oauth2/v2.0/token"
CLIENT_ID = "fec253ea-0d06-4272-a5e6-b478baeecd70"  # ERCOT's public-API app, same for every account
SCOPE = f"openid {CLIENT_ID} offline_access"
LIFETIME = 3600.0  # seconds an id token is good for
MARGIN = 300.0  # refresh this long before expiry, so no request leaves with a dying token


class IdToken:
    """The current id token: reused until shortly before it expires; concurrent callers share one
    sign-in (and its failure)."""

    def __init__(
        self,
        upstream: Upstream,
        username: Secret,
        password: Secret,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._upstream = upstream
        self._username = username
        self._password = password
        self._clock = clock
        self._value: str | None = None
        self._refresh_at = 0.0
        self._pending: asyncio.Task[str] | None = None

    async def get(self) -> str:
        if self._value is not None and self._clock() < self._refresh_at:
            return self._value
        if self._pending is None:
            if not (self._username and self._password):
                raise CredentialsMissing(ISO.ERCOT, "GRIDQL_ERCOT_USERNAME / GRIDQL_ERCOT_PASSWORD are not set")
            self._pending = asyncio.get_running_loop().create_task(self._sign_in())
            self._pending.add_done_callback(self._settled)
        return await asyncio.shield(self._pending)

    def expire(self, token: str) -> None:
        """Drop `token` after ERCOT refused it; a token already replaced by another caller stays."""
        if self._value == token:
            self._value = None
            self._refresh_at = 0.0

    async def _sign_in(self) -> str:
        response = await self._upstream.request(
            "POST",
            TOKEN_URL,
            auth=True,
            data={
                "grant_type": "password",
                "username": self._username.reveal(),
                "password": self._password.reveal(),
                "scope": SCOPE,
                "client_id": CLIENT_ID,
                "response_type": "id_token",
            },
            ok_statuses=(400, 401),
        )
        if response.status_code in (400, 401):
            # B2C answers a wrong username or password with 400 invalid_grant; its description
            # is left out of the message, which must never echo what was sent.
            raise CredentialsRejected(
                ISO.ERCOT,
                f"the ERCOT sign-in refused the account (HTTP {response.status_code}): "
                "check GRIDQL_ERCOT_USERNAME / GRIDQL_ERCOT_PASSWORD",
            )
        try:
            token = orjson.loads(response.content)["id_token"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            token = None
        if not isinstance(token, str) or not token:
            raise UpstreamBadResponse(ISO.ERCOT, "the ERCOT sign-in answered without an id_token")
        self._value = token
        self._refresh_at = self._clock() + LIFETIME - MARGIN
        return token

    def _settled(self, task: asyncio.Task[str]) -> None:
        self._pending = None
        if not task.cancelled():
            task.exception()  # retrieved: a failure nobody awaited must not warn
