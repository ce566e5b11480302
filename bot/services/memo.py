"""What every update asks about its person (language, access), kept in memory for a while."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.services.ports import Clock

K = TypeVar("K")
V = TypeVar("V")

REMEMBERED = 10_000  # entries; past that all are forgotten at once (they are cheap to load)


class Remembered(Generic[K, V]):
    """Values loaded from the database and kept `seconds` (forever when this process is the
    only one that changes them: it forgets or sets them itself when it does)."""

    def __init__(self, clock: Clock, seconds: float = math.inf) -> None:
        self._clock = clock
        self._seconds = seconds
        self._values: dict[K, tuple[V, float]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        now = self._clock()
        known = self._values.get(key)
        if known is None or now - known[1] >= self._seconds:
            if len(self._values) >= REMEMBERED:
                self._values.clear()
            known = (await load(), now)
            self._values[key] = known
        return known[0]

    def set(self, key: K, value: V) -> None:
        self._values[key] = (value, self._clock())

    def forget(self, key: K) -> None:
        self._values.pop(key, None)
