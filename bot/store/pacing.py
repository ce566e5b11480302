"""SQL for Telegram's flood limits shared by replicas: when each chat may send its next message.

A row per chat holds `next_at`, the earliest time (seconds since the epoch) its next message
may go; the row of chat 0 (no Telegram chat has that id) holds the whole bot's. Each
reservation is one statement, so two processes reserving for one chat get slots one spacing
apart, in whichever order the database takes them.
"""

from __future__ import annotations

from bot.store.database import Database

WHOLE_BOT = 0  # the row of the bot's overall budget


class PaceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def reserve(self, chat_id: int, now: float, spacing: float) -> float:
        """Take the chat's next slot (not before `now`); the next one is `spacing` later."""
        async with self._db.transaction() as conn:
            next_at = await conn.fetchval(
                "INSERT INTO chat_pace (chat_id, next_at) VALUES ($1, $2) "
                f"ON CONFLICT (chat_id) DO UPDATE SET next_at = {_LATER_OF_NOW} + $4 "
                "RETURNING next_at",
                chat_id,
                now + spacing,
                now,
                spacing,
            )
        return float(next_at) - spacing

    async def hold(self, chat_id: int, until: float) -> None:
        """Nothing more for the chat before `until` (Telegram asked to wait), from any process."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chat_pace (chat_id, next_at) VALUES ($1, $2) "
                "ON CONFLICT (chat_id) DO UPDATE SET next_at = "
                "CASE WHEN chat_pace.next_at > $2 THEN chat_pace.next_at ELSE $2 END",
                chat_id,
                until,
            )


# The later of the row's time and now ($3); GREATEST is PostgreSQL's only, this runs on both.
_LATER_OF_NOW = "CASE WHEN chat_pace.next_at > $3 THEN chat_pace.next_at ELSE $3 END"
