"""Logging setup that keeps secrets out of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterable

# httpx and httpcore log request lines, and Bot API URLs carry the bot token.
_CHATTY_LOGGERS = ("httpx", "httpcore", "hpack")
# Libraries whose own records may quote a URL with the token (PTB logs its API URL at DEBUG).
_REDACTED_PREFIXES = ("telegram", "httpx", "httpcore", "aiohttp")
REDACTED = "[redacted]"


class SecretRedactor(logging.Filter):
    """Replace each secret in a record's message with a marker before any handler sees it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        return True


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


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    quiet_secret_carrying_loggers()
