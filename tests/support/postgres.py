"""A throw-away PostgreSQL server for the tests, from the installed binaries.

`TEST_DATABASE_URL` is used as it is when set. Otherwise `initdb` and `pg_ctl` start a server
on a free port in a temporary folder (as the `postgres` user when the tests run as root), once
per test run. Without PostgreSQL the tests that need it are skipped with the reason, unless
`REQUIRE_POSTGRES=1` (set by CI), which makes a missing server a failure.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.database import Database

T = TypeVar("T")


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries or server could be had here; the message says why."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl) on this machine")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(owner: str | None) -> dict[str, object]:
    if owner is None:
        return {}
    record = pwd.getpwnam(owner)
    return {"user": record.pw_uid, "group": record.pw_gid}


@contextmanager
def postgres_server() -> Iterator[str]:
    """A `postgresql://` URL of a fresh server (or TEST_DATABASE_URL), stopped at the end."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    bin_dir = _binaries()
    owner = "postgres" if os.geteuid() == 0 else None
    if owner is not None:
        try:
            pwd.getpwnam(owner)
        except KeyError as exc:
            raise PostgresUnavailable("running as root and there is no postgres user") from exc
    root = Path(tempfile.mkdtemp(prefix="veo-bot-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if owner is not None:
        shutil.chown(root, owner)
        shutil.chown(sockets, owner)
    as_owner = _as_owner(owner)
    port = _free_port()
    user = owner or pwd.getpwuid(os.geteuid()).pw_name
    try:
        subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"],
            check=True,
            capture_output=True,
            **as_owner,  # type: ignore[arg-type]
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        subprocess.run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "-l",
                str(root / "log"),
                "start",
            ],
            check=True,
            capture_output=True,
            **as_owner,  # type: ignore[arg-type]
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        raise PostgresUnavailable(f"could not start PostgreSQL: {exc} {detail[-300:]!r}") from exc
    try:
        yield f"postgresql://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            **as_owner,  # type: ignore[arg-type]
        )
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


# -- the engines the store's tests run on ------------------------------------------------------

Location = Path | str  # an SQLite file, or a postgresql:// URL


def _database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class StoreEngine:
    """Makes fresh, empty databases of one engine and drops them after."""

    name: str

    async def create(self) -> Location:
        raise NotImplementedError

    async def drop(self, location: Location) -> None:
        """Nothing to do for a file in the test's temporary folder."""


class SQLiteEngine(StoreEngine):
    name = "sqlite"

    def __init__(self, base: Path) -> None:
        self.base = base
        self.count = itertools.count()

    async def create(self) -> Location:
        return self.base / f"db-{next(self.count)}" / "bot.sqlite3"


class PostgresEngine(StoreEngine):
    """`CREATE DATABASE t_<uuid>` on the session's server for each fresh database."""

    name = "postgresql"

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url

    async def create(self) -> Location:
        name = f"t_{uuid.uuid4().hex}"
        admin = await asyncpg.connect(self.server_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return _database_url(self.server_url, name)

    async def drop(self, location: Location) -> None:
        name = urlsplit(str(location)).path.lstrip("/")
        admin = await asyncpg.connect(self.server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def open_database(location: Location) -> Database:
    """The bot's Database on a location: SQLite for a path, PostgreSQL for a URL."""
    if isinstance(location, Path):
        return await Database.open(location)
    return await Database.connect(location)


class SharedDatabase:
    """One fresh database; each `open()` is a Database on it, as another process would have."""

    def __init__(self, engine: StoreEngine, location: Location) -> None:
        self.engine = engine
        self.location = location
        self.opened: list[Database] = []

    async def open(self) -> Database:
        db = await open_database(self.location)
        self.opened.append(db)
        return db

    async def open_many(self, count: int) -> list[Database]:
        return [await self.open() for _ in range(count)]

    async def close(self) -> None:
        """Close every Database opened on it, then drop it."""
        for db in self.opened:
            await db.close()
        await self.engine.drop(self.location)


# -- a PostgreSQL database read from synchronous test code --------------------------------------


class _SideLoop:
    """An event loop on a thread of its own: asyncpg for code that cannot await (a predicate
    given to `wait_for`), as plain sqlite3 is for the SQLite file."""

    _current: _SideLoop | None = None

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="pg-reader", daemon=True)
        self.thread.start()

    @classmethod
    def run(cls, work: Coroutine[Any, Any, T]) -> T:
        if cls._current is None:
            cls._current = cls()
        return asyncio.run_coroutine_threadsafe(work, cls._current.loop).result()

    @classmethod
    def stop(cls) -> None:
        """End the thread and close its loop (at the end of the test run)."""
        side, cls._current = cls._current, None
        if side is not None:
            side.loop.call_soon_threadsafe(side.loop.stop)
            side.thread.join()
            side.loop.close()


stop_side_loop = _SideLoop.stop


class BlockingDatabase:
    """A fresh PostgreSQL database on the session's server, created, read and dropped without
    awaiting: the end-to-end tests' stand-in for the SQLite file they read with sqlite3."""

    def __init__(self, server_url: str) -> None:
        self.engine = PostgresEngine(server_url)
        self.url = str(_SideLoop.run(self.engine.create()))
        self._conn: asyncpg.Connection | None = None

    def fetch(self, query: str, *args: object) -> list[dict[str, Any]]:
        """The rows of `query` as dicts, on one connection kept open until `drop`."""
        return _SideLoop.run(self._fetch(query, *args))

    async def _fetch(self, query: str, *args: object) -> list[dict[str, Any]]:
        if self._conn is None:
            self._conn = await asyncpg.connect(self.url)
        return [dict(row) for row in await self._conn.fetch(query, *args)]

    def drop(self) -> None:
        _SideLoop.run(self._drop())

    async def _drop(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        await self.engine.drop(self.url)
