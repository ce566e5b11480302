"""Jobs: a request on its way to a video, and where in the chat it belongs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.request import GenerationRequest
from bot.domain.status import FailureKind


class JobState(StrEnum):
    QUEUED = "queued"
    SUBMITTING = "submitting"
    RUNNING = "running"
    FETCHING = "fetching"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


TERMINAL_STATES = frozenset(
    {JobState.DELIVERED, JobState.FAILED, JobState.EXPIRED, JobState.CANCELLED}
)


class ChatPlace(BaseModel):
    """Where a conversation happens: the chat and, in a forum, its topic."""

    model_config = ConfigDict(frozen=True)

    chat_id: int
    thread_id: int | None = None


class Job(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    place: ChatPlace
    language: str
    request_message_id: int | None
    status_message_id: int | None
    state: JobState
    vendor: str
    request: GenerationRequest
    vendor_task_id: str | None
    video_url: str | None
    video_path: str | None
    file_id: str | None
    result_message_id: int | None
    progress: int | None
    price: int
    upgradable: bool = True  # False: the vendor cannot upgrade this video (Succeeded.upgradable)
    failure_kind: FailureKind | None
    failure_detail: str | None
    attempts: int
    next_action_at: float
    deadline_at: float
    created_at: float
    updated_at: float


class DeliveredVideo(BaseModel):
    """What Telegram answered to the upload: the reusable file id and the message."""

    model_config = ConfigDict(frozen=True)

    file_id: str
    message_id: int
