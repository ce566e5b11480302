"""SQL for albums being received: their photos wait here until the album settles.

An album's photos may reach different replicas. Each photo is a row with a growing `seq`;
the replica whose photo is the album's newest when it settles takes every row at once (a
delete … RETURNING, so two replicas never both take it).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database

AlbumKey = tuple[int, int, str]  # chat, person, media_group_id


@dataclass(frozen=True)
class PendingPhoto:
    message_id: int
    photo_key: str
    mime_type: str
    caption: str | None


def _lock(key: AlbumKey) -> str:
    chat_id, user_id, group = key
    return f"album:{chat_id}:{user_id}:{group}"


class AlbumStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, key: AlbumKey, photo: PendingPhoto, now: float) -> int:
        """Keep one photo of an album; its `seq` (the newest photo has the highest)."""
        async with self._db.transaction() as conn:
            await conn.serialize(_lock(key))
            seq = await conn.fetchval(
                "INSERT INTO album_photos (chat_id, user_id, media_group_id, message_id, "
                "photo_key, mime_type, caption, received_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
                *key,
                photo.message_id,
                photo.photo_key,
                photo.mime_type,
                photo.caption,
                now,
            )
        return int(seq)

    async def take_if_newest(self, key: AlbumKey, seq: int) -> list[PendingPhoto]:
        """Every photo of the album, removed, when `seq` is still its newest; else nothing."""
        async with self._db.transaction() as conn:
            await conn.serialize(_lock(key))
            rows = await conn.fetch(
                "DELETE FROM album_photos WHERE chat_id = $1 AND user_id = $2 "
                "AND media_group_id = $3 AND NOT EXISTS (SELECT 1 FROM album_photos n "
                "WHERE n.chat_id = $1 AND n.user_id = $2 AND n.media_group_id = $3 "
                "AND n.seq > $4) "
                "RETURNING message_id, photo_key, mime_type, caption, seq",
                *key,
                seq,
            )
            if rows:
                await conn.execute(
                    "DELETE FROM album_refusals WHERE chat_id = $1 AND user_id = $2 "
                    "AND media_group_id = $3",
                    *key,
                )
        ordered = sorted(rows, key=lambda row: int(row["seq"]))
        return [
            PendingPhoto(
                message_id=int(row["message_id"]),
                photo_key=str(row["photo_key"]),
                mime_type=str(row["mime_type"]),
                caption=row["caption"],
            )
            for row in ordered
        ]

    async def refuse_once(self, key: AlbumKey, now: float) -> bool:
        """Mark the album refused; False when it already was."""
        async with self._db.transaction() as conn:
            added = await conn.execute(
                "INSERT INTO album_refusals (chat_id, user_id, media_group_id, created_at) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                *key,
                now,
            )
        return added > 0

    async def sweep(self, cutoff: float) -> int:
        """Forget albums (photos and refusals) untouched since `cutoff`: their replica died."""
        async with self._db.transaction() as conn:
            photos = await conn.execute("DELETE FROM album_photos WHERE received_at < $1", cutoff)
            refusals = await conn.execute(
                "DELETE FROM album_refusals WHERE created_at < $1", cutoff
            )
        return photos + refusals
