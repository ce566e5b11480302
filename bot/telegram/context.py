"""The one entry of every handler: who is asking, where, in which language, with which services.

A handler is written as `async def f(turn: Turn) -> None` (or `(turn, button)` for a button)
and registered through `on_update` / `on_button`; the wrapper finds the person, the chat and
their language once, and answers every `Refusal` the handler raises in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, Message, MessageEntity, PreCheckoutQuery, Update, User
from telegram.error import BadRequest
from telegram.ext import CallbackContext, CallbackQueryHandler, ExtBot

from bot.domain.credits import QuotaError, QuotaReason
from bot.domain.errors import Refusal, StaleButtonError
from bot.domain.jobs import ChatPlace
from bot.services.container import Services
from bot.services.people import Visitor
from bot.telegram.botdata import BotData
from bot.telegram.callbacks import Button
from bot.telegram.i18n import language_for
from bot.telegram.render import refusal_text

log = logging.getLogger(__name__)


BotContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def services(context: BotContext) -> Services:
    found = context.bot_data.services
    if found is None:
        raise RuntimeError("services are not attached to the application")
    return found


def place_of(message: Message) -> ChatPlace:
    thread = message.message_thread_id if message.is_topic_message else None
    return ChatPlace(chat_id=message.chat_id, thread_id=thread)


@dataclass(frozen=True)
class Turn:
    """One update from a person, with everything a handler needs to answer it."""

    update: Update
    context: BotContext
    services: Services
    user: User
    lang: str

    @property
    def message(self) -> Message:
        """The message this update is about (the card's message for a button)."""
        message = self.update.effective_message
        if not isinstance(message, Message):
            raise StaleButtonError  # a button on a message Telegram no longer shows us
        return message

    @property
    def query(self) -> CallbackQuery:
        query = self.update.callback_query
        assert query is not None, "a button handler got an update without a button"
        return query

    @property
    def bot(self) -> ExtBot[None]:
        return self.context.bot

    @property
    def private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == "private"

    @property
    def place(self) -> ChatPlace:
        return place_of(self.message)

    def start_link(self, parameter: str) -> str:
        """The link that opens a private chat with the bot and sends `/start parameter`."""
        return f"https://t.me/{self.bot.username}?start={parameter}"

    def require_admin(self) -> None:
        """Refuse anyone but the bot's admins."""
        if not self.services.credits.is_admin(self.user.id):
            raise Refusal("admin.only")

    async def reply(self, text: str, **kwargs: Any) -> Message:
        return await self.message.reply_text(text, **kwargs)

    async def refuse(self, refusal: Refusal) -> None:
        """Say why nothing happened, where the person will see it."""
        text = refusal_text(self.lang, refusal, self.services.capabilities.display_name)
        update = self.update
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=refusal.alert)
        elif update.pre_checkout_query is not None:
            await update.pre_checkout_query.answer(ok=False, error_message=text)
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
        elif isinstance(update.effective_message, Message):
            try:
                await update.effective_message.reply_text(text)
            except BadRequest:
                log.debug("could not answer a refusal: the message is gone")

    async def turned_away(self) -> bool:
        """A banned person: told so (the same words for everything they do), nothing else."""
        if not await self.services.credits.is_banned(self.user.id):
            return False
        await self.refuse(QuotaError(QuotaReason.BANNED))
        return True

    async def guard(self, step: Awaitable[None]) -> None:
        """Run a handler's work; a Refusal it raises is answered, never an error."""
        try:
            await step
        except Refusal as refusal:
            await self.refuse(refusal)


async def turn_of(update: Update, context: BotContext) -> Turn | None:
    """The person behind an update and their language, or None for an update from nobody."""
    user = update.effective_user
    if user is None:
        return None
    found = services(context)
    telegram_language = language_for(user.language_code)
    chat = update.effective_chat
    await found.people.seen(  # for the admins: once a day per person
        Visitor(
            user.id,
            user.first_name,
            user.username,
            telegram_language,
            private=chat is not None and chat.type == "private",
        )
    )
    lang = await found.people.language(user.id, telegram_language)
    return Turn(update, context, found, user, lang)


def on_update(handler: Callable[[Turn], Awaitable[None]]) -> Callback:
    """A handler of a message, command or payment update, given its Turn; a banned person
    gets the one answer they get to everything instead."""
    return _entry(handler, screened=True)


def for_everyone(handler: Callable[[Turn], Awaitable[None]]) -> Callback:
    """`on_update` for what a banned person still gets: their payment credited, /paysupport
    and /terms (Telegram's rules for bots that sell)."""
    return _entry(handler, screened=False)


def _entry(handler: Callable[[Turn], Awaitable[None]], *, screened: bool) -> Callback:
    async def run(update: Update, context: BotContext) -> None:
        turn = await turn_of(update, context)
        if turn is not None and not (screened and await turn.turned_away()):
            await turn.guard(handler(turn))

    run.__doc__ = handler.__doc__
    return run


_B = TypeVar("_B", bound=Button)


def on_button(
    kind: type[_B],
) -> Callable[[Callable[[Turn, _B], Awaitable[None]]], CallbackQueryHandler[BotContext, None]]:
    """The handler of one button family: registered with a pattern that only its data fits."""

    def register(
        handler: Callable[[Turn, _B], Awaitable[None]],
    ) -> CallbackQueryHandler[BotContext, None]:
        async def run(update: Update, context: BotContext) -> None:
            turn = await turn_of(update, context)
            button = kind.unpack(update.callback_query.data if update.callback_query else None)
            if turn is not None and button is not None and not await turn.turned_away():
                await turn.guard(handler(turn, button))

        return CallbackQueryHandler(run, pattern=kind.matches)

    return register


def pre_checkout_of(turn: Turn) -> PreCheckoutQuery:
    query = turn.update.pre_checkout_query
    assert query is not None, "a payment handler got an update without a pre-checkout query"
    return query


def text_after_command(message: Message) -> str | None:
    """What follows `/video` or `/video@bot`, or None when nothing does."""
    text = message.text or ""
    command = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    rest = text[command.length :] if command else text
    return rest.strip() or None
