"""Updates the library cannot read are skipped with one log line, never fetched forever.

python-telegram-bot parses a whole `getUpdates` batch at once; one update it cannot read (a
newer Bot API than it knows is enough) fails the batch, the offset never moves, and the same
batch is fetched again forever. Here each update is checked first; one that cannot be read
is replaced by a bare update with its id, which no handler takes, so the offset moves on.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


def readable(raw: object, bot: Bot) -> JSONDict:
    """`raw` when the library can read it, else a bare update with the same id."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    try:
        Update.de_json(raw, bot)  # type: ignore[arg-type]
    except Exception as error:
        log.error(
            "update %s cannot be read and is skipped: %s: %s",
            update_id,
            type(error).__name__,
            str(error)[:200],
        )
        return {"update_id": update_id if isinstance(update_id, int) else 0}
    assert isinstance(raw, dict)
    return raw


class TolerantBot(ExtBot[Any]):
    """The bot, with every `getUpdates` answer made readable update by update."""

    async def _post(
        self,
        endpoint: str,
        data: JSONDict | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> Any:
        result = await super()._post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if endpoint == "getUpdates" and isinstance(result, list):
            return [readable(raw, self) for raw in result]
        return result
