"""What the admin loop tells people and admins: a person told of a grant, refund or ban (in
their language); operator alerts to ADMIN_CHAT_ID, or to every ADMIN_USER_IDS admin when no
chat is set; a stranger knocking on a private bot, with ✅ Allow for the admins."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.services.container import Services
from bot.services.people import Profile
from bot.telegram.callbacks import AllowStranger
from bot.telegram.context import Turn, on_button
from bot.telegram.i18n import t
from bot.telegram.render import button

log = logging.getLogger(__name__)


def describe(lang: str, profile: Profile) -> str:
    """Who a person is, for an admin: "Alice (@alice, id 1001)"."""
    if not profile.known or not profile.first_name:
        return t(lang, "admin.who_unknown", id=profile.user_id)
    handle = f"@{profile.username}, " if profile.username else ""
    return t(lang, "admin.who", name=profile.first_name, handle=handle, id=profile.user_id)


async def tell(bot: ExtBot[Any], found: Services, user_id: int, key: str, **params: Any) -> bool:
    """Tell a person something in their language; False when Telegram would not deliver it."""
    profile = await found.people.profile(user_id)
    try:
        await bot.send_message(user_id, t(profile.language, key, **params))
    except Forbidden as exc:
        log.info("could not tell %s (%s): they blocked the bot", user_id, exc.message)
        await found.people.blocked_us(user_id)
        return False
    except BadRequest as exc:  # "chat not found": they never opened a chat with the bot
        log.info("could not tell %s: %s", user_id, exc.message)
        return False
    return True


def told(lang: str, delivered: bool) -> str:
    """The end of an admin's answer: whether the person was told."""
    return t(lang, "admin.told" if delivered else "admin.not_told")


class AdminAlertSink:
    """Operator alerts: to ADMIN_CHAT_ID, or to each admin of ADMIN_USER_IDS when it is unset."""

    def __init__(self, bot: ExtBot[Any], chat_id: int | None, admins: Iterable[int]) -> None:
        self.bot = bot
        self._chat_id = chat_id
        self._admins = sorted(set(admins))

    @property
    def destinations(self) -> list[int]:
        return [self._chat_id] if self._chat_id is not None else self._admins

    async def send_alert(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Send to every destination; one that cannot be reached does not stop the others."""
        failures = 0
        for chat_id in self.destinations:
            try:
                await self.bot.send_message(chat_id, text, reply_markup=markup)
            except TelegramError as exc:
                failures += 1
                log.warning("could not send the admins' message to %s: %s", chat_id, exc.message)
        if failures and failures == len(self.destinations):
            raise RuntimeError("no admin could be reached")


async def stranger_knocked(sink: AdminAlertSink, found: Services, user_id: int) -> None:
    """The allowlist refused someone: the admins hear of it once a day per person."""
    if not sink.destinations or not await found.people.first_request_today(user_id):
        return
    profile = await found.people.profile(user_id)
    lang = "en"
    await sink.send_alert(
        t(lang, "admin.stranger", who=describe(lang, profile)),
        InlineKeyboardMarkup([[button(lang, "admin.allow_button", AllowStranger(user_id))]]),
    )


def attach(sink: AdminAlertSink, found: Services) -> None:
    """Wire the allowlist's refusals to the admins' notice, and referral credits to the two
    people they went to."""
    found.credits.on_stranger(functools.partial(stranger_knocked, sink, found))

    async def referral_credited(user_id: int, role: str, credits: int) -> None:
        total = (await found.credits.balance(user_id)).total
        await tell(sink.bot, found, user_id, f"referral.{role}", credits=credits, total=total)

    found.referrals.on_credited(referral_credited)


@on_button(AllowStranger)
async def allow_stranger(turn: Turn, button: AllowStranger) -> None:
    """✅ Allow: the stranger may use the bot, and is told so."""
    found, lang = turn.services, turn.lang
    turn.require_admin()
    allowed, _ = await found.credits.access(button.user_id)
    profile = await found.people.profile(button.user_id)
    who = describe(lang, profile)
    if allowed:
        await turn.query.answer(t(lang, "admin.already_allowed", who=who), show_alert=True)
        return
    await found.credits.set_access(button.user_id, allowed=True)
    await turn.query.answer()
    delivered = await tell(turn.bot, found, button.user_id, "access.allowed")
    text = t(lang, "admin.allowed_by", who=who, admin=turn.user.first_name)
    await turn.query.edit_message_text(f"{text} {told(lang, delivered)}")


BUTTONS = (allow_stranger,)
