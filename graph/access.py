"""Client API keys for gridql itself: off unless a key file is configured.

The key file holds, per client, a name, the SHA-256 of its key (never the key) and optionally a
query-cost budget per minute. Keys are random 256-bit tokens, so a plain hash protects them; a
client over its budget gets `THROTTLED` with the seconds until the query fits again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path


class TokenBucket:
    """A budget of `per_minute` cost units, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def take(self, amount: int) -> float | None:
        """Spend `amount`; or, when it does not fit, the seconds until it will (inf: never)."""
        self._refill()
        if amount <= self.tokens:
            self.tokens -= amount
            return None
        if amount > self.capacity:
            return float("inf")
        return (amount - self.tokens) / self.rate

    @property
    def remaining(self) -> int:
        self._refill()
        return int(self.tokens)


@dataclass
class Client:
    name: str
    budget_per_minute: int | None = None
    bucket: TokenBucket | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.budget_per_minute is not None and self.bucket is None:
            self.bucket = TokenBucket(self.budget_per_minute)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyRing:
    def __init__(self, clients: dict[str, Client]) -> None:
        self._by_digest = clients

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        entries = json.loads(path.read_text()) if path.exists() else []
        return cls({entry["sha256"]: Client(entry["name"], entry.get("budgetPerMinute")) for entry in entries})

    def client(self, key: str | None) -> Client | None:
        """The client a presented key belongs to, or None."""
        return None if not key else self._by_digest.get(digest(key))


def add_key(path: Path, name: str, budget_per_minute: int | None) -> str:
    """Create a key for `name`, store its hash in `path`, and return the key (shown once)."""
    key = "gq_" + secrets.token_urlsafe(32)
    entries = json.loads(path.read_text()) if path.exists() else []
    entry: dict[str, object] = {"name": name, "sha256": digest(key)}
    if budget_per_minute is not None:
        entry["budgetPerMinute"] = budget_per_minute
    entries.append(entry)
    path.write_text(json.dumps(entries, indent=2) + "\n")
    return key
