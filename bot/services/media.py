"""Photos a person sent, kept, and handed to vendors in the form each one takes.

Telegram file URLs carry the bot token, so a vendor never sees one: the bot downloads each
photo, keeps the bytes, and gives a vendor either the bytes (inline or through the vendor's
upload API) or a URL of the bot's own HTTP server with an unguessable token that serves only
while the job needs it.

One process on SQLite keeps the bytes on disk; replicas on PostgreSQL keep them in the
database (a `PhotoStore`), so that whichever replica a vendor reaches can serve them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.domain.errors import InvalidRequestError, PhotoRejectedError
from bot.domain.request import MediaRef
from bot.services.ports import Clock
from bot.store.hosting import HostingStore
from bot.store.photos import PhotoStore
from bot.vendors.base import MediaBytes

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 20 * 1024 * 1024  # what a bot may download through getFile
PHOTO_RETENTION_SECONDS = 7 * 24 * 3600  # long enough for "again" on a recent video
HOSTING_GRACE_SECONDS = 600.0
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff_image(data: bytes) -> tuple[str, str]:
    """(mime type, file suffix) of JPEG, PNG or WebP bytes."""
    for signature, mime, suffix in _SIGNATURES:
        if data.startswith(signature):
            return mime, suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    raise PhotoRejectedError("photo.not_image")


class MediaLibrary:
    def __init__(
        self,
        folder: Path,
        hosting: HostingStore,
        *,
        public_base_url: str | None,
        clock: Clock,
        photos: PhotoStore | None = None,
    ) -> None:
        self._folder = folder
        self._hosting = hosting
        self._photos = photos  # None: on disk in `folder`
        self._sweeping: asyncio.Task[None] | None = None
        self._public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self._clock = clock

    @property
    def can_host(self) -> bool:
        """Whether vendors that fetch URLs can be given photos (PUBLIC_BASE_URL is set)."""
        return self._public_base_url is not None

    def save_photo(self, data: bytes) -> MediaRef:
        """Keep a photo on disk."""
        ref = _new_ref(data)
        self._folder.mkdir(parents=True, exist_ok=True)
        (self._folder / ref.key).write_bytes(data)
        return ref

    async def keep_photo(self, data: bytes) -> MediaRef:
        """Keep a photo where this bot keeps them: on disk, or in the database."""
        if self._photos is None:
            return self.save_photo(data)
        ref = _new_ref(data)
        await self._photos.add(ref.key, ref.mime_type, data, self._clock())
        return ref

    def path_of(self, key: str) -> Path | None:
        if "/" in key or "\\" in key or key.startswith("."):
            return None
        path = self._folder / key
        return path if path.is_file() else None

    def for_job(self, job_id: int) -> JobMedia:
        return JobMedia(self, job_id)

    async def host(self, ref: MediaRef, job_id: int) -> str:
        if self._public_base_url is None:
            raise InvalidRequestError("invalid.photos_need_public_url")
        token = secrets.token_urlsafe(32)
        await self._hosting.add(token, ref.key, job_id, self._clock())
        return f"{self._public_base_url}/media/{token}"

    async def hosted(self, token: str) -> Path | MediaBytes | None:
        """The photo behind a token while its job needs it (its file, or its bytes when the
        database keeps them); None otherwise."""
        key = await self._hosting.servable(token, self._clock(), HOSTING_GRACE_SECONDS)
        if not key:
            return None
        if self._photos is None:
            return self.path_of(key)
        return await self._stored(key)

    async def _stored(self, key: str) -> MediaBytes | None:
        assert self._photos is not None
        found = await self._photos.get(key)
        return MediaBytes(found[0], found[1], key) if found else None

    def sweep(self) -> int:
        """Delete photos older than the retention; return how many went from the disk (those
        the database keeps are deleted in the background)."""
        if self._photos is not None and (self._sweeping is None or self._sweeping.done()):
            self._sweeping = asyncio.get_running_loop().create_task(self._sweep_stored())
        if not self._folder.is_dir():
            return 0
        cutoff = self._clock() - PHOTO_RETENTION_SECONDS
        removed = 0
        for path in self._folder.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    async def _sweep_stored(self) -> None:
        assert self._photos is not None
        try:
            removed = await self._photos.sweep(self._clock() - PHOTO_RETENTION_SECONDS)
        except Exception:
            log.exception("could not remove old photos from the database")
            return
        if removed:
            log.info("removed %d old photos from the database", removed)

    async def read(self, ref: MediaRef) -> MediaBytes:
        if self._photos is not None:
            stored = await self._stored(ref.key)
            if stored is None:
                raise InvalidRequestError("invalid.photo_gone")
            return MediaBytes(stored.data, ref.mime_type, ref.key)
        path = self.path_of(ref.key)
        if path is None:
            raise InvalidRequestError("invalid.photo_gone")
        return MediaBytes(path.read_bytes(), ref.mime_type, ref.key)


def _new_ref(data: bytes) -> MediaRef:
    """A new key for a photo's bytes, once they are checked to be a photo of a usable size."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejectedError("photo.too_big")
    mime, suffix = sniff_image(data)
    return MediaRef(key=secrets.token_hex(16) + suffix, mime_type=mime)


@dataclass(frozen=True)
class JobMedia:
    """The MediaSource a vendor adapter gets for one job."""

    library: MediaLibrary
    job_id: int

    async def public_url(self, ref: MediaRef) -> str:
        return await self.library.host(ref, self.job_id)

    async def read(self, ref: MediaRef) -> MediaBytes:
        return await self.library.read(ref)
