"""The PostgreSQL engine itself: its schema version, another program's database, its errors,
and DATABASE_URL choosing it."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from bot.config import Settings
from bot.domain.drafts import DraftOptions, DraftStep
from bot.domain.errors import StorageError
from bot.domain.jobs import ChatPlace
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.migrations import (
    MIGRATIONS,
    ForeignDatabaseError,
    SchemaTooNewError,
    UnusableDatabaseError,
)
from bot.store.postgres import PostgresDatabase, redacted
from tests.support.harness import make_settings
from tests.support.postgres import PostgresEngine, SharedDatabase


@pytest.fixture
async def fresh(postgres_url: str) -> SharedDatabase:
    engine = PostgresEngine(postgres_url)
    return SharedDatabase(engine, await engine.create())


async def _raw(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def test_migrates_an_empty_database_and_keeps_the_data(fresh: SharedDatabase) -> None:
    try:
        db = await fresh.open()
        assert isinstance(db, PostgresDatabase)
        assert await db.healthy()
        async with db.read() as conn:
            assert await conn.fetchval("SELECT version FROM schema_version") == len(MIGRATIONS)
        await DraftStore(db).replace(
            user_id=-1001234567890,  # a group's id: more than 32 bits
            place=ChatPlace(chat_id=-1001234567890, thread_id=7),
            language="en",
            step=DraftStep.PROMPT,
            prompt=None,
            options=DraftOptions(),
            request_message_id=None,
            now=1700000000.123456,
        )
        again = await fresh.open()  # a second process, or a restart: nothing to migrate
        found = await DraftStore(again).find(-1001234567890, -1001234567890)
        assert found is not None
        assert found.place == ChatPlace(chat_id=-1001234567890, thread_id=7)
        assert found.updated_at == 1700000000.123456
    finally:
        await fresh.close()


async def test_refuses_a_schema_newer_than_the_code(fresh: SharedDatabase) -> None:
    try:
        db = await fresh.open()
        await db.close()
        fresh.opened.clear()
        await _raw(
            str(fresh.location), f"UPDATE schema_version SET version = {len(MIGRATIONS) + 1}"
        )
        with pytest.raises(SchemaTooNewError, match="newer than this code"):
            await Database.connect(str(fresh.location))
    finally:
        await fresh.close()


async def test_refuses_another_programs_database(fresh: SharedDatabase) -> None:
    try:
        await _raw(str(fresh.location), "CREATE TABLE invoices (id INTEGER)")
        with pytest.raises(ForeignDatabaseError, match=r"belongs to another program.*invoices"):
            await Database.connect(str(fresh.location))
    finally:
        await fresh.close()


async def test_a_failed_write_is_a_storage_error_and_unhealthy(fresh: SharedDatabase) -> None:
    try:
        db = await fresh.open()
        with pytest.raises(StorageError, match="database write failed"):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO no_such_table VALUES (1)")
        assert not await db.healthy()
        async with db.transaction() as conn:
            assert await conn.execute("DELETE FROM drafts") == 0
        assert await db.healthy()
    finally:
        await fresh.close()


async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = "postgresql://bot:hunter2@127.0.0.1:1/bot"
    with pytest.raises(UnusableDatabaseError, match="cannot connect") as refused:
        await Database.connect(url)
    assert "hunter2" not in str(refused.value)
    assert redacted(url) == "postgresql://bot:***@127.0.0.1:1/bot"


def test_database_url_selects_postgresql_and_is_a_secret(tmp_path: Path) -> None:
    def settings(url: str) -> Settings:
        return make_settings(
            "http://127.0.0.1:9",
            tmp_path / "bot.sqlite3",
            vendor="uniall",
            vendor_api_key="k",
            vendor_base_url="http://127.0.0.1:9",
            database_url=url,
        )

    chosen = settings("postgresql://bot:pw@db:5432/bot")
    assert chosen.database_url is not None
    assert "postgresql://bot:pw@db:5432/bot" in chosen.secrets()
    assert settings("").database_url is None
    with pytest.raises(ValueError, match="postgresql://"):
        settings("mysql://db/bot")


def test_the_job_lease_is_a_setting_of_at_most_a_minute(tmp_path: Path) -> None:
    def settings(**lease: float) -> Settings:
        return make_settings(
            "http://127.0.0.1:9", tmp_path / "bot.sqlite3", vendor="demo", **lease
        )

    assert settings().job_lease_seconds <= 60  # a killed replica's jobs go on within a minute
    assert settings(job_lease_seconds=5).job_lease_seconds == 5
    with pytest.raises(ValueError, match="less than or equal to 60"):
        settings(job_lease_seconds=61)
