"""Claims on jobs: which process works a job's step, until when (issue 11: several replicas).

On PostgreSQL rows are claimed FOR UPDATE SKIP LOCKED with a lease, and every move of a claimed
step is fenced by `claimed_by`; on SQLite the same SQL runs for the one process there is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from bot.domain.jobs import Job, JobState
from bot.store.database import Database, Row
from bot.store.job_rows import _COLUMNS, JOBS_CHANNEL, _job, _placeholders, _waiting


class JobClaims:
    """The claim half of JobStore."""

    _db: Database

    async def claim_due(
        self,
        claimant: str,
        now: float,
        *,
        lease_seconds: float,
        limit: int,
        exclude: Iterable[int] = (),
        states: Iterable[JobState] | None = None,
    ) -> list[Job]:
        """Claim the waiting jobs (in `states`, when given) whose next action is due, oldest
        first, for `lease_seconds`.

        A job is free to claim when nobody holds it, when `claimant` already does, or when its
        holder's lease lapsed. On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so
        processes claiming at once never take the same job.
        """
        where, values = _waiting(exclude, states)
        count = len(values)
        rows = await self._claim(
            f"{where} AND next_action_at <= ${count + 3}",
            "ORDER BY next_action_at",
            values,
            claimant,
            now,
            lease_seconds,
            limit,
            mine=True,
        )
        return sorted((_job(row) for row in rows), key=lambda job: (job.next_action_at, job.id))

    async def claim_lapsed(
        self, claimant: str, state: JobState, now: float, *, lease_seconds: float
    ) -> list[Job]:
        """Take over the jobs in `state` that nobody holds or whose holder's lease lapsed."""
        rows = await self._claim(
            "WHERE state = $1", "ORDER BY id", [state], claimant, now, lease_seconds, None
        )
        return sorted((_job(row) for row in rows), key=lambda job: job.id)

    async def _claim(
        self,
        where: str,
        order: str,
        values: list[object],
        claimant: str,
        now: float,
        lease_seconds: float,
        limit: int | None,
        *,
        mine: bool = False,
    ) -> list[Row]:
        """Claim the jobs `where` picks (its parameters: `values`, then claimant, lease end,
        now and the limit) that are free: held by nobody, by a lapsed lease, or (`mine`)
        already by `claimant`."""
        count = len(values)
        own = f" OR claimed_by = ${count + 1}" if mine else ""
        free = f"(claimed_by IS NULL OR lease_until <= ${count + 3}{own})"
        limited = f" LIMIT ${count + 4}" if limit is not None else ""
        parameters = [*values, claimant, now + lease_seconds, now]
        if limit is not None:
            parameters.append(limit)
        return await self._db.write_rows(
            f"UPDATE jobs SET claimed_by = ${count + 1}, lease_until = ${count + 2} "
            f"WHERE id IN (SELECT id FROM jobs {where} AND {free} {order}{limited}"
            f"{self._db.claim_lock}) RETURNING {_COLUMNS}",
            *parameters,
        )

    async def renew_claims(self, claimant: str, job_ids: Iterable[int], until: float) -> int:
        """Extend the claims `claimant` still holds on these jobs; how many it holds."""
        ids = list(job_ids)
        if not ids:
            return 0
        return await self._db.write(
            f"UPDATE jobs SET lease_until = $1 WHERE claimed_by = $2 "
            f"AND id IN ({_placeholders(ids, 3)})",
            until,
            claimant,
            *ids,
        )

    async def release_claims(self, claimant: str, job_ids: Iterable[int]) -> None:
        """Let go of jobs whose steps ended (a claim another took over stays theirs)."""
        ids = list(job_ids)
        if not ids:
            return
        await self._db.write(
            "UPDATE jobs SET claimed_by = NULL, lease_until = NULL "
            f"WHERE claimed_by = $1 AND id IN ({_placeholders(ids, 2)})",
            claimant,
            *ids,
        )

    async def forget_claims(self) -> None:
        """Drop every claim: at the start of the only process a database has (SQLite), all
        of them were left by a process that is gone."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET claimed_by = NULL, lease_until = NULL "
                "WHERE claimed_by IS NOT NULL"
            )

    @property
    def shared(self) -> bool:
        """Whether other processes may work on these jobs too (PostgreSQL)."""
        return self._db.shared

    async def listen(self, wake: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        """Call `wake` whenever another process makes a job due; the answer stops it."""
        return await self._db.listen(JOBS_CHANNEL, wake)
