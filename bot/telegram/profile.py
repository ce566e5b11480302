"""What Telegram shows about the bot: the command menu (for everyone, and for a person who
chose a language) and the description of an empty chat, in each language the bot speaks."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeChatMember
from telegram.ext import ExtBot

from bot.telegram.i18n import CATALOGS, DEFAULT_LANGUAGE, t

log = logging.getLogger(__name__)

COMMANDS = (
    "video",
    "history",
    "balance",
    "buy",
    "settings",
    "language",
    "extend",
    "cancel",
    "help",
    "start",
    "paysupport",
    "terms",
)
# Shown only when videos cost credits; Telegram asks bots that sell for Stars to offer
# /paysupport (and terms) in their menu.
CREDIT_COMMANDS = frozenset({"balance", "buy", "paysupport", "terms"})


def menu(language: str, *, credits: bool) -> list[BotCommand]:
    names = [n for n in COMMANDS if credits or n not in CREDIT_COMMANDS]
    return [BotCommand(name, t(language, f"command.{name}")) for name in names]


def _code(language: str) -> str | None:
    """The language_code of a language's menu and description: none for the default."""
    return None if language == DEFAULT_LANGUAGE else language


async def publish_commands(bot: ExtBot[Any], *, credits: bool) -> None:
    """Show the command menu in each language the bot speaks."""
    for language in CATALOGS:
        await bot.set_my_commands(menu(language, credits=credits), language_code=_code(language))


async def publish_person_menu(
    bot: ExtBot[Any], language: str, *, chat_id: int, user_id: int, private: bool, credits: bool
) -> None:
    """The menu in the language a person chose with /language, for them alone: their private
    chat, or them in this group."""
    scope = (
        BotCommandScopeChat(chat_id) if private else BotCommandScopeChatMember(chat_id, user_id)
    )
    await bot.set_my_commands(menu(language, credits=credits), scope=scope)


async def publish_description(bot: ExtBot[Any]) -> None:
    """The description (an empty chat) and short description (the profile) in each language,
    set only where Telegram holds another text: not at every start."""
    for language in CATALOGS:
        code = _code(language)
        description = t(language, "description")
        if (await bot.get_my_description(language_code=code)).description != description:
            await bot.set_my_description(description, language_code=code)
        short = t(language, "description.short")
        held = await bot.get_my_short_description(language_code=code)
        if held.short_description != short:
            await bot.set_my_short_description(short, language_code=code)
