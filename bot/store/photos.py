"""SQL for photo bytes kept in the database, so that any replica can read or serve them."""

from __future__ import annotations

from bot.store.database import Database


class PhotoStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, key: str, mime_type: str, data: bytes, now: float) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO photos (key, mime_type, data, created_at) VALUES ($1, $2, $3, $4)",
                key,
                mime_type,
                data,
                now,
            )

    async def get(self, key: str) -> tuple[bytes, str] | None:
        """The photo's bytes and mime type, if it is kept."""
        row = await self._db.one("SELECT data, mime_type FROM photos WHERE key = $1", (key,))
        return (bytes(row["data"]), str(row["mime_type"])) if row else None

    async def sweep(self, cutoff: float) -> int:
        """Delete photos kept before `cutoff`; how many went."""
        async with self._db.transaction() as conn:
            return await conn.execute("DELETE FROM photos WHERE created_at < $1", cutoff)
