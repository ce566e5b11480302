"""The last two steps of a job: download the vendor's video, then hand it to the person (§7)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

from bot.domain.errors import (
    DeliveryRefusedError,
    DeliveryRetryableError,
    DeliveryTooLargeError,
    VendorError,
    VendorUrlRefusedError,
    VideoTooLargeError,
)
from bot.domain.jobs import Job, JobState
from bot.domain.status import FailureKind
from bot.services.mp4 import is_mp4, probe
from bot.services.ports import Clock, JobNotifier, VideoMeta
from bot.services.steps import JobMoves, Later
from bot.vendors.base import VideoVendor

log = logging.getLogger(__name__)

# A result URL that keeps answering 404/410, or keeps serving something that is not an MP4,
# fails the job after this many downloads instead of waiting for the deadline.
FETCH_TRIES = 3
_GONE = (404, 410)


class Delivery:
    def __init__(
        self,
        moves: JobMoves,
        vendors: Mapping[str, VideoVendor],
        notifier: JobNotifier,
        clock: Clock,
        *,
        vendor_calls: asyncio.Semaphore,
        media_dir: Path,
        upload_limit_bytes: int,
        max_attempts: int,
        fetch_delivers: bool = False,
    ) -> None:
        self._vendor_calls = vendor_calls  # a download is a vendor call
        self._moves = moves
        self._vendors = vendors
        self._notifier = notifier
        self._clock = clock
        self._media_dir = media_dir
        self._upload_limit_bytes = upload_limit_bytes
        self._max_attempts = max_attempts
        self.fetch_delivers = fetch_delivers

    async def fetch(self, job: Job) -> None:
        """Download the video (fetching -> delivering); over the limit, deliver a link."""
        assert job.video_url is not None
        destination = self._video(job)
        vendor = self._vendors[job.vendor]
        try:
            async with self._vendor_calls:
                size = await vendor.download(job.video_url, destination, self._upload_limit_bytes)
        except VideoTooLargeError:
            if not vendor.capabilities.public_result_urls:
                # The vendor's link only works with our key: there is nothing to hand over.
                await self._moves.fail(
                    job, JobState.FETCHING, FailureKind.TOO_LARGE, "over the limit"
                )
                return
            log.info("job %s: video over the upload limit; sending a link", job.id)
            await self._to_delivery(job, video_path=None)
            return
        except VendorUrlRefusedError as exc:
            log.warning("job %s: download refused: %s", job.id, exc)
            await self._moves.fail(job, JobState.FETCHING, exc.kind, exc.message)
            return
        except VendorError as exc:
            log.warning("job %s: download failed: %s", job.id, exc)
            if exc.status_code in _GONE:
                await self._again_or_fail(job, FailureKind.LINK_EXPIRED, exc.message)
                return
            raise Later.after(exc) from exc
        if not is_mp4(destination):
            self.discard_video(job)
            log.warning("job %s: the %d bytes downloaded are not an MP4", job.id, size)
            detail = f"{size} bytes that are not an MP4"
            await self._again_or_fail(job, FailureKind.NOT_VIDEO, detail)
            return
        log.info("job %s: downloaded %d bytes", job.id, size)
        await self._to_delivery(job, video_path=str(destination))

    async def _again_or_fail(self, job: Job, kind: FailureKind, detail: str) -> None:
        """Download again later, or fail the job when that was the last of FETCH_TRIES."""
        if job.attempts + 1 < FETCH_TRIES:
            raise Later(detail)
        await self._moves.fail(job, JobState.FETCHING, kind, detail)

    async def _to_delivery(self, job: Job, *, video_path: str | None) -> None:
        """On to delivering; with `fetch_delivers`, delivered at once under the same claim
        (several processes: the downloaded file is on this one's disk only)."""
        moved = await self._moves.move(
            job,
            JobState.FETCHING,
            JobState.DELIVERING,
            attempts=0,
            video_path=video_path,
            next_action_at=self._clock(),
        )
        if moved is None or not self.fetch_delivers:
            return
        try:
            await self.deliver(moved)
        except Later as later:
            later.job = later.job or moved
            raise

    async def deliver(self, job: Job) -> None:
        """Upload the video (or send its link), then end the job as delivered."""
        path = Path(job.video_path) if job.video_path else None
        if path is not None and not path.exists():
            log.warning("job %s: downloaded file is gone; fetching again", job.id)
            await self._moves.move(job, JobState.DELIVERING, JobState.FETCHING, tell=False)
            return
        try:
            if path is None:
                await self._notifier.send_link(job, self._upload_limit_bytes)
                delivered_video = None
            else:
                delivered_video = await self._notifier.send_video(job, path, _meta(path, job))
        except DeliveryTooLargeError:
            self.discard_video(job)
            await self._moves.move(
                job, JobState.DELIVERING, JobState.DELIVERING, tell=False, video_path=None
            )
            return
        except DeliveryRetryableError as exc:
            log.warning("job %s: delivery failed: %s", job.id, exc)
            if job.attempts + 1 < self._max_attempts:
                raise Later(retry_after=exc.retry_after) from exc
            self.discard_video(job)
            await self._moves.fail(job, JobState.DELIVERING, FailureKind.DELIVERY, str(exc))
            return
        except DeliveryRefusedError as exc:
            self.discard_video(job)
            await self._moves.fail(job, JobState.DELIVERING, FailureKind.DELIVERY, str(exc))
            return
        # Telegram has the video: from here on only the store is retried, never the upload.
        await self._moves.finish(
            job,
            JobState.DELIVERING,
            JobState.DELIVERED,
            file_id=delivered_video.file_id if delivered_video else None,
            result_message_id=delivered_video.message_id if delivered_video else None,
            video_path=None,
        )
        self.discard_video(job)
        log.info("job %s: delivered", job.id)

    def discard_video(self, job: Job) -> None:
        self._video(job).unlink(missing_ok=True)

    def _video(self, job: Job) -> Path:
        return self._media_dir / f"job-{job.id}.mp4"


def _meta(path: Path, job: Job) -> VideoMeta:
    width, height, duration = probe(path)
    return VideoMeta(
        width=width,
        height=height,
        duration_seconds=duration or job.request.duration_seconds,
        size_bytes=path.stat().st_size,
    )
