"""What each job's status message last showed, shared by every replica that may edit it."""

from __future__ import annotations

from bot.domain.jobs import JobState
from bot.store.status import ShownStatus, StatusStore

__all__ = ["ShownStatus", "StatusMemory"]

# A job's status is forgotten this long after it was last shown (its end, or a state of a job
# that never ended).
STALE_STATUS_SECONDS = 7 * 24 * 3600.0


class StatusMemory:
    def __init__(self, store: StatusStore) -> None:
        self._store = store

    @property
    def shared(self) -> bool:
        """Whether other processes show states of the same jobs (PostgreSQL replicas)."""
        return self._store.shared

    async def last(self, job_id: int) -> ShownStatus | None:
        return await self._store.get(job_id)

    async def shown(self, job_id: int, status: ShownStatus) -> None:
        await self._store.record(job_id, status)

    async def finished(self, job_id: int, end: JobState, at: float) -> None:
        """The job's end was shown: no replica shows progress of it any more."""
        await self._store.record(job_id, ShownStatus("", at, end))

    async def sweep(self, now: float) -> int:
        return await self._store.sweep(now - STALE_STATUS_SECONDS)
