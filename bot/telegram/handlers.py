"""Every handler the bot registers, in one list read top to bottom."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.domain.errors import StaleButtonError, StorageError
from bot.telegram import (
    admin,
    admin_broadcast,
    admin_confirm,
    admin_notices,
    admin_stats,
    commands,
    followups,
    inline,
    money,
    photos,
    wizard,
)
from bot.telegram.context import BotContext, Callback, Turn, on_update
from bot.telegram.i18n import language_for, t
from bot.telegram.updates import OnceOnly

log = logging.getLogger(__name__)

ADMIN_COMMANDS: dict[str, admin.AdminHandler] = {
    "grant": admin.grant,
    "ban": admin.ban,
    "unban": admin.unban,
    "allow": admin.allow,
    "stats": admin_stats.stats,
    "jobs": admin.jobs,
    "refund": admin.refund,
    "refundstars": admin.refund_stars,
    "health": admin.health,
    "broadcast": admin.broadcast,
}


def register(application: Application, once: OnceOnly | None = None) -> None:  # type: ignore[type-arg]
    """Every handler, in the order PTB tries them; with `once`, each update id only once."""
    for group, gate in once.handlers() if once else ():
        application.add_handler(gate, group)
    # An edited message is an old one: it never starts or changes anything.
    fresh = ~filters.UpdateType.EDITED

    def command(name: str, callback: Callback) -> CommandHandler[Any, None]:
        return CommandHandler(name, callback, fresh)

    application.add_handlers(
        [
            command("start", commands.start),
            command("help", commands.help_command),
            command("id", commands.id_command),
            command("video", wizard.video),
            command("cancel", commands.cancel),
            command("settings", commands.settings_command),
            command("language", commands.language_command),
            command("history", followups.history),
            command("extend", followups.extend),
            command("balance", commands.balance),
            command("buy", money.buy),
            command("paysupport", money.paysupport),
            command("terms", money.terms),
            PreCheckoutQueryHandler(money.pre_checkout),
            InlineQueryHandler(inline.inline_query),
            MessageHandler(filters.SUCCESSFUL_PAYMENT & fresh, money.successful_payment),
            *(
                command(name, admin.admin_only(handler))
                for name, handler in ADMIN_COMMANDS.items()
            ),
            # one handler per button family, each with the pattern only its data fits
            *wizard.BUTTONS,
            *commands.BUTTONS,
            *followups.BUTTONS,
            *money.BUTTONS,
            *admin_confirm.BUTTONS,
            *admin_broadcast.BUTTONS,
            *admin_notices.BUTTONS,
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


async def on_error(update: object, context: BotContext) -> None:
    """An update that failed: one log line, the person told, the operator alerted once an hour."""
    error = context.error
    if not isinstance(update, Update):
        log.error("background error: %s: %s", type(error).__name__, error)
        log.debug("traceback", exc_info=error)
        return
    log.error(
        "update %s could not be handled: %s: %s", update.update_id, type(error).__name__, error
    )
    log.debug("traceback of update %s", update.update_id, exc_info=error)
    storage = isinstance(error, StorageError)
    found = context.bot_data.services
    if found is not None:
        await found.alerts.trouble(
            "storage" if storage else "handler",
            f"{'The database is failing' if storage else 'A handler failed'}: "
            f"{type(error).__name__}: {error}",
        )
    user = update.effective_user
    language = language_for(user.language_code if user else None)  # the database may be down
    text = t(language, "error.storage" if storage else "error.internal")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif isinstance(update.effective_message, Message):
            await update.effective_message.reply_text(text)
    except TelegramError:
        log.debug("could not tell the person about the error")
