"""A job as the services hand it around, for tests of what is shown of it (no database)."""

from __future__ import annotations

from typing import Any

from bot.domain.jobs import ChatPlace, Job, JobState
from bot.domain.request import GenerationRequest


def job_value(**changes: Any) -> Job:
    """Job #7 of person 1 in their DM, a Fast 720p "a fox" in `queued`; `changes` on top."""
    values: dict[str, Any] = {
        "id": 7,
        "user_id": 1,
        "place": ChatPlace(chat_id=1),
        "language": "en",
        "request_message_id": None,
        "status_message_id": None,
        "state": JobState.QUEUED,
        "vendor": "uniall",
        "request": GenerationRequest(prompt="a fox"),
        "vendor_task_id": None,
        "video_url": None,
        "video_path": None,
        "file_id": None,
        "result_message_id": None,
        "progress": None,
        "price": 0,
        "failure_kind": None,
        "failure_detail": None,
        "attempts": 0,
        "next_action_at": 0,
        "deadline_at": 0,
        "created_at": 0,
        "updated_at": 0,
    }
    return Job(**{**values, **changes})
