"""Telegram's flood limits, kept per chat: a busy chat waits, every other chat goes on.

Telegram allows about one message a second in a chat, 20 a minute in a group and about 30 a
second overall, and answers 429 `retry_after` past them (design §13). PTB's AIORateLimiter
paces globally and, on a 429, holds back every request of the bot; here each chat has its own
turn:

- messages and edits in one chat go one at a time, at least `chat_interval` apart, and a
  group keeps to `group_limit` a minute; everything together keeps to `overall_rate` a second
  (a request leaves that second from its answer, so requests slowed on their way by a busy
  machine or link cannot bunch up at Telegram);
- a reply to what a person did goes before a progress edit (`priority="low"`), and an edit
  still waiting when a newer edit of the same kind for the same message comes (a card tapped
  three times in a second, a status that moved on) is not sent at all: the newer one shows the
  latest state;
- a group that used half of its minute keeps the rest for replies, videos and the end of
  each job: a progress edit there is left out (the next state shows);
- a request may carry `still_wanted` (an async check, made once its turn and budget came):
  when it answers False the request is not sent (progress another replica made stale);
- a 429 pauses only its chat for `retry_after`, and the request is tried again.

Replicas on PostgreSQL share the budget (`shared`, see bot/services/pacing.py): once this
process's own turn and windows let a message go, it also takes the chat's and the whole bot's
next slot in the database, and a 429 pauses the chat there for every replica.

Answers to button presses, file downloads and the like are not messages and pass at once.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.services.ports import SharedPace

log = logging.getLogger(__name__)

# The Bot API methods that put a message in a chat or change one: what Telegram counts.
COUNTED = frozenset(
    {
        "sendMessage",
        "sendVideo",
        "sendDocument",
        "sendPhoto",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendMediaGroup",
        "sendInvoice",
        "sendSticker",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
    }
)

# Edits that carry a message's whole new state (text and keyboard, or caption, or keyboard):
# a newer one of the same kind for the same message makes an older one still waiting moot.
EDITS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)

SKIPPED = True  # what an overtaken edit returns instead of Telegram's answer


@dataclass
class _Chat:
    """One chat's turn: who waits (replies first), when it may send next, what it sent."""

    queue: list[tuple[int, int, asyncio.Future[None]]] = field(default_factory=list)
    busy: bool = False
    next_at: float = 0.0
    sent: deque[float] = field(default_factory=deque)
    newest: dict[Hashable, int] = field(default_factory=dict)


class ChatRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self,
        *,
        chat_interval: float = 1.1,
        group_limit: int = 20,
        group_window: float = 61.0,
        overall_rate: int = 28,
        max_retries: int = 5,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedPace | None = None,
    ) -> None:
        self._chat_interval = chat_interval
        self._group_limit = group_limit
        self._group_window = group_window
        self._overall_rate = overall_rate
        self._max_retries = max_retries
        self._clock = clock
        self._chats: dict[int | str, _Chat] = {}
        # The whole bot's last second: requests on their way, and when the others were answered
        # (Telegram counted each somewhere between its sending and its answer).
        self._in_flight = 0
        self._answered: deque[float] = deque()
        self._tickets = itertools.count()
        self._shared = shared

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        if endpoint not in COUNTED or not isinstance(chat_id, int | str):
            return await callback(*args, **kwargs)
        options = rate_limit_args or {}
        low = options.get("priority") == "low"
        key = _edit_key(endpoint, data.get("message_id"))
        chat = self._chats.setdefault(chat_id, _Chat())
        ticket = next(self._tickets)
        if key is not None:
            chat.newest[key] = ticket
        try:
            wanted = options.get("still_wanted")
            return await self._send(
                chat, chat_id, ticket, low, key, wanted, callback, args, kwargs
            )
        finally:
            if key is not None and chat.newest.get(key) == ticket:
                del chat.newest[key]

    def supersede(self, chat_id: int, message_id: int) -> None:
        """A newer text of this message is coming: an edit of its text still waiting is moot."""
        chat = self._chats.get(chat_id)
        if chat is not None:
            chat.newest[_edit_key("editMessageText", message_id)] = next(self._tickets)

    async def _send(
        self,
        chat: _Chat,
        chat_id: int | str,
        ticket: int,
        low: bool,
        key: Hashable | None,
        still_wanted: Callable[[], Awaitable[bool]] | None,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            sent = False
            counted = False
            await self._take_turn(chat, ticket, low)
            try:
                if key is not None and chat.newest.get(key) != ticket:
                    return SKIPPED  # a newer edit of the same message is on its way
                if low and key is not None and self._saving_budget(chat, chat_id):
                    return SKIPPED  # progress in a busy group: the next state will show
                await self._wait_for_budget(chat, chat_id)
                counted = True
                if still_wanted is not None and not await still_wanted():
                    return SKIPPED  # what it would show is out of date now
                sent = True
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    pause = retry_after_seconds(exc)
                    chat.next_at = self._clock() + pause
                    if self._shared is not None and isinstance(chat_id, int):
                        await self._shared.hold(chat_id, pause)
                    attempt += 1
                    if attempt > self._max_retries:
                        raise
                    log.info("chat %s: flood control, waiting %.0f s", chat_id, pause)
            finally:
                # The next message in this chat is spaced from when this one was answered, not
                # from when it left: a request slowed on its way (a busy machine, a slow link)
                # then cannot arrive at Telegram less than a second before the next.
                if sent:
                    chat.next_at = max(chat.next_at, self._clock() + self._chat_interval)
                if counted:  # the whole bot's second, likewise from the answer
                    self._in_flight -= 1
                    if sent:
                        self._answered.append(self._clock())
                self._end_turn(chat)

    async def _take_turn(self, chat: _Chat, ticket: int, low: bool) -> None:
        """Wait until this request is the chat's: replies before progress, then in order."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(chat.queue, (1 if low else 0, ticket, future))
        self._hand_on(chat)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._end_turn(chat)  # the turn came as we were cancelled: pass it on
            else:
                chat.queue = [entry for entry in chat.queue if entry[2] is not future]
                heapq.heapify(chat.queue)
            raise

    def _hand_on(self, chat: _Chat) -> None:
        while not chat.busy and chat.queue:
            _, _, future = heapq.heappop(chat.queue)
            if not future.done():
                chat.busy = True
                future.set_result(None)

    def _end_turn(self, chat: _Chat) -> None:
        chat.busy = False
        self._hand_on(chat)

    async def _wait_for_budget(self, chat: _Chat, chat_id: int | str) -> None:
        """Sleep until this chat, its group window and the whole bot may send one more, and
        count it as on its way."""
        group = _is_group(chat_id)
        while True:
            now = self._clock()
            wait = chat.next_at - now
            if group:
                while chat.sent and now - chat.sent[0] >= self._group_window:
                    chat.sent.popleft()
                if len(chat.sent) >= self._group_limit:
                    wait = max(wait, chat.sent[0] + self._group_window - now)
            while self._answered and now - self._answered[0] >= 1.0:
                self._answered.popleft()
            if self._in_flight + len(self._answered) >= self._overall_rate:
                leaving = self._answered[0] + 1.0 - now if self._answered else 0.0
                wait = max(wait, leaving or 1.0 / self._overall_rate)
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        if self._shared is not None and isinstance(chat_id, int):
            await self._shared.take_slot(
                chat_id, self._spacing(group), overall_spacing=1.0 / self._overall_rate
            )
        now = self._clock()
        chat.next_at = now + self._chat_interval
        if group:
            chat.sent.append(now)
        self._in_flight += 1

    def _saving_budget(self, chat: _Chat, chat_id: int | str) -> bool:
        """Whether a group has used half of its minute: the rest is kept for what people
        need (replies, videos, the end of each job), progress edits wait for the next state."""
        if not _is_group(chat_id):
            return False
        now = self._clock()
        recent = sum(1 for at in chat.sent if now - at < self._group_window)
        return recent * 2 >= self._group_limit

    def _spacing(self, group: bool) -> float:
        """How far apart the replicas together send to one chat: a group's slots also keep
        its per-minute limit (20 a minute: one every ~3 s), with no count to keep."""
        if not group:
            return self._chat_interval
        return max(self._chat_interval, self._group_window / self._group_limit)


def _edit_key(endpoint: str, message_id: object) -> Hashable | None:
    return (endpoint, message_id) if endpoint in EDITS and message_id is not None else None


def _is_group(chat_id: int | str) -> bool:
    return isinstance(chat_id, str) or chat_id < 0


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's `retry_after` in seconds, whichever type this PTB version gives."""
    with warnings.catch_warnings():
        # PTB warns about the int/timedelta migration on every read of retry_after.
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
