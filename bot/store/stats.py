"""SQL for the admins' /stats: people, jobs, vendors, credits and Stars over a period."""

from __future__ import annotations

from bot.store.database import Database


class StatsStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def people(self, since: float) -> tuple[int, int]:
        """(people first seen since `since`, people seen since `since`)."""
        async with self._db.read() as conn:
            new = await conn.fetchval(
                "SELECT COUNT(*) FROM people WHERE first_seen_at >= $1", since
            )
            active = await conn.fetchval(
                "SELECT COUNT(*) FROM people WHERE last_seen_at >= $1", since
            )
        return int(new or 0), int(active or 0)

    async def jobs(self, since: float) -> list[tuple[str, str, str | None, float, float | None]]:
        """(vendor, state, failure kind, created_at, finished_at) of each job made since."""
        rows = await self._db.all(
            "SELECT vendor, state, failure_kind, created_at, finished_at FROM jobs "
            "WHERE created_at >= $1",
            (since,),
        )
        return [
            (str(r[0]), str(r[1]), r[2], float(r[3]), float(r[4]) if r[4] is not None else None)
            for r in rows
        ]

    async def spending(self, since: float) -> list[tuple[float, int]]:
        """(when, credits spent: positive) of each reservation, release and refund since."""
        rows = await self._db.all(
            "SELECT created_at, amount FROM ledger WHERE kind IN ('reserve', 'release', 'refund') "
            "AND created_at >= $1",
            (since,),
        )
        return [(float(r[0]), -int(r[1])) for r in rows]

    async def stars(self, since: float) -> tuple[int, int]:
        """(Stars received and not refunded, payments) since `since`."""
        row = await self._db.one(
            "SELECT COALESCE(SUM(stars), 0), COUNT(*) FROM payments "
            "WHERE created_at >= $1 AND refunded = 0",
            (since,),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)
