"""Telegram's flood budget shared by replicas on PostgreSQL (issue 11).

Each process keeps its own per-chat turns and windows (bot/telegram/limits.py); on top of them,
before a counted message, it reserves the chat's next slot in the database and then a slot of
the whole bot, and waits for both. The rules, chosen for one statement per reservation:

- a chat's messages are `chat_spacing` apart across all processes; for a group that spacing is
  at least its window divided by its limit (61 s / 20 ≈ 3 s), which keeps a group under 20
  messages in any minute without counting them;
- the whole bot's messages are `overall_spacing` (1 / messages per second) apart;
- the bot's slot is taken only once the chat's slot has come, so a busy chat never holds up
  the others; a bot slot that comes late moves the chat's next slot on by the same delay;
- a 429 moves the chat's next slot to when Telegram allows it, for every process.

Times in the database are the wall clock (every replica's), not the monotonic one. A database
that cannot be reached leaves each process to its own limits: a message is never lost to it.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.services.ports import Clock
from bot.store.pacing import WHOLE_BOT, PaceStore

log = logging.getLogger(__name__)


class SharedPacing:
    """The SharedPace port on the database's `chat_pace` rows."""

    def __init__(self, store: PaceStore, clock: Clock = time.time) -> None:
        self._store = store
        self._clock = clock

    async def take_slot(self, chat_id: int, chat_spacing: float, overall_spacing: float) -> None:
        try:
            slot = await self._store.reserve(chat_id, self._clock(), chat_spacing)
            await self._until(slot)
            overall = await self._store.reserve(WHOLE_BOT, self._clock(), overall_spacing)
            if overall > self._clock():
                await self._store.hold(chat_id, overall + chat_spacing)
                await self._until(overall)
        except Exception as error:
            log.warning("could not reserve a message slot in the database: %s", error)

    async def _until(self, moment: float) -> None:
        wait = moment - self._clock()
        if wait > 0:
            await asyncio.sleep(wait)

    async def hold(self, chat_id: int, seconds: float) -> None:
        try:
            await self._store.hold(chat_id, self._clock() + seconds)
        except Exception as error:
            log.warning("could not record Telegram's pause for a chat: %s", error)
