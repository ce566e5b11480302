"""/broadcast's Telegram side: each person's message at low priority through the bot's rate
limiter, the admin's card edited with the progress (a newer edit replaces one still waiting),
and ⏹ Stop.

A run lives in this process's memory (bot/services/broadcast.py): a restart ends it.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.domain.admin_actions import ActionState, AdminAction
from bot.domain.errors import Refusal
from bot.services.broadcast import BroadcastProgress, Outcome
from bot.telegram.callbacks import StopBroadcast
from bot.telegram.context import Turn, on_button
from bot.telegram.i18n import t
from bot.telegram.render import button

log = logging.getLogger(__name__)


class TelegramBroadcast:
    """One run's channel: sends to people, edits the admin's card."""

    def __init__(self, bot: ExtBot[Any], lang: str, chat_id: int, message_id: int) -> None:
        self._bot = bot
        self._lang = lang
        self._chat_id = chat_id
        self._message_id = message_id

    async def send(self, user_id: int, text: str) -> Outcome:
        try:
            # Low priority: in a chat where the bot also answers the person, the answer goes
            # first; the run itself keeps below the overall rate (services/broadcast.py).
            await self._bot.send_message(user_id, text, rate_limit_args={"priority": "low"})
        except Forbidden:
            return Outcome.BLOCKED
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Outcome.BLOCKED  # never opened a chat with the bot: unreachable too
            log.warning("broadcast to %s refused: %s", user_id, exc.message)
            return Outcome.FAILED
        except TelegramError as exc:
            log.warning("broadcast to %s failed: %s", user_id, exc.message)
            return Outcome.FAILED
        return Outcome.SENT

    async def show(self, progress: BroadcastProgress) -> None:
        await show_progress(self._bot, self._lang, self._chat_id, self._message_id, progress)


def progress_text(lang: str, progress: BroadcastProgress) -> str:
    key = {
        ActionState.RUNNING: "broadcast.progress",
        ActionState.DONE: "broadcast.done",
        ActionState.STOPPED: "broadcast.stopped",
    }.get(progress.state, "broadcast.progress")
    return t(lang, key, **progress.counts())


async def show_progress(
    bot: ExtBot[Any], lang: str, chat_id: int, message_id: int, progress: BroadcastProgress
) -> None:
    running = progress.state is ActionState.RUNNING
    stop = InlineKeyboardMarkup(
        [[button(lang, "broadcast.stop_button", StopBroadcast(progress.action_id))]]
    )
    try:
        await bot.edit_message_text(
            progress_text(lang, progress),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=stop if running else None,
            # Progress coalesces to the newest; the end is never overtaken.
            rate_limit_args={"priority": "low" if running else "high"},
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


async def start_broadcast(turn: Turn, action: AdminAction) -> None:
    """Confirmed: the card becomes the run's progress, with ⏹ Stop."""
    message = turn.message
    channel = TelegramBroadcast(turn.bot, turn.lang, message.chat_id, message.message_id)
    await turn.services.broadcasts.start(action, channel)


@on_button(StopBroadcast)
async def stop_broadcast(turn: Turn, button: StopBroadcast) -> None:
    turn.require_admin()
    if not await turn.services.broadcasts.stop(button.action_id):
        raise Refusal("broadcast.not_running")
    await turn.query.answer(t(turn.lang, "broadcast.stopping"))


BUTTONS = (stop_broadcast,)
