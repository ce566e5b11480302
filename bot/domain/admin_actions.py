"""Admin actions that wait for ✅ Confirm (/grant, /refund, /broadcast): what was asked, and
where the action stands."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ActionKind(StrEnum):
    """Which command proposed the action."""

    GRANT = "grant"
    REFUND = "refund"
    BROADCAST = "broadcast"


class ActionState(StrEnum):
    """Proposed as pending; then confirmed (done, or running for a broadcast), cancelled, or
    stopped; a pending one older than its time to live is refused."""

    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"
    RUNNING = "running"  # a broadcast under way
    STOPPED = "stopped"  # a broadcast an admin stopped


class ActionPayload(BaseModel):
    """What the admin asked for: the person and amount, the job, or the text."""

    model_config = ConfigDict(frozen=True)

    user_id: int | None = None
    amount: int | None = None
    job_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class AdminAction:
    id: int
    kind: ActionKind
    admin_id: int
    payload: ActionPayload
    state: ActionState
    created_at: float
