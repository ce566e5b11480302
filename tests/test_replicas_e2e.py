"""Two bot processes on one PostgreSQL database behind a load balancer (issue 11, end to end).

The fake Telegram's updates reach the replicas through `Splitter`: Telegram's webhook
delivery (one update per chat in flight, the next only after a 2xx, resent until one comes)
in front of a round-robin balancer, which also carries the vendor's photo fetches (/media)
and callbacks to either replica. A mix of DM, group and photo jobs is delivered once each
with one vendor task; a replica killed while holding a job's claim leaves it to the other
within the lease; the same update posted to both replicas takes effect once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import signal
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.media import photo_bytes
from tests.fakes.telegram import Call, FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll, completed, delay, in_progress, queued
from tests.support.group import member
from tests.support.harness import BOB, Person, free_port
from tests.support.postgres import BlockingDatabase
from tests.support.process import bot_env, spawn_bot, vendor_env

JOB_LEASE_SECONDS = 3.0
SECRET = "e2e-webhook-secret"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CAROL = TgUser(id=1003, first_name="Carol", language_code="en")
ERIN = TgUser(id=1005, first_name="Erin", language_code="en")
GROUP = TgChat.group(-1005678, "Film club")
SLOW_POLL_SECONDS = 0.8  # each vendor poll of the jobs in flight at the kill takes this long
SLOW_POLLS = 6
TAKEOVER_MARGIN_SECONDS = 6.0


@dataclass
class Replica:
    """One `python -m bot` process with its own HTTP port and its own disk."""

    name: str
    port: int
    env: dict[str, str]
    cwd: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = await spawn_bot(self.env, self.cwd, self.cwd / "bot.log")

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def holds(self, claimant: str | None) -> bool:
        """Whether a job's `claimed_by` ("host pid N xyz") names this process."""
        pid = self.process.pid if self.process is not None else None
        return claimant is not None and re.search(rf"\bpid {pid}\b", claimant) is not None

    async def kill(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                await self.kill()


def chat_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to, for Telegram's one-update-per-chat order."""
    for key, body in update.items():
        if key == "update_id" or not isinstance(body, dict):
            continue
        message = body.get("message") or body if key == "callback_query" else body
        chat = message.get("chat") or body.get("from") or {}
        return int(chat.get("id", 0))
    return 0


@dataclass
class Splitter:
    """Telegram's webhook delivery plus a round-robin load balancer in front of the replicas."""

    telegram: FakeTelegram
    replicas: list[Replica]
    paused: bool = False  # leave queued updates to the test
    handled_by: list[tuple[int, str]] = field(default_factory=list)  # (update_id, replica)
    forwarded: list[tuple[str, str, int]] = field(default_factory=list)  # (path, replica, status)
    port: int = 0
    _turn: Iterator[int] = field(default_factory=itertools.count)
    _chats: dict[int, deque[dict[str, Any]]] = field(default_factory=dict)
    _drains: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def next_replica(self) -> Replica:
        return self.replicas[next(self._turn) % len(self.replicas)]

    async def run(self, client: aiohttp.ClientSession) -> None:
        """Take the fake's queued updates and deliver them, one per chat at a time."""
        while True:
            if self.paused:
                await asyncio.sleep(0.05)
                continue
            for update in await self.telegram.take_updates():
                chat = chat_of(update)
                self._chats.setdefault(chat, deque()).append(update)
                if chat not in self._drains:
                    self._drains[chat] = asyncio.create_task(self._drain(client, chat))

    async def _drain(self, client: aiohttp.ClientSession, chat: int) -> None:
        waiting = self._chats[chat]
        while waiting:
            update = waiting[0]
            self.handled_by.append((update["update_id"], await self._deliver(client, update)))
            waiting.popleft()
        del self._drains[chat]

    async def _deliver(self, client: aiohttp.ClientSession, update: dict[str, Any]) -> str:
        """Post `update` until a replica answers 2xx (Telegram waits longer between tries;
        the order is what matters here); the name of the replica that took it."""
        for attempt in itertools.count():
            if attempt:
                await asyncio.sleep(0.1)
            taken_by = await self._post(client, update)
            if taken_by is not None:
                return taken_by
        raise AssertionError("unreachable")

    async def _post(self, client: aiohttp.ClientSession, update: dict[str, Any]) -> str | None:
        """The replica that answered 2xx for `update`, or None (to be sent again)."""
        replica = self.next_replica()
        try:
            async with client.post(
                replica.url + WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
            ) as answer:
                return replica.name if answer.status < 300 else None
        except aiohttp.ClientError:
            return None

    def application(self, client: aiohttp.ClientSession) -> web.Application:
        async def forward(request: web.Request) -> web.Response:
            """Any other request (a vendor's photo fetch or callback): the next live replica."""
            body = await request.read()
            for _ in self.replicas:
                replica = self.next_replica()
                try:
                    async with client.request(
                        request.method,
                        replica.url + request.path_qs,
                        data=body,
                        headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                    ) as answer:
                        data = await answer.read()
                        self.forwarded.append((request.path, replica.name, answer.status))
                        return web.Response(
                            status=answer.status, body=data, content_type=answer.content_type
                        )
                except aiohttp.ClientConnectionError:
                    continue  # a dead replica: the balancer tries the next
            return web.Response(status=502, text="no replica answered")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        return app


@dataclass
class Cluster:
    telegram: FakeTelegram
    uniall: FakeUniAll
    database: BlockingDatabase
    splitter: Splitter
    replicas: list[Replica]
    client: aiohttp.ClientSession

    def rows(self) -> list[dict[str, Any]]:
        return self.database.fetch("SELECT * FROM jobs ORDER BY id")

    def by_prompt(self) -> dict[str, dict[str, Any]]:
        return {prompt_in(row): row for row in self.rows()}

    async def serving(self, replica: Replica, setups: int) -> None:
        """Wait until the replica answers /healthz and every start so far set the webhook."""

        async def health() -> bool:
            try:
                async with self.client.get(replica.url + "/healthz") as answer:
                    return "replica" in await answer.json()
            except (aiohttp.ClientError, ValueError):
                return False

        deadline = time.monotonic() + 30
        while not await health():
            assert replica.alive(), (replica.cwd / "bot.log").read_text()[-3000:]
            assert time.monotonic() < deadline, f"{replica.name} did not start"
            await asyncio.sleep(0.1)
        await self.telegram.wait_for(
            lambda: len(self.telegram.calls_to("setWebhook")) >= setups, timeout=30
        )

    async def post_to_all(self, update: dict[str, Any]) -> list[int]:
        """Post one update to every replica at once, again until all answer 200."""

        async def post(replica: Replica) -> int:
            async with self.client.post(
                replica.url + WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
            ) as answer:
                return answer.status

        first = await asyncio.gather(*(post(replica) for replica in self.replicas))
        statuses = first
        for _ in range(100):
            if statuses == [200] * len(self.replicas):
                break
            await asyncio.sleep(0.1)
            statuses = await asyncio.gather(*(post(replica) for replica in self.replicas))
        assert statuses == [200] * len(self.replicas)
        return first

    async def taken(self) -> dict[str, Any]:
        """The one update queued since the splitter paused."""
        update = await self.telegram.wait_for(lambda: self.telegram.pending_updates or None)
        assert update == 1
        [taken] = await self.telegram.take_updates()
        return taken


def prompt_in(row: dict[str, Any]) -> str:
    return str(json.loads(row["request_json"])["prompt"])


def prompt_of(call: Call) -> str:
    return str(call.params.get("caption") or "").split("\n\n", 1)[0]


def accepted_videos(telegram: FakeTelegram) -> list[Call]:
    return [c for c in telegram.calls_to("sendVideo") if c.accepted_at is not None]


async def order(person: Person, prompt: str, *, mention: str = "") -> None:
    sent = person.send(f"/video{mention} {prompt}")
    card = await person.telegram.wait_for_message(
        person.chat.id, lambda m: m.reply_to_message_id == sent, timeout=20
    )
    await person.press(card, "Create video")


async def order_photo(person: Person, prompt: str) -> None:
    telegram = person.telegram
    telegram.send_photo(person.user, person.chat, photo_bytes(1), caption=prompt)

    def card() -> SentMessage | None:
        found = [
            m for m in telegram.messages(person.chat.id) if "Create video" in str(m.reply_markup)
        ]
        return found[0] if found else None

    await person.press(await telegram.wait_for(card, timeout=20), "Create video")


@pytest.fixture
async def cluster(
    tmp_path: Path, telegram: FakeTelegram, uniall: FakeUniAll, postgres_url: str
) -> AsyncIterator[Cluster]:
    database = BlockingDatabase(postgres_url)
    replicas: list[Replica] = []
    splitter = Splitter(telegram, replicas)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
        runner = web.AppRunner(splitter.application(client), access_log=None)
        await runner.setup()
        splitter.port = free_port()
        await web.TCPSite(runner, "127.0.0.1", splitter.port).start()
        for name in ("A", "B"):
            port = free_port()
            cwd = tmp_path / name
            cwd.mkdir()
            env = bot_env(
                cwd,
                TELEGRAM_API_URL=telegram.api_url,
                TELEGRAM_WEBHOOK="true",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                PUBLIC_BASE_URL=splitter.url,
                HTTP_PORT=str(port),
                DATABASE_URL=database.url,
                JOB_LEASE_SECONDS=str(JOB_LEASE_SECONDS),
                UPDATE_CLAIM_SECONDS="3",
                POLL_INTERVAL_SECONDS="0.05",
                VENDOR_TIMEOUT_SECONDS="10",
                MAX_ACTIVE_JOBS_PER_USER="20",
                SHUTDOWN_GRACE_SECONDS="0.2",
                TELEGRAM_GROUP_MESSAGES_PER_MINUTE="10000",
                TELEGRAM_MESSAGES_PER_SECOND="10000",
                CREDITS_ENABLED="true",  # each job reserves its price, captured on delivery
                FREE_CREDITS_PER_DAY="1000",
                SUPPORT_CONTACT="@support",
                **vendor_env(uniall),
            )
            replicas.append(Replica(name, port, env, cwd))
        delivery = asyncio.create_task(splitter.run(client))
        found = Cluster(telegram, uniall, database, splitter, replicas, client)
        try:
            for count, replica in enumerate(replicas, start=1):
                await replica.start()
                await found.serving(replica, count)
            yield found
        finally:
            delivery.cancel()
            await asyncio.gather(*(replica.stop() for replica in replicas))
            await runner.cleanup()
            database.drop()


async def test_two_replicas_behind_a_balancer_deliver_each_job_once_and_survive_a_kill(
    cluster: Cluster, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    a, b = cluster.replicas
    telegram.add_chat(GROUP)
    bob, carol = member(telegram, BOB, GROUP), member(telegram, CAROL, GROUP)
    erin = Person(telegram, ERIN, TgChat.private(ERIN))

    # -- a mix of jobs, through the balancer ----------------------------------------------------
    async def alices() -> None:
        await order(alice, "a lighthouse in a storm")
        await order(alice, "a fox in the snow")

    await asyncio.gather(
        alices(),
        order(bob, "a steam train on a viaduct", mention="@veo_test_bot"),
        order(carol, "a paper lantern on a lake", mention="@veo_test_bot"),
        order_photo(erin, "the cat blinks"),
    )
    first = {
        "a lighthouse in a storm",
        "a fox in the snow",
        "a steam train on a viaduct",
        "a paper lantern on a lake",
        "the cat blinks",
    }
    # The vendor fetches the photo from PUBLIC_BASE_URL: either replica serves it.
    await cluster.telegram.wait_for(  # pressing Create is answered before the job is submitted
        lambda: any("image" in body for body in uniall.submissions), timeout=20
    )
    [image] = [body["image"] for body in uniall.submissions if "image" in body]
    assert image.startswith(cluster.splitter.url + "/media/")
    for _ in range(4):
        async with cluster.client.get(image) as served:
            assert served.status == 200
            assert await served.read() == photo_bytes(1)
    assert {name for path, name, _ in cluster.splitter.forwarded if "/media/" in path} == {
        "A",
        "B",
    }

    await telegram.wait_for(
        lambda: (
            {p: r["state"] for p, r in cluster.by_prompt().items()}
            == dict.fromkeys(first, "delivered")
        ),
        timeout=30,
    )
    assert {name for _, name in cluster.splitter.handled_by} == {"A", "B"}
    assert Counter(prompt_of(call) for call in accepted_videos(telegram)) == dict.fromkeys(
        first, 1
    )
    assert len(uniall.tasks) == len(first)

    # -- a replica killed while it holds a job in flight ----------------------------------------
    uniall.script = [
        queued(),
        *[delay(SLOW_POLL_SECONDS, in_progress(60))] * SLOW_POLLS,
        completed(),
    ]
    late = ["a whale breaching at dawn", "a hummingbird in slow motion"]
    for prompt in late:
        await order(alice, prompt)

    def held_in_flight() -> tuple[Replica, dict[str, Any]] | None:
        """A live replica holding one of the late jobs mid-poll, both still early in polling."""
        rows = [row for prompt, row in cluster.by_prompt().items() if prompt in late]
        if len(rows) < len(late) or any(row["state"] != "running" for row in rows):
            return None
        if any(uniall.tasks[row["vendor_task_id"]].polls > SLOW_POLLS // 2 for row in rows):
            return None
        for row in rows:
            for replica in (a, b):
                if replica.holds(row["claimed_by"]):
                    return replica, row
        return None

    victim, _ = await telegram.wait_for(held_in_flight, timeout=20)
    await victim.kill()
    killed_at = time.monotonic()

    await telegram.wait_for(
        lambda: all(cluster.by_prompt()[prompt]["state"] == "delivered" for prompt in late),
        timeout=JOB_LEASE_SECONDS + SLOW_POLLS * SLOW_POLL_SECONDS + TAKEOVER_MARGIN_SECONDS,
    )
    finished_after = time.monotonic() - killed_at
    late_sends = [call for call in accepted_videos(telegram) if prompt_of(call) in late]
    assert all(call.at > killed_at for call in late_sends)  # the survivor delivered them
    assert finished_after <= (
        JOB_LEASE_SECONDS + SLOW_POLLS * SLOW_POLL_SECONDS + TAKEOVER_MARGIN_SECONDS
    )

    # -- the killed replica rejoins; one update posted to both takes effect once ----------------
    await victim.start()
    await cluster.serving(victim, 3)
    cluster.splitter.paused = True
    uniall.script = [queued(), completed()]
    sent = alice.send("/video one update, two replicas")
    statuses = await cluster.post_to_all(await cluster.taken())
    cards = [m for m in telegram.messages(alice.chat.id) if m.reply_to_message_id == sent]
    assert len(cards) == 1
    query = telegram.press_button(
        alice.user, alice.chat, cards[0].message_id, cards[0].button_data("Create video")
    )
    statuses += await cluster.post_to_all(await cluster.taken())
    assert telegram.callback_answer(query) is not None
    await telegram.wait_for(
        lambda: cluster.by_prompt()["one update, two replicas"]["state"] == "delivered",
        timeout=20,
    )
    assert set(statuses) <= {200, 503}  # 503: the other replica was still on it

    # -- every job: one vendor task, one video --------------------------------------------------
    everything = [*first, *late, "one update, two replicas"]
    rows = cluster.rows()
    assert sorted(prompt_in(row) for row in rows) == sorted(everything)
    assert {row["state"] for row in rows} == {"delivered"}
    assert len(uniall.submissions) == len(uniall.tasks) == len(everything)
    assert {row["vendor_task_id"] for row in rows} == set(uniall.tasks)
    assert Counter(prompt_of(call) for call in accepted_videos(telegram)) == dict.fromkeys(
        everything, 1
    )
    # Credits: each job's reservation captured once, by whichever replica delivered it.
    moves = cluster.database.fetch(
        "SELECT job_id, kind, amount FROM ledger WHERE job_id IS NOT NULL"
    )
    for row in rows:
        kinds = Counter(move["kind"] for move in moves if move["job_id"] == row["id"])
        assert kinds == {"reserve": 1, "capture": 1}, (prompt_in(row), kinds)
