"""SQL for the admins' actions that wait for a ✅ Confirm: each moves from state to state once."""

from __future__ import annotations

from bot.domain.admin_actions import ActionKind, ActionPayload, ActionState, AdminAction
from bot.store.database import Database, Row


def _action(row: Row) -> AdminAction:
    return AdminAction(
        id=int(row["id"]),
        kind=ActionKind(row["kind"]),
        admin_id=int(row["admin_id"]),
        payload=ActionPayload.model_validate_json(row["payload_json"]),
        state=ActionState(row["state"]),
        created_at=float(row["created_at"]),
    )


_COLUMNS = "id, kind, admin_id, payload_json, state, created_at"


class AdminActionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, kind: ActionKind, admin_id: int, payload: ActionPayload, now: float
    ) -> AdminAction:
        rows = await self._db.write_rows(
            "INSERT INTO admin_actions (kind, admin_id, payload_json, state, created_at, "
            f"updated_at) VALUES ($1, $2, $3, 'pending', $4, $4) RETURNING {_COLUMNS}",
            kind.value,
            admin_id,
            payload.model_dump_json(),
            now,
        )
        return _action(rows[0])

    async def get(self, action_id: int) -> AdminAction | None:
        row = await self._db.one(
            f"SELECT {_COLUMNS} FROM admin_actions WHERE id = $1", (action_id,)
        )
        return _action(row) if row else None

    async def move(self, action_id: int, expected: str, state: str, now: float) -> bool:
        """Move the action from `expected` to `state`; False when it was not in `expected`
        (someone else moved it first: a double press, another admin, another process)."""
        moved = await self._db.write(
            "UPDATE admin_actions SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
            state,
            now,
            action_id,
            expected,
        )
        return moved > 0
