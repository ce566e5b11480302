"""Migration 10 (issue 14) counts the people of a database made before it: everyone who made a
job is someone who has used the bot, first seen at their first job and last at their latest."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from bot.store.database import Database
from bot.store.migrations import APPLICATION_ID, MIGRATIONS

JOB = (
    "INSERT INTO jobs (chat_id, user_id, language, state, vendor, request_json, "
    "next_action_at, deadline_at, created_at, updated_at) "
    "VALUES (?1, ?1, 'en', 'delivered', 'uniall', '{}', 0, 0, ?2, ?2)"
)


async def test_people_who_made_jobs_before_migration_10_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as old:
        for script in MIGRATIONS[:9]:
            old.executescript(script)
        old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        old.execute("PRAGMA user_version = 9")
        old.execute(JOB, (1001, 1000.0))
        old.execute(JOB, (1001, 5000.0))
        old.execute(JOB, (1002, 3000.0))
        old.execute("INSERT INTO people (user_id, language, updated_at) VALUES (1003, 'zh', 7.0)")
        old.execute("INSERT INTO people (user_id, language, updated_at) VALUES (1002, 'en', 9.0)")
        old.commit()

    db = await Database.open(path)
    rows = await db.all(
        "SELECT user_id, first_seen_at, last_seen_at, blocked_at FROM people ORDER BY user_id"
    )
    await db.close()

    assert [tuple(row) for row in rows] == [
        (1001, 1000.0, 5000.0, None),
        (1002, 3000.0, 3000.0, None),
        (1003, 7.0, 7.0, None),
    ]
