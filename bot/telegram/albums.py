"""Albums being received: several updates sharing a media_group_id, answered once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram import Update

from bot.domain.request import MediaRef


@dataclass
class Album:
    update: Update
    photos: list[tuple[int, MediaRef]] = field(default_factory=list)
    caption: str | None = None
    error: str | None = None
    timer: asyncio.Task[None] | None = None


class AlbumCollector:
    """The albums being received, by (chat, user, media_group_id)."""

    def __init__(self) -> None:
        self.albums: dict[tuple[int, int, str], Album] = {}
