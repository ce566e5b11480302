"""Several processes on one database: job claims, fencing, lapsed submits, wakes, alerts.

Each `shared.open()` is a Database as another bot process would have it on the same database
(on SQLite the engine's single claimant is checked the same way, one process at a time).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.credits import Quotas
from bot.domain.jobs import Job, JobState
from bot.domain.request import GenerationRequest
from bot.domain.status import FailureKind
from bot.services.alerts import OperatorAlerts
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.services.ports import DeliveredVideo, VideoMeta
from bot.services.steps import JobPolicy
from bot.store.alerts import AlertStore
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.hosting import HostingStore
from bot.store.jobs import JobStore
from bot.store.ledger import LedgerStore
from tests.support.drafts import card_draft
from tests.support.postgres import PostgresEngine, SharedDatabase

T0 = 1_750_000_000.0
ALICE = 1
LEASE = 30.0
PRICE = 2
REQUEST = GenerationRequest(prompt="a cat on a skateboard")
QUOTAS = Quotas(credits=True, free_per_day=0, max_active_jobs=1000)


async def _job(db: Database, chat_id: int, *, now: float = T0) -> Job:
    """A queued job of Alice's in its own chat, its price reserved."""
    draft = await card_draft(
        DraftStore(db), chat_id=chat_id, user_id=ALICE, prompt=REQUEST.prompt, now=now
    )
    job = await JobStore(db).create_from_draft(
        draft_id=draft.id,
        user_id=ALICE,
        vendor="uniall",
        request=REQUEST,
        price=PRICE,
        quotas=QUOTAS,
        now=now,
        deadline_at=now + 3600,
    )
    assert job is not None
    return job


async def _funded(db: Database, credits: int) -> None:
    assert await LedgerStore(db).grant(ALICE, credits, "grant:1", "test", T0)


async def test_claimers_at_once_never_take_a_job_twice(shared_database: SharedDatabase) -> None:
    dbs = await shared_database.open_many(4)
    await _funded(dbs[0], 40 * PRICE)
    made = {(await _job(dbs[0], chat_id=100 + i)).id for i in range(40)}
    taken: dict[str, list[int]] = {f"replica {n}": [] for n in range(len(dbs))}

    async def claimer(name: str, db: Database) -> None:
        store = JobStore(db)
        while True:
            # A claimer's own claims are free to it again: the worker leaves out its steps.
            found = await store.claim_due(
                name, T0 + 1, lease_seconds=LEASE, limit=3, exclude=taken[name]
            )
            if not found:
                return
            taken[name] += [job.id for job in found]

    await asyncio.gather(*(claimer(name, db) for name, db in zip(taken, dbs, strict=True)))

    every = [job_id for ids in taken.values() for job_id in ids]
    assert sorted(every) == sorted(made)  # each job once, by one claimer
    rows = await dbs[0].all("SELECT id, claimed_by FROM jobs")
    holders = {row["id"]: row["claimed_by"] for row in rows}
    assert all(holders[job_id] == name for name, ids in taken.items() for job_id in ids)


async def test_a_lapsed_claim_is_taken_over_and_its_old_holder_cannot_write(
    shared_database: SharedDatabase,
) -> None:
    first, second = await shared_database.open_many(2)
    await _funded(first, 10)
    job = await _job(first, chat_id=100)
    a, b = JobStore(first), JobStore(second)

    assert [j.id for j in await a.claim_due("a", T0 + 1, lease_seconds=LEASE, limit=5)] == [job.id]
    # While A's lease holds, B finds nothing; once it lapsed, B takes the job over.
    assert await b.claim_due("b", T0 + LEASE / 2, lease_seconds=LEASE, limit=5) == []
    later = T0 + 1 + LEASE + 1
    assert [j.id for j in await b.claim_due("b", later, lease_seconds=LEASE, limit=5)] == [job.id]

    # A comes back: every write it tries is refused, and its claim cannot be renewed or freed.
    refused = await a.transition(
        job.id, JobState.QUEUED, JobState.SUBMITTING, now=later, claimant="a"
    )
    assert refused is None
    assert (
        await a.finish(job.id, JobState.QUEUED, JobState.FAILED, now=later, claimant="a") is None
    )
    assert await a.renew_claims("a", [job.id], later + LEASE) == 0
    await a.release_claims("a", [job.id])

    moved = await b.transition(
        job.id, JobState.QUEUED, JobState.SUBMITTING, now=later, claimant="b"
    )
    assert moved is not None
    assert moved.state is JobState.SUBMITTING
    row = await second.one("SELECT claimed_by FROM jobs WHERE id = $1", (job.id,))
    assert row is not None
    assert row["claimed_by"] == "b"


