"""SQL for jobs: the durable queue that the worker moves forward with guarded updates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Unpack

from bot.domain.credits import Quotas
from bot.domain.jobs import TERMINAL_STATES, Job, JobState
from bot.domain.request import GenerationRequest
from bot.store.database import Database
from bot.store.job_claims import JobClaims
from bot.store.job_rows import (
    _COLUMNS,
    _FOLLOW_UP,
    _FROM_DRAFT,
    JOBS_CHANNEL,
    JobChanges,
    _check,
    _illegal_from,
    _job,
    _move,
    _placeholders,
    _queue,
    _queued,
    _refuse_illegal,
    _waiting,
)
from bot.store.ledger import settle

__all__ = ["JobChanges", "JobStore"]


class JobStore(JobClaims):
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, job_id: int) -> Job | None:
        return await self._one("WHERE id = $1", (job_id,))

    async def create_from_draft(
        self,
        *,
        draft_id: int,
        user_id: int,
        vendor: str,
        request: GenerationRequest,
        price: int,
        quotas: Quotas,
        now: float,
        deadline_at: float,
    ) -> Job | None:
        """Turn a draft into a queued job and reserve its price, in one transaction.

        None when the draft is gone: the draft id is the job's idempotency key, so a second
        confirm finds no draft and the UNIQUE column stops any race. A QuotaError rolls
        everything back.
        """
        values = (*_queued(vendor, request, price, now, deadline_at), draft_id, user_id)
        async with self._db.transaction() as conn:
            row = await _queue(conn, _FROM_DRAFT, values, price, quotas, now)
            if row is not None:
                await conn.execute("DELETE FROM drafts WHERE id = $1", draft_id)
                await conn.notify(JOBS_CHANNEL)
        return _job(row) if row else None

    async def create_follow_up(
        self,
        *,
        origin_key: str,
        parent: Job,
        vendor: str,
        request: GenerationRequest,
        status_message_id: int | None,
        price: int,
        quotas: Quotas,
        now: float,
        deadline_at: float,
    ) -> Job | None:
        """A job made straight from a delivered one, its price reserved in the same transaction.

        None when `origin_key` already made one.
        """
        values = (
            origin_key,
            parent.place.chat_id,
            parent.place.thread_id,
            parent.user_id,
            parent.language,
            parent.result_message_id or parent.request_message_id,
            status_message_id,
            *_queued(vendor, request, price, now, deadline_at),
        )
        async with self._db.transaction() as conn:
            row = await _queue(conn, _FOLLOW_UP, values, price, quotas, now)
            if row is not None:
                await conn.notify(JOBS_CHANNEL)
        return _job(row) if row else None

    async def recent(self, chat_id: int, user_id: int, limit: int) -> list[Job]:
        return await self._all(
            "WHERE chat_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3",
            (chat_id, user_id, limit),
        )

    async def delivered_to(self, user_id: int, limit: int) -> list[Job]:
        """This person's latest delivered videos in any chat, newest first."""
        return await self._all(
            "WHERE user_id = $1 AND state = 'delivered' AND file_id IS NOT NULL "
            "ORDER BY id DESC LIMIT $2",
            (user_id, limit),
        )

    async def by_result_message(self, chat_id: int, message_id: int) -> Job | None:
        return await self._one(
            "WHERE chat_id = $1 AND result_message_id = $2", (chat_id, message_id)
        )

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        await self._db.write(
            "UPDATE jobs SET status_message_id = $1 WHERE id = $2 AND status_message_id IS NULL",
            message_id,
            job_id,
        )

    async def next_action_at(
        self, *, exclude: Iterable[int] = (), states: Iterable[JobState] | None = None
    ) -> float | None:
        where, values = _waiting(exclude, states)
        row = await self._db.one(f"SELECT MIN(next_action_at) FROM jobs {where}", values)
        return float(row[0]) if row and row[0] is not None else None

    async def in_states(self, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        return await self._all(f"WHERE state IN ({_placeholders(wanted)}) ORDER BY id", wanted)

    async def overdue(self, now: float, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        return await self._all(
            f"WHERE state IN ({_placeholders(wanted)}) AND deadline_at <= ${len(wanted) + 1} "
            "ORDER BY id",
            (*wanted, now),
        )

    async def latest_for(
        self, chat_id: int, user_id: int, states: Iterable[JobState]
    ) -> Job | None:
        wanted = list(states)
        return await self._one(
            f"WHERE chat_id = $1 AND user_id = $2 AND state IN ({_placeholders(wanted, 3)}) "
            "ORDER BY id DESC LIMIT 1",
            (chat_id, user_id, *wanted),
        )

    async def poll_now(self, vendor: str, task_id: str, now: float) -> bool:
        """Make a running job with this vendor task due at once (a callback woke us)."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET next_action_at = $1, updated_at = $1 "
                "WHERE vendor = $2 AND vendor_task_id = $3 AND state = 'running'",
                now,
                vendor,
                task_id,
            )
            if changed:
                await conn.notify(JOBS_CHANNEL)
            return changed > 0

    async def _one(self, where: str, values: Iterable[object]) -> Job | None:
        row = await self._db.one(f"SELECT {_COLUMNS} FROM jobs {where}", values)
        return _job(row) if row else None

    async def _all(self, where: str, values: Iterable[object]) -> list[Job]:
        rows = await self._db.all(f"SELECT {_COLUMNS} FROM jobs {where}", values)
        return [_job(row) for row in rows]

    async def transition(
        self,
        job_id: int,
        expected: JobState | Iterable[JobState],
        new_state: JobState,
        *,
        now: float,
        claimant: str | None = None,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """Move an unfinished job on; None when it was not in an expected state any more (or,
        with a `claimant`, when that process no longer holds the job's claim).

        An illegal move (see bot.domain.jobs.MOVES) raises; ending a job is `finish`.
        """
        _check(changes)
        if new_state in TERMINAL_STATES:
            raise ValueError(f"{new_state} ends a job: use finish()")
        query, values = _move(job_id, expected, new_state, now, changes, claimant)
        rows = await self._db.write_rows(query, *values)
        if not rows:
            illegal = _illegal_from(expected, new_state)
            if illegal:  # only then can the job be where it must not move from
                async with self._db.read() as conn:
                    await _refuse_illegal(conn, job_id, illegal, new_state)
            return None
        return _job(rows[0])

    async def finish(
        self,
        job_id: int,
        expected: JobState | Iterable[JobState],
        end: JobState,
        *,
        now: float,
        claimant: str | None = None,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """End a job and settle its credits in one transaction; None when it was elsewhere
        (or, with a `claimant`, when that process no longer holds the job's claim).

        Delivered captures the reservation; every other end releases it.
        """
        _check(changes)
        if end not in TERMINAL_STATES:
            raise ValueError(f"{end} does not end a job: use transition()")
        async with self._db.transaction() as conn:
            query, values = _move(job_id, expected, end, now, changes, claimant)
            row = await conn.fetchrow(query, *values)
            if row is None:
                illegal = _illegal_from(expected, end)
                if illegal:
                    await _refuse_illegal(conn, job_id, illegal, end)
            else:
                capture = end is JobState.DELIVERED
                await settle(conn, job_id, row["user_id"], capture=capture, now=now)
        return _job(row) if row else None
