"""Albums being received here: the turn each album is answered on, and its settle timers.

The photos themselves wait in the database (`AlbumService`), so that an album whose photos
reach several replicas is still answered once; this process only remembers the first
photo's turn (the album is answered as a reply to it) and which photo it saw last.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.telegram.context import Turn

AlbumKey = tuple[int, int, str]  # chat, person, media_group_id


@dataclass
class LocalAlbum:
    turn: Turn  # the first photo's turn seen here
    newest: int = 0  # the number of the last photo seen here


class AlbumCollector:
    """The albums being received by this process, by (chat, user, media_group_id)."""

    def __init__(self) -> None:
        self._albums: dict[AlbumKey, LocalAlbum] = {}
        self._timers: set[asyncio.Task[None]] = set()

    def seen(self, key: AlbumKey, turn: Turn, number: int = 0) -> None:
        """One photo of the album arrived here (numbered, when it was kept)."""
        album = self._albums.setdefault(key, LocalAlbum(turn))
        album.newest = max(album.newest, number)

    def start_timer(self, timer: Coroutine[Any, Any, None]) -> None:
        """Run a settle timer, kept here until it ends."""
        task = asyncio.create_task(timer)
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    def settled(self, key: AlbumKey, number: int, taken: bool) -> Turn | None:
        """The album's timer for photo `number` ran out: the turn to answer on, forgotten
        when the album was taken or this was the last photo seen here."""
        album = self._albums.get(key)
        if album is None:
            return None
        if taken or number >= album.newest:
            del self._albums[key]
        return album.turn
