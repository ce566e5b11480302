"""SQL for the instance lease: one bot process per database file."""

from __future__ import annotations

from bot.store.database import Database


class LeaseStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, owner: str, now: float, ttl_seconds: float) -> str | None:
        """Take the lease if it is free or stale; otherwise return who holds it."""
        async with self._db.transaction() as conn:
            await conn.serialize("instance-lease")
            row = await conn.fetchrow(
                "SELECT owner, heartbeat_at FROM instance_lease WHERE id = 1"
            )
            if (
                row is not None
                and row["owner"] != owner
                and row["heartbeat_at"] > now - ttl_seconds
            ):
                return str(row["owner"])
            await conn.execute(
                "INSERT INTO instance_lease (id, owner, heartbeat_at) VALUES (1, $1, $2) "
                "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, "
                "heartbeat_at = excluded.heartbeat_at",
                owner,
                now,
            )
        return None

    async def renew(self, owner: str, now: float) -> bool:
        async with self._db.transaction() as conn:
            renewed = await conn.execute(
                "UPDATE instance_lease SET heartbeat_at = $1 WHERE id = 1 AND owner = $2",
                now,
                owner,
            )
            return renewed > 0

    async def release(self, owner: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM instance_lease WHERE id = 1 AND owner = $1", owner)
