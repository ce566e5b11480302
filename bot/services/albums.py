"""Albums being received: several updates sharing a media_group_id, answered once.

The photos wait in the database until no new one has come for the settle time, so that an
album whose photos reach different replicas is still one album: the replica holding the
newest photo when it settles takes them all, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.request import MediaRef
from bot.services.ports import Clock
from bot.store.albums import AlbumKey, AlbumStore, PendingPhoto

# Albums a replica began and never finished (it died) are forgotten after this long.
STALE_ALBUM_SECONDS = 3600.0


@dataclass(frozen=True)
class SettledAlbum:
    photos: list[MediaRef]  # in the order they were sent (by message id)
    caption: str | None  # the first caption that came
    first_message_id: int


class AlbumService:
    def __init__(self, store: AlbumStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def collect(
        self, key: AlbumKey, message_id: int, photo: MediaRef, caption: str | None
    ) -> int:
        """Keep one photo of the album; a number that grows with each photo of it."""
        pending = PendingPhoto(message_id, photo.key, photo.mime_type, caption)
        return await self._store.add(key, pending, self._clock())

    async def take_settled(self, key: AlbumKey, newest: int) -> SettledAlbum | None:
        """The whole album, once, if the photo numbered `newest` is still its last one."""
        pending = await self._store.take_if_newest(key, newest)
        if not pending:
            return None
        ordered = sorted(pending, key=lambda photo: photo.message_id)
        return SettledAlbum(
            photos=[MediaRef(key=p.photo_key, mime_type=p.mime_type) for p in ordered],
            caption=next((p.caption for p in pending if p.caption), None),
            first_message_id=ordered[0].message_id,
        )

    async def refuse_once(self, key: AlbumKey) -> bool:
        """Mark the album refused; False when it already was (say why only once)."""
        return await self._store.refuse_once(key, self._clock())

    async def sweep(self) -> int:
        return await self._store.sweep(self._clock() - STALE_ALBUM_SECONDS)
