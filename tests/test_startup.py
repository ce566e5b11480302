"""Start and stop under real faults: each startup problem is one line and a quick exit."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import socket
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.app import BotRuntime
from bot.config import Settings
from bot.store.database import Database
from bot.store.migrations import APPLICATION_ID, MIGRATIONS
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import ALICE, OffsetClock, Person
from tests.support.process import NOWHERE, bot_env, ended_start, fakes_env

pytestmark = pytest.mark.sqlite_only(
    reason="the start's checks of the SQLite file and its folder, and damage done to the file"
)

EXIT_WITHIN_SECONDS = 5.0
RESTORE = "restore a backup, or move the file away to start with an empty database"


def refused_start(tmp_path: Path, **settings: str) -> tuple[int, str]:
    return ended_start(tmp_path, EXIT_WITHIN_SECONDS, **settings)


async def a_bot_database(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def tables_of(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [row[0] for row in rows]


def pragma(path: Path, name: str) -> int:
    with sqlite3.connect(path) as conn:
        value: int = conn.execute(f"PRAGMA {name}").fetchone()[0]
    return value


async def test_a_damaged_database_is_one_line_and_a_quick_exit(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    await a_bot_database(path)
    page_size = pragma(path, "page_size")
    with sqlite3.connect(path) as conn:  # a table's pages, not the schema's overflow pages
        (first,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'jobs'"
        ).fetchone()
    with path.open("r+b") as file:  # garbage over the jobs table's pages, headers included
        for page in range(first, first + 3):
            file.seek((page - 1) * page_size)
            file.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    with sqlite3.connect(path) as conn:  # what SQLite itself says about the file
        verdict = " ".join(conn.execute("PRAGMA quick_check(1)").fetchone()[0].split())
    assert verdict != "ok"

    code, stderr = refused_start(tmp_path)

    assert stderr == f"database error: {path} is damaged ({verdict}); {RESTORE}\n"
    assert code == 2


async def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('keep me')")

    code, stderr = refused_start(tmp_path)

    assert stderr == (
        f"database error: {path} belongs to another program (its tables: notes, settings); "
        "set DATABASE_PATH to this bot's database or to a new file\n"
    )
    assert code == 2
    assert tables_of(path) == ["notes", "settings"]  # not migrated into a bot database
    assert pragma(path, "user_version") == 0


async def test_a_file_marked_by_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 1")
        conn.execute("CREATE TABLE drafts (x)")  # a table name alone does not make it ours
    with pytest.raises(RuntimeError, match="belongs to another program"):
        await Database.open(path)
    assert tables_of(path) == ["drafts"]


async def test_new_files_and_bot_databases_from_before_the_mark_are_ours(tmp_path: Path) -> None:
    new, old = tmp_path / "new.sqlite3", tmp_path / "old.sqlite3"
    (tmp_path / "empty.sqlite3").touch()
    for path in (new, old, tmp_path / "empty.sqlite3"):
        await a_bot_database(path)
        assert pragma(path, "application_id") == APPLICATION_ID
        assert pragma(path, "user_version") == len(MIGRATIONS)
    with sqlite3.connect(old) as conn:  # as a bot made before the mark existed left it
        conn.execute("PRAGMA application_id = 0")
    await a_bot_database(old)
    assert pragma(old, "application_id") == APPLICATION_ID


def test_a_database_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("a file where the database folder should be")

    code, stderr = refused_start(tmp_path, DATABASE_PATH=str(occupied / "bot.sqlite3"))

    assert stderr == f"database error: cannot create the folder {occupied}: File exists\n"
    assert code == 2


def test_a_database_folder_the_bot_cannot_write_is_one_line(tmp_path: Path) -> None:
    """procfs takes no new files, not even from root (a chmod would not stop root)."""
    code, stderr = refused_start(tmp_path, DATABASE_PATH="/proc/bot.sqlite3")

    assert stderr == (
        "database error: cannot open or create /proc/bot.sqlite3 (unable to open database "
        "file): is its folder writable by the bot?\n"
    )
    assert code == 2


def test_a_full_disk_is_one_line(tmp_path: Path) -> None:
    """A file-size limit stands for a full disk: SQLite's writes fail while it makes its tables."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))  # Python ignores SIGXFSZ

    path = tmp_path / "data" / "bot.sqlite3"
    code, stderr = ended_start(tmp_path, EXIT_WITHIN_SECONDS, preexec=small_files)

    assert stderr == (
        f"database error: cannot write {path} (disk I/O error): is the disk full or read-only?\n"
    )
    assert code == 2


