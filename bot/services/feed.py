"""A job's status message, kept up to date in the background: no step waits for Telegram.

Telegram lets a bot send about one message a second into a chat, so showing a state can wait
(bot/telegram/limits.py). A worker step that waited for that would hold its slot while other
jobs' polls fall behind; instead a step *posts* the job's new state and goes on. Per job one
sender shows the newest state it was given, one at a time, so a state overtaken before it went
out is never sent (one already waiting for the chat's turn is dropped there) and a status
message is never sent twice. The end of a job is awaited
(`shown`): it is never dropped, and it replaces any progress still waiting.

A state can be posted `after` a quiet time: "downloading" and "sending" are shown only if the
video is not in the chat by then, so a quick delivery is not held up by its own progress edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.domain.jobs import Job

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    job: Job | None = None
    due: float = 0.0
    message_id: int | None = None  # the status message a send of this feed made
    showing: bool = False  # a state of this job is on its way to Telegram
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    sender: asyncio.Task[None] | None = None


class StatusFeed:
    def __init__(
        self,
        show: Callable[[Job], Awaitable[int | None]],
        outdated: Callable[[Job], None],
    ) -> None:
        """`show` shows a job's state (the id of the status message when it sent a new one);
        `outdated` says that a state being shown may be dropped: a newer one is coming."""
        self._show = show
        self._outdated = outdated
        self._pending: dict[int, _Pending] = {}

    def post(self, job: Job, *, after: float = 0.0) -> None:
        """Show this state when the chat's turn comes (or `after` seconds, if still newest)."""
        pending = self._pending.setdefault(job.id, _Pending())
        if pending.showing and job.status_message_id is not None:
            self._outdated(job)
        pending.job = job
        pending.due = asyncio.get_running_loop().time() + after
        pending.changed.set()
        if pending.sender is None:
            pending.sender = asyncio.create_task(self._send(job.id), name=f"status-{job.id}")

    async def shown(self, job: Job) -> None:
        """Show this state now, instead of any progress still waiting, and wait until it is
        (a job's end; the first status, a reply to the person's ▶️ Create)."""
        self.post(job)
        sender = self._pending[job.id].sender
        if sender is not None:
            await asyncio.shield(sender)

    async def close(self, grace: float) -> None:
        """Let the sends under way finish for up to `grace` seconds; drop the rest."""
        senders = [p.sender for p in self._pending.values() if p.sender is not None]
        if senders and grace > 0:
            await asyncio.wait(senders, timeout=grace)
        for sender in senders:
            sender.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        self._pending.clear()

    async def _send(self, job_id: int) -> None:
        pending = self._pending[job_id]
        loop = asyncio.get_running_loop()
        try:
            while pending.job is not None:
                wait = pending.due - loop.time()
                if wait > 0:
                    pending.changed.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(wait):
                            await pending.changed.wait()
                    continue
                job, pending.job = pending.job, None
                if job.status_message_id is None and pending.message_id is not None:
                    job = job.model_copy(update={"status_message_id": pending.message_id})
                pending.showing = True
                try:
                    sent = await self._show(job)
                except Exception:
                    log.exception("job %s: could not update the status message", job_id)
                    continue
                finally:
                    pending.showing = False
                if sent is not None:
                    pending.message_id = sent
        finally:
            pending.sender = None
            if pending.job is None and self._pending.get(job_id) is pending:
                del self._pending[job_id]
