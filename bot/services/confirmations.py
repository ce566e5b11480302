"""Admin actions that wait for ✅ Confirm (/grant, /refund, /broadcast).

An action is a row: proposed as `pending`, then confirmed (`done`, or `running` for a
broadcast), cancelled, or left to expire. Each move is one guarded update, so a double press,
a second admin or another process pressing at the same moment finds it moved and is told so.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.admin_actions import ActionKind, ActionPayload, ActionState, AdminAction
from bot.domain.errors import Refusal, StaleButtonError
from bot.services.ports import Clock
from bot.store.admin_actions import AdminActionStore

ACTION_TTL_SECONDS = 15 * 60.0  # a confirmation card older than this is refused


class ActionGoneError(Refusal):
    """A confirmation pressed again, after a cancel, or too late."""


class AdminActions:
    def __init__(self, store: AdminActionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def propose(
        self, kind: ActionKind, admin_id: int, payload: ActionPayload
    ) -> AdminAction:
        return await self._store.add(kind, admin_id, payload, self._clock())

    async def get(self, action_id: int) -> AdminAction | None:
        return await self._store.get(action_id)

    async def confirm(self, action_id: int) -> AdminAction:
        """Take a pending action to act on it (once); a Refusal says why not."""
        return await self._take(
            action_id,
            lambda action: (
                ActionState.RUNNING if action.kind is ActionKind.BROADCAST else ActionState.DONE
            ),
        )

    async def reopen(self, action: AdminAction, state: ActionState) -> None:
        """Acting failed: the card may be pressed again."""
        await self._store.move(action.id, state, ActionState.PENDING, self._clock())

    async def cancel(self, action_id: int) -> AdminAction:
        return await self._take(action_id, lambda _: ActionState.CANCELLED)

    async def _take(self, action_id: int, to: Callable[[AdminAction], ActionState]) -> AdminAction:
        """Move a pending action on (once); a Refusal says why not (someone moved it first)."""
        action = await self._pending(action_id)
        if not await self._store.move(action.id, ActionState.PENDING, to(action), self._clock()):
            await self._pending(action_id)  # raises: it moved on meanwhile
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
