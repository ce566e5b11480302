"""SQL for Telegram updates across replicas: each update id claimed once, one polling leader."""

from __future__ import annotations

from enum import Enum

from bot.store.database import Database


class Claim(Enum):
    """What claiming an update id found."""

    TAKEN = "taken"  # ours now: handle it
    DONE = "done"  # handled already, by us or another replica
    BUSY = "busy"  # another claim is under way and its lease has not run out


class UpdateStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(
        self,
        update_id: int,
        owner: str,
        now: float,
        lease_seconds: float,
        *,
        from_others: bool = False,
    ) -> Claim:
        """Take the update id if nobody has, or if a claim that never finished has lapsed
        (or, `from_others`, is another owner's: one that is gone)."""
        taken = await self._db.write(
            "INSERT INTO processed_updates (update_id, claimed_by, claimed_at) "
            "VALUES ($1, $2, $3) ON CONFLICT (update_id) DO UPDATE SET "
            "claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at "
            "WHERE processed_updates.done_at IS NULL AND (processed_updates.claimed_at < $4 "
            "OR ($5 AND processed_updates.claimed_by <> excluded.claimed_by))",
            update_id,
            owner,
            now,
            now - lease_seconds,
            from_others,
        )
        if taken:
            return Claim.TAKEN
        found = await self._db.one(
            "SELECT done_at FROM processed_updates WHERE update_id = $1", (update_id,)
        )
        return Claim.BUSY if found is None or found[0] is None else Claim.DONE

    @property
    def shared(self) -> bool:
        """Whether other processes claim updates on this database too (PostgreSQL)."""
        return self._db.shared

    async def highest_done(self) -> int:
        """The highest update id handled (0 when none is remembered)."""
        row = await self._db.one("SELECT MAX(update_id) FROM processed_updates", ())
        return int(row[0]) if row and row[0] is not None else 0

    async def finish(self, update_id: int, owner: str, now: float) -> None:
        """Mark the update done: the claim `owner` holds, or (claimed in memory only, see
        UpdateClaims) a row of its own."""
        await self._db.write(
            "INSERT INTO processed_updates (update_id, claimed_by, claimed_at, done_at) "
            "VALUES ($2, $3, $1, $1) ON CONFLICT (update_id) DO UPDATE SET done_at = $1 "
            "WHERE processed_updates.claimed_by = $3",
            now,
            update_id,
            owner,
        )

    async def forget_before(self, cutoff: float) -> int:
        """Drop the ids claimed before `cutoff`; Telegram does not resend anything that old."""
        async with self._db.transaction() as conn:
            return await conn.execute(
                "DELETE FROM processed_updates WHERE claimed_at < $1", cutoff
            )

    async def lead(self, holder: str, now: float, lease_seconds: float) -> bool:
        """Take or keep the polling leader's row: free, ours, or lapsed."""
        async with self._db.transaction() as conn:
            return (
                await conn.execute(
                    "INSERT INTO update_leader (id, holder, expires_at) VALUES (1, $1, $2) "
                    "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
                    "expires_at = excluded.expires_at "
                    "WHERE update_leader.holder = $1 OR update_leader.expires_at < $3",
                    holder,
                    now + lease_seconds,
                    now,
                )
                > 0
            )

    async def step_down(self, holder: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM update_leader WHERE id = 1 AND holder = $1", holder)
