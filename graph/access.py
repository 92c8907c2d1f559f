"""Client API keys for gridql itself: off unless a key file is configured.

The key file holds, per client, a name, the SHA-256 of its key (never the key) and optionally a
query-cost budget per minute. Keys are random 256-bit tokens, so a plain hash protects them; a
client over its budget gets `THROTTLED` with the seconds until the query fits again.

A file that is missing, empty, malformed, or lists a name twice or a negative budget is refused
when the server starts. While it runs, the file is checked (a `stat`, at most once a second) on use
and reloaded when it changes; a change that breaks it keeps the keys last loaded, with a warning.
`gridql keys add/revoke` rewrite it atomically, so a server never reads it half written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("gridql")

SETTING = "GRIDQL_API_KEYS_FILE"
RECHECK_SECONDS = 1.0  # how often, at most, a request stats the key file
_FIELDS = {"name", "sha256", "budgetPerMinute"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


class KeyFileError(ValueError):
    """The key file cannot be used; the message names it (and the setting it came from) and the fault."""

    def __init__(self, path: Path, problem: str, setting: str | None = None) -> None:
        self.path, self.problem, self.setting = path, problem, setting
        where = f"{setting}={path}" if setting else f"key file {path}"
        super().__init__(f"{where}: {problem}")


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


@dataclass(frozen=True)
class Entry:
    """One line of the key file."""

    name: str
    sha256: str
    budget_per_minute: int | None = None

    def to_json(self) -> dict[str, object]:
        entry: dict[str, object] = {"name": self.name, "sha256": self.sha256}
        if self.budget_per_minute is not None:
            entry["budgetPerMinute"] = self.budget_per_minute
        return entry


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _entry(raw: object, index: int, fail: Callable[[str], KeyFileError]) -> Entry:
    if not isinstance(raw, dict):
        raise fail(f"entry {index} is not an object")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:  # a misspelt `budgetPerMinute` must not leave a client unlimited
        raise fail(f"entry {index} has unknown field(s) {', '.join(map(repr, unknown))}")
    name, sha, budget = raw.get("name"), raw.get("sha256"), raw.get("budgetPerMinute")
    if not isinstance(name, str) or not name.strip():
        raise fail(f"entry {index} has no name")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise fail(f"key {name!r} has no valid sha256 (64 lower-case hex digits)")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)):
        raise fail(f"key {name!r} has a budgetPerMinute that is not a whole number: {budget!r}")
    if budget is not None and budget < 0:
        raise fail(f"key {name!r} has a negative budgetPerMinute ({budget})")
    return Entry(name, sha, budget)


def read_entries(path: Path, setting: str | None = None) -> list[Entry]:
    """Every entry of the key file, checked; KeyFileError says what is wrong. `[]` is a valid (empty) file."""

    def fail(problem: str) -> KeyFileError:
        return KeyFileError(path, problem, setting)

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail("no such file (create it with `gridql keys add NAME`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot be read ({exc.strerror if isinstance(exc, OSError) else exc})") from None
    if not text.strip():
        raise fail("the file is empty")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON ({exc})") from None
    if not isinstance(raw, list):
        raise fail("expected a JSON list of keys")
    entries = [_entry(item, index, fail) for index, item in enumerate(raw)]
    seen_names: set[str] = set()
    seen_digests: set[str] = set()
    for entry in entries:
        if entry.name in seen_names:
            raise fail(f"the name {entry.name!r} is listed twice")
        if entry.sha256 in seen_digests:
            raise fail(f"the key of {entry.name!r} is listed twice")
        seen_names.add(entry.name)
        seen_digests.add(entry.sha256)
    return entries


def _write_entries(path: Path, entries: list[Entry]) -> None:
    """Replace the file in one rename, so a server reloading it never sees half of it."""
    text = json.dumps([entry.to_json() for entry in entries], indent=2) + "\n"
    directory = path.resolve().parent
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class KeyRing:
    def __init__(self, clients: dict[str, Client], path: Path | None = None, setting: str | None = None) -> None:
        self._by_digest = clients
        self.path = path
        self.setting = setting
        self._signature = _signature(path) if path is not None else None
        self._checked = time.monotonic()

    @classmethod
    def load(cls, path: Path, setting: str = SETTING) -> KeyRing:
        """The keys in `path`; KeyFileError (naming `setting`) if the file is unusable or lists no key."""
        signature = _signature(path)
        entries = read_entries(path, setting)
        if not entries:
            raise KeyFileError(path, "lists no keys, so every request would be refused", setting)
        ring = cls(_clients(entries, {}), path, setting)
        ring._signature = signature  # the version read, even if it changed since
        return ring

    def client(self, key: str | None) -> Client | None:
        """The client a presented key belongs to, or None."""
        self.refresh()
        return None if not key else self._by_digest.get(digest(key))

    def refresh(self, *, force: bool = False) -> None:
        """Reload the file if it changed (a stat, at most once every RECHECK_SECONDS unless `force`)."""
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < RECHECK_SECONDS:
            return
        self._checked = now
        signature = _signature(self.path)
        if signature == self._signature:
            return
        self._signature = signature
        try:
            entries = read_entries(self.path, self.setting)
        except KeyFileError as exc:
            log.warning(
                "gridql: KEYS NOT RELOADED: %s; still using the %d key(s) loaded before", exc, len(self._by_digest)
            )
            return
        self._by_digest = _clients(entries, self._by_digest)
        if entries:
            log.info("gridql: reloaded %d key(s) from %s", len(entries), self.path)
        else:
            log.warning("gridql: %s now lists no keys: every /graphql request is refused", self.path)


def _clients(entries: list[Entry], before: dict[str, Client]) -> dict[str, Client]:
    """Clients by key digest; one whose name and budget did not change keeps its bucket (what it has spent)."""
    clients = {}
    for entry in entries:
        old = before.get(entry.sha256)
        if old is not None and old.name == entry.name and old.budget_per_minute == entry.budget_per_minute:
            clients[entry.sha256] = old
        else:
            clients[entry.sha256] = Client(entry.name, entry.budget_per_minute)
    return clients


def add_key(path: Path, name: str, budget_per_minute: int | None) -> str:
    """Create a key for `name`, store its hash in `path`, and return the key (shown once)."""
    if not name.strip():
        raise KeyFileError(path, "a key needs a name")
    if budget_per_minute is not None and budget_per_minute < 0:
        raise KeyFileError(path, f"the budget cannot be negative ({budget_per_minute})")
    entries = read_entries(path) if path.exists() and path.stat().st_size else []
    if any(entry.name == name for entry in entries):
        raise KeyFileError(path, f"a key named {name!r} exists already (revoke it first, or pick another name)")
    key = "gq_" + secrets.token_urlsafe(32)
    _write_entries(path, [*entries, Entry(name, digest(key), budget_per_minute)])
    return key


def revoke_key(path: Path, name: str) -> int:
    """Remove `name`'s key from `path`; return how many keys are left."""
    entries = read_entries(path)
    kept = [entry for entry in entries if entry.name != name]
    if len(kept) == len(entries):
        known = ", ".join(repr(entry.name) for entry in entries) or "none"
        raise KeyFileError(path, f"no key named {name!r} (keys: {known})")
    _write_entries(path, kept)
    return len(kept)
