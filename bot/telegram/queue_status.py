"""The status of a queued job with its place in line: the notifier, told where the job stands.

Every other state is shown by `TelegramNotifier` itself; a queued job's status is read from
the queue first (`QueueReads`), so the person sees "3rd in line · usually ready in about
2 min" instead of only "in the queue".
"""

from __future__ import annotations

from typing import Any

from bot.domain.jobs import Job, JobState
from bot.services.queue import QueueReads
from bot.services.status import ShownStatus
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.render import queued_text, status_keyboard


class QueueAwareNotifier(TelegramNotifier):
    def __init__(self, *args: Any, queue: QueueReads, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue = queue

    async def job_changed(self, job: Job) -> int | None:
        line = await self._queue.line(job) if job.state is JobState.QUEUED else None
        if line is None:
            return await super().job_changed(job)
        text = queued_text(job, self._capabilities[job.vendor], line)
        shown = await self._shown.last(job.id)
        if shown is not None and shown.text == text:
            return None
        sent = await self._show(job, text, status_keyboard(job))
        await self._shown.shown(job.id, ShownStatus(text, self._clock(), job.state))
        return sent
