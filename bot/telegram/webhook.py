"""Webhook mode: Telegram posts updates to the bot's own HTTP server instead of long polling."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.telegram.updates import readable

log = logging.getLogger(__name__)


def update_feeder(application: Application) -> Callable[[Any], Awaitable[None]]:  # type: ignore[type-arg]
    """Put each posted update on the application's queue, as polling would."""

    async def feed(data: Any) -> None:
        update = Update.de_json(readable(data, application.bot), application.bot)
        await application.update_queue.put(update)

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
