"""Typed access from handlers to the services the runtime built, and small update helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Message, Update, User
from telegram.ext import CallbackContext, ExtBot

from bot.domain.capabilities import Capabilities
from bot.domain.jobs import ChatPlace
from bot.services.credits import CreditsService
from bot.services.drafts import DraftService
from bot.services.followups import FollowUpService
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.services.people import PeopleService
from bot.telegram.albums import AlbumCollector
from bot.telegram.i18n import language_for
from bot.telegram.notifier import TelegramNotifier


@dataclass
class Services:
    drafts: DraftService
    jobs: JobService
    follow_ups: FollowUpService
    credits: CreditsService
    people: PeopleService
    media: MediaLibrary
    notifier: TelegramNotifier
    capabilities: Capabilities
    job_timeout_minutes: float
    support_contact: str


class BotData:
    """application.bot_data: PTB builds it without arguments, the runtime fills it."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.albums = AlbumCollector()


BotContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def services(context: BotContext) -> Services:
    found = context.bot_data.services
    if found is None:
        raise RuntimeError("services are not attached to the application")
    return found


def place_of(message: Message) -> ChatPlace:
    thread = message.message_thread_id if message.is_topic_message else None
    return ChatPlace(chat_id=message.chat_id, thread_id=thread)


async def language_of(context: BotContext, user: User | None) -> str:
    """The person's language: their /language choice, else their Telegram language."""
    telegram_language = language_for(user.language_code if user else None)
    if user is None:
        return telegram_language
    return await services(context).people.language(user.id, telegram_language)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"
