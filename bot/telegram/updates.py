"""Updates reach the handlers once, and updates the library cannot read are skipped.

Once: `OnceOnly` claims each update id in the database before any handler runs (a handler in
group -1) and marks it done after every handler ran (group 1), so the same update delivered
twice, to this replica or another, takes effect once (see bot/services/updates.py). The webhook
claims before handing the update over (`OnceOnly.handle`), so that it can answer Telegram.

Unreadable updates are skipped with one log line, never fetched forever.

python-telegram-bot parses a whole `getUpdates` batch at once; one update it cannot read (a
newer Bot API than it knows is enough) fails the batch, the offset never moves, and the same
batch is fetched again forever. Here each update is checked first; one that cannot be read
is replaced by a bare update with its id, which no handler takes, so the offset moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import Application, ApplicationHandlerStop, ExtBot, TypeHandler

from bot.domain.errors import StorageError
from bot.services.updates import Claim, UpdateClaims

log = logging.getLogger(__name__)


class OnceOnly:
    """Each update id handled once across the replicas sharing the database."""

    def __init__(self, claims: UpdateClaims) -> None:
        self._claims = claims
        self._held: set[int] = set()  # claimed by `handle`, on its way through the handlers

    def handlers(self) -> list[tuple[int, TypeHandler[Update, Any, None]]]:
        """(group, handler): the claim before every other handler, the finish after them."""
        return [(-1, TypeHandler(Update, self._gate)), (1, TypeHandler(Update, self._finish))]

    async def handle(self, application: Application, update: Update) -> Claim:  # type: ignore[type-arg]
        """Claim the update, then run every handler on it (webhook mode). StorageError when
        the claim cannot be written: nothing was done, Telegram may send it again."""
        claim = await self._claims.claim(update.update_id)
        if claim is not Claim.TAKEN:
            log.info("update %s skipped: %s", update.update_id, claim.value)
            return claim
        self._held.add(update.update_id)
        try:
            await application.process_update(update)
        finally:
            self._held.discard(update.update_id)
        return claim

    async def forget_old(self) -> int:
        """Forget the ids old enough that Telegram never resends them."""
        return await self._claims.forget_old()

    async def _gate(self, update: Update, context: object) -> None:
        if update.update_id in self._held:
            return
        try:
            claim = await self._claims.claim(update.update_id, from_others=True)
        except StorageError:
            # Polling has moved past it: handled without the check beats never handled.
            log.warning("update %s handled unchecked: the database is failing", update.update_id)
            return
        if claim is not Claim.TAKEN:
            log.info("update %s skipped: %s", update.update_id, claim.value)
            raise ApplicationHandlerStop

    async def _finish(self, update: Update, context: object) -> None:
        try:
            await self._claims.finish(update.update_id)
        except StorageError:
            log.warning("update %s handled, but not marked done", update.update_id)


def read_update(raw: object, bot: Bot) -> Update:
    """The update `raw` holds, read once; one the library cannot read is a bare update with
    the same id, which no handler takes."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    try:
        update = Update.de_json(raw, bot)  # type: ignore[arg-type]
    except Exception as error:
        update = None
        problem = f"{type(error).__name__}: {str(error)[:200]}"
    else:
        problem = "not an update"
    if update is None:
        log.error("update %s cannot be read and is skipped: %s", update_id, problem)
        return Update(update_id if isinstance(update_id, int) else 0)
    return update


class TolerantBot(ExtBot[Any]):
    """The bot, with every `getUpdates` answer read update by update (and only once)."""

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (Bot.get_updates's own signature)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        # As Bot.get_updates: the long poll's own timeout is added to the read timeout.
        if isinstance(read_timeout, DefaultValue):
            base: float = self._request[0].read_timeout or 0
        else:
            base = read_timeout or 0
        seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout or 0
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=base + seconds,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        updates = tuple(read_update(raw, self) for raw in result or ())
        for update in updates:
            self.insert_callback_data(update)
        return updates
