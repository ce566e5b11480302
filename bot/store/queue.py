"""SQL for the waiting line: a queued job's place in it, and how long recent jobs took."""

from __future__ import annotations

from bot.domain.request import GenerationRequest
from bot.store.database import Database

# How many of a vendor's latest deliveries are read to find those with the same options.
RECENT_DELIVERIES = 50


class QueueStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def place(self, job_id: int) -> int:
        """1 + the queued jobs before this one, in the order the worker takes them (by id):
        1 when it is next (or already being submitted)."""
        row = await self._db.one(
            "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND id < $1", (job_id,)
        )
        return 1 + (int(row[0]) if row else 0)

    async def recent_durations(
        self, vendor: str, *, before_id: int
    ) -> list[tuple[GenerationRequest, float]]:
        """(request, seconds from created to delivered) of the vendor's latest deliveries,
        newest first."""
        rows = await self._db.all(
            "SELECT request_json, finished_at - created_at FROM jobs "
            "WHERE vendor = $1 AND state = 'delivered' AND finished_at IS NOT NULL "
            "AND id < $2 ORDER BY finished_at DESC LIMIT $3",
            (vendor, before_id, RECENT_DELIVERIES),
        )
        return [
            (GenerationRequest.model_validate_json(row[0]), float(row[1]))
            for row in rows
            if row[1] is not None
        ]
