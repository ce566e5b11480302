"""`python -m bot migrate-to-postgres`: an SQLite database the real bot made is copied, table by
table and row by row, into an empty PostgreSQL database; a non-empty one is refused (issue 11)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.migrate import migrate_to_postgres
from bot.store.transfer import copied_tables
from tests.fakes.media import photo_bytes
from tests.fakes.telegram import FakeTelegram
from tests.support.credits import CREDITS, create, delivered, thanks
from tests.support.harness import ALICE, Jobs, Person, StartBot, free_port
from tests.support.postgres import PostgresEngine
from tests.test_payments import pay

pytestmark = [
    pytest.mark.midday,  # balances count per UTC day: never straddle midnight
    pytest.mark.sqlite_only(
        reason="the source is a SQLite database the bot made; the target is PostgreSQL anyway"
    ),
]

Table = list[dict[str, Any]]


def sqlite_tables(path: Path) -> dict[str, Table]:
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        return {
            table: _sorted([dict(row) for row in conn.execute(f"SELECT * FROM {table}")])
            for table in copied_tables()
        }


async def postgres_tables(url: str) -> dict[str, Table]:
    conn = await asyncpg.connect(url)
    try:
        return {
            table: _sorted([dict(row) for row in await conn.fetch(f"SELECT * FROM {table}")])
            for table in copied_tables()
        }
    finally:
        await conn.close()


def _sorted(rows: Table) -> Table:
    return sorted(rows, key=lambda row: repr(sorted(row.items())))


@pytest.fixture
async def target(postgres_url: str) -> Any:
    engine = PostgresEngine(postgres_url)
    url = await engine.create()
    yield url
    await engine.drop(url)


@pytest.fixture
async def copy_to_target(
    start_bot: StartBot,
    settings_for: Callable[..., Settings],
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    target: str,
) -> Settings:
    """A bot's history on SQLite: people, drafts, a delivered job with its ledger rows, a
    payment and a kept photo. Returns the settings to copy it to the `target` database."""
    port = free_port()
    photos = {"public_base_url": f"http://127.0.0.1:{port}", "http_port": port}
    async with start_bot(**CREDITS, **photos, free_credits_per_day=30):
        said = await pay(telegram, alice, payload=f"s:{ALICE.id}", stars=50, charge_id="ch-1")
        assert said == thanks(50, 80)
        await delivered(alice, jobs, "a lighthouse to carry over")
        before = len(telegram.messages(alice.chat.id))
        telegram.send_photo(alice.user, alice.chat, photo_bytes(1))
        await alice.next_message(before)
    return settings_for(**CREDITS, database_url=target)


async def test_every_table_is_copied_row_by_row_into_an_empty_database(
    start_bot: StartBot, alice: Person, database_path: Path, target: str, copy_to_target: Settings
) -> None:
    outcome = await migrate_to_postgres(copy_to_target)

    assert outcome.exit_code == 0, outcome.line
    source = sqlite_tables(database_path)
    assert all(source[table] for table in ("people", "drafts", "jobs", "ledger", "payments"))
    counts = ", ".join(f"{len(rows)} {table}" for table, rows in source.items())
    copied = await postgres_tables(target)
    assert source.pop("photos") == []  # SQLite keeps photos on disk: they are checked below
    assert {table: rows for table, rows in copied.items() if table != "photos"} == source
    assert outcome.line == f"copied {database_path} to {target}: {counts}, 1 photo files"
    conn = await asyncpg.connect(target)
    try:
        for table, column in (("drafts", "id"), ("jobs", "id"), ("ledger", "id")):
            last = await conn.fetchval(
                f"SELECT pg_sequence_last_value(pg_get_serial_sequence('{table}', '{column}'))"
            )
            assert last == max(row[column] for row in source[table])
        kept = await conn.fetch("SELECT key, data FROM photos")
    finally:
        await conn.close()
    files = {p.name: p.read_bytes() for p in (copy_to_target.media_dir / "photos").iterdir()}
    assert {row["key"]: bytes(row["data"]) for row in kept} == files

    # The bot goes on on PostgreSQL with the same history: the same balance, new ids after.
    async with start_bot(**CREDITS, free_credits_per_day=30, database_url=target):
        balance = (await alice.say("/balance")).text or ""
        await create(alice, "the first video on PostgreSQL")
    assert "50" in balance
    after = await postgres_tables(target)
    assert max(row["id"] for row in after["jobs"]) == max(r["id"] for r in source["jobs"]) + 1


async def test_a_database_that_is_not_empty_is_refused_and_left_alone(
    target: str, copy_to_target: Settings
) -> None:
    assert (await migrate_to_postgres(copy_to_target)).exit_code == 0
    copied = await postgres_tables(target)

    again = await migrate_to_postgres(copy_to_target)

    assert again.exit_code == 1
    assert again.line.startswith(f"refusing to copy: {target} is not empty (people: 1, ")
    assert await postgres_tables(target) == copied


async def test_a_running_bot_is_not_copied_under_its_feet(
    start_bot: StartBot, settings_for: Callable[..., Settings], alice: Person, target: str
) -> None:
    async with start_bot():
        await alice.say("/help")
        outcome = await migrate_to_postgres(settings_for(database_url=target))
    assert outcome.exit_code == 1
    assert outcome.line.startswith("refusing to copy: another bot process (")
    conn = await asyncpg.connect(target)
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()
    assert tables == 0  # not even touched


def test_the_command_needs_a_postgresql_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("VENDOR", "uniall")
    monkeypatch.setenv("UNIALL_API_KEY", "key")
    monkeypatch.setenv("UNIALL_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["migrate-to-postgres"]) == 2
    assert capsys.readouterr().err == (
        "refusing to copy: set DATABASE_URL to the empty PostgreSQL database\n"
    )