class _Quiet:
    """Telegram for a JobService that only fails jobs: nothing to show."""

    async def job_changed(self, job: Job) -> int | None:
        return None

    def outdated(self, job: Job) -> None:
        return None

    async def send_video(self, job: Job, video: Path, meta: VideoMeta) -> DeliveredVideo:
        raise AssertionError("no video here")

    async def send_link(self, job: Job, limit_bytes: int) -> None:
        raise AssertionError("no link here")


def _service(db: Database, name: str, now: float, media: Path) -> JobService:
    store = JobStore(db)
    return JobService(
        store,
        {},
        _Quiet(),
        MediaLibrary(media, HostingStore(db), public_base_url=None, clock=lambda: now),
        OperatorAlerts(None, lambda: now),
        JobPolicy(job_timeout_seconds=3600, upload_limit_bytes=1, media_dir=media),
        lambda: now,
        instance_id=name,
    )


async def test_a_job_left_mid_submit_is_failed_and_released_never_resent(
    shared_database: SharedDatabase, tmp_path: Path
) -> None:
    first, second = await shared_database.open_many(2)
    await _funded(first, 10)
    left, alive = await _job(first, chat_id=100), await _job(first, chat_id=101)
    a = JobStore(first)
    assert len(await a.claim_due("a", T0 + 1, lease_seconds=LEASE, limit=5)) == 2
    for job in (left, alive):
        assert await a.transition(
            job.id, JobState.QUEUED, JobState.SUBMITTING, now=T0 + 1, claimant="a"
        )
    # A renews the claim of the submit still under way; the other one's lease lapses.
    later = T0 + 1 + LEASE + 1
    assert await a.renew_claims("a", [alive.id], later + LEASE) == 1

    await _service(second, "b", later, tmp_path).recover_lapsed()

    jobs = {job.id: job for job in await JobStore(second).in_states(JobState)}
    assert jobs[left.id].state is JobState.FAILED
    assert jobs[left.id].failure_kind is FailureKind.INTERRUPTED
    assert jobs[alive.id].state is JobState.SUBMITTING  # its holder is still working on it
    settled = await second.all(
        "SELECT job_id, kind FROM ledger WHERE kind IN ('release', 'capture') ORDER BY id"
    )
    assert [(row["job_id"], row["kind"]) for row in settled] == [(left.id, "release")]
    # The failed job is never claimed again (so never submitted again), and A cannot revive it.
    assert await JobStore(second).claim_due("b", later, lease_seconds=LEASE, limit=5) == []
    assert (
        await a.transition(left.id, JobState.SUBMITTING, JobState.RUNNING, now=later, claimant="a")
        is None
    )


class _Sink:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_alert(self, text: str) -> None:
        self.sent.append(text)


async def test_an_alert_is_sent_once_across_replicas(shared_database: SharedDatabase) -> None:
    dbs = await shared_database.open_many(2)
    sink = _Sink()
    now = [T0]
    replicas = [OperatorAlerts(sink, lambda: now[0], AlertStore(db)) for db in dbs]

    await asyncio.gather(*(r.trouble("storage", "the disk is full") for r in replicas * 3))
    assert sink.sent == ["⚠️ the disk is full"]

    now[0] += 3601  # an hour on: said again, once
    await asyncio.gather(*(r.trouble("storage", "the disk is still full") for r in replicas))
    assert sink.sent[1:] == ["⚠️ the disk is still full"]


@pytest.fixture
async def postgres_shared(postgres_url: str) -> AsyncIterator[SharedDatabase]:
    """A fresh PostgreSQL database (NOTIFY is PostgreSQL's; SQLite has one process)."""
    engine = PostgresEngine(postgres_url)
    shared = SharedDatabase(engine, await engine.create())
    yield shared
    await shared.close()


async def test_a_new_job_or_a_callback_wakes_the_other_replica(
    postgres_shared: SharedDatabase,
) -> None:
    maker, worker = await postgres_shared.open_many(2)
    await _funded(maker, 10)
    woken = asyncio.Event()
    stop = await JobStore(worker).listen(woken.set)
    try:
        job = await _job(maker, chat_id=100)
        await asyncio.wait_for(woken.wait(), 5)

        woken.clear()
        store = JobStore(maker)
        assert await store.claim_due("a", T0 + 1, lease_seconds=LEASE, limit=1)
        await store.transition(job.id, JobState.QUEUED, JobState.SUBMITTING, now=T0, claimant="a")
        await store.transition(
            job.id, JobState.SUBMITTING, JobState.RUNNING, now=T0, claimant="a", vendor_task_id="t"
        )
        assert await store.poll_now("uniall", "t", T0 + 2)  # a vendor callback
        await asyncio.wait_for(woken.wait(), 5)
    finally:
        await stop()
