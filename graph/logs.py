"""What the server logs and how: one line per /graphql request, in plain text (the default) or,
with `GRIDQL_LOG_FORMAT=json` (`gridql serve --log-format json`), every line a JSON object.

The request's line says its id, operation, estimated cost, upstream requests per ISO, duration,
HTTP status and error codes. Every other line logged while a request is answered (an upstream
retry, an unexpected error) carries the request's id too. Every line is scrubbed of the secrets
configured (adapters.config.scrub) and of bearer tokens; keys a client presents are never logged.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import DefaultFormatter

from gridql.adapters.config import scrub

FORMATS = ("text", "json")
log = logging.getLogger("gridql.request")
current_id: ContextVar[str | None] = ContextVar("gridql_request_id", default=None)
# An id a client or proxy sends is kept when it is this plain: anything else could forge log
# fields, or fill the log.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id(presented: str | None) -> str:
    """The X-Request-Id sent, when sane; else a new one."""
    if presented is not None and _SANE_ID.fullmatch(presented):
        return presented
    return uuid.uuid4().hex


def log_request(fields: dict[str, Any]) -> None:
    """The request's line: `fields` as JSON keys, and as `key=value` words in the text."""
    if not log.isEnabledFor(logging.INFO):
        return
    upstream = ",".join(f"{iso}:{u['requests']}" for iso, u in fields["upstream"].items()) or "none"
    text = (
        f"{fields['method']} {fields['path']} {fields['status']} {fields['durationMs']:.1f} ms "
        f"id={fields['requestId']} operation={fields['operation'] or '-'} cost={_or_dash(fields['cost'])} "
        f"upstream={upstream} errors={','.join(fields['errors']) or '-'}"
    )
    log.info("%s", text, extra={"gridql": fields})


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id, a request's
    fields, the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "gridql", None)
        if fields is not None:
            entry.update(fields)
        elif (rid := current_id.get()) is not None:
            entry["requestId"] = rid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(_scrubbed(entry)).decode()


class TextFormatter(DefaultFormatter):
    """uvicorn's own format, scrubbed; a line logged inside a request ends with its id."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = current_id.get()
        if rid is not None and getattr(record, "gridql", None) is None:
            text = f"{text} (request {rid})"
        return scrub(text)


def config(log_format: str, level: str) -> dict[str, Any]:
    """uvicorn's logging configuration, with gridql's loggers in it: in JSON, uvicorn's own lines
    too, and its access log off (each /graphql request has its line already)."""
    gridql_level = "DEBUG" if level == "trace" else level.upper()
    if log_format == "json":
        return {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {
                "default": {"formatter": "json", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
            },
            "loggers": {
                "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
                "uvicorn.access": {"handlers": [], "propagate": False},
                "gridql": {"handlers": ["default"], "level": gridql_level, "propagate": False},
            },
        }
    text: dict[str, Any] = {**LOGGING_CONFIG}
    text["formatters"] = {
        **LOGGING_CONFIG["formatters"],
        "default": {**LOGGING_CONFIG["formatters"]["default"], "()": TextFormatter},
    }
    text["loggers"] = {
        **LOGGING_CONFIG["loggers"],
        "gridql": {"handlers": ["default"], "level": gridql_level, "propagate": False},
    }
    return text
