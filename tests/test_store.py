"""The store: SQLite file and folder creation, pragmas, migrations; on both engines, guarded
transitions, hosted photos and cancelled transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.domain.credits import Quotas
from bot.domain.drafts import DraftOptions, DraftStep
from bot.domain.jobs import ChatPlace, Job, JobState
from bot.domain.request import GenerationRequest
from bot.services.media import PHOTO_RETENTION_SECONDS, MediaLibrary
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.hosting import HostingStore
from bot.store.jobs import JobStore
from bot.store.migrations import MIGRATIONS, SchemaTooNewError
from tests.fakes.media import photo_bytes
from tests.support.drafts import card_draft
from tests.support.harness import OffsetClock
from tests.support.postgres import SharedDatabase


async def test_creates_the_folder_and_sets_the_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "bot.sqlite3"
    db = await Database.open(path)
    async with db.read() as conn:
        journal = await conn.fetchrow("PRAGMA journal_mode")
        keys = await conn.fetchrow("PRAGMA foreign_keys")
        busy = await conn.fetchrow("PRAGMA busy_timeout")
        version = await conn.fetchrow("PRAGMA user_version")
    await db.close()
    assert path.exists()
    assert journal is not None
    assert journal[0] == "wal"
    assert keys is not None
    assert keys[0] == 1
    assert busy is not None
    assert busy[0] == 5000
    assert version is not None
    assert version[0] == len(MIGRATIONS)


async def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await DraftStore(db).replace(
        user_id=1,
        place=ChatPlace(chat_id=1),
        language="en",
        step=DraftStep.PROMPT,
        prompt=None,
        options=DraftOptions(),
        request_message_id=None,
        now=1.0,
    )
    await db.close()
    db = await Database.open(path)
    assert await DraftStore(db).find(1, 1) is not None
    await db.close()


async def test_refuses_a_database_newer_than_the_code(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaTooNewError, match="newer than this code"):
        await Database.open(path)


@pytest.fixture
async def db(shared_database: SharedDatabase) -> Database:
    """On each engine (closed and dropped by `shared_database`)."""
    return await shared_database.open()


async def test_a_transition_is_guarded_by_the_expected_state(db: Database) -> None:
    drafts, jobs = DraftStore(db), JobStore(db)
    draft = await card_draft(drafts)
    request = GenerationRequest(prompt="p")

    async def confirm() -> Job | None:
        return await jobs.create_from_draft(
            draft_id=draft.id,
            user_id=7,
            vendor="uniall",
            request=request,
            price=0,
            quotas=Quotas(),
            now=1.0,
            deadline_at=9.0,
        )

    job = await confirm()
    assert job is not None
    again = await confirm()  # the draft is the job's idempotency key
    assert again is None

    claimed = await jobs.transition(job.id, JobState.QUEUED, JobState.SUBMITTING, now=2.0)
    lost = await jobs.transition(job.id, JobState.QUEUED, JobState.SUBMITTING, now=2.0)
    assert claimed is not None
    assert claimed.state is JobState.SUBMITTING
    assert lost is None
    with pytest.raises(ValueError, match="not an updatable job column"):
        await jobs.transition(job.id, JobState.SUBMITTING, JobState.RUNNING, now=3.0, state="x")


async def test_old_photos_are_swept(db: Database, tmp_path: Path) -> None:
    clock = OffsetClock()
    library = MediaLibrary(
        tmp_path / "photos", HostingStore(db), public_base_url=None, clock=clock
    )
    kept = library.save_photo(photo_bytes(1))
    assert library.sweep() == 0
    clock.advance(PHOTO_RETENTION_SECONDS + 1)
    assert library.sweep() == 1
    assert library.path_of(kept.key) is None


async def test_a_transaction_cancelled_at_begin_leaves_nothing_open(db: Database) -> None:
    async def renew() -> None:  # what the lease heartbeat does; stop() cancels it
        async with db.transaction() as conn:
            await conn.execute("SELECT 1")

    for _ in range(5):
        task = asyncio.create_task(renew())
        await asyncio.sleep(0)  # the task now waits for BEGIN IMMEDIATE on aiosqlite's thread
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with db.transaction() as conn:  # would fail "within a transaction" before
            await conn.execute("SELECT 1")
