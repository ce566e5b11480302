"""What every job step shares: a guarded move the person hears about, and saying "later"."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Unpack

from bot.domain.errors import VendorError, VendorRateLimitedError
from bot.domain.jobs import Job, JobState
from bot.domain.status import FailureKind
from bot.services.ports import Clock, JobNotifier
from bot.store.jobs import JobChanges, JobStore

log = logging.getLogger(__name__)


class Later(Exception):
    """A step that cannot go on now: the job waits a backoff, then the step runs again.

    Like arq's `Retry`: the step raises it and `JobService.advance` alone counts the attempt
    and picks the time. `detail`, when given, becomes the job's failure detail; `retry_after`
    is the least wait the other side asked for.
    """

    def __init__(self, detail: str | None = None, *, retry_after: float | None = None) -> None:
        super().__init__(detail or "later")
        self.detail = detail
        self.retry_after = retry_after

    @classmethod
    def after(cls, error: VendorError) -> Later:
        """Try again after a vendor error, no sooner than a rate limit asks."""
        retry_after = error.retry_after if isinstance(error, VendorRateLimitedError) else None
        return cls(error.message, retry_after=retry_after)


class JobMoves:
    """Moves jobs through the store's guarded updates and shows each move the person."""

    def __init__(self, store: JobStore, notifier: JobNotifier, clock: Clock) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock

    async def move(
        self,
        job: Job,
        expected: JobState | Iterable[JobState],
        new: JobState,
        *,
        tell: bool = True,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """Move an unfinished job on; None when it was no longer where `expected` says."""
        moved = await self._store.transition(job.id, expected, new, now=self._clock(), **changes)
        if moved and tell:
            await self.notify(moved)
        return moved

    async def finish(
        self,
        job: Job,
        expected: JobState | Iterable[JobState],
        end: JobState,
        *,
        tell: bool = True,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """End a job, settling its credits in the same transaction."""
        ended = await self._store.finish(job.id, expected, end, now=self._clock(), **changes)
        if ended and tell:
            await self.notify(ended)
        return ended

    async def fail(self, job: Job, expected: JobState, kind: FailureKind, detail: str) -> None:
        await self.finish(job, expected, JobState.FAILED, failure_kind=kind, failure_detail=detail)

    async def notify(self, job: Job) -> None:
        """Show a job's state; a status message that cannot be updated is only logged."""
        try:
            sent = await self._notifier.job_changed(job)
        except Exception:
            log.exception("job %s: could not update the status message", job.id)
            return
        if sent is not None:
            await self._store.set_status_message(job.id, sent)
