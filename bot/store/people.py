"""SQL for people: the language they chose and their card defaults."""

from __future__ import annotations

from bot.domain.drafts import Preferences
from bot.store.database import Connection, Database


async def ensure_person(conn: Connection, user_id: int, now: float) -> None:
    """Give the person a row if they have none yet, for the update that follows in `conn`."""
    await conn.execute(
        "INSERT INTO people (user_id, updated_at) VALUES ($1, $2) "
        "ON CONFLICT (user_id) DO NOTHING",
        user_id,
        now,
    )


class PeopleStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def language(self, user_id: int) -> str | None:
        row = await self._db.one("SELECT language FROM people WHERE user_id = $1", (user_id,))
        return str(row[0]) if row and row[0] else None

    async def set_language(self, user_id: int, language: str, now: float) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (user_id, language, updated_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, "
                "updated_at = excluded.updated_at",
                user_id,
                language,
                now,
            )

    async def preferences(self, user_id: int) -> Preferences | None:
        row = await self._db.one(
            "SELECT preferences_json FROM people WHERE user_id = $1", (user_id,)
        )
        return Preferences.model_validate_json(row[0]) if row and row[0] else None

    async def set_preferences(self, user_id: int, preferences: Preferences, now: float) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (user_id, preferences_json, updated_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (user_id) DO UPDATE SET "
                "preferences_json = excluded.preferences_json, updated_at = excluded.updated_at",
                user_id,
                preferences.model_dump_json(),
                now,
            )

    async def access(self, user_id: int) -> tuple[bool, bool]:
        """(allowed in the chat by an admin, banned)."""
        row = await self._db.one(
            "SELECT allowed, banned FROM people WHERE user_id = $1", (user_id,)
        )
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    async def set_access(
        self, user_id: int, now: float, *, allowed: bool | None = None, banned: bool | None = None
    ) -> None:
        async with self._db.transaction() as conn:
            await ensure_person(conn, user_id, now)
            await conn.execute(  # flags are 0/1 integers on both engines
                "UPDATE people SET allowed = COALESCE($1, allowed), "
                "banned = COALESCE($2, banned), updated_at = $3 WHERE user_id = $4",
                None if allowed is None else int(allowed),
                None if banned is None else int(banned),
                now,
                user_id,
            )
