"""The python-telegram-bot Application this bot runs: its bot, request pools and pacing."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.services.ports import SharedPace
from bot.telegram.botdata import BotData
from bot.telegram.limits import ChatRateLimiter
from bot.telegram.updates import TolerantBot

TelegramApp = Application[Any, Any, Any, Any, BotData, Any]


def build_telegram(settings: Settings, pace: SharedPace | None = None) -> TelegramApp:
    root = settings.telegram_api_root
    bot = TolerantBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        local_mode=settings.telegram_local_mode,
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(
            connection_pool_size=1, read_timeout=settings.telegram_poll_timeout_seconds + 10
        ),
        rate_limiter=ChatRateLimiter(
            chat_interval=settings.telegram_chat_interval_seconds,
            group_limit=settings.telegram_group_messages_per_minute,
            overall_rate=settings.telegram_messages_per_second,
            shared=pace,
        ),
    )
    return (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(bot_data=BotData))
        .concurrent_updates(8)
        .build()
    )
