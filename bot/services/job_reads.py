"""What the Telegram layer reads about jobs: one job, a person's recent ones, counts."""

from __future__ import annotations

from bot.domain.jobs import UNFINISHED_STATES, Job, JobState
from bot.store.jobs import JobStore


class JobReads:
    """The read half of JobService: straight from the store, nothing moves."""

    _store: JobStore

    async def get(self, job_id: int) -> Job | None:
        return await self._store.get(job_id)

    async def unfinished(self) -> list[Job]:
        return await self._store.in_states(UNFINISHED_STATES)

    async def recent(self, chat_id: int, user_id: int, limit: int) -> list[Job]:
        return await self._store.recent(chat_id, user_id, limit)

    async def delivered_to(self, user_id: int, limit: int) -> list[Job]:
        return await self._store.delivered_to(user_id, limit)

    async def by_result_message(self, chat_id: int, message_id: int) -> Job | None:
        return await self._store.by_result_message(chat_id, message_id)

    async def latest_unsubmitted(self, chat_id: int, user_id: int) -> Job | None:
        return await self._store.latest_for(chat_id, user_id, [JobState.QUEUED])

    async def latest_active(self, chat_id: int, user_id: int) -> Job | None:
        return await self._store.latest_for(chat_id, user_id, UNFINISHED_STATES)
