"""What every job step shares: a guarded move the person hears about, and saying "later"."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

from bot.domain.errors import StorageError, VendorError, VendorRateLimitedError
from bot.domain.jobs import Job, JobState
from bot.domain.status import FailureKind
from bot.services.feed import StatusFeed
from bot.services.joblog import log_job_end
from bot.services.ports import Clock
from bot.store.jobs import JobChanges, JobStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobPolicy:
    job_timeout_seconds: float
    upload_limit_bytes: int
    media_dir: Path
    poll_interval_override: float | None = None
    max_submit_attempts: int = 5
    max_delivery_attempts: int = 8
    max_backoff_seconds: float = 300.0
    # How long a claimed step may run before its claim is renewed (Worker renews every third).
    claim_lease_seconds: float = 30.0
    # Vendor calls (submits, polls, downloads) at once: MAX_CONCURRENT_VENDOR_CALLS.
    max_vendor_calls: int = 4


# States shown only when they last this long: a quick delivery is not held up by its own
# progress edits (the chat may get a message a second, and the video is what the person wants).
QUIET_SECONDS = {JobState.FETCHING: 2.0, JobState.DELIVERING: 2.0}


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
        # The job as it stood when the step gave up, when the step had already moved it (a
        # fetch that went on to deliver in the same claim); None: as the step found it.
        self.job: Job | None = None

    @classmethod
    def after(cls, error: VendorError) -> Later:
        """Try again after a vendor error, no sooner than a rate limit asks."""
        retry_after = error.retry_after if isinstance(error, VendorRateLimitedError) else None
        return cls(error.message, retry_after=retry_after)


class Unsaved(Exception):
    """A move the store could not write; `retry` writes it again, without asking anyone.

    The vendor's (or Telegram's) answer that led to the move is kept in `retry`, so the step
    is not taken again while storage fails: a vendor is not asked twice about an answer the
    bot could not store, and a video Telegram accepted is not sent again.
    """

    def __init__(self, job_id: int, retry: Callable[[], Awaitable[object]]) -> None:
        super().__init__(f"job {job_id}: the move could not be stored")
        self.retry = retry


class JobMoves:
    """Moves jobs through the store's guarded updates and shows each move the person.

    With a `claimant` (the worker's steps), a move is written only while that process still
    holds the job's claim: one whose claim another process took over cannot write (fencing).
    """

    def __init__(
        self,
        store: JobStore,
        feed: StatusFeed,
        clock: Clock,
        claimant: str | None = None,
        *,
        on_delivered: Callable[[Job], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._feed = feed
        self._on_delivered = on_delivered  # after a delivery is recorded (referral credits)
        self._clock = clock
        self._claimant = claimant

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
        try:
            moved = await self._store.transition(
                job.id, expected, new, now=self._clock(), claimant=self._claimant, **changes
            )
        except StorageError as error:
            raise Unsaved(
                job.id, lambda: self.move(job, expected, new, tell=tell, **changes)
            ) from error
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
        try:
            ended = await self._store.finish(
                job.id, expected, end, now=self._clock(), claimant=self._claimant, **changes
            )
        except StorageError as error:
            raise Unsaved(
                job.id, lambda: self.finish(job, expected, end, tell=tell, **changes)
            ) from error
        if ended:
            log_job_end(ended)
            if ended.state is JobState.DELIVERED and self._on_delivered is not None:
                try:
                    await self._on_delivered(ended)
                except Exception:
                    log.exception("job %s: could not settle what its delivery settles", job.id)
        if ended and tell:
            await self.notify(ended)
        return ended

    async def fail(self, job: Job, expected: JobState, kind: FailureKind, detail: str) -> None:
        await self.finish(job, expected, JobState.FAILED, failure_kind=kind, failure_detail=detail)

    async def notify(self, job: Job) -> None:
        """Show a job's state: its end is waited for, progress goes out in the background
        (and "downloading"/"sending" only if the video is not there by then)."""
        if job.state.is_terminal:
            await self._feed.shown(job)
        else:
            self._feed.post(job, after=QUIET_SECONDS.get(job.state, 0.0))


class Troubles:
    """Jobs whose last step failed unexpectedly, resting in memory (storage may be failing).

    The rest starts at `first` seconds and doubles to `ceiling`, so a failing disk costs a
    few attempts a minute, not a loop; a job whose move could not be stored keeps the move.
    """

    def __init__(self, first: float, ceiling: float) -> None:
        self._first = first
        self._ceiling = ceiling
        self._until: dict[int, float] = {}
        self._failures: dict[int, int] = {}
        self._unsaved: dict[int, Callable[[], Awaitable[object]]] = {}

    def rest(
        self, job_id: int, now: float, *, retry: Callable[[], Awaitable[object]] | None = None
    ) -> None:
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        delay = min(self._ceiling, self._first * 2.0 ** (failures - 1))
        self._until[job_id] = now + delay
        if retry is not None:
            self._unsaved[job_id] = retry

    def clear(self, job_id: int) -> None:
        self._until.pop(job_id, None)
        self._failures.pop(job_id, None)
        self._unsaved.pop(job_id, None)

    def unsaved(self, job_id: int) -> Callable[[], Awaitable[object]] | None:
        """The move to write again before anything else is done for this job."""
        return self._unsaved.get(job_id)

    def resting(self, now: float) -> set[int]:
        return {job_id for job_id, until in self._until.items() if until > now}

    def next_back(self, now: float) -> float | None:
        """When the first job still resting may be tried again."""
        return min((until for until in self._until.values() if until > now), default=None)
