"""`python -m bot backup PATH`: a copy of the running bot's SQLite database, and its restore."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.store.database import Database
from tests.fakes.telegram import FakeTelegram
from tests.support.harness import Jobs, Person, StartBot
from tests.support.process import ROOT, bot_env

pytestmark = pytest.mark.sqlite_only(reason="the SQLite backup; PostgreSQL's is pg_dump")


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return list(connection.execute(sql))


def update_ids(path: Path) -> set[int]:
    return {row[0] for row in rows(path, "SELECT update_id FROM processed_updates")}


SETTLED = {  # what was there before the backup and does not change while it runs
    "jobs": "SELECT * FROM jobs ORDER BY id",
    "ledger": "SELECT * FROM ledger ORDER BY id",
    "people": "SELECT * FROM people ORDER BY user_id",
}


async def run_cli(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """`python -m bot ARGS` with the test bot's settings (its DATABASE_PATH)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=bot_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_backup_while_the_bot_writes_is_a_whole_bot_database(
    tmp_path: Path,
    start_bot: StartBot,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    database_path: Path,
) -> None:
    copy = tmp_path / "backups" / "bot-1.sqlite3"
    answered = 0
    stop = asyncio.Event()

    async def keep_writing() -> None:  # every update the bot handles is a write
        nonlocal answered
        while not stop.is_set():
            await alice.say("/help")
            answered += 1

    async with start_bot(credits_enabled=True, free_credits_per_day=50, support_contact="@help"):
        card = await alice.say("/video a paper boat on a river")
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")
        await telegram.wait_for(  # settled: the worker let go of its claim on the job too
            lambda: rows(database_path, "SELECT claimed_by FROM jobs") == [(None,)]
        )
        before = {name: rows(database_path, sql) for name, sql in SETTLED.items()}
        writer = asyncio.create_task(keep_writing())
        await telegram.wait_for(lambda: answered >= 3)
        handled_before = update_ids(database_path)
        at_start = answered
        code, out, err = await run_cli(tmp_path, "backup", str(copy))
        during = answered - at_start
        await telegram.wait_for(lambda: answered >= at_start + during + 3)
        stop.set()
        await writer
        handled_after = update_ids(database_path)

    assert (code, err) == (0, "")
    assert out.startswith(f"backed up {database_path} to {copy} (")
    assert during > 0  # the bot went on answering (and writing) while the backup ran
    assert sorted(p.name for p in copy.parent.iterdir()) == ["bot-1.sqlite3"]  # one file
    assert rows(copy, "PRAGMA quick_check") == [("ok",)]
    for name, sql in SETTLED.items():
        assert rows(copy, sql) == before[name], name
    assert all(before.values())  # jobs, credits and people were there to copy
    # the copy is the database at one moment while updates kept coming
    assert handled_before <= update_ids(copy) <= handled_after
    assert handled_before < handled_after
    await (await Database.open(copy)).close()  # the bot takes it as its own


async def test_a_restored_backup_carries_on(
    tmp_path: Path, start_bot: StartBot, alice: Person, jobs: Jobs, database_path: Path
) -> None:
    copy = tmp_path / "bot-backup.sqlite3"
    async with start_bot():
        card = await alice.say("/video a kite in the wind")
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")
        code, _, _ = await run_cli(tmp_path, "backup", str(copy))
    assert code == 0
    # the README's restore: with the bot stopped, the database and its -wal/-shm files go,
    # the backup takes their place
    for stale in database_path.parent.glob(database_path.name + "*"):
        stale.unlink()
    shutil.copyfile(copy, database_path)

    async with start_bot():
        history = await alice.say("/history")

    assert "✅ #1 · delivered" in (history.text or "")
    assert "a kite in the wind" in (history.text or "")


async def test_backup_refuses_to_overwrite_or_to_invent_a_database(tmp_path: Path) -> None:
    taken = tmp_path / "taken.sqlite3"
    taken.write_text("an earlier backup")

    missing = await run_cli(tmp_path, "backup", str(taken))
    (tmp_path / "data").mkdir()
    await (await Database.open(tmp_path / "data" / "bot.sqlite3")).close()
    existing = await run_cli(tmp_path, "backup", str(taken))
    usage = await run_cli(tmp_path, "backup")

    data = tmp_path / "data" / "bot.sqlite3"
    assert missing == (1, "", f"backup failed: no database at {data} (DATABASE_PATH)\n")
    assert existing == (1, "", f"backup failed: {taken} already exists: choose a new file\n")
    assert taken.read_text() == "an earlier backup"
    assert usage[0] == 2
    assert "backup PATH" in usage[2]
    assert ROOT.is_dir()
