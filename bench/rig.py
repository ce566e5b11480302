"""The loopback rig: the project's fakes (with request times), and bots run as subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.config import Settings
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeTask, FakeUniAll, Step, completed, in_progress, queued

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
VENDOR_KEY = "sk-uniall-bench-key-0123456789abcdef"
PROMPT = "a paper boat drifting down a rainy street"


class TimedUniAll(FakeUniAll):
    """The project's fake UniAll, plus when each task was polled and each file was asked for."""

    def __init__(self) -> None:
        super().__init__(VENDOR_KEY, forbidden_substrings=[TOKEN])
        self.poll_times: dict[str, list[float]] = defaultdict(list)
        self.poll_answers: dict[str, list[str]] = defaultdict(list)
        self.file_times: list[float] = []

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        task_id = request.match_info["task_id"]
        self.poll_times[task_id].append(time.monotonic())
        task = self.tasks.get(task_id)
        answer = await super()._handle_poll(request)
        if task is not None:
            self.poll_answers[task_id].append(task.last_status or "")
        return answer

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            self.file_times.append(time.monotonic())
        return await super()._handle_file(request)

    def add_task(self, task_id: str, script: Sequence[Step]) -> FakeTask:
        """A task as if submitted earlier (a seeded job's)."""
        body = {"model": "veo3.1-video-720p", "prompt": PROMPT}
        task = FakeTask(id=task_id, body=body, script=list(script), created_at=int(time.time()))
        self.tasks[task_id] = task
        return task


def steady_script() -> list[Step]:
    return [in_progress(50)]


def quick_script() -> list[Step]:
    return [queued(), completed()]


def database_path(data_dir: Path) -> Path:
    """The SQLite file the bot keeps in `data_dir` (its `DATABASE_PATH` here)."""
    return data_dir / "bot.sqlite3"


def bot_env(
    telegram: FakeTelegram, uniall: FakeUniAll, data_dir: Path, **settings: str
) -> dict[str, str]:
    """`python -m bot`'s environment: no inherited bot setting, the fakes, and these."""
    names = {name.upper() for name in Settings.model_fields}
    inherited = {k: v for k, v in os.environ.items() if k not in names}
    base = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram.api_url,
        "TELEGRAM_POLL_TIMEOUT_SECONDS": "10",
        "VENDOR": "uniall",
        "VENDOR_API_KEY": VENDOR_KEY,
        "VENDOR_BASE_URL": uniall.base_url,
        "DATABASE_PATH": str(database_path(data_dir)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": "0",
        "MAX_ACTIVE_JOBS_PER_USER": "100000",
        "POLL_INTERVAL_SECONDS": "3600",
        "INSTANCE_LEASE_SECONDS": "5",
        "SHUTDOWN_GRACE_SECONDS": "0.5",
        "LOG_LEVEL": "WARNING",
    }
    chosen = {**base, **settings}
    return {**inherited, "PYTHONPATH": str(ROOT), **chosen}


@dataclass
class Proc:
    """A bot run as a subprocess; `started` is time.monotonic() just before it was spawned."""

    process: asyncio.subprocess.Process
    started: float
    first_poll: float = 0.0
    log: Path | None = None

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.asynccontextmanager
async def running(
    args: Sequence[str],
    telegram: FakeTelegram,
    env: dict[str, str],
    cwd: Path,
    *,
    ready_timeout: float = 60.0,
) -> AsyncIterator[Proc]:
    """Run `python <args>`, wait for its first getUpdates, SIGTERM it at the end."""
    polls_before = len(telegram.calls_to("getUpdates"))
    log = cwd / f"stderr-{time.monotonic_ns()}.log"
    with log.open("wb") as stderr:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=cwd, env=env, stdout=stderr, stderr=stderr
        )
    proc = Proc(process, started, log=log)
    try:
        deadline = time.monotonic() + ready_timeout
        while len(telegram.calls_to("getUpdates")) <= polls_before:
            if process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args} did not start:\n{log.read_text()[-3000:]}")
            await asyncio.sleep(0.002)
        proc.first_poll = telegram.calls_to("getUpdates")[polls_before].at
        yield proc
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


def bot(
    telegram: FakeTelegram, uniall: FakeUniAll, data_dir: Path, **settings: str
) -> contextlib.AbstractAsyncContextManager[Proc]:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = bot_env(telegram, uniall, data_dir, **settings)
    return running(["-m", "bot"], telegram, env, data_dir)


def echo_bot(
    telegram: FakeTelegram, work_dir: Path
) -> contextlib.AbstractAsyncContextManager[Proc]:
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BENCH_TOKEN": TOKEN,
        "BENCH_API_URL": telegram.api_url,
        "BENCH_POLL_TIMEOUT": "10",
    }
    return running(["-m", "bench.echo_bot"], telegram, env, work_dir)


# --- people ----------------------------------------------------------------------------------


