"""Every handler the bot registers, in one list read top to bottom."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.telegram import admin, buttons, commands, money, photos, wizard
from bot.telegram.context import BotContext
from bot.telegram.i18n import CATALOGS, t

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
)
CREDIT_COMMANDS = frozenset({"balance", "buy"})
ADMIN_COMMANDS: dict[str, admin.AdminHandler] = {
    "grant": admin.grant,
    "ban": admin.ban,
    "unban": admin.unban,
    "allow": admin.allow,
    "stats": admin.stats,
    "jobs": admin.jobs,
    "refund": admin.refund,
    "refundstars": admin.refund_stars,
}


def register(application: Application) -> None:  # type: ignore[type-arg]
    fresh = ~filters.UpdateType.EDITED
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_command))
    application.add_handler(CommandHandler("video", wizard.video))
    application.add_handler(CommandHandler("cancel", commands.cancel))
    application.add_handler(CommandHandler("settings", commands.settings_command))
    application.add_handler(CommandHandler("language", commands.language_command))
    application.add_handler(CommandHandler("history", commands.history))
    application.add_handler(CommandHandler("extend", commands.extend))
    application.add_handler(CommandHandler("balance", money.balance))
    application.add_handler(CommandHandler("buy", money.buy))
    application.add_handler(CommandHandler("paysupport", money.paysupport))
    application.add_handler(CommandHandler("terms", money.terms))
    application.add_handler(PreCheckoutQueryHandler(money.pre_checkout))
    application.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, money.successful_payment))
    for name, handler in ADMIN_COMMANDS.items():
        application.add_handler(CommandHandler(name, admin.admin_only(handler)))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(
        MessageHandler((filters.PHOTO | filters.Document.ALL) & fresh, photos.photo_input)
    )
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & fresh, wizard.text_input)
    )
    application.add_handler(
        MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & fresh, wizard.other_input)
    )
    application.add_handler(MessageHandler(filters.COMMAND & fresh, wizard.unknown_command))
    application.add_error_handler(on_error)


async def publish_commands(application: Application, *, credits: bool) -> None:  # type: ignore[type-arg]
    """Show the command menu in each language the bot speaks."""
    names = [n for n in COMMANDS if credits or n not in CREDIT_COMMANDS]
    for language in CATALOGS:
        menu = [BotCommand(name, t(language, f"command.{name}")) for name in names]
        await application.bot.set_my_commands(
            menu, language_code=None if language == "en" else language
        )


async def on_error(update: object, context: BotContext) -> None:
    log.error("an update could not be handled", exc_info=context.error)
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:
            log.debug("could not answer the callback after an error")
