"""Upstream credentials never show: not in responses, not in logs, not in tracebacks."""

from __future__ import annotations

import logging

import pytest

from gridql.adapters.config import Secret

from .sandbox_app import Stack
from .test_api import HUBS, PRICES

SECRETS = {
    "pjm_api_key": "pjm-secret-4c1a",
    "ercot_api_key": "ercot-secret-77f0",
    "ercot_username": "trader@secret.example",
    "ercot_password": "hunter2-secret-pw",
}


@pytest.mark.parametrize("fault", ["503", "html", "timeout", "429"])
async def test_failing_calls_leak_no_credential(fault: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    spec = ",".join(f"{iso}={fault}" for iso in ("PJM", "ERCOT", "CAISO", "NYISO"))
    stack = Stack(retries=2, faults=spec, **{k: Secret(v) for k, v in SECRETS.items()})
    async with stack.client() as client:
        response = await client.post(
            "/graphql",
            json={"query": PRICES, "variables": {"ids": HUBS, "run": "DAY_AHEAD_HOURLY", "date": "2025-07-01"}},
        )
    assert len(response.json()["errors"]) == 4  # every ISO failed, so every path ran
    assert caplog.records  # the retries were logged
    seen = response.text + caplog.text + repr(stack.settings)
    for secret in SECRETS.values():
        assert secret not in seen


def test_an_upstream_quoting_a_secret_in_any_case_or_a_token_gets_it_scrubbed() -> None:
    from gridql.adapters.errors import UpstreamBadResponse
    from gridql.adapters.model import ISO

    Secret("Sub-Key-9f3e-ABCD")
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0cmFkZXIifQ.c2lnbmF0dXJlLXBhcnQ"
    error = UpstreamBadResponse(ISO.ERCOT, f"Invalid key SUB-KEY-9F3E-abcd for bearer {token}")
    assert str(error) == "ERCOT: Invalid key [redacted] for bearer [redacted token]"