@dataclass
class Driver:
    """A person acting through the fake Bot API, timing what the bot answers."""

    telegram: FakeTelegram
    user: TgUser
    chat: TgChat
    mention: str = ""  # "@bot" for commands in a group
    card_latencies: list[float] = field(default_factory=list)
    answer_latencies: list[float] = field(default_factory=list)

    async def card(self, prompt: str = PROMPT, timeout: float = 30.0) -> SentMessage:  # noqa: ASYNC109
        """Send `/video <prompt>`; return the card (the bot's reply with "Create video")."""
        sent_at = time.monotonic()
        request_id = self.telegram.send_text(
            self.user, self.chat, f"/video{self.mention} {prompt}"
        )

        def found() -> SentMessage | None:
            for message in self.telegram.messages(self.chat.id):
                if message.reply_to_message_id == request_id and _has_create(message):
                    return message
            return None

        card = await self.telegram.wait_for(found, timeout)
        first = _first_call(self.telegram, "sendMessage", self.chat.id, card.message_id, sent_at)
        self.card_latencies.append(first - sent_at)
        return card

    async def press(self, card: SentMessage, label: str, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        current = self.telegram.message(self.chat.id, card.message_id)
        data = current.button_data(label)
        pressed_at = time.monotonic()
        query_id = self.telegram.press_button(self.user, self.chat, card.message_id, data)
        await self.telegram.wait_for(lambda: self.telegram.callback_answer(query_id), timeout)
        answered = next(
            call.at
            for call in reversed(self.telegram.calls_to("answerCallbackQuery"))
            if str(call.params.get("callback_query_id")) == query_id and call.status == 200
        )
        self.answer_latencies.append(answered - pressed_at)


def _has_create(message: SentMessage) -> bool:
    return any("Create video" in text for text, _ in message.buttons())


def _first_call(
    telegram: FakeTelegram, method: str, chat_id: int, message_id: int, after: float
) -> float:
    for call in telegram.calls:
        if call.at >= after and call.method == method and call.params.get("chat_id") == chat_id:
            return call.at
    return time.monotonic()


OPTION_PRESSES = ("Quality", "9:16", "6 s")


async def wizard(driver: Driver, *, create: bool = True) -> SentMessage:
    """`/video`, three option presses, Create: the issue's wizard."""
    card = await driver.card()
    for label in OPTION_PRESSES:
        await driver.press(card, label)
    if create:
        await driver.press(card, "Create video")
    return card


# --- seeding jobs ----------------------------------------------------------------------------


def schema_from_a_real_job(db_path: Path) -> dict[str, Any]:
    """A job row the bot wrote itself (the template for seeded jobs)."""
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM jobs ORDER BY id LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("the bot wrote no job to copy")
    return dict(row)


@dataclass
class SeededJobs:
    """Running jobs ready to be written: the `jobs` columns (the template's, but the ids) and one
    tuple of values per job, in that order; `task_ids` are the fake UniAll's tasks."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    task_ids: list[str]


def running_jobs(
    template: dict[str, Any],
    telegram: FakeTelegram,
    uniall: TimedUniAll,
    *,
    count: int,
    interval: float,
    first_user: int = 5_000_000,
) -> SeededJobs:
    """`count` running jobs (one person and DM each), due spread over one poll interval.

    Each person's chat in the fake holds the request and the status message the job points at,
    and each task is known to the fake UniAll ("in progress" on every poll). Nothing is written
    to a database here: `bench.stores` does that (the SQLite file or PostgreSQL).
    """
    now = time.time()
    skip = {"id", "draft_id", "origin_key"}
    columns = [name for name in template if name not in skip]
    rows = []
    task_ids = []
    for i in range(count):
        user_id = first_user + i
        task_id = f"task_bench{i:07d}"
        task_ids.append(task_id)
        uniall.add_task(task_id, steady_script())
        _fake_chat(telegram, user_id)
        values = dict(template)
        values.update(
            chat_id=user_id,
            user_id=user_id,
            thread_id=None,
            request_message_id=1,
            status_message_id=2,
            result_message_id=None,
            state="running",
            vendor="uniall",
            vendor_task_id=task_id,
            video_url=None,
            video_path=None,
            file_id=None,
            progress=50,
            failure_kind=None,
            failure_detail=None,
            attempts=0,
            price=0,
            next_action_at=now + interval * (i + 0.5) / count,
            deadline_at=now + 7 * 86400,
            created_at=now,
            updated_at=now,
            finished_at=None,
        )
        rows.append(tuple(values[name] for name in columns))
    return SeededJobs(columns, rows, task_ids)


def _fake_chat(telegram: FakeTelegram, user_id: int) -> None:
    """A DM in the fake Bot API with the person's request (1) and the bot's status (2)."""
    user = TgUser(id=user_id, first_name=f"P{user_id}")
    chat = TgChat.private(user)
    telegram.add_chat(chat)
    state = telegram._state(chat.id)  # the fake's own chat record: no update goes to the bot
    state.user_messages[1] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": chat.to_dict(),
        "from": user.to_dict(),
        "text": f"/video {PROMPT}",
    }
    state.bot_messages[2] = SentMessage(chat_id=chat.id, message_id=2, text="⏳ Making your video")
    state.next_message_id = 3
