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


async def test_fast_taps_show_the_last_card_with_fewer_edits_and_no_429(
    flood_telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path, clock: OffsetClock
) -> None:
    telegram = flood_telegram
    alice = Person(telegram, ALICE, TgChat.private(ALICE))
    settings = make_settings(
        telegram.api_url, database_path, **uniall.bot_settings(), **TELEGRAMS_LIMITS
    )
    async with BotRuntime(settings, clock=clock):
        card = await alice.say("/video a lighthouse at dusk")
        edits_before = len(telegram.calls_to("editMessageText"))
        taps = ("Quality", "9:16", "6 s", "1080p")
        for label in taps:  # as fast as a thumb: every tap answered at once
            started = time.monotonic()
            await alice.press(card, label)
            assert time.monotonic() - started < 0.5
        await telegram.wait_for(
            lambda: all(
                part in (alice.current(card).text or "")
                for part in ("Quality", "1080p", "9:16", "6 s")
            ),
            timeout=10,
        )
        await asyncio.sleep(1.5)  # anything still waiting in the chat's queue has gone out
        edits = [c for c in telegram.calls_to("editMessageText")[edits_before:] if c.status == 200]

    # The card shows every choice, and the taps that came within the chat's second were one edit.
    assert 1 <= len(edits) < len(taps)
    assert "1080p" in str(edits[-1].params["text"])
    assert telegram.flood_refusals == []


async def test_a_status_that_moved_on_is_not_shown_after_the_video(
    flood_telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path, clock: OffsetClock
) -> None:
    telegram = flood_telegram
    uniall.script = [in_progress(20), in_progress(40), completed()]
    alice = Person(telegram, ALICE, TgChat.private(ALICE))
    settings = make_settings(
        telegram.api_url,
        database_path,
        **uniall.bot_settings(),
        **TELEGRAMS_LIMITS,
        poll_interval_seconds=0.05,  # states change faster than the chat may show them
    )
    async with BotRuntime(settings, clock=clock):
        card = await make_video(alice, "/video a quick one")
        await telegram.wait_for(
            lambda: [r["state"] for r in job_rows(database_path)] == ["delivered"], timeout=30
        )
        await telegram.wait_for(lambda: DONE in (alice.current(card).text or ""), timeout=10)
        await asyncio.sleep(1.5)

    video = next(c for c in telegram.calls_to("sendVideo") if c.status == 200)
    after = [
        str(c.params["text"])
        for c in telegram.calls_to("editMessageText")
        if c.status == 200 and c.at > video.at
    ]
    # After the video only the job's end is shown: no stale "in the queue" or progress.
    assert after, "the end was shown after the video"
    assert all(DONE in text for text in after), after
    assert DONE in (alice.current(card).text or "")
    assert telegram.flood_refusals == []
