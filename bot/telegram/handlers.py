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

from bot.domain.errors import StaleButtonError
from bot.telegram import admin, commands, followups, money, photos, wizard
from bot.telegram.context import BotContext, Turn, on_update
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
    """Every handler, in the order PTB tries them."""
    fresh = ~filters.UpdateType.EDITED
    application.add_handlers(
        [
            CommandHandler("start", commands.start),
            CommandHandler("help", commands.help_command),
            CommandHandler("video", wizard.video),
            CommandHandler("cancel", commands.cancel),
            CommandHandler("settings", commands.settings_command),
            CommandHandler("language", commands.language_command),
            CommandHandler("history", followups.history),
            CommandHandler("extend", followups.extend),
            CommandHandler("balance", money.balance),
            CommandHandler("buy", money.buy),
            CommandHandler("paysupport", money.paysupport),
            CommandHandler("terms", money.terms),
            PreCheckoutQueryHandler(money.pre_checkout),
            MessageHandler(filters.SUCCESSFUL_PAYMENT, money.successful_payment),
            *(
                CommandHandler(name, admin.admin_only(handler))
                for name, handler in ADMIN_COMMANDS.items()
            ),
            # one handler per button family, each with the pattern only its data fits
            *wizard.BUTTONS,
            *commands.BUTTONS,
            *followups.BUTTONS,
            *money.BUTTONS,
            CallbackQueryHandler(expired_button),
            MessageHandler((filters.PHOTO | filters.Document.ALL) & fresh, photos.photo_input),
            MessageHandler(filters.TEXT & ~filters.COMMAND & fresh, wizard.text_input),
            MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL & fresh, wizard.other_input),
            MessageHandler(filters.COMMAND & fresh, wizard.unknown_command),
        ]
    )
    application.add_error_handler(on_error)


@on_update
async def expired_button(turn: Turn) -> None:
    """A button no family claims: forged, from an old version, or damaged."""
    raise StaleButtonError


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
