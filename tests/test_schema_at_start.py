"""The schema version is checked when `python -m bot` starts, on SQLite and on PostgreSQL
(issue 11): a database a newer bot migrated is one line and a quick exit, left as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg

from bot.store.database import Database
from bot.store.migrations import MIGRATIONS
from tests.support.process import ended_start

EXIT_WITHIN_SECONDS = 10.0
NEWER = len(MIGRATIONS) + 1
LINE = (
    f"the database is at schema version {NEWER}, newer than this code knows "
    f"({len(MIGRATIONS)}); run a newer version of the bot or restore a backup"
)


async def test_a_newer_sqlite_schema_refuses_the_start(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {NEWER}")

    code, stderr = ended_start(
        tmp_path, EXIT_WITHIN_SECONDS, DATABASE_PATH=str(path), DATABASE_URL=""
    )

    assert (code, stderr) == (2, f"database error: {LINE}\n")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == NEWER


async def test_a_newer_postgresql_schema_refuses_the_start(
    tmp_path: Path, database_url: str
) -> None:
    db = await Database.connect(database_url)
    await db.close()
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"UPDATE schema_version SET version = {NEWER}")
        code, stderr = ended_start(tmp_path, EXIT_WITHIN_SECONDS, DATABASE_URL=database_url)
        version = await conn.fetchval("SELECT version FROM schema_version")
    finally:
        await conn.close()

    assert (code, stderr) == (2, f"database error: {LINE}\n")
    assert version == NEWER
