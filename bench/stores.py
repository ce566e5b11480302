"""Where figure 2's seeded jobs live: the bot's SQLite file, or a fresh PostgreSQL database.

A `JobStore` is the settings that point the bot at its database and the function that writes
the running jobs (`bench.rig.running_jobs`) into it (while the bot is stopped, after it made
its schema). PostgreSQL comes
from `tests.support.postgres`, as in the tests: a throw-away server started from the installed
binaries (as the `postgres` user when run as root), or the one `TEST_DATABASE_URL` names, and a
fresh database on it for the run, dropped after.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bench.rig import SeededJobs, database_path
from tests.support.postgres import PostgresEngine, PostgresUnavailable, postgres_server

Write = Callable[[SeededJobs], Awaitable[None]]

__all__ = ["JobStore", "PostgresUnavailable", "postgres_store", "sqlite_store"]


@dataclass(frozen=True)
class JobStore:
    name: str  # "SQLite", "PostgreSQL": for the lines printed
    settings: dict[str, str]  # the bot's settings that choose the database
    write: Write  # the running jobs into the database (the bot stopped, its schema made)


def sqlite_store(work: Path) -> JobStore:
    """The SQLite file `bench.rig.bot(..., work)` gives the bot (`DATABASE_PATH`)."""
    db_path = database_path(work)

    async def write(jobs: SeededJobs) -> None:
        with sqlite3.connect(db_path) as conn:
            conn.executemany(
                f"INSERT INTO jobs ({', '.join(jobs.columns)}) "
                f"VALUES ({', '.join('?' for _ in jobs.columns)})",
                jobs.rows,
            )

    return JobStore("SQLite", {}, write)


@contextlib.asynccontextmanager
async def postgres_store() -> AsyncIterator[JobStore]:
    """A fresh database on a throw-away PostgreSQL server, dropped (and the server stopped) at
    the end. Raises `PostgresUnavailable` (the message says why) where none can be had."""
    with postgres_server() as server_url:
        engine = PostgresEngine(server_url)
        url = str(await engine.create())

        async def write(jobs: SeededJobs) -> None:
            await _copy_jobs(url, jobs)

        try:
            yield JobStore("PostgreSQL", {"DATABASE_URL": url}, write)
        finally:
            await engine.drop(url)


async def _copy_jobs(url: str, jobs: SeededJobs) -> None:
    """`COPY` the rows into `jobs`, each value as the column's PostgreSQL type wants it (the
    template comes from SQLite, where a float column may hold an integer)."""
    conn = await asyncpg.connect(url)
    try:
        types = {
            row["column_name"]: row["data_type"]
            for row in await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_name = 'jobs'"
            )
        }
        missing = [name for name in jobs.columns if name not in types]
        if missing:
            raise RuntimeError(f"the PostgreSQL jobs table has no {', '.join(missing)}")
        casts = [_cast(types[name]) for name in jobs.columns]
        records = [
            tuple(
                None if value is None else cast(value)
                for cast, value in zip(casts, row, strict=True)
            )
            for row in jobs.rows
        ]
        await conn.copy_records_to_table("jobs", records=records, columns=jobs.columns)
    finally:
        await conn.close()


def _cast(data_type: str) -> Callable[[Any], Any]:
    if data_type in ("bigint", "integer", "smallint"):
        return int
    if data_type in ("double precision", "real"):
        return float
    if data_type == "text":
        return str
    return lambda value: value
