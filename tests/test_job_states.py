"""The job move table, held by the store, and the pure quota decision.

Every move the table allows goes through the store (transition, or finish for an end); every
move it does not allow is refused as a programming error and leaves the job where it was.
The quota decision is fed counts and answers a hold or a refusal with its reason.
"""

from __future__ import annotations

from itertools import count

import pytest

from bot.domain.credits import (
    DAY_SECONDS,
    Balance,
    Hold,
    QuotaCounts,
    QuotaError,
    QuotaReason,
    Quotas,
    decide,
)
from bot.domain.jobs import (
    EXPIRABLE_STATES,
    MOVES,
    TERMINAL_STATES,
    UNFINISHED_STATES,
    WAITING_STATES,
    IllegalMoveError,
    Job,
    JobState,
    can_move,
)
from bot.domain.request import GenerationRequest
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.jobs import JobStore
from tests.support.drafts import card_draft
from tests.support.postgres import SharedDatabase

# How the worker brings a job to each unfinished state.
PATH_TO = {
    JobState.QUEUED: (),
    JobState.SUBMITTING: (JobState.SUBMITTING,),
    JobState.RUNNING: (JobState.SUBMITTING, JobState.RUNNING),
    JobState.FETCHING: (JobState.SUBMITTING, JobState.RUNNING, JobState.FETCHING),
    JobState.DELIVERING: (
        JobState.SUBMITTING,
        JobState.RUNNING,
        JobState.FETCHING,
        JobState.DELIVERING,
    ),
}
ALLOWED = sorted((start, end) for start, ends in MOVES.items() for end in ends)
ILLEGAL = sorted(
    (start, end) for start in UNFINISHED_STATES for end in JobState if not can_move(start, end)
)


def test_the_named_sets_and_the_table_agree() -> None:
    assert set(MOVES) == set(JobState)
    assert set(JobState) - TERMINAL_STATES == UNFINISHED_STATES
    assert UNFINISHED_STATES - {JobState.SUBMITTING} == WAITING_STATES
    assert EXPIRABLE_STATES < WAITING_STATES
    for state in TERMINAL_STATES:
        assert MOVES[state] == frozenset()
        assert state.is_terminal
    for state in UNFINISHED_STATES:
        # Design §6: any unfinished job may fail, expire or be cancelled.
        assert {JobState.FAILED, JobState.EXPIRED, JobState.CANCELLED} <= MOVES[state]
        assert can_move(state, state) is (state in WAITING_STATES)
    assert {start for start, end in ALLOWED if end is JobState.DELIVERED} == {JobState.DELIVERING}


class Jobs:
    """A job store with a helper that makes a job and walks it to a state."""

    def __init__(self, db: Database) -> None:
        self.store = JobStore(db)
        self.drafts = DraftStore(db)
        self.chats = count(1)

    async def job_in(self, state: JobState) -> Job:
        draft = await card_draft(self.drafts, chat_id=next(self.chats))
        job = await self.store.create_from_draft(
            draft_id=draft.id,
            user_id=7,
            vendor="uniall",
            request=GenerationRequest(prompt="p"),
            price=0,
            quotas=Quotas(max_active_jobs=1000),
            now=1.0,
            deadline_at=9.0,
        )
        assert job is not None
        for following in PATH_TO[state]:
            moved = await self.store.transition(job.id, job.state, following, now=2.0)
            assert moved is not None
            job = moved
        assert job.state is state
        return job

    async def move(self, job: Job, end: JobState) -> Job | None:
        if end in TERMINAL_STATES:
            return await self.store.finish(job.id, job.state, end, now=3.0)
        return await self.store.transition(job.id, job.state, end, now=3.0)


@pytest.fixture
async def jobs(shared_database: SharedDatabase) -> Jobs:
    """On each engine (the database is closed and dropped by `shared_database`)."""
    return Jobs(await shared_database.open())


@pytest.mark.parametrize(("start", "end"), ALLOWED)
async def test_every_allowed_move_is_taken(jobs: Jobs, start: JobState, end: JobState) -> None:
    job = await jobs.job_in(start)
    moved = await jobs.move(job, end)
    assert moved is not None
    assert moved.state is end
    assert (await jobs.store.get(job.id)) == moved


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
async def test_an_illegal_move_is_refused(jobs: Jobs, start: JobState, end: JobState) -> None:
    job = await jobs.job_in(start)
    with pytest.raises(IllegalMoveError, match=f"from {start} to {end}"):
        await jobs.move(job, end)
    assert await jobs.store.get(job.id) == job


