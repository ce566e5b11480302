"""Telegram's flood limits kept by design: a burst in one DM and one group, against a fake that
answers 429 the way Telegram does, gets no 429 and loses nothing a person needs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BotRuntime
from tests.fakes.telegram import FakeTelegram, FloodLimits, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll, completed, in_progress, queued
from tests.support.group import BOT_USERNAME
from tests.support.harness import ALICE, BOB, TOKEN, OffsetClock, Person, job_rows, make_settings

DONE = "is done"
TELEGRAMS_LIMITS = {  # the bot's defaults, which the other tests turn off
    "telegram_chat_interval_seconds": 1.1,
    "telegram_group_messages_per_minute": 20,
    "telegram_messages_per_second": 28,
}


@pytest.fixture
async def flood_telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN, flood=FloodLimits()) as fake:
        yield fake


async def make_video(person: Person, prompt: str) -> SentMessage:
    """Send /video and press Create on the card that answers it (others post in a group too)."""
    sent = person.send(prompt)
    card = await person.telegram.wait_for_message(
        person.chat.id, lambda m: m.reply_to_message_id == sent and m.kind == "text"
    )
    await person.press(card, "Create video")
    return card


async def test_a_burst_gets_no_429_and_loses_nothing(
    flood_telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path, clock: OffsetClock
) -> None:
    telegram = flood_telegram
    uniall.script = [queued(), in_progress(30), in_progress(60), in_progress(90), completed()]
    group = TgChat.group(id=-100_777, title="Burst")
    telegram.add_chat(group)
    alice = Person(telegram, ALICE, TgChat.private(ALICE))
    members = [Person(telegram, TgUser(id=2000 + n, first_name=f"M{n}"), group) for n in range(3)]
    settings = make_settings(
        telegram.api_url,
        database_path,
        **uniall.bot_settings(),
        **TELEGRAMS_LIMITS,
        poll_interval_seconds=0.3,
    )
    async with BotRuntime(settings, clock=clock):

        async def alice_makes_three() -> None:  # one card at a time: one draft per chat
            for n in range(3):
                await make_video(alice, f"/video burst number {n}")

        await asyncio.gather(
            alice_makes_three(),
            *(
                make_video(m, f"/video@{BOT_USERNAME} group video {n}")
                for n, m in enumerate(members)
            ),
        )
        await telegram.wait_for(
            lambda: [r["state"] for r in job_rows(database_path)] == ["delivered"] * 6, timeout=90
        )
        statuses = [r["status_message_id"] for r in job_rows(database_path)]
        chats = [r["chat_id"] for r in job_rows(database_path)]
        await telegram.wait_for(
            lambda: all(
                DONE in (telegram.message(chat, status).text or "")
                for chat, status in zip(chats, statuses, strict=True)
            ),
            timeout=30,
        )

    assert telegram.flood_refusals == []
    videos = [c for c in telegram.calls_to("sendVideo") if c.status == 200]
    assert len(videos) == 6


async def test_a_throttled_chat_does_not_hold_up_another_persons_answer(
    flood_telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path, clock: OffsetClock
) -> None:
    telegram = flood_telegram
    uniall.script = [queued(), *[in_progress(p) for p in range(5, 95, 5)], completed()]
    alice = Person(telegram, ALICE, TgChat.private(ALICE))
    bob = Person(telegram, BOB, TgChat.private(BOB))
    settings = make_settings(
        telegram.api_url,
        database_path,
        **uniall.bot_settings(),
        **TELEGRAMS_LIMITS,
        poll_interval_seconds=0.2,
    )
    async with BotRuntime(settings, clock=clock):
        for n in range(2):
            await make_video(alice, f"/video a busy chat {n}")
        card = await bob.say("/video a quiet chat")
        slowest = 0.0
        for label in ("Quality", "Fast", "Quality"):
            started = time.monotonic()
            await bob.press(card, label)
            slowest = max(slowest, time.monotonic() - started)
        await telegram.wait_for(
            lambda: [r["state"] for r in job_rows(database_path)] == ["delivered"] * 2, timeout=60
        )

    assert slowest <= 1.5, f"Bob waited {slowest:.2f} s for his button"
    assert telegram.flood_refusals == []
