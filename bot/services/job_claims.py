"""The worker's side of JobService: claiming due jobs, keeping and letting go of the claims,
failing what a restart or a lost process left mid-submit, and the deadline."""

from __future__ import annotations

import logging

from bot.domain.jobs import EXPIRABLE_STATES, Job, JobState
from bot.domain.status import FailureKind
from bot.services.delivery import Delivery
from bot.services.media import MediaLibrary
from bot.services.ports import Clock
from bot.services.steps import JobMoves, JobPolicy, Troubles
from bot.store.jobs import JobStore

log = logging.getLogger(__name__)


class JobClaims:
    """The claim half of JobService (its attributes are JobService's)."""

    _store: JobStore
    _policy: JobPolicy
    _clock: Clock
    _troubles: Troubles
    _moves: JobMoves
    _anyone: JobMoves
    _delivery: Delivery
    _media: MediaLibrary
    instance_id: str

    async def recover_after_restart(self) -> None:
        """Fail jobs a restart caught mid-submit: the vendor may have them, so never resend.

        The only process on an SQLite database starts with every claim left by one that is
        gone; on PostgreSQL only claims whose lease lapsed are (see `recover_lapsed`).
        """
        if not self._store.shared:
            await self._store.forget_claims()
        await self.recover_lapsed()

    async def recover_lapsed(self) -> None:
        """Fail the jobs in submitting whose process stopped holding them (it died, or was
        restarted): the vendor may have them, so they are failed, credits released, never sent
        again. Each is taken over first, so a holder that comes back cannot write any more."""
        lapsed = await self._store.claim_lapsed(
            self.instance_id,
            JobState.SUBMITTING,
            self._clock(),
            lease_seconds=self._policy.claim_lease_seconds,
        )
        for job in lapsed:
            log.warning("job %s: found in submitting after a restart; failing it", job.id)
            await self._moves.fail(
                job, JobState.SUBMITTING, FailureKind.INTERRUPTED, "interrupted by a restart"
            )
        if lapsed:
            await self.release({job.id for job in lapsed})

    async def release(self, job_ids: set[int]) -> None:
        """Let go of jobs whose steps ended."""
        await self._store.release_claims(self.instance_id, job_ids)

    async def renew(self, job_ids: set[int]) -> None:
        """Keep holding the jobs whose steps are still under way."""
        until = self._clock() + self._policy.claim_lease_seconds
        await self._store.renew_claims(self.instance_id, job_ids, until)

    @property
    def shared(self) -> bool:
        """Whether other processes work on the same jobs (PostgreSQL)."""
        return self._store.shared

    @property
    def fetch_delivers(self) -> bool:
        """Whether a fetch step goes on to upload the video under the same claim."""
        return self._delivery.fetch_delivers

    @property
    def claim_lease_seconds(self) -> float:
        return self._policy.claim_lease_seconds

    async def expire_overdue(self) -> None:
        for job in await self._store.overdue(self._clock(), EXPIRABLE_STATES):
            ended = await self._anyone.finish(
                job, job.state, JobState.EXPIRED, tell=False, failure_detail=job.failure_detail
            )
            if ended:
                log.info("job %s: expired in %s", job.id, job.state)
                self._delivery.discard_video(job)
                await self._anyone.notify(ended)

    def sweep_media(self) -> int:
        return self._media.sweep()

    async def claim_due(
        self, *, limit: int, exclude: set[int], states: frozenset[JobState]
    ) -> list[Job]:
        """The due jobs waiting in `states`, claimed for this process for a lease (`release`
        when a step ends)."""
        resting = self._troubles.resting(self._clock())
        return await self._store.claim_due(
            self.instance_id,
            self._clock(),
            lease_seconds=self._policy.claim_lease_seconds,
            limit=limit,
            exclude=exclude | resting,
            states=states,
        )

    async def next_action_at(
        self, *, exclude: set[int], states: frozenset[JobState]
    ) -> float | None:
        resting = self._troubles.resting(self._clock())
        found = await self._store.next_action_at(exclude=exclude | resting, states=states)
        back = self._troubles.next_back(self._clock())
        return min((at for at in (found, back) if at is not None), default=None)
