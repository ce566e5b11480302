"""Typed access from handlers to the services the runtime built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Message, Update, User
from telegram.ext import CallbackContext, ExtBot

from bot.domain.capabilities import Capabilities
from bot.domain.jobs import ChatPlace
from bot.services.drafts import DraftService
from bot.services.followups import FollowUpService
from bot.services.jobs import JobService
from bot.telegram.i18n import language_for
from bot.telegram.notifier import TelegramNotifier


@dataclass
class Services:
    drafts: DraftService
    jobs: JobService
    follow_ups: FollowUpService
    notifier: TelegramNotifier
    capabilities: Capabilities
    job_timeout_minutes: float


class BotData:
    """application.bot_data: PTB builds it without arguments, the runtime fills it."""

    def __init__(self) -> None:
        self.services: Services | None = None


BotContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def services(context: BotContext) -> Services:
    found = context.bot_data.services
    if found is None:
        raise RuntimeError("services are not attached to the application")
    return found


def place_of(message: Message) -> ChatPlace:
    thread = message.message_thread_id if message.is_topic_message else None
    return ChatPlace(chat_id=message.chat_id, thread_id=thread)


def language_of(user: User | None) -> str:
    return language_for(user.language_code if user else None)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"
