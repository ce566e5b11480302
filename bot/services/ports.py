"""What services need from the outside world, as protocols the Telegram layer fulfils."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.domain.jobs import DeliveredVideo, Job

Clock = Callable[[], float]


@dataclass(frozen=True)
class VideoMeta:
    width: int | None
    height: int | None
    duration_seconds: int | None
    size_bytes: int


class JobNotifier(Protocol):
    async def job_changed(self, job: Job) -> int | None:
        """Show the job's new state; the message id when a new status message was sent."""
        ...

    async def send_video(self, job: Job, video: Path, meta: VideoMeta) -> DeliveredVideo:
        """Upload the finished video as a reply to the request."""
        ...

    async def send_link(self, job: Job, limit_bytes: int) -> None:
        """Tell the person the video is too large to upload and give its link."""
        ...


class AlertSink(Protocol):
    async def send_alert(self, text: str) -> None: ...
