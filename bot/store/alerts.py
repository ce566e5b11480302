"""SQL for the operator alerts' cooldowns, shared by every process on the database."""

from __future__ import annotations

from bot.store.database import Database


class AlertStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_turn(self, key: str, now: float, cooldown_seconds: float) -> bool:
        """Whether this alert may be sent now: True for the one caller (of any process) that
        finds it not sent within the cooldown, which records it as sent in the same statement."""
        taken = await self._db.write_rows(
            "INSERT INTO alert_cooldowns (key, sent_at) VALUES ($1, $2) "
            "ON CONFLICT (key) DO UPDATE SET sent_at = excluded.sent_at "
            "WHERE alert_cooldowns.sent_at <= $3 RETURNING key",
            key,
            now,
            now - cooldown_seconds,
        )
        return bool(taken)
