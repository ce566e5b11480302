"""The job lifecycle: submit, poll, fetch, deliver, and every way a job ends (design §6)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from bot.domain.capabilities import validate
from bot.domain.errors import (
    InvalidRequestError,
    StorageError,
    VendorError,
    VendorTimeoutError,
)
from bot.domain.jobs import Job, JobState
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded
from bot.services.alerts import OperatorAlerts
from bot.services.delivery import Delivery
from bot.services.feed import StatusFeed
from bot.services.job_claims import JobClaims
from bot.services.job_reads import JobReads
from bot.services.media import MediaLibrary
from bot.services.ports import Clock, JobNotifier
from bot.services.steps import JobMoves, JobPolicy, Later, Troubles, Unsaved
from bot.store.jobs import JobChanges, JobStore
from bot.vendors.base import VideoVendor

log = logging.getLogger(__name__)

_OPERATOR_KINDS = (FailureKind.AUTH, FailureKind.BALANCE)
# A vendor that cannot take work at all: the job goes to the next configured vendor.
_FAILOVER_KINDS = (FailureKind.AUTH, FailureKind.BALANCE, FailureKind.UNAVAILABLE)


class JobService(JobReads, JobClaims):
    def __init__(
        self,
        store: JobStore,
        vendors: Mapping[str, VideoVendor],
        notifier: JobNotifier,
        media: MediaLibrary,
        alerts: OperatorAlerts,
        policy: JobPolicy,
        clock: Clock,
        *,
        instance_id: str = "this process",
        on_delivered: Callable[[Job], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._vendors = vendors
        self._media = media
        self._alerts = alerts
        self._policy = policy
        self._clock = clock
        self.instance_id = instance_id
        # The worker's steps move the jobs this process claimed, and only while it holds them;
        # the person's cancel and the deadline move any job, guarded by its state alone.
        self._notifier = notifier
        self._feed = StatusFeed(self._say, notifier.outdated)
        self._moves = JobMoves(
            store, self._feed, clock, claimant=instance_id, on_delivered=on_delivered
        )
        self._anyone = JobMoves(store, self._feed, clock)
        # Only the vendor calls take one of these, not the writes around them: a slow disk or
        # database does not hold the vendor's slots.
        self._vendor_calls = asyncio.Semaphore(policy.max_vendor_calls)
        self._delivery = Delivery(
            self._moves,
            vendors,
            notifier,
            clock,
            vendor_calls=self._vendor_calls,
            media_dir=policy.media_dir,
            upload_limit_bytes=policy.upload_limit_bytes,
            max_attempts=policy.max_delivery_attempts,
            # With other processes on the database, the one that downloads a video uploads it
            # too: the file is on its disk only.
            fetch_delivers=store.shared,
        )
        # The step each waiting state is waiting for.
        self._steps: dict[JobState, Callable[[Job], Awaitable[None]]] = {
            JobState.QUEUED: self._submit,
            JobState.RUNNING: self._poll,
            JobState.FETCHING: self._delivery.fetch,
            JobState.DELIVERING: self._delivery.deliver,
        }
        self._on_due: Callable[[], None] | None = None
        self._health: dict[str, str] = {}
        # A job in trouble rests like a poll, at least a second and at most five to start with.
        first_rest = min(5.0, max(1.0, policy.poll_interval_override or 5.0))
        self._troubles = Troubles(first_rest, policy.max_backoff_seconds)

    def vendor_health(self) -> dict[str, str]:
        """Each vendor's last answer: "ok", or what went wrong ("unknown" before any call)."""
        return {name: self._health.get(name, "unknown") for name in self._vendors}

    def _vendor_answered(self, vendor: str, error: VendorError | None) -> None:
        self._health[vendor] = "ok" if error is None else f"{error.kind.value}: {error.message}"

    def on_due(self, wake: Callable[[], None]) -> None:
        """Call `wake` when a job becomes due outside the worker (a vendor callback)."""
        self._on_due = wake

    # -- the worker's entry points (claims and recovery: JobClaims) ------------------------

    async def advance(self, job: Job) -> None:
        """Take the one step a due job is waiting for; a step that says `Later` waits.

        A step that fails for any other reason (storage failing, a bug) rests the job in
        memory, exponentially longer each time; a move the store could not write is written
        again after the rest instead of taking the step again.
        """
        try:
            unsaved = self._troubles.unsaved(job.id)
            if unsaved is not None:
                await unsaved()
            else:
                await self._step(job)
        except Unsaved as failed:
            log.warning("job %s: %s; trying the write again later", job.id, failed.__cause__)
            self._troubles.rest(job.id, self._clock(), retry=failed.retry)
        except Exception:
            log.exception("job %s: step failed; resting it", job.id)
            self._troubles.rest(job.id, self._clock())
        else:
            self._troubles.clear(job.id)

    async def _step(self, job: Job) -> None:
        step = self._steps.get(job.state)
        if step is None:
            return
        try:
            await step(job)
        except Later as later:
            await self._wait(later.job or job, later)

    async def _wait(self, job: Job, later: Later) -> None:
        """Back to the state the job waited in: one attempt more, due after a backoff."""
        attempts = job.attempts + 1
        delay = self._backoff_seconds(job, attempts)
        if later.retry_after is not None:
            delay = max(delay, later.retry_after)
        changes: JobChanges = {"attempts": attempts, "next_action_at": self._clock() + delay}
        if later.detail is not None:
            changes["failure_detail"] = later.detail
        # A submit holds its job in submitting; every other step works on it where it waits.
        held = JobState.SUBMITTING if job.state is JobState.QUEUED else job.state
        await self._moves.move(job, held, job.state, tell=False, **changes)

    # -- the person's entry points (the plain reads are in JobReads) -------------------------

    async def poll_soon(self, vendor: str, task_id: str) -> bool:
        """A vendor callback: poll that task now (the status endpoint stays the truth)."""
        found = await self._store.poll_now(vendor, task_id, self._clock())
        if found and self._on_due is not None:
            self._on_due()
        return found

    async def show(self, job: Job) -> None:
        """Show a job's state now (right after the person created it)."""
        await self._feed.shown(job)

    async def _say(self, job: Job) -> int | None:
        """Show a job's state in its status message (the feed calls this, one at a time)."""
        sent = await self._notifier.job_changed(job)
        if sent is not None:
            try:
                await self._store.set_status_message(job.id, sent)
            except StorageError as error:  # the feed still knows it for this job's next state
                log.warning("job %s: could not store its status message: %s", job.id, error)
        return sent

    async def close(self, grace: float) -> None:
        """Let status messages under way finish for up to `grace` seconds."""
        await self._feed.close(grace)

    async def cancel(self, job: Job) -> Job | None:
        """Cancel a job the vendor has not seen yet; None when it is past that point."""
        return await self._anyone.finish(job, JobState.QUEUED, JobState.CANCELLED)

    # -- the steps -------------------------------------------------------------------------

    async def _submit(self, job: Job) -> None:
        # A job is in submitting only while the vendor is being asked: its vendor call slot is
        # taken first (a queued job waiting for one keeps its place in line).
        async with self._vendor_calls:
            await self._submit_now(job)

    async def _submit_now(self, job: Job) -> None:
        claimed = await self._moves.move(job, JobState.QUEUED, JobState.SUBMITTING, tell=False)
        if claimed is None:
            return
        vendor = self._vendors[job.vendor]
        try:
            task_id = await vendor.submit(job.request, self._media.for_job(job.id))
        except VendorTimeoutError as exc:
            # A timeout, or an answer that does not prove nothing was made (VendorHttp.call).
            self._vendor_answered(job.vendor, exc)
            await self._unknown_outcome(claimed, exc.message)
            return
        except VendorError as exc:
            self._vendor_answered(job.vendor, exc)
            await self._submit_failed(claimed, exc)
            return
        except InvalidRequestError as exc:
            # A photo vanished or cannot be handed over: nothing reached the vendor.
            await self._moves.fail(claimed, JobState.SUBMITTING, FailureKind.INPUT, exc.key)
            return
        except Exception:
            log.exception("job %s: unexpected error while submitting", job.id)
            await self._unknown_outcome(claimed, "internal error")
            return
        self._vendor_answered(job.vendor, None)
        next_poll = self._clock() + self._poll_interval(vendor)
        log.info("job %s: submitted to %s as %s", job.id, job.vendor, task_id)
        await self._moves.move(
            job,
            JobState.SUBMITTING,
            JobState.RUNNING,
            vendor_task_id=task_id,
            attempts=0,
            next_action_at=next_poll,
        )

    async def _unknown_outcome(self, job: Job, detail: str) -> None:
        """A submit that may have made a task: never sent again (nor to another vendor).

        The job fails (its credits are released) and the operator is told the job, the vendor
        and the time, to look the task up: every time in the log, once an hour per vendor in
        the alert chat.
        """
        at = datetime.fromtimestamp(self._clock(), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        log.error(
            "job %s: submit to %s at %s has an unknown outcome (%s); not sending it again",
            job.id,
            job.vendor,
            at,
            detail,
        )
        await self._alerts.trouble(
            f"unknown_outcome:{job.vendor}",
            f"Job {job.id}: {job.vendor} may have started a task at {at} ({detail}). "
            f"The job failed and its credits were released; look the task up at {job.vendor}.",
        )
        await self._moves.fail(job, JobState.SUBMITTING, FailureKind.UNKNOWN_OUTCOME, detail)

    async def _submit_failed(self, job: Job, error: VendorError) -> None:
        log.warning("job %s: submit to %s failed: %s", job.id, job.vendor, error)
        if error.kind in _OPERATOR_KINDS:
            await self._alerts.vendor_problem(job.vendor, error.kind, error.message)
        if error.kind in _FAILOVER_KINDS and await self._fail_over(job, error):
            return
        if not error.retryable or job.attempts + 1 >= self._policy.max_submit_attempts:
            await self._moves.fail(job, JobState.SUBMITTING, error.kind, error.message)
            return
        raise Later.after(error)

    async def _fail_over(self, job: Job, error: VendorError) -> bool:
        """Hand the same job to the next vendor that can do it; False when there is none."""
        names = list(self._vendors)
        for name in names[names.index(job.vendor) + 1 :]:
            try:
                validate(job.request, self._vendors[name].capabilities)
            except InvalidRequestError:
                continue
            moved = await self._moves.move(
                job,
                JobState.SUBMITTING,
                JobState.QUEUED,
                tell=False,
                vendor=name,
                attempts=0,
                failure_detail=f"{job.vendor}: {error.message}",
                next_action_at=self._clock(),
            )
            log.warning(
                "job %s: %s cannot take it (%s); trying %s", job.id, job.vendor, error.kind, name
            )
            return moved is not None
        return False

    async def _poll(self, job: Job) -> None:
        vendor = self._vendors[job.vendor]
        assert job.vendor_task_id is not None
        try:
            async with self._vendor_calls:
                status = await vendor.status(job.vendor_task_id)
        except VendorError as exc:
            self._vendor_answered(job.vendor, exc)
            # A task the vendor accepted may still finish: only the deadline ends it.
            log.warning("job %s: status from %s failed: %s", job.id, job.vendor, exc)
            if exc.kind in _OPERATOR_KINDS:
                await self._alerts.vendor_problem(job.vendor, exc.kind, exc.message)
            raise Later.after(exc) from exc
        self._vendor_answered(job.vendor, None)
        if isinstance(status, Queued | Running):
            progress = status.progress if isinstance(status, Running) else None
            updated = await self._moves.move(
                job,
                JobState.RUNNING,
                JobState.RUNNING,
                tell=False,
                attempts=0,
                progress=progress,
                next_action_at=self._clock() + self._poll_interval(vendor),
            )
            if updated and progress != job.progress:
                await self._moves.notify(updated)
        elif isinstance(status, Succeeded):
            await self._moves.move(
                job,
                JobState.RUNNING,
                JobState.FETCHING,
                attempts=0,
                video_url=status.video_url,
                upgradable=status.upgradable,
                next_action_at=self._clock(),
            )
        elif isinstance(status, Failed):
            log.info("job %s: %s reports failure: %s", job.id, job.vendor, status.reason)
            await self._moves.fail(job, JobState.RUNNING, status.kind, status.reason)

    # -- helpers ---------------------------------------------------------------------------

    def _base_interval(self, vendor: VideoVendor) -> float:
        return self._policy.poll_interval_override or vendor.capabilities.poll_interval_seconds

    def _poll_interval(self, vendor: VideoVendor) -> float:
        return self._base_interval(vendor) * random.uniform(0.9, 1.1)

    def _backoff_seconds(self, job: Job, attempts: int) -> float:
        base = self._base_interval(self._vendors[job.vendor])
        delay: float = min(self._policy.max_backoff_seconds, base * 2.0 ** (attempts - 1))
        return delay * random.uniform(0.8, 1.2)
