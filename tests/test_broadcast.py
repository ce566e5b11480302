"""/broadcast (issue 14): after ✅ Confirm, one text reaches everyone who has used the bot, at
Telegram's pace (a fake that answers 429 past Telegram's limits never has to), with the
progress shown in the admin's card, ⏹ Stop, and people who blocked the bot skipped and recorded
(not retried, not asked again next time). Runs live in the bot's memory: a restart ends them."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BotRuntime
from tests.fakes.telegram import FakeTelegram, FloodLimits, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll
from tests.support.credits import OLGA, admin, text_of
from tests.support.harness import TOKEN, OffsetClock, Person, StartBot, make_settings

TELEGRAMS_LIMITS = {  # the bot's defaults, which the other tests turn off
    "telegram_chat_interval_seconds": 1.1,
    "telegram_group_messages_per_minute": 20,
    "telegram_messages_per_second": 28,
}
NEWS = "📰 New: 4K videos are here.\nSend /video to try."


@pytest.fixture
async def flood_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN, flood=FloodLimits()) as fake:
        yield fake


def people(telegram: FakeTelegram, count: int) -> list[Person]:
    return [
        Person(telegram, user, TgChat.private(user))
        for user in (TgUser(id=5000 + n, first_name=f"P{n}") for n in range(count))
    ]


async def test_a_broadcast_to_100_people_at_telegrams_pace(
    flood_telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path, clock: OffsetClock
) -> None:
    telegram = flood_telegram
    crowd = people(telegram, 100)
    blocker = crowd[37]
    olga = admin(telegram)
    settings = make_settings(
        telegram.api_url,
        database_path,
        **uniall.bot_settings(),
        **TELEGRAMS_LIMITS,
        admin_user_ids=(OLGA.id,),
    )
    async with BotRuntime(settings, clock=clock):
        await asyncio.gather(*(person.say("/start") for person in crowd))
        telegram.blocked.add(blocker.user.id)  # and then blocked the bot

        card = await olga.say(f"/broadcast {NEWS}")
        assert card.text == (
            f"📣 Send this message to 101 people?\n\n{NEWS}\n\n"
            "(A broadcast runs in the bot's memory: a restart stops it.)"
        )
        started = time.monotonic()
        await olga.press(card, "Confirm")
        await olga.showing(card, "Broadcasting")
        assert telegram.message(OLGA.id, card.message_id).button_data("Stop")

        # A person's command during the run is answered at once, not after the crowd.
        asking = time.monotonic()
        assert "/video" in await text_of(crowd[0], "/help")
        assert time.monotonic() - asking < 1.5

        done = await olga.showing(card, "Broadcast done")
        took = time.monotonic() - started

    assert done == "📣 Broadcast done: 100 of 101 sent · 1 blocked the bot · 0 failed"
    assert telegram.message(OLGA.id, card.message_id).buttons() == []
    assert telegram.flood_refusals == []
    for person in crowd:
        expected = [] if person is blocker else [NEWS]
        assert [text for text in telegram.texts(person.chat.id) if text == NEWS] == expected
    sends = [c for c in telegram.calls_to("sendMessage") if c.params.get("text") == NEWS]
    assert len(sends) == 101  # the blocked person was tried once, never again
    assert 100 / 28 <= took < 30  # Telegram's pace: not faster than the limit, not stalled
    edits = [
        str(c.params.get("text"))
        for c in telegram.calls_to("editMessageText")
        if c.params.get("message_id") == card.message_id and c.status == 200
    ]
    assert any(text.startswith("📣 Broadcasting: ") for text in edits[1:-1]), edits


async def test_a_broadcast_can_be_stopped_and_skips_who_blocked_the_bot_next_time(
    start_bot: StartBot, telegram: FakeTelegram, olga: Person
) -> None:
    crowd = people(telegram, 12)
    # One message a second for the run (the bot keeps 8 a second free for answers).
    async with start_bot(admin_user_ids=(OLGA.id,), telegram_messages_per_second=9):
        for person in crowd:
            await person.say("/start")
        telegram.blocked.add(crowd[0].user.id)
        card = await olga.say(f"/broadcast {NEWS}")
        assert (card.text or "").startswith("📣 Send this message to 13")
        await olga.press(card, "Confirm")
        await telegram.wait_for(  # under way: at least one sent, not all
            lambda: re.match(r"📣 Broadcasting: [1-9]\d* of 13", olga.current(card).text or "")
        )
        stop = telegram.message(OLGA.id, card.message_id).button_data("Stop")
        answer = await olga.press_data(card.message_id, stop)
        assert answer["text"] == "Stopping…"
        stopped = await olga.showing(card, "stopped")
        reached = sum(NEWS in telegram.texts(p.chat.id) for p in [*crowd, olga])
        assert stopped == (
            f"⏹ Broadcast stopped: {reached} of 13 sent · 1 blocked the bot · 0 failed"
        )
        assert reached < 12
        answer = await olga.press_data(card.message_id, stop)
        assert answer["text"] == "This broadcast is not running any more."

        # Next time, the person who blocked the bot is not counted (nor asked again).
        card = await olga.say(f"/broadcast {NEWS}")
        assert (card.text or "").startswith("📣 Send this message to 12")
        await olga.press(card, "Cancel")
        assert await olga.showing(card, "Cancelled") == "✖️ Cancelled: nothing was done."
        # Someone who is not an admin cannot broadcast.
        assert await text_of(crowd[1], "/broadcast hi") == "This command is for the bot's admins."
        assert await text_of(olga, "/broadcast") == "Usage: /broadcast <text>"
