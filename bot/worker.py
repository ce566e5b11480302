"""The one loop that moves jobs forward; the database is the queue, this only ticks.

Each due job is claimed for this process for a lease (JOB_LEASE_SECONDS) before its step
runs, the claim is renewed every third of the lease while the step runs, and let go when it
ends. On SQLite this process is the only claimant; on PostgreSQL several processes claim from
one queue and never take the same job (see JobStore.claim_due), and one that dies leaves its
jobs to the others when its leases lapse: a job it left mid-submit is failed, never resent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from bot.domain.jobs import UPLOAD_STATES, WAITING_STATES, Job, JobState
from bot.services.jobs import JobService
from bot.services.ports import Clock

log = logging.getLogger(__name__)

IDLE_TICK_SECONDS = 1.0
EXPIRE_EVERY_SECONDS = 1.0
SWEEP_EVERY_SECONDS = 3600.0
MAX_TICK_REST_SECONDS = 60.0
# Uploads wait for Telegram's pace in their chat, not for the vendor: they get their own slots,
# so polls keep their schedule while videos go out.
DELIVERY_SLOTS = 8


@dataclass
class _Pool:
    """Slots for the steps of some states, and the jobs claimed for them.

    Up to `ahead` jobs are claimed at once (running, or waiting for one of the `slots`), so a
    finished step is followed by the next without a trip to the database, and claims come in
    batches: a pool claims again once half of its claims are done.
    """

    states: frozenset[JobState]
    slots: asyncio.Semaphore
    ahead: int
    jobs: set[int] = field(default_factory=set)

    @property
    def room(self) -> int:
        return self.ahead - len(self.jobs)

    @property
    def hungry(self) -> bool:
        return self.room * 2 >= self.ahead


class Worker:
    def __init__(
        self,
        jobs: JobService,
        *,
        concurrency: int,
        clock: Clock,
        grace_seconds: float,
        upload_grace_seconds: float,
    ) -> None:
        self._jobs = jobs
        self._clock = clock
        self._grace_seconds = grace_seconds
        self._upload_grace_seconds = max(grace_seconds, upload_grace_seconds)
        # The vendor's steps: twice as many under way as vendor calls at once (JobService
        # limits those), so a step's database writes never hold up the next vendor call.
        self._pools = (
            _Pool(
                WAITING_STATES - UPLOAD_STATES, asyncio.Semaphore(2 * concurrency), 4 * concurrency
            ),
            _Pool(UPLOAD_STATES, asyncio.Semaphore(DELIVERY_SLOTS), DELIVERY_SLOTS),
        )
        self._stopping = False
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._delivering: set[int] = set()  # jobs whose step hands the video to Telegram
        self._ended: set[int] = set()  # steps that ended, whose claims are let go together
        self._loop_task: asyncio.Task[None] | None = None
        self._next_sweep_at = 0.0
        self._next_renew_at = 0.0
        self._next_expire_at = 0.0

    def wake(self) -> None:
        """Look for work now (a new job was queued)."""
        self._wake.set()

    async def start(self) -> None:
        await self._jobs.recover_after_restart()
        self._loop_task = asyncio.create_task(self._run(), name="job-worker")

    async def stop(self) -> None:
        """Stop taking work, give running steps a grace period, then cancel what is left.

        An upload under way has the longer upload grace: cancelled after Telegram took the
        video but before the job was recorded delivered, it would be sent again at the next
        start. A submit cancelled here leaves its job in `submitting`, which the next start
        fails rather than risk a second submit.
        """
        self._stopping = True
        self._stopped.set()
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
        others = dict(self._in_flight)
        uploads = {job_id: others.pop(job_id) for job_id in self._delivering if job_id in others}
        if uploads:
            log.info("stopping after %d upload(s) under way", len(uploads))
        await _wait([*others.values(), *uploads.values()], self._grace_seconds)
        for step in others.values():
            step.cancel()
        await _wait(list(uploads.values()), self._upload_grace_seconds - self._grace_seconds)
        for job_id, step in uploads.items():
            if not step.done():
                log.warning("job %s: upload still running after the upload grace", job_id)
                step.cancel()
        await asyncio.gather(*others.values(), *uploads.values(), return_exceptions=True)
        await self._let_go()
        await self._jobs.close(self._grace_seconds)

    @property
    def healthy(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._tick()
                await self._sleep_until_due()
                failures = 0
            except Exception:
                failures += 1
                rest = min(MAX_TICK_REST_SECONDS, IDLE_TICK_SECONDS * 2.0**failures)
                log.exception("worker tick failed; trying again in %.0f s", rest)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(rest):
                        await self._stopped.wait()

    async def _tick(self) -> None:
        await self._let_go()
        await self._keep_claims()
        now = self._clock()
        if now >= self._next_expire_at:
            self._next_expire_at = now + EXPIRE_EVERY_SECONDS
            await self._jobs.expire_overdue()
        if now >= self._next_sweep_at:
            self._next_sweep_at = now + SWEEP_EVERY_SECONDS
            removed = self._jobs.sweep_media()
            if removed:
                log.info("removed %d old photos", removed)
        for pool in self._pools:
            if self._stopping:
                return
            if pool.hungry:
                await self._claim(pool)

    async def _claim(self, pool: _Pool) -> None:
        due = await self._jobs.claim_due(
            limit=pool.room, exclude=set(self._in_flight), states=pool.states
        )
        if self._stopping:
            # The stop came while looking: nothing new starts, an upload least of all.
            self._ended.update(job.id for job in due)
            return
        for job in due:
            self._ended.discard(job.id)  # ours again: its claim must not be let go now
            if job.state in self._uploading_states:
                self._delivering.add(job.id)
            pool.jobs.add(job.id)
            task = asyncio.create_task(self._advance(pool, job), name=f"job-{job.id}")
            self._in_flight[job.id] = task

    async def _advance(self, pool: _Pool, job: Job) -> None:
        try:
            async with pool.slots:
                if not self._stopping:
                    await self._jobs.advance(job)
        except Exception:
            log.exception("job %s: step failed", job.id)
        finally:
            self._ended.add(job.id)
            self._in_flight.pop(job.id, None)
            pool.jobs.discard(job.id)
            self._delivering.discard(job.id)
            if pool.hungry:
                self._wake.set()

    async def _let_go(self) -> None:
        """Let go of the claims of the steps that ended, in one write."""
        ended = self._ended - self._in_flight.keys()
        self._ended = set()
        if not ended:
            return
        try:
            await self._jobs.release(ended)
        except Exception as error:  # their leases lapse on their own
            log.warning("could not let go of %d job claim(s): %s", len(ended), error)

    @property
    def _uploading_states(self) -> frozenset[JobState]:
        """The states whose step may hand a video to Telegram (and so has the upload grace)."""
        if self._jobs.fetch_delivers:
            return UPLOAD_STATES
        return frozenset({JobState.DELIVERING})

    async def _keep_claims(self) -> None:
        """Every third of the lease: renew the claims of the steps under way and, with other
        processes on the database, fail the jobs one of them left mid-submit."""
        if self._clock() < self._next_renew_at:
            return
        self._next_renew_at = self._clock() + self._jobs.claim_lease_seconds / 3
        if self._in_flight:
            await self._jobs.renew(set(self._in_flight))
        if self._jobs.shared:
            await self._jobs.recover_lapsed()

    async def _sleep_until_due(self) -> None:
        """Until a pool with room has a job due, a step ends, or a second passed."""
        self._wake.clear()
        timeout = IDLE_TICK_SECONDS
        states = frozenset().union(*(pool.states for pool in self._pools if pool.hungry))
        if states:
            next_at = await self._jobs.next_action_at(exclude=set(self._in_flight), states=states)
            if next_at is not None:
                timeout = min(timeout, max(0.0, next_at - self._clock()))
        # asyncio.timeout, not wait_for: wait_for can swallow a cancellation on Python 3.11.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()


async def _wait(steps: list[asyncio.Task[None]], seconds: float) -> None:
    if steps and seconds > 0:
        await asyncio.wait(steps, timeout=seconds)
