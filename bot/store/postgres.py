"""The PostgreSQL engine: an asyncpg pool, a transaction per write, the schema version checked.

Loaded only when DATABASE_URL selects PostgreSQL. Concurrent transactions really run at once
here (READ COMMITTED): state moves are guarded by their WHERE clauses, ledger rows by their
idempotency keys, and the read-then-write credit decisions by `Connection.serialize`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]

from bot.domain.errors import StorageError
from bot.store.database import Connection, Database, Row, lock_key
from bot.store.migrations import ForeignDatabaseError, UnusableDatabaseError
from bot.store.postgres_schema import postgres_steps

# What asyncpg raises when the server refuses, the connection drops or is misused.
_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
)
_MIGRATION_LOCK = lock_key("veo-bot:migrate")
POOL_SIZE = 10


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


def _affected(status: str) -> int:
    """The row count at the end of a command tag ("UPDATE 3", "INSERT 0 1"); 0 if none."""
    found = re.search(r"(\d+)$", status or "")
    return int(found.group(1)) if found else 0


class PostgresConnection:
    """The Connection protocol over one asyncpg connection."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, query: str, *args: object) -> int:
        return _affected(await self._connection.execute(query, *args))

    async def fetch(self, query: str, *args: object) -> list[Row]:
        return cast(list[Row], await self._connection.fetch(query, *args))

    async def fetchrow(self, query: str, *args: object) -> Row | None:
        return cast(Row | None, await self._connection.fetchrow(query, *args))

    async def fetchval(self, query: str, *args: object) -> Any:
        return await self._connection.fetchval(query, *args)

    async def serialize(self, name: str) -> None:
        await self._connection.execute("SELECT pg_advisory_xact_lock($1)", lock_key(name))

    async def notify(self, channel: str) -> None:
        await self._connection.execute("SELECT pg_notify($1, '')", channel)


class PostgresDatabase(Database):
    """An asyncpg pool: each transaction or read takes a connection of its own."""

    shared = True
    claim_lock = " FOR UPDATE SKIP LOCKED"

    def __init__(self, pool: Any, url: str) -> None:
        self._pool = pool
        self.url = url

    @classmethod
    async def connect_url(cls, url: str, *, pool_size: int = POOL_SIZE) -> PostgresDatabase:
        """Connect, check that the database is empty or this bot's, and migrate it.

        Raises UnusableDatabaseError, with one line for the operator, when it cannot be used.
        """
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size)
        except (*_ERRORS, ValueError) as exc:  # type: ignore[misc]
            raise UnusableDatabaseError(f"cannot connect to {redacted(url)}: {exc}") from exc
        try:
            async with pool.acquire() as connection:
                await _migrate(connection, url)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await pool.close()
            if isinstance(exc, _ERRORS):
                raise UnusableDatabaseError(f"cannot use {redacted(url)}: {exc}") from exc
            raise
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        with self._writing(_ERRORS):
            async with self._pool.acquire() as connection, connection.transaction():
                yield PostgresConnection(connection)

    async def write(self, query: str, *args: object) -> int:
        """A lone statement in autocommit: one round trip, no BEGIN and COMMIT."""
        return _affected(await self._alone("execute", query, args))

    async def write_rows(self, query: str, *args: object) -> list[Row]:
        return cast(list[Row], await self._alone("fetch", query, args))

    async def _alone(self, method: str, query: str, args: tuple[object, ...]) -> Any:
        with self._writing(_ERRORS):
            return await getattr(self._pool, method)(query, *args)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        try:
            async with self._pool.acquire() as connection:
                yield PostgresConnection(connection)
        except _ERRORS as error:
            raise StorageError(f"database read failed: {error}") from error

    async def listen(
        self, channel: str, wake: Callable[[], None]
    ) -> Callable[[], Awaitable[None]]:
        """LISTEN on a connection of its own (a pooled one would be handed to others).

        A lost listening connection only delays a wake: the worker looks for due jobs every
        second anyway."""
        connection = await asyncpg.connect(self.url)

        def heard(*_: object) -> None:
            wake()

        await connection.add_listener(channel, heard)

        async def stop() -> None:
            with contextlib.suppress(*_ERRORS):
                await connection.close()

        return stop

    async def healthy(self) -> bool:
        if self._last_write_failed:
            return False
        try:
            async with self.read() as conn:
                return bool(await conn.fetchval("SELECT 1") == 1)
        except Exception:
            return False


async def _migrate(connection: Any, url: str) -> None:
    """Create the schema in an empty database or bring ours up to date; refuse another's.

    An advisory lock keeps two processes starting at once from migrating together.
    """
    await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        tables = [
            str(row[0])
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY table_name"
            )
        ]
        current = 0
        if tables:
            if "schema_version" not in tables:
                raise ForeignDatabaseError(redacted(url), tables)
            current = int(await connection.fetchval("SELECT max(version) FROM schema_version"))
        for version, script in postgres_steps(current):
            async with connection.transaction():
                await connection.execute(script)
                await connection.execute("UPDATE schema_version SET version = $1", version)
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
