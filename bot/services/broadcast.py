"""/broadcast: one text to everyone who has used the bot, at Telegram's pace, stoppable.

A run lives in this process's memory: a restart ends it where it was (the admin's message
keeps the last progress it showed). The stop is a row (the action's state), so a ⏹ Stop
pressed on any process stops it. Sends go through the bot's rate limiter at low priority and
the run keeps below the limiter's overall rate, so answers to people always find room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.admin_actions import ActionState, AdminAction
from bot.services.confirmations import AdminActions
from bot.services.people import PeopleService

log = logging.getLogger(__name__)

HEADROOM_PER_SECOND = 8  # of Telegram's ~30 messages a second, kept free for answers
IN_FLIGHT = 8  # sends awaiting Telegram at once
PROGRESS_SECONDS = 2.0  # how often the admin's message shows the progress


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot (or never opened a chat with it)
    FAILED = "failed"


@dataclass
class BroadcastProgress:
    action_id: int
    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    state: ActionState = ActionState.RUNNING

    @property
    def handled(self) -> int:
        return self.sent + self.blocked + self.failed

    def counts(self) -> dict[str, int]:
        """The numbers the admin's card shows."""
        return {
            "sent": self.sent,
            "total": self.total,
            "blocked": self.blocked,
            "failed": self.failed,
        }


class BroadcastChannel(Protocol):
    """Telegram's side of one run: one message to one person, and the admin's progress."""

    async def send(self, user_id: int, text: str) -> Outcome: ...

    async def show(self, progress: BroadcastProgress) -> None: ...


class Broadcasts:
    def __init__(
        self,
        people: PeopleService,
        actions: AdminActions,
        *,
        messages_per_second: int,
        progress_seconds: float = PROGRESS_SECONDS,
    ) -> None:
        self._people = people
        self._actions = actions
        rate = max(1, messages_per_second - HEADROOM_PER_SECOND)
        self._interval = 1.0 / rate
        self._progress_seconds = progress_seconds
        self._next_slot = 0.0
        self._runs: dict[int, asyncio.Task[None]] = {}

    async def recipients(self) -> list[int]:
        return await self._people.reachable()

    async def start(self, action: AdminAction, channel: BroadcastChannel) -> BroadcastProgress:
        """Send the confirmed action's text to everyone, in the background."""
        recipients = await self.recipients()
        progress = BroadcastProgress(action.id, len(recipients))
        await self._show(channel, progress)  # before the run can show anything newer
        task = asyncio.create_task(
            self._run(action, recipients, channel, progress), name=f"broadcast-{action.id}"
        )
        self._runs[action.id] = task
        task.add_done_callback(lambda _: self._runs.pop(action.id, None))
        return progress

    async def stop(self, action_id: int) -> bool:
        """Ask a running broadcast to stop (on whichever process runs it)."""
        return await self._actions.move(action_id, ActionState.RUNNING, ActionState.STOPPED)

    async def close(self) -> None:
        """The bot is stopping: end every run here (a restart does not resume them)."""
        for task in list(self._runs.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(
        self,
        action: AdminAction,
        recipients: list[int],
        channel: BroadcastChannel,
        progress: BroadcastProgress,
    ) -> None:
        text = action.payload.text or ""
        pending = iter(recipients)
        stopping = asyncio.Event()
        senders = [
            asyncio.create_task(self._send_each(pending, text, channel, progress, stopping))
            for _ in range(IN_FLIGHT)
        ]
        done = asyncio.gather(*senders)
        try:
            while not done.done():
                await asyncio.wait([done], timeout=self._progress_seconds)
                if await self._actions.state(action.id) is ActionState.STOPPED:
                    stopping.set()
                if not done.done():
                    await self._show(channel, progress)
            await done
        except BaseException:
            done.cancel()  # the senders too; a cancelled gather reports nothing later
            raise
        if stopping.is_set() or not await self._actions.move(
            action.id, ActionState.RUNNING, ActionState.DONE
        ):
            progress.state = ActionState.STOPPED
        else:
            progress.state = ActionState.DONE
        log.info(
            "broadcast %s %s: %d sent, %d blocked, %d failed of %d",
            action.id,
            progress.state.value,
            progress.sent,
            progress.blocked,
            progress.failed,
            progress.total,
        )
        await self._show(channel, progress)

    async def _send_each(
        self,
        pending: Iterator[int],
        text: str,
        channel: BroadcastChannel,
        progress: BroadcastProgress,
        stopping: asyncio.Event,
    ) -> None:
        for user_id in pending:
            if stopping.is_set():
                return
            await self._pace()
            if stopping.is_set():
                return
            try:
                outcome = await channel.send(user_id, text)
            except Exception:
                log.exception("broadcast: could not send to %s", user_id)
                outcome = Outcome.FAILED
            if outcome is Outcome.SENT:
                progress.sent += 1
            elif outcome is Outcome.BLOCKED:
                progress.blocked += 1
                try:
                    await self._people.blocked_us(user_id)
                except Exception:
                    log.exception("broadcast: could not record that %s blocked the bot", user_id)
            else:
                progress.failed += 1

    async def _pace(self) -> None:
        """One send slot: the runs together keep below the overall rate, minus headroom."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)

    @staticmethod
    async def _show(channel: BroadcastChannel, progress: BroadcastProgress) -> None:
        try:
            await channel.show(progress)
        except Exception:
            log.exception("broadcast %s: could not show the progress", progress.action_id)