async def test_an_ended_job_moves_nowhere(jobs: Jobs) -> None:
    job = await jobs.job_in(JobState.QUEUED)
    ended = await jobs.store.finish(job.id, JobState.QUEUED, JobState.CANCELLED, now=3.0)
    assert ended is not None
    with pytest.raises(IllegalMoveError):
        await jobs.store.finish(job.id, JobState.CANCELLED, JobState.FAILED, now=4.0)
    with pytest.raises(IllegalMoveError):
        await jobs.store.transition(job.id, JobState.CANCELLED, JobState.QUEUED, now=4.0)
    # Expecting a state the job is not in is a lost race, not an error.
    assert await jobs.store.finish(job.id, UNFINISHED_STATES, JobState.FAILED, now=4.0) is None
    assert await jobs.store.get(job.id) == ended


async def test_an_end_goes_through_finish_and_only_an_end(jobs: Jobs) -> None:
    job = await jobs.job_in(JobState.QUEUED)
    with pytest.raises(ValueError, match="use finish"):
        await jobs.store.transition(job.id, JobState.QUEUED, JobState.CANCELLED, now=3.0)
    with pytest.raises(ValueError, match="use transition"):
        await jobs.store.finish(job.id, JobState.QUEUED, JobState.SUBMITTING, now=3.0)
    assert await jobs.store.get(job.id) == job


# -- the quota decision ---------------------------------------------------------------------

NOON = 19676 * DAY_SECONDS + 12 * 3600
OPEN = QuotaCounts(
    active_jobs=0, last_job_at=None, spent_today=0, balance=Balance(free=3, paid=10)
)
CHARGING = Quotas(credits=True, free_per_day=3, daily_cap=50, max_active_jobs=2)


def test_a_job_that_passes_holds_free_credits_first() -> None:
    assert decide(OPEN, price=2, quotas=CHARGING, now=NOON) == Hold(free=2, paid=0)
    assert decide(OPEN, price=8, quotas=CHARGING, now=NOON) == Hold(free=3, paid=5)
    assert decide(OPEN, price=13, quotas=CHARGING, now=NOON) == Hold(free=3, paid=10)


def test_a_free_job_or_a_bot_without_credits_holds_nothing() -> None:
    broke = OPEN.model_copy(update={"balance": Balance(free=0, paid=0), "spent_today": 99})
    assert decide(broke, price=0, quotas=CHARGING, now=NOON) == Hold()
    free_bot = CHARGING.model_copy(update={"credits": False})
    assert decide(broke, price=10, quotas=free_bot, now=NOON) == Hold()


@pytest.mark.parametrize(
    ("counts", "quotas", "reason", "params"),
    [
        (
            OPEN.model_copy(update={"active_jobs": 2}),
            CHARGING,
            QuotaReason.ACTIVE_JOBS,
            {"count": 2, "limit": 2},
        ),
        (
            OPEN.model_copy(update={"last_job_at": NOON - 10.5}),
            CHARGING.model_copy(update={"cooldown_seconds": 30.0}),
            QuotaReason.COOLDOWN,
            {"seconds": 20},
        ),
        (
            OPEN.model_copy(update={"spent_today": 45}),
            CHARGING,
            QuotaReason.DAILY_CAP,
            {"reopens_at": NOON + 12 * 3600},
        ),
        (
            OPEN,
            CHARGING,
            QuotaReason.BALANCE,
            {"price": 14, "balance": 13, "free_per_day": 3},
        ),
    ],
)
def test_each_refusal_says_why(
    counts: QuotaCounts, quotas: Quotas, reason: QuotaReason, params: dict[str, object]
) -> None:
    with pytest.raises(QuotaError) as refused:
        decide(counts, price=14 if reason is QuotaReason.BALANCE else 6, quotas=quotas, now=NOON)
    assert refused.value.reason is reason
    assert refused.value.params == params


def test_the_checks_come_in_order_and_a_cooldown_ends() -> None:
    everything_wrong = QuotaCounts(
        active_jobs=5, last_job_at=NOON, spent_today=99, balance=Balance(free=0, paid=0)
    )
    cooling = CHARGING.model_copy(update={"cooldown_seconds": 30.0})
    for counts, reason in [
        (everything_wrong, QuotaReason.ACTIVE_JOBS),
        (everything_wrong.model_copy(update={"active_jobs": 0}), QuotaReason.COOLDOWN),
        (
            everything_wrong.model_copy(update={"active_jobs": 0, "last_job_at": NOON - 30}),
            QuotaReason.DAILY_CAP,
        ),
        (
            everything_wrong.model_copy(
                update={"active_jobs": 0, "last_job_at": NOON - 30, "spent_today": 0}
            ),
            QuotaReason.BALANCE,
        ),
    ]:
        with pytest.raises(QuotaError) as refused:
            decide(counts, price=6, quotas=cooling, now=NOON)
        assert refused.value.reason is reason
    no_cap = cooling.model_copy(update={"daily_cap": None})
    passed = everything_wrong.model_copy(
        update={"active_jobs": 0, "last_job_at": NOON - 30, "balance": Balance(free=0, paid=6)}
    )
    assert decide(passed, price=6, quotas=no_cap, now=NOON) == Hold(free=0, paid=6)
