"""Shared pieces of the end-to-end tests: settings for the fakes, a movable clock, a person.

A test's bot keeps its database at the `database_path` fixture's file; in a run on PostgreSQL
(`--database=postgresql`) that path stands for a fresh PostgreSQL database instead, and the
settings, `job_rows` and `query` made for the path go there.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import BotRuntime
from bot.config import Settings
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.postgres import BlockingDatabase

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
ALICE = TgUser(id=1001, first_name="Alice", language_code="en")
BOB = TgUser(id=1002, first_name="Bob", language_code="en")
VENDOR_KEY = "sk-uniall-test-key-0123456789abcdef"


StartBot = Callable[
    ..., BotRuntime
]  # the `start_bot` fixture: `async with start_bot(**overrides):`


@dataclass
class OffsetClock:
    """Real time plus an offset a test can push forward (deadlines, days)."""

    offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


DAY = 86400.0


def pin_to_midday(clock: OffsetClock) -> float:
    """Move the clock to the next 12:00 UTC, so a test never straddles midnight."""
    now = time.time()
    midday = now - (now % DAY) + DAY / 2
    if midday < now:
        midday += DAY
    clock.offset = midday - now
    return midday


def free_port() -> int:
    """A TCP port nobody listens on now, for the bot's own HTTP server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


_ON_POSTGRES: dict[Path, BlockingDatabase] = {}


@contextlib.contextmanager
def on_postgres(database_path: Path, database: BlockingDatabase) -> Iterator[None]:
    """While open, the bot of `database_path` runs on `database` (its videos stay beside the
    path); the database is dropped at the end."""
    _ON_POSTGRES[database_path] = database
    try:
        yield
    finally:
        del _ON_POSTGRES[database_path]
        database.drop()


def database_url(database_path: Path) -> str | None:
    """The PostgreSQL database standing for `database_path`, if the test runs on one."""
    database = _ON_POSTGRES.get(database_path)
    return database.url if database else None


def make_settings(telegram_api_url: str, database_path: Path, **overrides: Any) -> Settings:
    """Settings for a test bot; pass the vendor's with `**fake.bot_settings()`."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_api_url": telegram_api_url,
        "telegram_poll_timeout_seconds": 1,
        "database_path": database_path,
        "poll_interval_seconds": 0.05,
        "vendor_timeout_seconds": 2.0,
        "job_timeout_minutes": 5,
        "shutdown_grace_seconds": 0.2,
        "http_host": "127.0.0.1",
        "instance_lease_seconds": 1.0,
        "http_port": 0,
        # The fake Bot API has no flood limits unless a test asks (tests/test_flood.py).
        "telegram_chat_interval_seconds": 0,
        "telegram_group_messages_per_minute": 10_000,
        "telegram_messages_per_second": 10_000,
    }
    if (url := database_url(database_path)) is not None:
        values["database_url"] = url
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Person:
    """A Telegram user in one chat, driving the real bot through the fake Bot API."""

    telegram: FakeTelegram
    user: TgUser
    chat: TgChat
    thread_id: int | None = None
    last_sent_id: int = field(default=0)

    async def say(self, text: str, *, reply_to: int | None = None) -> SentMessage:
        """Send a text and return the bot's next new message in this chat."""
        before = len(self.telegram.messages(self.chat.id))
        self.last_sent_id = self.send(text, reply_to=reply_to)
        return await self.next_message(before)

    def send(self, text: str, *, reply_to: int | None = None) -> int:
        return self.telegram.send_text(
            self.user, self.chat, text, reply_to=reply_to, thread_id=self.thread_id
        )

    async def next_message(self, before: int) -> SentMessage:
        def newer() -> SentMessage | None:
            sent = self.telegram.messages(self.chat.id)
            return sent[before] if len(sent) > before else None

        return await self.telegram.wait_for(newer)

    async def next_card(self, before: int) -> SentMessage:
        """Wait for the bot's first card (a message with ▶️ Create video) after message `before`."""

        def card() -> SentMessage | None:
            sent = self.telegram.messages(self.chat.id)[before:]
            return next((m for m in sent if "Create video" in str(m.reply_markup)), None)

        return await self.telegram.wait_for(card)

    async def press(self, message: SentMessage, text_contains: str) -> dict[str, Any]:
        """Press a button by its label and return the bot's answer to the callback."""
        data = self.telegram.message(self.chat.id, message.message_id).button_data(text_contains)
        return await self.press_data(message.message_id, data)

    async def press_for_question(self, message: SentMessage, text_contains: str) -> SentMessage:
        """Press a button with which the bot asks something, and return its question."""
        before = len(self.telegram.messages(self.chat.id))
        await self.press(message, text_contains)
        return await self.next_message(before)

    async def press_data(self, message_id: int, data: str) -> dict[str, Any]:
        query_id = self.telegram.press_button(self.user, self.chat, message_id, data)
        return await self.telegram.wait_for(lambda: self.telegram.callback_answer(query_id))

    def current(self, message: SentMessage) -> SentMessage:
        return self.telegram.message(self.chat.id, message.message_id)

    async def showing(self, message: SentMessage, part: str) -> str:
        """Wait until the bot has edited `message` to contain `part`; return its whole text."""

        def shown() -> str | None:
            text = self.current(message).text or ""
            return text if part in text else None

        return await self.telegram.wait_for(shown)

    async def sees(self, message: SentMessage, text: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has edited `message` to read exactly `text`; fail with the diff."""
        with contextlib.suppress(AssertionError):
            await self.telegram.wait_for(lambda: self.current(message).text == text, timeout)
        assert self.current(message).text == text


async def settle(telegram: FakeTelegram, seconds: float = 0.4) -> None:
    """Wait until the bot has fetched every queued update, then give its handlers a moment.

    Only for asserting that nothing happens; to see something happen, wait for it.
    """
    await telegram.wait_for(lambda: telegram.pending_updates == 0)
    await asyncio.sleep(seconds)


def query(database_path: Path, sql: str) -> list[dict[str, Any]]:
    """The rows of `sql` on the test's database as the bot left it, read with plain sqlite3 (or
    plain asyncpg, on PostgreSQL)."""
    database = _ON_POSTGRES.get(database_path)
    if database is not None:
        return database.fetch(sql)
    with contextlib.closing(sqlite3.connect(database_path)) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql)]


def job_rows(database_path: Path) -> list[dict[str, Any]]:
    """The jobs table as the bot left it."""
    return query(database_path, "SELECT * FROM jobs ORDER BY id")


@dataclass
class Jobs:
    """The bot's jobs table, for a test to read or to wait on."""

    telegram: FakeTelegram
    database_path: Path

    def rows(self) -> list[dict[str, Any]]:
        return job_rows(self.database_path)

    async def wait(self, job_id: int, state: str) -> dict[str, Any]:
        """Wait until job `job_id` is in `state`; return its row."""

        def reached() -> dict[str, Any] | None:
            rows = [row for row in self.rows() if row["id"] == job_id]
            return rows[0] if rows and rows[0]["state"] == state else None

        return await self.telegram.wait_for(reached)
