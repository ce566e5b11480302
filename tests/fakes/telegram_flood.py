"""Telegram's flood control, for the fake Bot API (opt-in: ``FakeTelegram(flood=FloodLimits())``).

Telegram answers a bot that sends too fast with ``429 Too Many Requests: retry after N`` and
``parameters.retry_after``. The limits it documents (Bot API FAQ, "My bot is hitting limits"):
about one message per second in one chat, 20 messages per minute in one group, about 30
messages per second overall. Edits count like messages; answers to callback queries, chat
actions, deletions and ``getUpdates`` do not. A refused request does not use up any budget.

This is a simple model of those limits with sliding windows: a request is refused when the
window it falls in already holds the limit; ``retry_after`` is the whole seconds until the
oldest request in the fullest window leaves it (at least 1), as Telegram rounds up.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from tests.fakes.telegram_models import ApiError

# Methods that put (or change) a message in a chat: what Telegram's limits count.
COUNTED_METHODS = frozenset(
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


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass(frozen=True)
class FloodLimits:
    """How many counted requests fit in each window (defaults: Telegram's documented limits)."""

    per_chat: int = 1
    per_chat_seconds: float = 1.0
    per_group: int = 20
    per_group_seconds: float = 60.0
    overall: int = 30
    overall_seconds: float = 1.0


@dataclass
class FloodControl:
    """The sliding windows of one fake server; ``check`` refuses or records one request."""

    limits: FloodLimits
    refused: list[tuple[float, str, int, int]] = field(default_factory=list)  # at, method, chat, s
    _chats: dict[int, deque[float]] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _overall: deque[float] = field(default_factory=deque)

    def check(self, method: str, chat_id: int | None, is_group: bool, now: float) -> None:
        """Raise the 429 Telegram would answer, or count this request against the windows."""
        if method not in COUNTED_METHODS:
            return
        limits = self.limits
        windows = [(self._overall, limits.overall, limits.overall_seconds)]
        if chat_id is not None:
            chat = self._chats.setdefault(chat_id, deque())
            windows.append((chat, limits.per_chat, limits.per_chat_seconds))
            if is_group:
                group = self._groups.setdefault(chat_id, deque())
                windows.append((group, limits.per_group, limits.per_group_seconds))
        wait = 0.0
        for times, limit, seconds in windows:
            while times and times[0] <= now - seconds:
                times.popleft()
            if len(times) >= limit:
                wait = max(wait, times[0] + seconds - now)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.refused.append((now, method, chat_id or 0, retry_after))
            raise too_many_requests(retry_after)
        for times, _, _ in windows:
            times.append(now)
