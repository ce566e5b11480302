"""One SQLite file behind one connection; every statement runs under one lock."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.domain.errors import StorageError
from bot.domain.jobs import ChatPlace
from bot.store.migrations import UnusableDatabaseError, claim, migrate

BUSY_TIMEOUT_MS = 5000

# What SQLite raises: callers above the store catch this name instead of importing sqlite3.
DatabaseError = sqlite3.Error


def placed(row: sqlite3.Row) -> dict[str, object]:
    """A row's columns by name, with its chat and thread as the place it belongs to."""
    return {**dict(row), "place": ChatPlace(chat_id=row["chat_id"], thread_id=row["thread_id"])}


class Database:
    """An aiosqlite connection in autocommit mode, with explicit transactions.

    aiosqlite runs one connection on one thread, so two coroutines sharing it would share a
    transaction; the lock keeps each transaction (and each read) whole.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._last_write_failed = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (or create) the file, check that it is whole and this bot's, and migrate it.

        Raises UnusableDatabaseError, with one line for the operator, when it cannot be used.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UnusableDatabaseError(
                f"cannot create the folder {path.parent}: {exc.strerror or exc}"
            ) from exc
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise _unusable(path, exc) from exc
        try:
            connection.row_factory = sqlite3.Row
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _check_integrity(connection, path)
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await claim(connection, path)
            await migrate(connection)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await connection.close()
            if isinstance(exc, sqlite3.Error):
                raise _unusable(path, exc) from exc
            raise
        return cls(connection)

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        A cancellation can land while BEGIN is still queued on aiosqlite's thread; the
        rollback then waits for it, shielded, so no transaction is ever left open.
        """
        async with self._lock:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                yield self._connection
                await self._connection.commit()
            except BaseException as error:
                await asyncio.shield(self._abandon())
                if isinstance(error, sqlite3.Error):
                    self._last_write_failed = True
                    raise StorageError(f"database write failed: {error}") from error
                raise
            self._last_write_failed = False

    async def _abandon(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            await self._connection.execute("SELECT 1")  # runs after anything still queued
            if self._connection.in_transaction:
                await self._connection.rollback()

    async def healthy(self) -> bool:
        """Reads answer and the last write went through."""
        if self._last_write_failed:
            return False
        try:
            async with self.read() as conn:
                cursor = await conn.execute("SELECT 1")
                return await cursor.fetchone() is not None
        except Exception:
            return False

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            try:
                yield self._connection
            except sqlite3.Error as error:
                raise StorageError(f"database read failed: {error}") from error

    async def one(self, query: str, params: Iterable[object] = ()) -> sqlite3.Row | None:
        """The first row a read finds, if any."""
        async with self.read() as conn:
            cursor = await conn.execute(query, tuple(params))
            return await cursor.fetchone()

    async def all(self, query: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        """Every row a read finds."""
        async with self.read() as conn:
            cursor = await conn.execute(query, tuple(params))
            return list(await cursor.fetchall())


async def _check_integrity(connection: aiosqlite.Connection, path: Path) -> None:
    async with connection.execute("PRAGMA quick_check(1)") as cursor:
        row = await cursor.fetchone()
    verdict = " ".join(str(row[0]).split()) if row else "no answer"
    if verdict != "ok":
        raise UnusableDatabaseError(f"{path} is damaged ({verdict}); {_RESTORE}")


_RESTORE = "restore a backup, or move the file away to start with an empty database"


def _unusable(path: Path, exc: sqlite3.Error) -> UnusableDatabaseError:
    """One line for what SQLite said about the file."""
    code = getattr(exc, "sqlite_errorname", "")
    if code.startswith("SQLITE_CORRUPT"):
        return UnusableDatabaseError(f"{path} is damaged ({exc}); {_RESTORE}")
    if code == "SQLITE_NOTADB":
        return UnusableDatabaseError(
            f"{path} is not an SQLite database, or its first page is damaged ({exc}); {_RESTORE}"
        )
    return UnusableDatabaseError(f"cannot use {path}: {exc}")
