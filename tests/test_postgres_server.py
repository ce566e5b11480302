"""The tests' own PostgreSQL server starts and answers (CI fails here if it cannot)."""

from __future__ import annotations

import asyncpg


async def test_the_throw_away_server_answers(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        version = await connection.fetchval("SHOW server_version_num")
        assert int(version) >= 130000
    finally:
        await connection.close()
