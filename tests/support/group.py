"""Helpers for the group tests: people in a group or a forum topic, and "the bot kept quiet"."""

from __future__ import annotations

import re

from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.harness import Person

BOT_USERNAME = "veo_test_bot"  # the fake's default username
FORCE_REPLY_EN = {"force_reply": True, "selective": True, "input_field_placeholder": "Type here…"}
FORCE_REPLY_ZH = {"force_reply": True, "selective": True, "input_field_placeholder": "在这里输入…"}

# Methods with which the bot says or changes something visible to people.
_VISIBLE_PREFIXES = ("send", "edit", "delete", "answer", "copy", "forward")


def member(
    telegram: FakeTelegram, user: TgUser, chat: TgChat, thread_id: int | None = None
) -> Person:
    """A person writing in a group (in a forum topic when thread_id is given)."""
    return Person(telegram, user, chat, thread_id=thread_id)


async def send_photo(person: Person, jpeg: bytes, *, reply_to: int | None = None) -> SentMessage:
    """Send a photo as this person and return the bot's next new message in the chat."""
    before = len(person.telegram.messages(person.chat.id))
    person.last_sent_id = person.telegram.send_photo(
        person.user, person.chat, jpeg, reply_to=reply_to, thread_id=person.thread_id
    )
    return await person.next_message(before)


def visible_calls(telegram: FakeTelegram, since: int = 0) -> list[str]:
    """The bot's visible calls (send…, edit…, answer…) after call number `since`."""
    return [
        call.short()
        for call in telegram.calls[since:]
        if call.method[:1].islower() and call.method.startswith(_VISIBLE_PREFIXES)
    ]


def thread_ids(telegram: FakeTelegram, chat_id: int) -> list[int | None]:
    return [message.message_thread_id for message in telegram.messages(chat_id)]


def force_reply_targets(telegram: FakeTelegram, message: SentMessage) -> set[int]:
    """Whom a selective ForceReply is shown to, by the Bot API's rule for ``selective``.

    1) users @mentioned in the text (a text_mention entity, or @username of a known user);
    2) when the bot's message replies to a message in the same chat, that message's sender.
    """
    targets: set[int] = set()
    text = message.text or message.caption or ""
    state = telegram._state(message.chat_id)  # the fake's record of the chat
    usernames = {
        str(sent["from"].get("username", "")).lower(): sent["from"]["id"]
        for sent in state.user_messages.values()
        if sent.get("from", {}).get("username")
    }
    for entity in message.params.get("entities") or []:
        if entity.get("type") == "text_mention":
            targets.add(entity["user"]["id"])
        elif entity.get("type") == "mention":
            start, length = entity["offset"], entity["length"]
            name = text.encode("utf-16-le")[2 * start : 2 * (start + length)].decode("utf-16-le")
            if (found := usernames.get(name.lstrip("@").lower())) is not None:
                targets.add(found)
    if str(message.params.get("parse_mode") or "").lower() in ("html", "markdown", "markdownv2"):
        targets.update(int(found) for found in re.findall(r"tg://user\?id=(\d+)", text))
    replied = state.user_messages.get(message.reply_to_message_id or 0)
    if replied is not None:
        targets.add(replied["from"]["id"])
    return targets
