"""Append-only schema migrations, tracked with PRAGMA user_version."""

from __future__ import annotations

import contextlib
import functools
import sqlite3

import aiosqlite

# Migration 8, written out first so that its PostgreSQL twin below can find its version.
_REPLICA_STATE = """
    CREATE TABLE photos (
        key TEXT PRIMARY KEY,
        mime_type TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX photos_by_time ON photos (created_at);
    CREATE TABLE album_photos (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        media_group_id TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        photo_key TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        caption TEXT,
        received_at REAL NOT NULL
    );
    CREATE INDEX album_photos_by_album ON album_photos (chat_id, user_id, media_group_id);
    CREATE TABLE album_refusals (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        media_group_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, user_id, media_group_id)
    );
    CREATE TABLE status_shown (
        job_id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        state TEXT NOT NULL,
        shown_at REAL NOT NULL
    );
   """

MIGRATIONS: list[str] = [
    # 1: drafts (the wizard) and jobs (the queue)
    """
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id INTEGER NOT NULL,
        thread_id INTEGER,
        user_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        step TEXT NOT NULL,
        prompt TEXT,
        options_json TEXT NOT NULL,
        card_message_id INTEGER,
        request_message_id INTEGER,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        UNIQUE (chat_id, user_id)
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        draft_id INTEGER UNIQUE,
        chat_id INTEGER NOT NULL,
        thread_id INTEGER,
        user_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        request_message_id INTEGER,
        status_message_id INTEGER,
        state TEXT NOT NULL CHECK (state IN ('queued', 'submitting', 'running', 'fetching',
            'delivering', 'delivered', 'failed', 'expired', 'cancelled')),
        vendor TEXT NOT NULL,
        request_json TEXT NOT NULL,
        vendor_task_id TEXT,
        video_url TEXT,
        video_path TEXT,
        file_id TEXT,
        progress INTEGER,
        failure_kind TEXT,
        failure_detail TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_action_at REAL NOT NULL,
        deadline_at REAL NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX jobs_due ON jobs (state, next_action_at);
    CREATE INDEX jobs_by_user ON jobs (user_id, created_at);
    """,
    # 2: follow-up jobs (upgrade, extend) made straight from a delivered video
    """
    ALTER TABLE jobs ADD COLUMN origin_key TEXT;
    CREATE UNIQUE INDEX jobs_origin_key ON jobs (origin_key);
    ALTER TABLE jobs ADD COLUMN result_message_id INTEGER;
    """,
    # 3: a person's language and card defaults; photos hosted for vendors that fetch URLs
    """
    CREATE TABLE people (
        user_id INTEGER PRIMARY KEY,
        language TEXT,
        preferences_json TEXT,
        updated_at REAL NOT NULL
    );
    CREATE TABLE hosted_media (
        token TEXT PRIMARY KEY,
        media_key TEXT NOT NULL,
        job_id INTEGER NOT NULL REFERENCES jobs (id),
        created_at REAL NOT NULL
    );
    CREATE INDEX hosted_media_by_job ON hosted_media (job_id);
    """,
    # 4: one running instance per database; the credit ledger; access and admin state
    """
    CREATE TABLE instance_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        heartbeat_at REAL NOT NULL
    );
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('grant', 'daily', 'purchase', 'reserve',
            'capture', 'release', 'refund', 'revoke')),
        pool TEXT NOT NULL CHECK (pool IN ('free', 'paid')),
        amount INTEGER NOT NULL,
        job_id INTEGER REFERENCES jobs (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        note TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX ledger_by_user ON ledger (user_id, pool);
    CREATE INDEX ledger_by_time ON ledger (created_at);
    CREATE TABLE payments (
        charge_id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL,
        pack TEXT NOT NULL,
        stars INTEGER NOT NULL,
        credits INTEGER NOT NULL,
        refunded INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    ALTER TABLE people ADD COLUMN allowed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE people ADD COLUMN banned INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN price INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: whether the vendor can still upgrade a finished video (kie's fallback videos cannot)
    """
    ALTER TABLE jobs ADD COLUMN upgradable INTEGER NOT NULL DEFAULT 1;
    """,
    # 6: claims on jobs (which process works a step, until when); alert cooldowns shared by
    # every process on the database
    """
    ALTER TABLE jobs ADD COLUMN claimed_by TEXT;
    ALTER TABLE jobs ADD COLUMN lease_until REAL;
    CREATE TABLE alert_cooldowns (
        key TEXT PRIMARY KEY,
        sent_at REAL NOT NULL
    );
    """,
    # 7: Telegram updates once across replicas (each update id claimed), the polling leader
    """
    CREATE TABLE processed_updates (
        update_id INTEGER PRIMARY KEY,
        claimed_by TEXT NOT NULL,
        claimed_at REAL NOT NULL,
        done_at REAL
    );
    CREATE INDEX processed_updates_by_time ON processed_updates (claimed_at);
    CREATE TABLE update_leader (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    """,
    # 8: what replicas share: photo bytes (PostgreSQL only: SQLite keeps photos on disk),
    # albums being received, and when each job's status was last shown
    _REPLICA_STATE,
    # 9: Telegram's flood limits shared by replicas: when each chat (and, as chat 0, the
    # whole bot) may send next (PostgreSQL only: SQLite's one process keeps them in memory)
    """
    CREATE TABLE chat_pace (
        chat_id INTEGER PRIMARY KEY,
        next_at REAL NOT NULL
    );
    """,
    # 10: the admin loop: who has used the bot (name, when first and last seen, whether they
    # blocked it), referral links, strangers' access requests (one a day), and the admins'
    # actions waiting for a confirmation (grant, refund, broadcast); people who made jobs
    # before this are counted from their jobs
    """
    ALTER TABLE people ADD COLUMN first_name TEXT;
    ALTER TABLE people ADD COLUMN username TEXT;
    ALTER TABLE people ADD COLUMN telegram_language TEXT;
    ALTER TABLE people ADD COLUMN first_seen_at REAL;
    ALTER TABLE people ADD COLUMN last_seen_at REAL;
    ALTER TABLE people ADD COLUMN blocked_at REAL;
    ALTER TABLE people ADD COLUMN referral_code TEXT;
    ALTER TABLE people ADD COLUMN referred_by INTEGER;
    CREATE UNIQUE INDEX people_referral_code ON people (referral_code);
    CREATE INDEX people_by_first_seen ON people (first_seen_at);
    CREATE INDEX people_by_last_seen ON people (last_seen_at);
    INSERT OR IGNORE INTO people (user_id, updated_at)
        SELECT user_id, MIN(created_at) FROM jobs GROUP BY user_id;
    UPDATE people SET
        first_seen_at = COALESCE(
            (SELECT MIN(created_at) FROM jobs WHERE jobs.user_id = people.user_id), updated_at),
        last_seen_at = COALESCE(
            (SELECT MAX(created_at) FROM jobs WHERE jobs.user_id = people.user_id), updated_at);
    CREATE TABLE access_requests (
        user_id INTEGER NOT NULL,
        day TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (user_id, day)
    );
    CREATE TABLE admin_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        admin_id INTEGER NOT NULL,
        payload_json TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
]


class UnusableDatabaseError(RuntimeError):
    """The database file cannot be used as it is; the message is one line for the operator."""


class SchemaTooNewError(UnusableDatabaseError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database is at schema version {found}, newer than this code knows ({known}); "
            "run a newer version of the bot or restore a backup"
        )


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(connection: aiosqlite.Connection) -> None:
    """Apply every migration the database lacks, each in its own transaction."""
    current = await schema_version(connection)
    if current > len(MIGRATIONS):
        raise SchemaTooNewError(current, len(MIGRATIONS))
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        statements = [s for s in script.split(";") if s.strip()]
        await connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            await connection.rollback()
            raise
        await connection.commit()


# Marks a file as this bot's database (PRAGMA application_id, "Veo3"); set on every file the bot
# opens, so a file that carries another id, or tables that are not ours, is another program's.
APPLICATION_ID = 0x56656F33


class ForeignDatabaseError(UnusableDatabaseError):
    def __init__(self, path: object, tables: list[str]) -> None:
        found = f"its tables: {', '.join(tables[:5])}" if tables else "marked as another's"
        super().__init__(
            f"{path} belongs to another program ({found}); "
            "set DATABASE_PATH to this bot's database or to a new file"
        )


async def claim(connection: aiosqlite.Connection, path: object) -> None:
    """Refuse another program's SQLite file; mark a new file, or a bot database made before
    the mark existed (recognised by its tables), as this bot's. Call before `migrate`."""
    async with connection.execute("PRAGMA application_id") as cursor:
        row = await cursor.fetchone()
    application_id = int(row[0]) if row else 0
    if application_id == APPLICATION_ID:
        return
    async with connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ) as cursor:
        tables = [str(found[0]) for found in await cursor.fetchall()]
    if application_id != 0 or not _ours(set(tables), await schema_version(connection)):
        raise ForeignDatabaseError(path, tables)
    await connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _ours(tables: set[str], version: int) -> bool:
    if not tables:  # a new file, or one from a newer bot (which `migrate` refuses)
        return version == 0 or version > len(MIGRATIONS)
    return version > 0 and _tables_after(min(version, len(MIGRATIONS))) <= tables


@functools.cache
def _tables_after(version: int) -> frozenset[str]:
    """The tables the first `version` migrations create, found by running them in memory."""
    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        for script in MIGRATIONS[:version]:
            memory.executescript(script)
        rows = memory.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return frozenset(str(row[0]) for row in rows)
