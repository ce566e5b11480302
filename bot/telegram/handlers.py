"""Every handler the bot registers, in one list read top to bottom."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram import buttons, commands, wizard
from bot.telegram.context import BotContext
from bot.telegram.i18n import CATALOGS

log = logging.getLogger(__name__)

COMMANDS = ("video", "cancel", "help", "start")
_COMMAND_DESCRIPTIONS = {
    "en": {
        "video": "Make a video from a prompt",
        "cancel": "Close the card or cancel a queued job",
        "help": "What this bot can do",
        "start": "Start",
    },
    "zh": {
        "video": "根据提示词生成视频",
        "cancel": "关闭卡片或取消排队中的任务",
        "help": "机器人能做什么",
        "start": "开始",
    },
}


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_command))
    application.add_handler(CommandHandler("video", wizard.video))
    application.add_handler(CommandHandler("cancel", commands.cancel))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, wizard.prompt_text
        )
    )
    application.add_handler(
        MessageHandler(
            ~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            wizard.other_input,
        )
    )
    application.add_error_handler(on_error)


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Show the command menu in each language the bot speaks."""
    for language in CATALOGS:
        commands_list = [
            BotCommand(name, _COMMAND_DESCRIPTIONS[language][name]) for name in COMMANDS
        ]
        await application.bot.set_my_commands(
            commands_list, language_code=None if language == "en" else language
        )


async def on_error(update: object, context: BotContext) -> None:
    log.error("an update could not be handled", exc_info=context.error)
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:
            log.debug("could not answer the callback after an error")
