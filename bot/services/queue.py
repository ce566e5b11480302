"""A queued job's place in line and the typical wait for its vendor and options."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bot.domain.jobs import Job, JobState
from bot.services.memo import Remembered
from bot.services.ports import Clock
from bot.store.queue import QueueStore

# The typical wait is the median of at most this many recent deliveries like this one.
TYPICAL_OF = 10


@dataclass(frozen=True)
class QueueLine:
    """Where a queued job stands: its place (1 = next), and the typical wait in seconds of
    recent jobs of its vendor and options (None without such history)."""

    place: int
    typical_seconds: float | None


# The typical wait changes slowly: worked out again at most once a minute per vendor and options.
TYPICAL_KEPT_SECONDS = 60.0


class QueueReads:
    def __init__(self, store: QueueStore, clock: Clock) -> None:
        self._store = store
        self._typical: Remembered[tuple[str, str, str], float | None] = Remembered(
            clock, TYPICAL_KEPT_SECONDS
        )

    async def line(self, job: Job) -> QueueLine | None:
        """The job's place in line, or None when it is not waiting in the queue (as this
        snapshot of it says: the worker may be submitting it already, then it is 1st)."""
        if job.state is not JobState.QUEUED:
            return None
        place = await self._store.place(job.id)
        return QueueLine(place, await self.typical_seconds(job))

    async def typical_seconds(self, job: Job) -> float | None:
        """Median time from ▶️ Create to the video over recent jobs of the same vendor, speed
        and resolution."""
        wanted = job.request
        key = (job.vendor, str(wanted.tier), str(wanted.resolution))
        return await self._typical.get(key, lambda: self._median(job))

    async def _median(self, job: Job) -> float | None:
        wanted = job.request
        durations = [
            seconds
            for request, seconds in await self._store.recent_durations(
                job.vendor, before_id=job.id
            )
            if (request.tier, request.resolution) == (wanted.tier, wanted.resolution)
        ][:TYPICAL_OF]
        return statistics.median(durations) if durations else None
