"""The status feed: a job's states shown in the background, newest first, never twice.

The feed is given how to show a state (here a recorder standing in for Telegram, which may be
slow, as a chat out of its one-message-a-second budget is) and says which waiting state a
newer one makes moot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot.domain.jobs import Job, JobState
from bot.services.feed import StatusFeed
from tests.support.job_values import job_value


def job(state: JobState, *, progress: int | None = None, status: int | None = 50) -> Job:
    return job_value(state=state, progress=progress, status_message_id=status)


@dataclass
class SlowChat:
    """Shows a state after `seconds`; a new status message (none to edit) gets id 99."""

    seconds: float = 0.05
    shown: list[tuple[JobState, int | None, int | None]] = field(default_factory=list)
    outdated: list[JobState] = field(default_factory=list)

    async def show(self, shown: Job) -> int | None:
        await asyncio.sleep(self.seconds)
        self.shown.append((shown.state, shown.progress, shown.status_message_id))
        return 99 if shown.status_message_id is None else None

    def moot(self, newer: Job) -> None:
        self.outdated.append(newer.state)

    @contextlib.asynccontextmanager
    async def feed(self) -> AsyncIterator[StatusFeed]:
        """A feed showing in this chat, closed at the end."""
        feed = StatusFeed(self.show, self.moot)
        try:
            yield feed
        finally:
            await feed.close(0)


async def test_states_posted_while_one_is_shown_collapse_into_the_newest() -> None:
    chat = SlowChat()
    async with chat.feed() as feed:
        for progress in (10, 20, 30, 40):
            feed.post(job(JobState.RUNNING, progress=progress))
            await asyncio.sleep(0)
        await feed.shown(job(JobState.DELIVERED))

        assert chat.shown == [
            (JobState.RUNNING, 10, 50),
            (JobState.DELIVERED, None, 50),
        ]
        # The state being shown when newer ones came was reported moot (the limiter drops it
        # if it is still waiting for the chat's turn).
        assert chat.outdated


async def test_a_quiet_state_is_not_shown_when_the_end_comes_first() -> None:
    chat = SlowChat(seconds=0)
    async with chat.feed() as feed:
        feed.post(job(JobState.DELIVERING), after=0.5)
        await asyncio.sleep(0.05)
        await feed.shown(job(JobState.DELIVERED))
        await asyncio.sleep(0.6)

        assert chat.shown == [(JobState.DELIVERED, None, 50)]


async def test_a_quiet_state_is_shown_when_it_lasts() -> None:
    chat = SlowChat(seconds=0)
    async with chat.feed() as feed:
        feed.post(job(JobState.FETCHING), after=0.1)
        await asyncio.sleep(0.3)

        assert chat.shown == [(JobState.FETCHING, None, 50)]


async def test_the_status_message_a_first_state_made_is_edited_by_the_next() -> None:
    chat = SlowChat()
    async with chat.feed() as feed:
        feed.post(job(JobState.QUEUED, status=None))
        await asyncio.sleep(0)
        feed.post(job(JobState.RUNNING, progress=5, status=None))  # the snapshot knew no message
        await feed.shown(job(JobState.FAILED, status=None))

        # One new message (99), then edits of it: never a second status message.
        assert chat.shown == [
            (JobState.QUEUED, None, None),
            (JobState.FAILED, None, 99),
        ]


async def test_a_failing_show_is_logged_and_the_next_state_still_goes() -> None:
    shown: list[JobState] = []

    async def flaky(state: Job) -> int | None:
        if not shown:
            shown.append(state.state)
            raise RuntimeError("Telegram said no")
        shown.append(state.state)
        return None

    feed = StatusFeed(flaky, lambda newer: None)
    feed.post(job(JobState.RUNNING, progress=1))
    await asyncio.sleep(0.01)
    await feed.shown(job(JobState.DELIVERED))

    assert shown == [JobState.RUNNING, JobState.DELIVERED]
    await feed.close(0)
