"""Logging setup that keeps secrets out of the log, as readable lines or as JSON lines."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

# httpx and httpcore log request lines, and Bot API URLs carry the bot token.
_CHATTY_LOGGERS = ("httpx", "httpcore", "hpack")
# Libraries whose own records may quote a URL with the token (PTB logs its API URL at DEBUG).
_REDACTED_PREFIXES = ("telegram", "httpx", "httpcore", "aiohttp")
REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came from `extra=` and goes into JSON.
_PLAIN_RECORD = logging.LogRecord("", 0, "", 0, "", None, None)
_RECORD_FIELDS = frozenset({*_PLAIN_RECORD.__dict__, "message", "asctime", "taskName"})


class SecretRedactor(logging.Filter):
    """Replace each secret in a record's message with a marker before any handler sees it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self.redact(message), None
        return True

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class RedactingFormatter(logging.Formatter):
    """One readable line per record; secrets replaced in the whole line, tracebacks included."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(TEXT_FORMAT)
        self.redactor = SecretRedactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact(super().format(record))


class JsonFormatter(RedactingFormatter):
    """One JSON object per line, for log collectors: time, level, logger, message, the fields
    a record was given with `extra=` (a job's end: job, person, chat, vendor, state, reason),
    and the traceback; every string redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        redacted = {
            key: self.redactor.redact(value) if isinstance(value, str) else value
            for key, value in entry.items()
        }
        return json.dumps(redacted, ensure_ascii=False)


def quiet_secret_carrying_loggers() -> None:
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def redact_secrets(secrets: Iterable[str]) -> None:
    """Attach one redactor to every library logger that may quote a secret.

    A logger's filters only see records made on that logger, so each one gets the filter.
    """
    redactor = SecretRedactor(secrets)
    names = [
        name
        for name in logging.root.manager.loggerDict
        if name.split(".")[0] in _REDACTED_PREFIXES
    ]
    for name in {*names, *_REDACTED_PREFIXES, "telegram.Bot", "telegram.ext.ExtBot"}:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, SecretRedactor)]:
            logger.removeFilter(old)
        logger.addFilter(redactor)


def configure_logging(level: str, log_format: str = "text", secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level`, as text or JSON lines (LOG_FORMAT), with `secrets` redacted."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter if log_format == "json" else RedactingFormatter
    handler.setFormatter(formatter(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_secret_carrying_loggers()
