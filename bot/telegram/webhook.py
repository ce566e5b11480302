"""Webhook mode: Telegram posts updates to the bot's own HTTP server instead of long polling."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.services.updates import Claim
from bot.telegram.updates import OnceOnly, read_update

log = logging.getLogger(__name__)


def update_feeder(
    application: Application,  # type: ignore[type-arg]
    once: OnceOnly,
) -> Callable[[Any], Awaitable[bool]]:
    """Handle each posted update before answering: True when it is done (handled now or
    before; a handler's failure went to the error handler and counts as done), False when
    another replica's claim on it is still under way (Telegram should send it again later).
    A StorageError (the claim could not be written) comes out for the server to answer 5xx."""

    async def feed(data: Any) -> bool:
        update = read_update(data, application.bot)
        return await once.handle(application, update) is not Claim.BUSY

    return feed


async def register_webhook(
    application: Application,  # type: ignore[type-arg]
    url: str,
    secret: str,
) -> None:
    """Tell Telegram where to post; pending updates are kept, never dropped."""
    await application.bot.set_webhook(
        url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    log.info("webhook set at %s", url)