def test_an_http_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        code, stderr = refused_start(tmp_path, HTTP_PORT=str(port))

    assert stderr == (
        f"cannot listen on 127.0.0.1:{port} (HTTP_HOST, HTTP_PORT): Address already in use\n"
    )
    assert code == 2


@pytest.mark.parametrize(
    ("setting", "value", "line"),
    [
        (
            "PRICES",
            '{"tier": {"lite": 6,}}',
            "configuration error: PRICES: not valid JSON "
            "(Expecting property name enclosed in double quotes: line 1 column 21 (char 20))",
        ),
        (
            "STAR_PACKS",
            '[{"id": "s", "stars": 50, "credits": 50}',
            "configuration error: STAR_PACKS: not valid JSON "
            "(Expecting ',' delimiter: line 1 column 41 (char 40))",
        ),
    ],
)
def test_bad_json_is_one_line(tmp_path: Path, setting: str, value: str, line: str) -> None:
    code, stderr = refused_start(tmp_path, **{setting: value})
    assert stderr == line + "\n"
    assert code == 2


def test_every_bad_setting_is_listed_at_once(tmp_path: Path) -> None:
    code, stderr = refused_start(
        tmp_path,
        TELEGRAM_BOT_TOKEN="",
        HTTP_PORT="http",
        ALLOWED_USER_IDS="12,bob",
        STAR_PACKS="[1,",
        LOG_LEVEL="loud",
    )
    assert stderr == (
        "configuration error: TELEGRAM_BOT_TOKEN is required; "
        "HTTP_PORT: Input should be a valid integer, unable to parse string as an integer; "
        "ALLOWED_USER_IDS: invalid literal for int() with base 10: 'bob'; "
        "STAR_PACKS: not valid JSON (Expecting value: line 1 column 4 (char 3)); "
        "LOG_LEVEL: use DEBUG, INFO, WARNING or ERROR (see .env.example)\n"
    )
    assert code == 2


@pytest.mark.parametrize("name", ["ALLOWED_USER_IDS", "ADMIN_USER_IDS"])
@pytest.mark.parametrize(("value", "ids"), [("424242001", (424242001,)), ("[1, 2]", (1, 2))])
def test_an_id_list_may_hold_one_id(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, ids: tuple[int, ...]
) -> None:
    monkeypatch.setenv(name, value)  # from the environment, as a deployment sets it
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token="1:x",
        vendor="uniall",
        vendor_api_key="k",
        vendor_base_url=NOWHERE,
    )
    assert getattr(settings, name.lower()) == ids


async def test_a_private_bot_with_one_allowed_id_starts_and_stops(
    tmp_path: Path, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    env = bot_env(tmp_path, **fakes_env(telegram, uniall), ALLOWED_USER_IDS=str(ALICE.id))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        reply = await alice.say("/help")
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), EXIT_WITHIN_SECONDS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (reply.text or "").startswith("What I can do")
    assert process.returncode == 0
    assert "bot stopped" in stderr.decode()


def non_daemon_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if not thread.daemon}


def drop_table(database_path: Path, table: str) -> None:
    """From another thread, so the bot's loop can end a transaction this waits for."""
    with sqlite3.connect(database_path, timeout=30) as conn:
        conn.execute(f"DROP TABLE {table}")


async def test_stop_closes_the_database_when_the_lease_cannot_be_released(
    settings_for: Callable[..., Settings],
    database_path: Path,
    clock: OffsetClock,
    alice: Person,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    before = non_daemon_threads()
    async with BotRuntime(settings_for(), clock=clock):
        assert (await alice.say("/help")).text
        with ThreadPoolExecutor(1) as thread:  # ended before the threads are counted
            await asyncio.get_running_loop().run_in_executor(
                thread, drop_table, database_path, "instance_lease"
            )

    assert "could not release the instance lease" in caplog.text
    assert any(r.levelno == logging.INFO and r.message == "bot stopped" for r in caplog.records)
    for _ in range(50):  # the database's thread ends: nothing keeps the process alive
        if non_daemon_threads() <= before:
            break
        await asyncio.sleep(0.02)
    assert non_daemon_threads() <= before
