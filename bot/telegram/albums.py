"""Albums being received: several updates sharing a media_group_id, answered once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain.request import MediaRef

if TYPE_CHECKING:
    from bot.telegram.context import Turn

AlbumKey = tuple[int, int, str]  # chat, person, media_group_id


@dataclass
class Album:
    turn: Turn  # the first photo's turn: the album is answered as a reply to it
    photos: list[tuple[int, MediaRef]] = field(default_factory=list)
    caption: str | None = None
    refused: bool = False
    timer: asyncio.Task[None] | None = None


class AlbumCollector:
    """The albums being received, by (chat, user, media_group_id)."""

    def __init__(self) -> None:
        self._albums: dict[AlbumKey, Album] = {}

    def collect(
        self, key: AlbumKey, turn: Turn, message_id: int, photo: MediaRef, caption: str | None
    ) -> Album:
        """Add one photo; the album's settle timer restarts with each."""
        album = self._albums.setdefault(key, Album(turn))
        album.photos.append((message_id, photo))
        album.caption = album.caption or caption
        if album.timer is not None:
            album.timer.cancel()
        return album

    def refuse_once(self, key: AlbumKey, turn: Turn) -> bool:
        """Mark the album refused; False when it already was (say why only once)."""
        album = self._albums.setdefault(key, Album(turn))
        first = not album.refused
        album.refused = True
        return first

    def finish(self, key: AlbumKey) -> Album | None:
        return self._albums.pop(key, None)
