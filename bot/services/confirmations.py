"""Admin actions that wait for ✅ Confirm (/grant, /refund, /broadcast).

An action is a row: proposed as `pending`, then confirmed (`done`, or `running` for a
broadcast), cancelled, or left to expire. Each move is one guarded update, so a double press,
a second admin or another process pressing at the same moment finds it moved and is told so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import Refusal, StaleButtonError
from bot.services.ports import Clock
from bot.store.admin_actions import ActionRow, AdminActionStore

ACTION_TTL_SECONDS = 15 * 60.0  # a confirmation card older than this is refused


class ActionKind(StrEnum):
    GRANT = "grant"
    REFUND = "refund"
    BROADCAST = "broadcast"


class ActionState(StrEnum):
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


def _action(row: ActionRow) -> AdminAction:
    return AdminAction(
        id=row.id,
        kind=ActionKind(row.kind),
        admin_id=row.admin_id,
        payload=ActionPayload.model_validate_json(row.payload_json),
        state=ActionState(row.state),
        created_at=row.created_at,
    )


class ActionGoneError(Refusal):
    """A confirmation pressed again, after a cancel, or too late."""


class AdminActions:
    def __init__(self, store: AdminActionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def propose(
        self, kind: ActionKind, admin_id: int, payload: ActionPayload
    ) -> AdminAction:
        row = await self._store.add(kind.value, admin_id, payload.model_dump_json(), self._clock())
        return _action(row)

    async def get(self, action_id: int) -> AdminAction | None:
        row = await self._store.get(action_id)
        return _action(row) if row else None

    async def confirm(self, action_id: int) -> AdminAction:
        """Take a pending action to act on it (once); a Refusal says why not."""
        action = await self._pending(action_id)
        confirmed = (
            ActionState.RUNNING if action.kind is ActionKind.BROADCAST else ActionState.DONE
        )
        if not await self._store.move(action.id, ActionState.PENDING, confirmed, self._clock()):
            await self._pending(action_id)  # raises: someone moved it first
            raise StaleButtonError
        return action

    async def reopen(self, action: AdminAction, state: ActionState) -> None:
        """Acting failed: the card may be pressed again."""
        await self._store.move(action.id, state, ActionState.PENDING, self._clock())

    async def cancel(self, action_id: int) -> AdminAction:
        action = await self._pending(action_id)
        if not await self._store.move(
            action.id, ActionState.PENDING, ActionState.CANCELLED, self._clock()
        ):
            await self._pending(action_id)
            raise StaleButtonError
        return action

    async def move(self, action_id: int, expected: ActionState, state: ActionState) -> bool:
        return await self._store.move(action_id, expected, state, self._clock())

    async def state(self, action_id: int) -> ActionState | None:
        action = await self.get(action_id)
        return action.state if action else None

    async def _pending(self, action_id: int) -> AdminAction:
        action = await self.get(action_id)
        if action is None:
            raise StaleButtonError
        if action.state is ActionState.CANCELLED:
            raise ActionGoneError("admin.action_cancelled")
        if action.state is not ActionState.PENDING:
            raise ActionGoneError("admin.action_done")
        if self._clock() - action.created_at > ACTION_TTL_SECONDS:
            raise ActionGoneError("admin.action_expired")
        return action
