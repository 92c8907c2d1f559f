"""Settings from the environment. Secrets are wrapped so that no repr, log or error shows them."""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .model import ISO

# Every secret value configured in this process: scrubbed from every upstream error message
# (`scrub`), however the upstream echoes it back.
_KNOWN: set[str] = set()
# ERCOT's id tokens and any other bearer token an upstream may quote: JWTs.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


class Secret:
    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 4:  # shorter values would redact ordinary words
            _KNOWN.add(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


def scrub(text: str) -> str:
    """`text` with every configured secret (in any case) and any bearer token replaced."""
    for secret in _KNOWN:
        if secret.casefold() in text.casefold():
            text = re.sub(re.escape(secret), "[redacted]", text, flags=re.IGNORECASE)
    return _JWT.sub("[redacted token]", text)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _secret(name: str) -> Secret:
    return Secret(os.environ.get(name, ""))


@dataclass(frozen=True)
class Settings:
    sandbox: bool = False
    cache_ttl: float = 300.0  # seconds normalized records stay cached
    cache_bytes: int = 1 << 30  # estimated bytes of records each ISO's cache may hold
    stale_after: float = 5.0  # seconds to wait on a hanging ISO before serving its older data
    http_timeout: float = 30.0
    retries: int = 4
    sandbox_latency: float = 0.0  # seconds each sandbox upstream response is held back
    max_cost: int = 2_000_000  # a query estimated above this is refused before it runs
    request_deadline: float = 60.0  # seconds a request may take before it is answered with an error
    max_body_bytes: int = 1_048_576
    max_concurrent: int = 64  # GraphQL requests answered at once; past it, 503 OVERLOADED
    workers: int = 1  # server processes sharing each ISO's request budget (gridql serve --workers)
    gc_freeze_every: float = 30.0  # seconds between moving survivors out of the collector's sight; 0 never
    faults: str = ""  # sandbox fault injection spec (adapters/sandbox/faults.py), e.g. "NYISO=503"
    api_keys_file: str = ""  # set: every /graphql request needs a client key listed (hashed) there
    graphiql: bool = True
    graphiql_assets: str = ""  # GraphiQL's installed scripts (graph/graphiql_assets.py); "": the user's data directory
    introspection: bool = True
    cors_origins: tuple[str, ...] = ()
    log_format: str = "text"  # "json": every log line a JSON object (graph/logs.py)
    # Where fetched records are kept (adapters/archive): a SQLite file, ":memory:" for a store that
    # starts empty each run, a postgresql:// URL for one shared by replicas, or None for a pure
    # pass-through.
    archive: str | None = None
    # Redis that replicas share each ISO's request spacing and the single-flight lock through
    # (adapters/shared.py); "" keeps both in-process.
    redis_url: str = ""
    # Live request spacing per ISO, seconds, where an account's limits differ from the default
    # (a PJM member key allows far more than a non-member one).
    min_intervals: dict[ISO, float] = field(default_factory=dict)
    pjm_api_key: Secret = field(default_factory=lambda: Secret(""))
    # The key pjm.com's interconnection queue page sends to PJM's planning API (`api-subscription-key`).
    pjm_planning_key: Secret = field(default_factory=lambda: Secret(""))
    ercot_api_key: Secret = field(default_factory=lambda: Secret(""))
    ercot_username: Secret = field(default_factory=lambda: Secret(""))
    ercot_password: Secret = field(default_factory=lambda: Secret(""))

    def __post_init__(self) -> None:
        # (setting, its environment variable, smallest value it may take, whether equal is allowed)
        bounds = (
            ("retries", "GRIDQL_RETRIES", 1, True),
            ("cache_ttl", "GRIDQL_CACHE_TTL", 0, True),
            ("cache_bytes", "GRIDQL_CACHE_BYTES", 0, False),
            ("stale_after", "GRIDQL_STALE_AFTER", 0, True),
            ("http_timeout", "GRIDQL_HTTP_TIMEOUT", 0, False),
            ("sandbox_latency", "GRIDQL_SANDBOX_LATENCY", 0, True),
            ("max_cost", "GRIDQL_MAX_COST", 0, False),
            ("request_deadline", "GRIDQL_REQUEST_DEADLINE", 0, False),
            ("max_body_bytes", "GRIDQL_MAX_BODY_BYTES", 0, False),
            ("max_concurrent", "GRIDQL_MAX_CONCURRENT", 1, True),
            ("gc_freeze_every", "GRIDQL_GC_FREEZE_EVERY", 0, True),
            ("workers", "GRIDQL_WORKERS", 1, True),
        )
        for name, variable, least, inclusive in bounds:
            value = getattr(self, name)
            if value < least or (value == least and not inclusive):
                relation = "at least" if inclusive else "more than"
                raise ValueError(f"{variable} must be {relation} {least}, got {value}")
        if self.log_format not in ("text", "json"):
            raise ValueError(f"GRIDQL_LOG_FORMAT must be text or json, got {self.log_format!r}")
        if self.redis_url:
            if not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError("GRIDQL_REDIS_URL must be a redis://, rediss:// or unix:// URL")
            if importlib.util.find_spec("redis") is None:
                raise ValueError("GRIDQL_REDIS_URL is set: install gridql[redis] for its client")
        for iso, spacing in self.min_intervals.items():
            if spacing < 0:
                raise ValueError(f"GRIDQL_{iso.value}_MIN_INTERVAL must be at least 0, got {spacing}")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "sandbox": _flag(env.get("GRIDQL_SANDBOX", "")),
            "cache_ttl": float(env.get("GRIDQL_CACHE_TTL", "300")),
            "cache_bytes": int(env.get("GRIDQL_CACHE_BYTES", str(1 << 30))),
            "stale_after": float(env.get("GRIDQL_STALE_AFTER", "5")),
            "http_timeout": float(env.get("GRIDQL_HTTP_TIMEOUT", "30")),
            "retries": int(env.get("GRIDQL_RETRIES", "4")),
            "sandbox_latency": float(env.get("GRIDQL_SANDBOX_LATENCY", "0")),
            "max_cost": int(env.get("GRIDQL_MAX_COST", "2000000")),
            "request_deadline": float(env.get("GRIDQL_REQUEST_DEADLINE", "60")),
            "max_body_bytes": int(env.get("GRIDQL_MAX_BODY_BYTES", "1048576")),
            "max_concurrent": int(env.get("GRIDQL_MAX_CONCURRENT", "64")),
            "gc_freeze_every": float(env.get("GRIDQL_GC_FREEZE_EVERY", "30")),
            "workers": int(env.get("GRIDQL_WORKERS", "1")),
            "faults": env.get("GRIDQL_SANDBOX_FAULTS", ""),
            "redis_url": _url_with_secret(env.get("GRIDQL_REDIS_URL", "")),
            "api_keys_file": env.get("GRIDQL_API_KEYS_FILE", ""),
            "graphiql": _flag(env.get("GRIDQL_GRAPHIQL", "1")),
            "graphiql_assets": env.get("GRIDQL_GRAPHIQL_ASSETS", "").strip(),
            "introspection": _flag(env.get("GRIDQL_INTROSPECTION", "1")),
            "log_format": env.get("GRIDQL_LOG_FORMAT", "text").strip().lower(),
            "cors_origins": tuple(o.strip() for o in env.get("GRIDQL_CORS_ORIGINS", "").split(",") if o.strip()),
            "min_intervals": {
                iso: float(env[f"GRIDQL_{iso.value}_MIN_INTERVAL"])
                for iso in ISO
                if env.get(f"GRIDQL_{iso.value}_MIN_INTERVAL")
            },
            "pjm_api_key": _secret("GRIDQL_PJM_API_KEY"),
            "pjm_planning_key": _secret("GRIDQL_PJM_PLANNING_KEY"),
            "ercot_api_key": _secret("GRIDQL_ERCOT_API_KEY"),
            "ercot_username": _secret("GRIDQL_ERCOT_USERNAME"),
            "ercot_password": _secret("GRIDQL_ERCOT_PASSWORD"),
        }
        values.update(overrides)
        values["archive"] = _archive(env.get("GRIDQL_ARCHIVE", ""), sandbox=bool(values["sandbox"]))
        return cls(**values)  # type: ignore[arg-type]


def _url_with_secret(url: str) -> str:
    """`url`, its password (if any) made a secret: scrubbed from every message."""
    url = url.strip()
    Secret(urlsplit(url).password or "")
    return url


def _archive(value: str, *, sandbox: bool) -> str | None:
    """GRIDQL_ARCHIVE: "off" for none; unset, the user's data directory when live and a temporary
    store in the sandbox (so a sandbox run is reproducible); else the SQLite file or PostgreSQL URL
    it names (its password a secret: scrubbed from every message)."""
    value = value.strip()
    if value.lower() == "off":
        return None
    if value.startswith(("postgresql://", "postgres://")):
        _url_with_secret(value)
    if value:
        return value
    if sandbox:
        return ":memory:"
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data, "gridql", "archive.sqlite")
