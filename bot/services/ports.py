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

    def outdated(self, job: Job) -> None:
        """A newer state of the job is coming: a status edit still waiting need not be sent."""
        ...

    async def send_video(self, job: Job, video: Path, meta: VideoMeta) -> DeliveredVideo:
        """Upload the finished video as a reply to the request."""
        ...

    async def send_link(self, job: Job, limit_bytes: int) -> None:
        """Tell the person the video is too large to upload and give its link."""
        ...


class AlertSink(Protocol):
    async def send_alert(self, text: str) -> None: ...


class SharedPace(Protocol):
    """Telegram's flood budget shared by every process on the database (PostgreSQL replicas)."""

    async def take_slot(self, chat_id: int, chat_spacing: float, overall_spacing: float) -> None:
        """Reserve the chat's next slot, then one of the whole bot's, and wait for them."""
        ...

    async def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked the chat to wait: no process sends to it for `seconds`."""
        ...
