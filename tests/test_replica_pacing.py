"""Telegram's flood limits kept by replicas together (issue 11): two bot processes on one
PostgreSQL database send to the same chats at the same time and get no 429, losing nothing;
the reservation behind it takes one slot per message for a chat across processes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.app import BotRuntime
from bot.store.pacing import WHOLE_BOT, PaceStore
from tests.fakes.telegram import FakeTelegram, FloodLimits, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll, completed, in_progress, queued
from tests.support.group import BOT_USERNAME
from tests.support.harness import ALICE, BOB, TOKEN, OffsetClock, Person, make_settings
from tests.support.postgres import SharedDatabase
from tests.test_flood import DONE, TELEGRAMS_LIMITS, make_video


async def _jobs(url: str) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT state, chat_id, status_message_id, claimed_by FROM jobs ORDER BY id"
        )
        return [dict(row) for row in rows]
    finally:
        await connection.close()


async def test_two_replicas_sending_to_the_same_chats_get_no_429_and_lose_nothing(
    uniall: FakeUniAll, tmp_path: Path, clock: OffsetClock, database_url: str
) -> None:
    uniall.script = [queued(), *[in_progress(p) for p in range(10, 100, 10)], completed()]
    async with FakeTelegram(TOKEN, flood=FloodLimits()) as telegram:
        group = TgChat.group(id=-100_778, title="Two replicas")
        telegram.add_chat(group)
        alice = Person(telegram, ALICE, TgChat.private(ALICE))
        bob = Person(telegram, BOB, TgChat.private(BOB))
        member = Person(telegram, TgUser(id=3001, first_name="Member"), group)

        def replica(name: str) -> BotRuntime:
            settings = make_settings(
                telegram.api_url,
                tmp_path / name / "unused.sqlite3",
                **uniall.bot_settings(),
                **TELEGRAMS_LIMITS,
                database_url=database_url,
                poll_interval_seconds=0.1,
                job_lease_seconds=3,
            )
            return BotRuntime(settings, clock=clock)

        async with replica("one"), replica("two"):

            async def makes(person: Person, count: int, prompt: str) -> None:
                for n in range(count):  # one card at a time: one draft per chat
                    await make_video(person, f"{prompt} {n}")

            await asyncio.gather(
                makes(alice, 3, "/video alice's lighthouse"),
                makes(bob, 2, "/video bob's harbour"),
                makes(member, 1, f"/video@{BOT_USERNAME} the group's boat"),
            )

            async def finished() -> list[dict[str, Any]] | None:
                jobs = await _jobs(database_url)
                if [job["state"] for job in jobs] != ["delivered"] * 6:
                    return None
                shown = [
                    DONE in (telegram.message(job["chat_id"], job["status_message_id"]).text or "")
                    for job in jobs
                ]
                return jobs if all(shown) else None

            jobs = None
            for _ in range(900):
                jobs = await finished()
                if jobs:
                    break
                await asyncio.sleep(0.1)
            assert jobs, await _jobs(database_url)

    assert telegram.flood_refusals == []
    videos = [c for c in telegram.calls_to("sendVideo") if c.status == 200]
    assert len(videos) == 6
    assert {job["chat_id"] for job in jobs} == {ALICE.id, BOB.id, group.id}


# -- the store, on both engines -----------------------------------------------------------------


async def test_two_processes_reserving_one_chat_get_slots_one_spacing_apart(
    shared_database: SharedDatabase,
) -> None:
    first, second = (PaceStore(db) for db in await shared_database.open_many(2))
    now, spacing = 1000.0, 1.1

    slots = await asyncio.gather(
        *(store.reserve(42, now, spacing) for _ in range(5) for store in (first, second))
    )

    assert sorted(round(slot - now, 6) for slot in slots) == [
        round(n * spacing, 6) for n in range(10)
    ]
    # Another chat and the whole bot have slots of their own.
    assert await second.reserve(-100_5, now, 3.05) == now
    assert await first.reserve(WHOLE_BOT, now, 1 / 28) == now
    # A chat that sent long ago may send at once; a 429 holds it back for every process.
    assert await first.reserve(42, now + 60, spacing) == now + 60
    await second.hold(42, now + 90)
    await first.hold(42, now + 80)  # an earlier pause does not shorten a later one
    assert await first.reserve(42, now + 61, spacing) == now + 90
    assert await second.reserve(42, now + 61, spacing) == pytest.approx(now + 90 + spacing)
