"""Logging setup that keeps secrets out of the log."""

from __future__ import annotations

import logging

# httpx and httpcore log request lines, and Bot API URLs carry the bot token.
_CHATTY_LOGGERS = ("httpx", "httpcore", "hpack")


def quiet_secret_carrying_loggers() -> None:
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    quiet_secret_carrying_loggers()
