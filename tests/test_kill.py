"""Kill the real bot process during uploads: a graceful stop never sends a video twice, and
after a SIGKILL a video is sent twice only when the kill fell between Telegram accepting the
upload and the bot recording the job as delivered (the README's delivery promise)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.telegram import Call, FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Jobs, Person
from tests.support.process import bot_env, fakes_env

UPLOAD_SECONDS = 0.8  # a sendVideo takes this long before Telegram has the video ...
ANSWER_SECONDS = 0.8  # ... and this long more before Telegram answers
LEASE_SECONDS = 1.0  # a killed bot's lease lapses after this: the restart waits for it
STOP_WITHIN_SECONDS = 15.0
PAST_SUBMIT = ("running", "fetching", "delivering", "delivered")

# Where in an upload the signal lands.
UPLOADING = "uploading"  # the video is still on its way to Telegram
ACCEPTED = "accepted"  # Telegram has posted the video but not answered yet
RECORDED = "recorded"  # the bot has written the job down as delivered

Rows = dict[str, dict[str, Any]]  # the jobs table by prompt
Phase = Callable[[Call, Rows], bool]


@dataclass
class KillTest:
    """The bot as a process on the fakes, started again and again on one database."""

    telegram: FakeTelegram
    jobs: Jobs
    env: dict[str, str]
    cwd: Path
    prompts: list[str] = field(default_factory=list)
    runs: int = 0
    since: int = 0  # the first of the fake's calls made by the running process
    # id() of each send a SIGKILL left unrecorded (the fake keeps every Call: ids are stable)
    unrecorded: set[int] = field(default_factory=set)

    async def start(self) -> asyncio.subprocess.Process:
        self.runs += 1
        self.since = len(self.telegram.calls)
        log = (self.cwd / f"bot-{self.runs}.log").open("wb")
        with log:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.cwd, env=self.env, stderr=log
            )

    async def order(self, person: Person, count: int) -> None:
        for _ in range(count):
            prompt = f"kill test video {len(self.prompts) + 1}"
            self.prompts.append(prompt)
            sent = person.send(f"/video {prompt}")
            card = await self.telegram.wait_for_message(  # the card answers this /video
                person.chat.id,
                lambda m, sent=sent: m.reply_to_message_id == sent,
            )
            await person.press(card, "Create video")

    def sends(self, *, since: int = 0) -> list[Call]:
        return [call for call in self.telegram.calls[since:] if call.method == "sendVideo"]

    def rows_by_prompt(self) -> Rows:
        return {json.loads(row["request_json"])["prompt"]: row for row in self.jobs.rows()}

    async def signal_at(
        self, process: asyncio.subprocess.Process, where: str, sig: signal.Signals
    ) -> list[Call]:
        """Wait until an upload of this run is at `where`, with every job past its submit (a
        stop mid-submit fails that job by design), then signal; the uploads under way."""

        def ready() -> list[Call] | None:
            rows = self.rows_by_prompt()
            if len(rows) < len(self.prompts):
                return None
            if any(row["state"] not in PAST_SUBMIT for row in rows.values()):
                return None
            sends = self.sends(since=self.since)
            return [call for call in sends if PHASES[where](call, rows)] or None

        await self.telegram.wait_for(ready, timeout=20)
        process.send_signal(sig)
        return [call for call in self.sends(since=self.since) if call.answered_at is None]

    def note_kill(self, killed_at: float) -> None:
        """After a SIGKILL: each video Telegram had accepted before the kill whose job is not
        recorded as delivered is in the stated window, and the only send allowed twice."""
        rows = self.rows_by_prompt()
        for call in self.sends():
            accepted = call.accepted_at is not None and call.accepted_at <= killed_at
            if accepted and state_of(call, rows) != "delivered":
                self.unrecorded.add(id(call))


def prompt_of(call: Call) -> str:
    return str(call.params["caption"]).split("\n\n", 1)[0]


def state_of(call: Call, rows: Rows) -> str:
    """The state of the job whose video `call` sends."""
    return str(rows[prompt_of(call)]["state"])


def _uploading(call: Call, rows: Rows) -> bool:
    return call.accepted_at is None and time.monotonic() - call.at > UPLOAD_SECONDS / 3


def _accepted(call: Call, rows: Rows) -> bool:
    return call.accepted_at is not None and call.answered_at is None


def _recorded(call: Call, rows: Rows) -> bool:
    return state_of(call, rows) == "delivered"


PHASES: dict[str, Phase] = {UPLOADING: _uploading, ACCEPTED: _accepted, RECORDED: _recorded}


async def test_stops_during_uploads_send_each_video_once_or_only_in_the_stated_window(
    tmp_path: Path, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    telegram.upload_seconds, telegram.answer_seconds = UPLOAD_SECONDS, ANSWER_SECONDS
    env = bot_env(
        tmp_path,
        **fakes_env(telegram, uniall),
        SHUTDOWN_GRACE_SECONDS="0.2",  # shorter than any upload: only the upload grace helps
        INSTANCE_LEASE_SECONDS=str(LEASE_SECONDS),
        MAX_ACTIVE_JOBS_PER_USER="20",
    )  # SHUTDOWN_UPLOAD_GRACE_SECONDS: the default
    bot = KillTest(telegram, jobs, env, tmp_path)
    cycles = [
        (signal.SIGTERM, UPLOADING),
        (signal.SIGTERM, ACCEPTED),
        (signal.SIGKILL, UPLOADING),
        (signal.SIGKILL, ACCEPTED),
        (signal.SIGKILL, RECORDED),
        (signal.SIGTERM, ACCEPTED),
    ]
    process = await bot.start()
    try:
        for sig, where in cycles:
            await bot.order(alice, 2)
            under_way = await bot.signal_at(process, where, sig)
            await asyncio.wait_for(process.wait(), STOP_WITHIN_SECONDS)
            if sig is signal.SIGTERM:
                # The stop waited for every upload under way, and recorded it.
                assert process.returncode == 0
                assert all(call.answered_at is not None for call in bot.sends(since=bot.since))
                rows = bot.rows_by_prompt()
                assert {state_of(call, rows) for call in under_way} == {"delivered"}
            else:
                bot.note_kill(time.monotonic())
                await asyncio.sleep(LEASE_SECONDS + 0.2)
            process = await bot.start()

        def all_delivered_and_listening() -> bool:
            rows = bot.rows_by_prompt()
            listening = any(c.method == "getUpdates" for c in telegram.calls[bot.since :])
            return listening and all(row["state"] == "delivered" for row in rows.values())

        await telegram.wait_for(all_delivered_and_listening, timeout=20)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), STOP_WITHIN_SECONDS)
        assert process.returncode == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    accepted = [call for call in bot.sends() if call.accepted_at is not None]
    sent = Counter(prompt_of(call) for call in accepted)
    unrecorded = Counter(prompt_of(call) for call in accepted if id(call) in bot.unrecorded)
    # Every video reached its chat; a second copy only after a kill in the window.
    assert {prompt: sent[prompt] - 1 for prompt in bot.prompts} == {
        prompt: unrecorded[prompt] for prompt in bot.prompts
    }
    assert sum(unrecorded.values()) >= 1  # the SIGKILL between accepting and recording
    assert sum(1 for message in telegram.messages(alice.chat.id) if message.kind == "video") == (
        len(accepted)
    )
