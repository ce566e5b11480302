"""SQL for hosted media: unguessable tokens that serve a job's photos while it needs them."""

from __future__ import annotations

from bot.domain.jobs import UNFINISHED_STATES
from bot.store.database import Database

# A token serves while its job is not finished, and for a grace period after.
_SERVING_STATES = sorted(UNFINISHED_STATES)


class HostingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, token: str, media_key: str, job_id: int, now: float) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO hosted_media (token, media_key, job_id, created_at) "
                "VALUES ($1, $2, $3, $4)",
                token,
                media_key,
                job_id,
                now,
            )

    async def servable(self, token: str, now: float, grace_seconds: float) -> str | None:
        """The media key behind a token, if its job still needs it (or ended within grace)."""
        count = len(_SERVING_STATES)
        placeholders = ", ".join(f"${number}" for number in range(2, count + 2))
        row = await self._db.one(
            "SELECT h.media_key FROM hosted_media h JOIN jobs j ON j.id = h.job_id "
            f"WHERE h.token = $1 AND (j.state IN ({placeholders}) "
            f"OR COALESCE(j.finished_at, 0) >= ${count + 2})",
            (token, *_SERVING_STATES, now - grace_seconds),
        )
        return str(row[0]) if row else None
