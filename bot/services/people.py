"""A person's chosen language and the defaults their cards start from (/settings); who has used
the bot (name, first and last seen, whether they blocked it), for the admins."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from bot.domain.capabilities import Capabilities
from bot.domain.choices import default_options, with_choice
from bot.domain.drafts import DraftOptions
from bot.domain.errors import StorageError
from bot.domain.options import Option
from bot.services.memo import Remembered
from bot.services.ports import Clock
from bot.store.ledger import day_key
from bot.store.people import PeopleStore
from bot.store.profiles import ProfileStore

log = logging.getLogger(__name__)

SEEN_CACHE_LIMIT = 100_000  # people remembered as seen today before the memory starts over


@dataclass(frozen=True)
class Visitor:
    """Who sent an update, as Telegram says: recorded once a day (or when it changes)."""

    user_id: int
    first_name: str
    username: str | None
    telegram_language: str
    private: bool  # in a DM with the bot: they have not blocked it


@dataclass(frozen=True)
class Profile:
    """A person as the admins see them; `known` is False for someone who never used the bot."""

    user_id: int
    first_name: str | None
    username: str | None
    language: str
    known: bool
    blocked: bool


class PeopleService:
    def __init__(
        self,
        store: PeopleStore,
        capabilities: Capabilities,
        languages: tuple[str, ...],
        clock: Clock,
        profiles: ProfileStore,
        *,
        remember_seconds: float = math.inf,
    ) -> None:
        """`remember_seconds`: how long a person's language is kept in memory (every update
        needs it); forever when this process is the only one that can change it."""
        self._store = store
        self._capabilities = capabilities
        self._languages = languages
        self._clock = clock
        self._chosen: Remembered[int, str | None] = Remembered(clock, remember_seconds)
        self._profiles = profiles
        self._seen: dict[int, tuple[str, Visitor]] = {}

    async def language(self, user_id: int, telegram_language: str) -> str:
        """The language the person chose with /language, else their Telegram one."""
        chosen = await self._chosen.get(user_id, lambda: self._store.language(user_id))
        return chosen or telegram_language

    async def set_language(self, user_id: int, language: str) -> bool:
        if language not in self._languages:
            return False
        await self._store.set_language(user_id, language, self._clock())
        self._chosen.set(user_id, language)
        return True

    async def defaults(self, user_id: int) -> DraftOptions:
        return default_options(self._capabilities, await self._store.preferences(user_id))

    async def choose_default(self, user_id: int, option: Option, value: str) -> DraftOptions:
        """Change one default; StaleButtonError for a value the vendor does not offer."""
        options = with_choice(await self.defaults(user_id), option, value, self._capabilities)
        await self._store.set_preferences(user_id, options.preferences(), self._clock())
        return options

    async def seen(self, visitor: Visitor) -> None:
        """Record that this person used the bot: once a day, or when their name changes."""
        now = self._clock()
        day = day_key(now)
        if self._seen.get(visitor.user_id) == (day, visitor):
            return
        try:
            await self._profiles.seen(
                visitor.user_id,
                first_name=visitor.first_name,
                username=visitor.username,
                telegram_language=visitor.telegram_language,
                reachable=visitor.private,
                now=now,
            )
        except StorageError as error:  # a count for the admins never stops an answer
            log.warning("could not record that %s used the bot: %s", visitor.user_id, error)
            return
        if len(self._seen) >= SEEN_CACHE_LIMIT:
            self._seen.clear()
        self._seen[visitor.user_id] = (day, visitor)

    async def profile(self, user_id: int) -> Profile:
        """The person behind an id, in the language they read (the first one if unknown)."""
        row = await self._profiles.profile(user_id)
        if row is None:
            return Profile(user_id, None, None, self._languages[0], known=False, blocked=False)
        language = row.language or row.telegram_language or self._languages[0]
        return Profile(
            user_id,
            row.first_name,
            row.username,
            language if language in self._languages else self._languages[0],
            known=row.first_seen_at is not None,
            blocked=row.blocked,
        )

    async def blocked_us(self, user_id: int) -> None:
        """Telegram refused a message to this person (403): they blocked the bot."""
        self._seen.pop(user_id, None)  # their next message in the DM records them again
        await self._profiles.mark_blocked(user_id, self._clock())

    async def reachable(self) -> list[int]:
        """Everyone who has used the bot and has not blocked it."""
        return await self._profiles.reachable()

    async def first_request_today(self, user_id: int) -> bool:
        """Whether a stranger's refusal is their first today (the admins hear of it once)."""
        now = self._clock()
        return await self._profiles.take_access_request(user_id, day_key(now), now)
