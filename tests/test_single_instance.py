"""A second process on the same database refuses to start, with a clear line."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.services.lease import AnotherInstanceError
from tests.support.harness import Person, StartBot

pytestmark = pytest.mark.sqlite_only(
    reason="the lease row in the SQLite file; PostgreSQL's replicas are tested on their own"
)


async def test_a_second_instance_refuses_to_start(start_bot: StartBot, alice: Person) -> None:
    async with start_bot():
        second = start_bot()
        with pytest.raises(AnotherInstanceError, match=r"another bot process .* is running"):
            async with second:
                pass
        reply = await alice.say("/help")  # the first one is unharmed
        assert (reply.text or "").startswith("What I can do")

    async with start_bot():  # a clean stop frees the database
        assert (await alice.say("/help")).text


async def test_a_crashed_instance_does_not_block_forever(
    start_bot: StartBot, database_path: Path, alice: Person
) -> None:
    async with start_bot():
        pass
    with sqlite3.connect(database_path) as conn:  # what a killed process leaves behind
        conn.execute(
            "INSERT INTO instance_lease (id, owner, heartbeat_at) VALUES (1, 'dead pid 1', ?)",
            (time.time(),),
        )
    async with start_bot():
        assert (await alice.say("/help")).text
