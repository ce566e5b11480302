"""Two bot processes on one PostgreSQL database: jobs made through one are worked by either.

Only the first receives Telegram updates (the polling leader lock is another change's); the
second talks to a Telegram of its own that sends nothing, so a video it delivers lands there.
Each job is submitted to the vendor once and delivered once, by whichever replica claimed it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg

from bot.app import BotRuntime
from bot.config import Settings
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import TOKEN, OffsetClock, Person

JOBS = 3


async def _states(url: str) -> list[str]:
    connection = await asyncpg.connect(url)
    try:
        return [row["state"] for row in await connection.fetch("SELECT state FROM jobs")]
    finally:
        await connection.close()


async def test_two_replicas_share_the_jobs_each_delivered_once(
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    settings_for: Callable[..., Settings],
    clock: OffsetClock,
    database_url: str,
) -> None:
    shared: dict[str, Any] = {"database_url": database_url, "job_lease_seconds": 3}
    async with FakeTelegram(TOKEN) as silent:
        silent.add_chat(alice.chat)
        first = BotRuntime(settings_for(**shared), clock=clock)
        second = BotRuntime(settings_for(telegram_api_url=silent.api_url, **shared), clock=clock)
        async with first, second:
            assert first.instance_id != second.instance_id
            for n in range(JOBS):
                card = await alice.say(f"/video a lighthouse, take {n}")
                await alice.press(card, "Create video")

            async def all_delivered() -> bool:
                return await _states(database_url) == ["delivered"] * JOBS

            for _ in range(300):
                if await all_delivered():
                    break
                await asyncio.sleep(0.1)
            assert await _states(database_url) == ["delivered"] * JOBS

        videos = [
            m
            for fake in (telegram, silent)
            for m in fake.messages(alice.chat.id)
            if m.kind == "video"
        ]
        assert len(videos) == JOBS
        assert len(uniall.tasks) == JOBS
