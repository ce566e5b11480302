"""Jobs: a request on its way to a video, and where in the chat it belongs."""

from __future__ import annotations

from collections.abc import Mapping
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


# How a job ends; the end settles its credits (captured when delivered, released otherwise).
TERMINAL_STATES = frozenset(
    {JobState.DELIVERED, JobState.FAILED, JobState.EXPIRED, JobState.CANCELLED}
)
# Not ended yet: the job holds its reserved credits and counts as one of the person's jobs.
UNFINISHED_STATES = frozenset(JobState) - TERMINAL_STATES
# Waiting for the worker's next action at `next_action_at` (submitting is a step under way).
WAITING_STATES = frozenset(
    {JobState.QUEUED, JobState.RUNNING, JobState.FETCHING, JobState.DELIVERING}
)
# The video's own steps: downloading it from the vendor, then sending it to Telegram.
UPLOAD_STATES = frozenset({JobState.FETCHING, JobState.DELIVERING})
# Ended by the deadline: not mid-submit (a restart fails those) and not once the video is here.
EXPIRABLE_STATES = frozenset({JobState.QUEUED, JobState.RUNNING, JobState.FETCHING})

# Any unfinished job may fail, expire or be cancelled (design §6); only delivery delivers.
# These are the ends without a video: nothing is charged for them.
ENDED_WITHOUT_VIDEO = _ENDS = frozenset({JobState.FAILED, JobState.EXPIRED, JobState.CANCELLED})

# Every allowed move, from a state to the states it may go to. A waiting state may stay where
# it is (the next action is later); a step may go back (a retried submit, a lost download).
MOVES: Mapping[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.QUEUED, JobState.SUBMITTING}) | _ENDS,
    JobState.SUBMITTING: frozenset({JobState.QUEUED, JobState.RUNNING}) | _ENDS,
    JobState.RUNNING: frozenset({JobState.RUNNING, JobState.FETCHING}) | _ENDS,
    JobState.FETCHING: frozenset({JobState.FETCHING, JobState.DELIVERING}) | _ENDS,
    JobState.DELIVERING: (
        frozenset({JobState.DELIVERING, JobState.FETCHING, JobState.DELIVERED}) | _ENDS
    ),
    **{state: frozenset() for state in TERMINAL_STATES},
}


def can_move(current: JobState, new: JobState) -> bool:
    return new in MOVES[current]


class IllegalMoveError(Exception):
    """A move the table does not allow: a programming error, never a person's doing."""

    def __init__(self, current: JobState, new: JobState) -> None:
        super().__init__(f"a job cannot move from {current} to {new}")
        self.current = current
        self.new = new


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
