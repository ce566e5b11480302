"""One store codebase on two engines: SQLite (one file, one connection) or PostgreSQL (a pool).

The stores write their SQL once, in PostgreSQL's style (`$1` parameters, `RETURNING`,
`ON CONFLICT`); the SQLite engine translates the parameters. A `Database` hands out
`Connection`s: `execute` answers the rows it changed, `fetch`/`fetchrow`/`fetchval` read, and
rows are addressed by column name (or position).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite

from bot.domain.errors import StorageError
from bot.domain.jobs import ChatPlace
from bot.store.migrations import UnusableDatabaseError, claim, migrate

T = TypeVar("T")
log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000

# What SQLite raises: callers above the store catch this name instead of importing sqlite3.
DatabaseError = sqlite3.Error


class Row(Protocol):
    """A result row: its columns by name or by position (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Connection(Protocol):
    """What a store's SQL runs on, inside `Database.transaction()` or `Database.read()`."""

    async def execute(self, query: str, *args: object) -> int:
        """Run a statement; the number of rows it changed."""

    async def fetch(self, query: str, *args: object) -> list[Row]: ...

    async def fetchrow(self, query: str, *args: object) -> Row | None: ...

    async def fetchval(self, query: str, *args: object) -> Any:
        """The first column of the first row; None when there is no row."""

    async def serialize(self, name: str) -> None:
        """Hold a named lock until the transaction ends: transactions that read then write
        (a balance, then a reservation) take it so that concurrent ones run one after another.
        A no-op on SQLite, where every write transaction already runs alone."""

    async def notify(self, channel: str) -> None:
        """Wake the processes listening on `channel` when the transaction commits (PostgreSQL's
        NOTIFY); a no-op on SQLite, where the one process wakes its own worker."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for a lock name (PostgreSQL's advisory lock keys)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def placed(row: Row) -> dict[str, object]:
    """A row's columns by name, with its chat and thread as the place it belongs to."""
    columns = {key: row[key] for key in row.keys()}  # noqa: SIM118 (iterating gives values)
    return {**columns, "place": ChatPlace(chat_id=row["chat_id"], thread_id=row["thread_id"])}


class Database(ABC):
    """A database the stores share: SQLite by `open(path)`, PostgreSQL by `connect(url)`."""

    # Whether several bot processes may work on this database at once (PostgreSQL): then claims
    # keep them apart; on SQLite the instance lease keeps a second process out.
    shared: bool = False
    # What a claim's inner SELECT ends with to lock the rows it picks, skipping those another
    # process is claiming; empty on SQLite, whose write transactions already run one at a time.
    claim_lock: str = ""
    # Whether the last write failed: /healthz reports the database failing until one succeeds.
    _last_write_failed: bool = False

    @contextlib.contextmanager
    def _writing(
        self, errors: type[BaseException] | tuple[type[BaseException], ...]
    ) -> Iterator[None]:
        """Around a write: the engine's `errors` come out as StorageError, and whether it went
        through is remembered for `healthy`."""
        try:
            yield
        except errors as error:
            self._last_write_failed = True
            raise StorageError(f"database write failed: {error}") from error
        self._last_write_failed = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (or create) an SQLite file, check that it is whole and ours, and migrate it."""
        return await SQLiteDatabase.open_file(path)

    @classmethod
    async def connect(cls, url: str) -> Database:
        """Connect to a PostgreSQL database, check that it is empty or ours, and migrate it."""
        from bot.store.postgres import PostgresDatabase

        return await PostgresDatabase.connect_url(url)

    @classmethod
    async def open_configured(cls, url: str | None, path: Path) -> Database:
        """PostgreSQL when `url` is given (DATABASE_URL), else the SQLite file at `path`."""
        return await cls.connect(url) if url else await cls.open(path)

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """A write transaction, committed at the end and rolled back on any error; a
        database error comes out as StorageError."""

    @abstractmethod
    def read(self) -> contextlib.AbstractAsyncContextManager[Connection]:
        """Reads outside a write transaction; a database error comes out as StorageError."""

    @abstractmethod
    async def write(self, query: str, *args: object) -> int:
        """One statement that writes, a transaction of its own; the rows it changed."""

    @abstractmethod
    async def write_rows(self, query: str, *args: object) -> list[Row]:
        """One statement that writes and returns rows (`RETURNING`), a transaction of its own."""

    @abstractmethod
    async def healthy(self) -> bool:
        """Reads answer and the last write went through."""

    async def listen(
        self, channel: str, wake: Callable[[], None]
    ) -> Callable[[], Awaitable[None]]:
        """Call `wake` on each notification on `channel`; the answer stops listening.

        Nothing to listen to on SQLite: one process, whose worker is woken in-process."""

        async def stop() -> None:
            return None

        return stop

    async def one(self, query: str, params: Iterable[object] = ()) -> Row | None:
        """The first row a read finds, if any."""
        async with self.read() as conn:
            return await conn.fetchrow(query, *params)

    async def all(self, query: str, params: Iterable[object] = ()) -> list[Row]:
        """Every row a read finds."""
        async with self.read() as conn:
            return await conn.fetch(query, *params)


@functools.lru_cache(maxsize=512)
def to_sqlite(query: str) -> str:
    """`$1` parameters as SQLite's numbered `?1`."""
    return re.sub(r"\$(\d+)", r"?\1", query)


class SQLiteConnection:
    """The Connection protocol over an aiosqlite connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, query: str, *args: object) -> int:
        cursor = await self._connection.execute(to_sqlite(query), args)
        return max(cursor.rowcount, 0)

    async def fetch(self, query: str, *args: object) -> list[Row]:
        cursor = await self._connection.execute(to_sqlite(query), args)
        return list(await cursor.fetchall())

    async def fetchrow(self, query: str, *args: object) -> Row | None:
        cursor = await self._connection.execute(to_sqlite(query), args)
        row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def fetchval(self, query: str, *args: object) -> Any:
        row = await self.fetchrow(query, *args)
        return row[0] if row is not None else None

    async def serialize(self, name: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already makes each write transaction run alone."""

    async def notify(self, channel: str) -> None:
        """Nothing to do: no other process shares an SQLite database."""


class SQLiteDatabase(Database):
    """An aiosqlite connection in autocommit mode, with explicit transactions.

    aiosqlite runs one connection on one thread, so two coroutines sharing it would share a
    transaction; the lock keeps each transaction (and each read) whole.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._conn = SQLiteConnection(connection)
        self._lock = asyncio.Lock()

    @classmethod
    async def open_file(cls, path: Path) -> SQLiteDatabase:
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
            # Opened once here first (it reads nothing: quick): when aiosqlite's own open fails,
            # its worker thread outlives the event loop and prints a traceback after the line.
            sqlite3.connect(path).close()
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
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write transaction: BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        A cancellation can land while BEGIN is still queued on aiosqlite's thread; the
        rollback then waits for it, shielded, so no transaction is ever left open.
        """
        async with self._lock:
            if self._connection.in_transaction:
                # One an earlier failure could not end (its rollback failed): end it now, or
                # it would hold the write lock for good.
                await self._abandon()
            with self._writing(sqlite3.Error):
                try:
                    await self._connection.execute("BEGIN IMMEDIATE")
                    yield self._conn
                    await self._connection.commit()
                except BaseException:
                    await asyncio.shield(self._abandon())
                    raise

    async def write(self, query: str, *args: object) -> int:
        """SQLite runs a lone statement as a transaction of its own: no BEGIN and COMMIT."""
        return await self._alone(self._conn.execute, query, args)

    async def write_rows(self, query: str, *args: object) -> list[Row]:
        return await self._alone(self._conn.fetch, query, args)

    async def _alone(
        self, run: Callable[..., Awaitable[T]], query: str, args: tuple[object, ...]
    ) -> T:
        async with self._lock:
            if self._connection.in_transaction:
                await self._abandon()
            with self._writing(sqlite3.Error):
                return await run(query, *args)

    async def _abandon(self) -> None:
        try:
            await self._connection.execute("SELECT 1")  # runs after anything still queued
            if self._connection.in_transaction:
                await self._connection.rollback()
        except sqlite3.Error as error:
            log.warning("could not roll back a failed transaction: %s", error)

    async def healthy(self) -> bool:
        if self._last_write_failed:
            return False
        try:
            async with self.read() as conn:
                return await conn.fetchrow("SELECT 1") is not None
        except Exception:
            return False

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise StorageError(f"database read failed: {error}") from error


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
    if code == "SQLITE_FULL" or code.startswith(("SQLITE_IOERR", "SQLITE_READONLY")):
        return UnusableDatabaseError(
            f"cannot write {path} ({exc}): is the disk full or read-only?"
        )
    if code == "SQLITE_CANTOPEN":
        return UnusableDatabaseError(
            f"cannot open or create {path} ({exc}): is its folder writable by the bot?"
        )
    return UnusableDatabaseError(f"cannot use {path}: {exc}")
