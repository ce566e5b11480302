"""SQL for the status-edit throttle: what each unfinished job's status message last showed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.jobs import TERMINAL_STATES
from bot.store.database import Database


@dataclass(frozen=True)
class ShownStatus:
    text: str
    shown_at: float
    state: str

    @property
    def ended(self) -> bool:
        """The job's end was shown (its text is not kept: nothing is compared with it)."""
        return self.state in TERMINAL_STATES


class StatusStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def shared(self) -> bool:
        return self._db.shared

    async def get(self, job_id: int) -> ShownStatus | None:
        row = await self._db.one(
            "SELECT text, shown_at, state FROM status_shown WHERE job_id = $1", (job_id,)
        )
        if row is None:
            return None
        return ShownStatus(str(row["text"]), float(row["shown_at"]), str(row["state"]))

    async def record(self, job_id: int, shown: ShownStatus) -> None:
        await self._db.write(
            "INSERT INTO status_shown (job_id, text, shown_at, state) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (job_id) DO UPDATE SET "
            "text = excluded.text, shown_at = excluded.shown_at, state = excluded.state",
            job_id,
            shown.text,
            shown.shown_at,
            shown.state,
        )

    async def sweep(self, cutoff: float) -> int:
        """Forget statuses last shown before `cutoff` (a job whose end was never shown)."""
        async with self._db.transaction() as conn:
            return await conn.execute("DELETE FROM status_shown WHERE shown_at < $1", cutoff)
