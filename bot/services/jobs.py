"""The job lifecycle: submit, poll, fetch, deliver, and every way a job ends (design §6)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.domain.capabilities import validate
from bot.domain.errors import (
    DeliveryRefusedError,
    DeliveryRetryableError,
    DeliveryTooLargeError,
    InvalidRequestError,
    VendorError,
    VendorRateLimitedError,
    VendorTimeoutError,
    VideoTooLargeError,
)
from bot.domain.jobs import Job, JobState
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded
from bot.services.alerts import OperatorAlerts
from bot.services.media import MediaLibrary
from bot.services.mp4 import probe
from bot.services.ports import Clock, JobNotifier, VideoMeta
from bot.store.jobs import JobStore
from bot.vendors.base import VideoVendor

log = logging.getLogger(__name__)

_OPERATOR_KINDS = (FailureKind.AUTH, FailureKind.BALANCE)
# A vendor that cannot take work at all: the job goes to the next configured vendor.
_FAILOVER_KINDS = (FailureKind.AUTH, FailureKind.BALANCE, FailureKind.UNAVAILABLE)
_EXPIRABLE = (JobState.QUEUED, JobState.RUNNING, JobState.FETCHING)


@dataclass(frozen=True)
class JobPolicy:
    job_timeout_seconds: float
    upload_limit_bytes: int
    media_dir: Path
    poll_interval_override: float | None = None
    max_submit_attempts: int = 5
    max_delivery_attempts: int = 8
    max_backoff_seconds: float = 300.0


class JobService:
    def __init__(
        self,
        store: JobStore,
        vendors: Mapping[str, VideoVendor],
        notifier: JobNotifier,
        media: MediaLibrary,
        alerts: OperatorAlerts,
        policy: JobPolicy,
        clock: Clock,
    ) -> None:
        self._store = store
        self._vendors = vendors
        self._notifier = notifier
        self._media = media
        self._alerts = alerts
        self._policy = policy
        self._clock = clock
        self._on_due: Callable[[], None] | None = None
        self._health: dict[str, str] = {}

    def vendor_health(self) -> dict[str, str]:
        """Each vendor's last answer: "ok", or what went wrong ("unknown" before any call)."""
        return {name: self._health.get(name, "unknown") for name in self._vendors}

    def _vendor_answered(self, vendor: str, error: VendorError | None) -> None:
        self._health[vendor] = "ok" if error is None else f"{error.kind.value}: {error.message}"

    def on_due(self, wake: Callable[[], None]) -> None:
        """Call `wake` when a job becomes due outside the worker (a vendor callback)."""
        self._on_due = wake

    # -- the worker's entry points ---------------------------------------------------------

    async def recover_after_restart(self) -> None:
        """Fail jobs a restart caught mid-submit: the vendor may have them, so never resend."""
        for job in await self._store.in_states([JobState.SUBMITTING]):
            log.warning("job %s: found in submitting after a restart; failing it", job.id)
            await self._fail(
                job, JobState.SUBMITTING, FailureKind.INTERRUPTED, "interrupted by a restart"
            )

    async def expire_overdue(self) -> None:
        for job in await self._store.overdue(self._clock(), _EXPIRABLE):
            ended = await self._store.transition(
                job.id,
                job.state,
                JobState.EXPIRED,
                now=self._clock(),
                failure_detail=job.failure_detail,
            )
            if ended:
                log.info("job %s: expired in %s", job.id, job.state)
                self._discard_video(job)
                await self._notify(ended)

    def sweep_media(self) -> int:
        return self._media.sweep()

    async def due(self, *, limit: int, exclude: set[int]) -> list[Job]:
        return await self._store.due(self._clock(), limit=limit, exclude=exclude)

    async def next_action_at(self, *, exclude: set[int]) -> float | None:
        return await self._store.next_action_at(exclude=exclude)

    async def advance(self, job: Job) -> None:
        """Take the one step a due job is waiting for."""
        if job.state is JobState.QUEUED:
            await self._submit(job)
        elif job.state is JobState.RUNNING:
            await self._poll(job)
        elif job.state is JobState.FETCHING:
            await self._fetch(job)
        elif job.state is JobState.DELIVERING:
            await self._deliver(job)

    # -- the person's entry points ---------------------------------------------------------

    async def get(self, job_id: int) -> Job | None:
        return await self._store.get(job_id)

    async def unfinished(self) -> list[Job]:
        return await self._store.in_states([s for s in JobState if not s.is_terminal])

    async def counts_since(self, since: float) -> tuple[dict[str, int], dict[str, int]]:
        return await self._store.counts_since(since)

    async def recent(self, chat_id: int, user_id: int, limit: int) -> list[Job]:
        return await self._store.recent(chat_id, user_id, limit)

    async def by_result_message(self, chat_id: int, message_id: int) -> Job | None:
        return await self._store.by_result_message(chat_id, message_id)

    async def latest_unsubmitted(self, chat_id: int, user_id: int) -> Job | None:
        return await self._store.latest_for(chat_id, user_id, [JobState.QUEUED])

    async def latest_active(self, chat_id: int, user_id: int) -> Job | None:
        active = [state for state in JobState if not state.is_terminal]
        return await self._store.latest_for(chat_id, user_id, active)

    async def poll_soon(self, vendor: str, task_id: str) -> bool:
        """A vendor callback: poll that task now (the status endpoint stays the truth)."""
        found = await self._store.poll_now(vendor, task_id, self._clock())
        if found and self._on_due is not None:
            self._on_due()
        return found

    async def show(self, job: Job) -> None:
        """Show a job's state now (right after the person created it)."""
        await self._notify(job)

    async def cancel(self, job: Job) -> Job | None:
        """Cancel a job the vendor has not seen yet; None when it is past that point."""
        cancelled = await self._store.transition(
            job.id, JobState.QUEUED, JobState.CANCELLED, now=self._clock()
        )
        if cancelled:
            await self._notify(cancelled)
        return cancelled

    # -- the steps -------------------------------------------------------------------------

    async def _submit(self, job: Job) -> None:
        claimed = await self._store.transition(
            job.id, JobState.QUEUED, JobState.SUBMITTING, now=self._clock()
        )
        if claimed is None:
            return
        vendor = self._vendors[job.vendor]
        try:
            task_id = await vendor.submit(job.request, self._media.for_job(job.id))
        except VendorTimeoutError as exc:
            self._vendor_answered(job.vendor, exc)
            log.error("job %s: submit to %s timed out; outcome unknown", job.id, job.vendor)
            await self._fail(
                claimed, JobState.SUBMITTING, FailureKind.UNKNOWN_OUTCOME, exc.message
            )
            return
        except VendorError as exc:
            self._vendor_answered(job.vendor, exc)
            await self._submit_failed(claimed, exc)
            return
        except InvalidRequestError as exc:
            # A photo vanished or cannot be handed over: nothing reached the vendor.
            await self._fail(claimed, JobState.SUBMITTING, FailureKind.INPUT, exc.key)
            return
        except Exception:
            log.exception("job %s: unexpected error while submitting", job.id)
            await self._fail(
                claimed, JobState.SUBMITTING, FailureKind.UNKNOWN_OUTCOME, "internal error"
            )
            return
        self._vendor_answered(job.vendor, None)
        running = await self._store.transition(
            job.id,
            JobState.SUBMITTING,
            JobState.RUNNING,
            now=self._clock(),
            vendor_task_id=task_id,
            attempts=0,
            next_action_at=self._clock() + self._poll_interval(vendor),
        )
        log.info("job %s: submitted to %s as %s", job.id, job.vendor, task_id)
        if running:
            await self._notify(running)

    async def _submit_failed(self, job: Job, error: VendorError) -> None:
        log.warning("job %s: submit to %s failed: %s", job.id, job.vendor, error)
        if error.kind in _OPERATOR_KINDS:
            await self._alerts.vendor_problem(job.vendor, error.kind, error.message)
        if error.kind in _FAILOVER_KINDS and await self._fail_over(job, error):
            return
        attempts = job.attempts + 1
        if not error.retryable or attempts >= self._policy.max_submit_attempts:
            await self._fail(job, JobState.SUBMITTING, error.kind, error.message)
            return
        await self._store.transition(
            job.id,
            JobState.SUBMITTING,
            JobState.QUEUED,
            now=self._clock(),
            attempts=attempts,
            failure_detail=error.message,
            next_action_at=self._clock() + self._backoff(job, attempts, error),
        )

    async def _fail_over(self, job: Job, error: VendorError) -> bool:
        """Hand the same job to the next vendor that can do it; False when there is none."""
        names = list(self._vendors)
        for name in names[names.index(job.vendor) + 1 :]:
            try:
                validate(job.request, self._vendors[name].capabilities)
            except InvalidRequestError:
                continue
            moved = await self._store.transition(
                job.id,
                JobState.SUBMITTING,
                JobState.QUEUED,
                now=self._clock(),
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
            status = await vendor.status(job.vendor_task_id)
        except VendorError as exc:
            self._vendor_answered(job.vendor, exc)
            # A task the vendor accepted may still finish: only the deadline ends it.
            log.warning("job %s: status from %s failed: %s", job.id, job.vendor, exc)
            if exc.kind in _OPERATOR_KINDS:
                await self._alerts.vendor_problem(job.vendor, exc.kind, exc.message)
            attempts = job.attempts + 1
            await self._store.transition(
                job.id,
                JobState.RUNNING,
                JobState.RUNNING,
                now=self._clock(),
                attempts=attempts,
                failure_detail=exc.message,
                next_action_at=self._clock() + self._backoff(job, attempts, exc),
            )
            return
        self._vendor_answered(job.vendor, None)
        if isinstance(status, Queued | Running):
            progress = status.progress if isinstance(status, Running) else None
            updated = await self._store.transition(
                job.id,
                JobState.RUNNING,
                JobState.RUNNING,
                now=self._clock(),
                attempts=0,
                progress=progress,
                next_action_at=self._clock() + self._poll_interval(vendor),
            )
            if updated and progress != job.progress:
                await self._notify(updated)
        elif isinstance(status, Succeeded):
            fetching = await self._store.transition(
                job.id,
                JobState.RUNNING,
                JobState.FETCHING,
                now=self._clock(),
                attempts=0,
                video_url=status.video_url,
                upgradable=status.upgradable,
                next_action_at=self._clock(),
            )
            if fetching:
                await self._notify(fetching)
        elif isinstance(status, Failed):
            log.info("job %s: %s reports failure: %s", job.id, job.vendor, status.reason)
            await self._fail(job, JobState.RUNNING, status.kind, status.reason)

    async def _fetch(self, job: Job) -> None:
        assert job.video_url is not None
        destination = self._policy.media_dir / f"job-{job.id}.mp4"
        try:
            size = await self._vendors[job.vendor].download(
                job.video_url, destination, self._policy.upload_limit_bytes
            )
        except VideoTooLargeError:
            if not self._vendors[job.vendor].capabilities.public_result_urls:
                # The vendor's link only works with our key: there is nothing to hand over.
                await self._fail(job, JobState.FETCHING, FailureKind.TOO_LARGE, "over the limit")
                return
            log.info("job %s: video over the upload limit; sending a link", job.id)
            await self._to_delivery(job, video_path=None)
            return
        except VendorError as exc:
            log.warning("job %s: download failed: %s", job.id, exc)
            attempts = job.attempts + 1
            await self._store.transition(
                job.id,
                JobState.FETCHING,
                JobState.FETCHING,
                now=self._clock(),
                attempts=attempts,
                failure_detail=exc.message,
                next_action_at=self._clock() + self._backoff(job, attempts, exc),
            )
            return
        log.info("job %s: downloaded %d bytes", job.id, size)
        await self._to_delivery(job, video_path=str(destination))

    async def _to_delivery(self, job: Job, *, video_path: str | None) -> None:
        delivering = await self._store.transition(
            job.id,
            JobState.FETCHING,
            JobState.DELIVERING,
            now=self._clock(),
            attempts=0,
            video_path=video_path,
            next_action_at=self._clock(),
        )
        if delivering:
            await self._notify(delivering)

    async def _deliver(self, job: Job) -> None:
        path = Path(job.video_path) if job.video_path else None
        if path is not None and not path.exists():
            log.warning("job %s: downloaded file is gone; fetching again", job.id)
            await self._store.transition(
                job.id, JobState.DELIVERING, JobState.FETCHING, now=self._clock()
            )
            return
        try:
            if path is None:
                await self._notifier.send_link(job, self._policy.upload_limit_bytes)
                delivered_video = None
            else:
                delivered_video = await self._notifier.send_video(job, path, _meta(path, job))
        except DeliveryTooLargeError:
            self._discard_video(job)
            await self._store.transition(
                job.id,
                JobState.DELIVERING,
                JobState.DELIVERING,
                now=self._clock(),
                video_path=None,
            )
            return
        except DeliveryRetryableError as exc:
            await self._delivery_failed(job, str(exc), exc.retry_after)
            return
        except DeliveryRefusedError as exc:
            self._discard_video(job)
            await self._fail(job, JobState.DELIVERING, FailureKind.DELIVERY, str(exc))
            return
        delivered = await self._store.transition(
            job.id,
            JobState.DELIVERING,
            JobState.DELIVERED,
            now=self._clock(),
            file_id=delivered_video.file_id if delivered_video else None,
            result_message_id=delivered_video.message_id if delivered_video else None,
            video_path=None,
        )
        self._discard_video(job)
        log.info("job %s: delivered", job.id)
        if delivered:
            await self._notify(delivered)

    async def _delivery_failed(self, job: Job, message: str, retry_after: float | None) -> None:
        log.warning("job %s: delivery failed: %s", job.id, message)
        attempts = job.attempts + 1
        if attempts >= self._policy.max_delivery_attempts:
            self._discard_video(job)
            await self._fail(job, JobState.DELIVERING, FailureKind.DELIVERY, message)
            return
        delay = self._backoff_seconds(job, attempts)
        await self._store.transition(
            job.id,
            JobState.DELIVERING,
            JobState.DELIVERING,
            now=self._clock(),
            attempts=attempts,
            next_action_at=self._clock() + max(delay, retry_after or 0.0),
        )

    # -- helpers ---------------------------------------------------------------------------

    async def _fail(self, job: Job, expected: JobState, kind: FailureKind, detail: str) -> None:
        failed = await self._store.transition(
            job.id,
            expected,
            JobState.FAILED,
            now=self._clock(),
            failure_kind=kind,
            failure_detail=detail,
        )
        if failed:
            await self._notify(failed)

    async def _notify(self, job: Job) -> None:
        try:
            sent = await self._notifier.job_changed(job)
        except Exception:
            log.exception("job %s: could not update the status message", job.id)
            return
        if sent is not None:
            await self._store.set_status_message(job.id, sent)

    def _base_interval(self, vendor: VideoVendor) -> float:
        return self._policy.poll_interval_override or vendor.capabilities.poll_interval_seconds

    def _poll_interval(self, vendor: VideoVendor) -> float:
        return self._base_interval(vendor) * random.uniform(0.9, 1.1)

    def _backoff_seconds(self, job: Job, attempts: int) -> float:
        base = self._base_interval(self._vendors[job.vendor])
        delay: float = min(self._policy.max_backoff_seconds, base * 2.0 ** (attempts - 1))
        return delay * random.uniform(0.8, 1.2)

    def _backoff(self, job: Job, attempts: int, error: VendorError) -> float:
        delay = self._backoff_seconds(job, attempts)
        if isinstance(error, VendorRateLimitedError) and error.retry_after is not None:
            return max(delay, error.retry_after)
        return delay

    def _discard_video(self, job: Job) -> None:
        (self._policy.media_dir / f"job-{job.id}.mp4").unlink(missing_ok=True)


def _meta(path: Path, job: Job) -> VideoMeta:
    width, height, duration = probe(path)
    return VideoMeta(
        width=width,
        height=height,
        duration_seconds=duration or job.request.duration_seconds,
        size_bytes=path.stat().st_size,
    )
