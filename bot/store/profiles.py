"""SQL for who has used the bot: their name, when they were first and last seen, whether they
blocked it, and the referral link that brought them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database
from bot.store.people import ensure_person


@dataclass(frozen=True)
class ProfileRow:
    user_id: int
    first_name: str | None
    username: str | None
    language: str | None  # chosen with /language
    telegram_language: str | None
    first_seen_at: float | None
    blocked: bool
    referred_by: int | None


class ProfileStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def seen(
        self,
        user_id: int,
        *,
        first_name: str,
        username: str | None,
        telegram_language: str,
        reachable: bool,
        now: float,
    ) -> None:
        """Record a sighting; `reachable` (a message in the DM) ends a block."""
        await self._db.write(
            "INSERT INTO people (user_id, first_name, username, telegram_language, "
            "first_seen_at, last_seen_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5) "
            "ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name, "
            "username = excluded.username, telegram_language = excluded.telegram_language, "
            "first_seen_at = COALESCE(people.first_seen_at, excluded.first_seen_at), "
            "last_seen_at = excluded.last_seen_at, "
            "blocked_at = CASE WHEN $6 = 1 THEN NULL ELSE people.blocked_at END",
            user_id,
            first_name,
            username,
            telegram_language,
            now,
            int(reachable),
        )

    async def profile(self, user_id: int) -> ProfileRow | None:
        row = await self._db.one(
            "SELECT user_id, first_name, username, language, telegram_language, first_seen_at, "
            "blocked_at, referred_by FROM people WHERE user_id = $1",
            (user_id,),
        )
        if row is None:
            return None
        return ProfileRow(
            user_id=int(row[0]),
            first_name=row[1],
            username=row[2],
            language=row[3],
            telegram_language=row[4],
            first_seen_at=float(row[5]) if row[5] is not None else None,
            blocked=row[6] is not None,
            referred_by=int(row[7]) if row[7] is not None else None,
        )

    async def mark_blocked(self, user_id: int, now: float) -> None:
        await self._db.write("UPDATE people SET blocked_at = $1 WHERE user_id = $2", now, user_id)

    async def reachable(self) -> list[int]:
        """Everyone who has used the bot and has not blocked it, by id."""
        rows = await self._db.all(
            "SELECT user_id FROM people WHERE first_seen_at IS NOT NULL AND blocked_at IS NULL "
            "ORDER BY user_id"
        )
        return [int(row[0]) for row in rows]

    async def referral_code(self, user_id: int) -> str | None:
        row = await self._db.one("SELECT referral_code FROM people WHERE user_id = $1", (user_id,))
        return str(row[0]) if row and row[0] else None

    async def set_referral_code(self, user_id: int, code: str, now: float) -> str:
        """The person's code: `code` unless they already have one; ValueError-free on a
        clash only when the code is theirs (the caller retries a taken code)."""
        async with self._db.transaction() as conn:
            await ensure_person(conn, user_id, now)
            await conn.execute(
                "UPDATE people SET referral_code = $1 WHERE user_id = $2 "
                "AND referral_code IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM people p WHERE p.referral_code = $1)",
                code,
                user_id,
            )
            found = await conn.fetchval(
                "SELECT referral_code FROM people WHERE user_id = $1", user_id
            )
        return str(found) if found else ""

    async def owner_of(self, code: str) -> int | None:
        row = await self._db.one("SELECT user_id FROM people WHERE referral_code = $1", (code,))
        return int(row[0]) if row else None

    async def link_referral(self, user_id: int, referrer: int, now: float) -> bool:
        """Link a person who has made no job yet to whoever invited them, once."""
        async with self._db.transaction() as conn:
            await ensure_person(conn, user_id, now)
            linked = await conn.execute(
                "UPDATE people SET referred_by = $1 WHERE user_id = $2 AND referred_by IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.user_id = $2)",
                referrer,
                user_id,
            )
        return linked > 0

    async def delivered_count(self, user_id: int) -> int:
        found = await self._db.one(
            "SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND state = 'delivered'", (user_id,)
        )
        return int(found[0]) if found else 0

    async def take_access_request(self, user_id: int, day: str, now: float) -> bool:
        """Whether this stranger's request is the first today (then it is recorded)."""
        inserted = await self._db.write(
            "INSERT INTO access_requests (user_id, day, created_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (user_id, day) DO NOTHING",
            user_id,
            day,
            now,
        )
        return inserted > 0
