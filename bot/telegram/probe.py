"""Ask Telegram who the bot is, for `python -m bot check`."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError


class TelegramProbeError(Exception):
    """Telegram refused the token or could not be reached; the message says which."""


async def bot_username(api_root: str, token: str) -> str:
    bot = Bot(token, base_url=f"{api_root}/bot", base_file_url=f"{api_root}/file/bot")
    try:
        async with bot:
            return bot.username
    except TelegramError as exc:
        raise TelegramProbeError(exc.message) from exc
