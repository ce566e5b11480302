"""A person's chosen language and the defaults their cards start from (/settings)."""

from __future__ import annotations

import math

from bot.domain.capabilities import Capabilities
from bot.domain.choices import default_options, with_choice
from bot.domain.drafts import DraftOptions
from bot.domain.options import Option
from bot.services.ports import Clock
from bot.store.people import PeopleStore

REMEMBERED_PEOPLE = 10_000


class PeopleService:
    def __init__(
        self,
        store: PeopleStore,
        capabilities: Capabilities,
        languages: tuple[str, ...],
        clock: Clock,
        *,
        remember_seconds: float = math.inf,
    ) -> None:
        """`remember_seconds`: how long a person's language is kept in memory (every update
        needs it); forever when this process is the only one that can change it."""
        self._store = store
        self._capabilities = capabilities
        self._languages = languages
        self._clock = clock
        self._remember_seconds = remember_seconds
        self._chosen: dict[int, tuple[str | None, float]] = {}

    async def language(self, user_id: int, telegram_language: str) -> str:
        """The language the person chose with /language, else their Telegram one."""
        now = self._clock()
        known = self._chosen.get(user_id)
        if known is None or now - known[1] >= self._remember_seconds:
            if len(self._chosen) >= REMEMBERED_PEOPLE:
                self._chosen.clear()
            known = (await self._store.language(user_id), now)
            self._chosen[user_id] = known
        return known[0] or telegram_language

    async def set_language(self, user_id: int, language: str) -> bool:
        if language not in self._languages:
            return False
        await self._store.set_language(user_id, language, self._clock())
        self._chosen[user_id] = (language, self._clock())
        return True

    async def defaults(self, user_id: int) -> DraftOptions:
        return default_options(self._capabilities, await self._store.preferences(user_id))

    async def choose_default(self, user_id: int, option: Option, value: str) -> DraftOptions:
        """Change one default; StaleButtonError for a value the vendor does not offer."""
        options = with_choice(await self.defaults(user_id), option, value, self._capabilities)
        await self._store.set_preferences(user_id, options.preferences(), self._clock())
        return options
