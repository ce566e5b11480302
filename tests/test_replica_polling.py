"""Polling mode with several bot processes on one PostgreSQL database (issue 11): one polls
Telegram, the other only works jobs; when the poller is killed (SIGKILL, no goodbye), the
other polls within the leader's lease, and the killed one rejoins as a worker."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx

from tests.fakes.telegram import FakeTelegram
from tests.support.harness import Person, free_port
from tests.support.process import bot_env, spawn_bot

LEADER_LEASE_SECONDS = 2.0
POLLS_NOW = "polls Telegram now"


class Replica:
    def __init__(self, name: str, root: Path, env: dict[str, str]) -> None:
        self.cwd = root / name
        self.cwd.mkdir()
        self.port = free_port()
        self.env = {**env, "HTTP_PORT": str(self.port)}
        self.process: asyncio.subprocess.Process | None = None
        self.log = self.cwd / "bot.log"

    async def start(self) -> None:
        self.process = await spawn_bot(self.env, self.cwd, self.log)
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient() as client:
            while True:
                assert self.process.returncode is None, self.log.read_text()[-3000:]
                assert time.monotonic() < deadline, self.log.read_text()[-3000:]
                try:
                    if (await client.get(f"http://127.0.0.1:{self.port}/healthz")).is_success:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)

    def polled(self) -> int:
        """How often this process logged that it took up polling."""
        return self.log.read_text().count(POLLS_NOW)

    async def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(sig)
            await self.process.wait()


async def helped(alice: Person, within: float) -> str:
    """Alice sends /help; the text of the bot's next message to her."""
    before = len(alice.telegram.messages(alice.chat.id))
    alice.send("/help")

    def answer() -> str | None:
        sent = alice.telegram.messages(alice.chat.id)
        return (sent[before].text or "") if len(sent) > before else None

    return await alice.telegram.wait_for(answer, timeout=within)


async def test_a_killed_poller_is_replaced_within_the_lease_and_rejoins_as_a_worker(
    tmp_path: Path, telegram: FakeTelegram, alice: Person, database_url: str
) -> None:
    env = bot_env(
        tmp_path,
        TELEGRAM_API_URL=telegram.api_url,
        DATABASE_URL=database_url,
        LEADER_LEASE_SECONDS=str(LEADER_LEASE_SECONDS),
        TELEGRAM_POLL_TIMEOUT_SECONDS="1",
    )
    a, b = Replica("a", tmp_path, env), Replica("b", tmp_path, env)
    try:
        await a.start()
        assert (await helped(alice, 20)).startswith("What I can do")
        await b.start()
        await asyncio.sleep(LEADER_LEASE_SECONDS)  # b checks the lead a few times
        assert (a.polled(), b.polled()) == (1, 0)  # one poller, one worker

        await a.kill()
        killed_at = time.monotonic()
        answer = await helped(alice, LEADER_LEASE_SECONDS + 10)
        answered_after = time.monotonic() - killed_at
        assert answer.startswith("What I can do")
        assert b.polled() == 1
        # The lease lapses at most LEADER_LEASE_SECONDS after the last renewal; b looks every
        # third of it; the long poll that picks the message up takes a moment more.
        assert answered_after <= LEADER_LEASE_SECONDS * 4 / 3 + 2

        await a.start()  # the killed replica comes back: b keeps polling, a works jobs
        await asyncio.sleep(LEADER_LEASE_SECONDS)
        assert (await helped(alice, 20)).startswith("What I can do")
        assert (a.polled(), b.polled()) == (1, 1)
        assert len(telegram.messages(alice.chat.id)) == 3  # each /help answered once
    finally:
        await asyncio.gather(a.kill(signal.SIGTERM), b.kill(signal.SIGTERM))
