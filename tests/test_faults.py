"""Faults from outside: storage that stops writing, an update the library cannot read."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from bot.app import BotRuntime
from bot.config import Settings
from tests.fakes.telegram import FakeTelegram, TgChat
from tests.fakes.uniall import FakeUniAll, completed, in_progress
from tests.support.harness import BOB, OffsetClock, Person, job_rows, settle

STORAGE_DOWN = "I can't save anything right now; please try again in a few minutes."
SOMETHING_WRONG = "Something went wrong on my side and nothing was changed. Please try again."


def _names(connection: sqlite3.Connection, kind: str, like: str) -> list[str]:
    query = "SELECT name FROM sqlite_master WHERE type = ? AND name LIKE ?"
    return [row[0] for row in connection.execute(query, (kind, like))]


def refuse_writes(database_path: Path) -> None:
    """Make every write to the bot's tables fail, as a full or read-only disk would."""
    with closing(sqlite3.connect(database_path, timeout=60)) as connection, connection:
        tables = [t for t in _names(connection, "table", "%") if not t.startswith("sqlite_")]
        for table in tables:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                connection.execute(
                    f"CREATE TRIGGER refuse_{table}_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ROLLBACK, 'disk I/O error'); END"
                )


def accept_writes(database_path: Path) -> None:
    with closing(sqlite3.connect(database_path, timeout=60)) as connection, connection:
        for name in _names(connection, "trigger", "refuse_%"):
            connection.execute(f"DROP TRIGGER {name}")


@pytest.mark.sqlite_only(reason="the fault is made with triggers in the SQLite file")
async def test_failing_storage_backs_off_answers_people_and_recovers(
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    database_path: Path,
    settings_for: Callable[..., Settings],
    clock: OffsetClock,
) -> None:
    admins = TgChat.private(BOB)
    telegram.add_chat(admins)
    uniall.script = [in_progress(40)]
    settings = settings_for(admin_chat_id=admins.id)
    async with BotRuntime(settings, clock=clock) as runtime:
        card = await alice.say("/video a lighthouse in fog")
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(uniall.polls) >= 2)
        task_id = next(iter(uniall.tasks))

        # In a thread: a blocking wait for SQLite's lock on the loop's own thread would stop
        # the bot from finishing the transaction that holds it.
        await asyncio.to_thread(refuse_writes, database_path)
        polls_before = len(uniall.polls)
        reply = await alice.say("/video a second lighthouse")
        assert reply.text == STORAGE_DOWN
        window = 6.0
        await asyncio.sleep(window)  # a rate needs a window of time
        polls = len(uniall.polls) - polls_before
        assert polls * 60 / window < 20, f"{polls} polls in {window} s while storage failed"
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{runtime.http_port}/healthz")
        assert (health.status_code, health.json()["database"]) == (503, "failing")
        alerts = [m.text or "" for m in telegram.messages(admins.id)]
        assert len([a for a in alerts if "database" in a.lower()]) == 1, alerts

        await asyncio.to_thread(accept_writes, database_path)
        uniall.tasks[task_id].script.append(completed())
        await telegram.wait_for(
            lambda: [row["state"] for row in job_rows(database_path)] == ["delivered"],
            timeout=30,
        )
        videos = [m for m in telegram.messages(alice.chat.id) if m.kind == "video"]
        assert len(videos) == 1
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{runtime.http_port}/healthz")
        assert health.json()["database"] == "ok"


async def test_an_unreadable_update_between_two_good_ones_is_skipped(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    """A newer Bot API than the library knows: the update is logged once and passed over."""
    alice.send("/help")
    bad_id = telegram.push_raw_update({"message": {"message_id": 77, "text": "no chat, no date"}})
    alice.send("/start")
    replies = await telegram.wait_for(
        lambda: telegram.texts(alice.chat.id) if len(telegram.texts(alice.chat.id)) >= 2 else None
    )
    # Updates are handled concurrently: the two answers may come in either order.
    assert any("/video" in reply for reply in replies[:2])
    assert any("Alice" in reply for reply in replies[:2])
    await telegram.wait_for(lambda: telegram.pending_updates == 0 or None)
    unreadable = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(unreadable) == 1
    assert len(unreadable[0].getMessage().splitlines()) == 1
    assert unreadable[0].getMessage().startswith(f"update {bad_id} cannot be read")


async def test_a_handler_that_fails_unexpectedly_answers_and_alerts_once_an_hour(
    telegram: FakeTelegram,
    alice: Person,
    database_path: Path,
    settings_for: Callable[..., Settings],
    clock: OffsetClock,
) -> None:
    """Any unexpected failure inside a handler: the person gets the short answer, nothing is
    half-done, and the operator hears of it once per kind per hour."""
    admins = TgChat.private(BOB)
    telegram.add_chat(admins)
    async with BotRuntime(settings_for(admin_chat_id=admins.id), clock=clock):
        for _ in range(2):  # Telegram refuses the card itself: the handler raises
            telegram.fail_next("sendMessage", error_code=400, description="Bad Request: odd")
            reply = await alice.say("/video a lighthouse in fog")
            assert reply.text == SOMETHING_WRONG
        await telegram.wait_for(lambda: telegram.messages(admins.id))
        card = await alice.say("/video a lighthouse in fog")  # and the next one works
        assert "a lighthouse in fog" in (card.text or "")
        await settle(telegram)
        assert [m.text for m in telegram.messages(admins.id)] == [
            "⚠️ A handler failed: BadRequest: Odd"
        ]

        clock.advance(3601)  # an hour on, the same kind is reported again
        telegram.fail_next("sendMessage", error_code=400, description="Bad Request: odd")
        assert (await alice.say("/help")).text == SOMETHING_WRONG
        await telegram.wait_for(lambda: len(telegram.messages(admins.id)) == 2)

    assert job_rows(database_path) == []
