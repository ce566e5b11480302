"""A second process on the same database refuses to start, with a clear line."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import BotRuntime
from bot.config import Settings
from bot.services.lease import AnotherInstanceError
from tests.support.harness import OffsetClock, Person


async def test_a_second_instance_refuses_to_start(
    settings_for: Callable[..., Settings], alice: Person, clock: OffsetClock
) -> None:
    async with BotRuntime(settings_for(), clock=clock):
        second = BotRuntime(settings_for(), clock=clock)
        with pytest.raises(AnotherInstanceError, match=r"another bot process .* is running"):
            async with second:
                pass
        reply = await alice.say("/help")  # the first one is unharmed
        assert (reply.text or "").startswith("What I can do")

    async with BotRuntime(settings_for(), clock=clock):  # a clean stop frees the database
        assert (await alice.say("/help")).text


async def test_a_crashed_instance_does_not_block_forever(
    settings_for: Callable[..., Settings], database_path: Path, clock: OffsetClock, alice: Person
) -> None:
    async with BotRuntime(settings_for(), clock=clock):
        pass
    with sqlite3.connect(database_path) as conn:  # what a killed process leaves behind
        conn.execute(
            "INSERT INTO instance_lease (id, owner, heartbeat_at) VALUES (1, 'dead pid 1', ?)",
            (time.time(),),
        )
    async with BotRuntime(settings_for(), clock=clock):
        assert (await alice.say("/help")).text
