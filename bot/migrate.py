"""`python -m bot migrate-to-postgres`: copy this bot's SQLite database into PostgreSQL.

The source is DATABASE_PATH (with the photos kept beside it, under the media folder), the
target DATABASE_URL, which must be empty: a database with any row in it is refused, so that
nothing is ever merged or overwritten. The bot must be stopped (the copy holds its lease).
The answer is one line, and an exit code: 0 copied, 1 refused, 2 unusable.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.domain.errors import PhotoRejectedError
from bot.services.lease import AnotherInstanceError
from bot.services.media import sniff_image
from bot.store.database import Database
from bot.store.lease import LeaseStore
from bot.store.migrations import UnusableDatabaseError
from bot.store.photos import PhotoStore
from bot.store.postgres import redacted
from bot.store.transfer import copy_rows, row_counts


@dataclass(frozen=True)
class Outcome:
    exit_code: int  # 0 copied, 1 refused, 2 unusable
    line: str


async def migrate_to_postgres(settings: Settings) -> Outcome:
    if settings.database_url is None:
        return Outcome(2, "refusing to copy: set DATABASE_URL to the empty PostgreSQL database")
    url = settings.database_url.get_secret_value()
    path = settings.database_path
    if not path.is_file():
        return Outcome(1, f"refusing to copy: there is no SQLite database at {path}")
    try:
        source = await Database.open(path)
    except UnusableDatabaseError as exc:
        return Outcome(2, f"cannot copy: {exc}")
    owner = f"migrate-to-postgres on {socket.gethostname()} pid {os.getpid()}"
    lease = LeaseStore(source)
    try:
        holder = await lease.take(owner, time.time(), settings.instance_lease_seconds)
        if holder is not None:
            return Outcome(1, f"refusing to copy: {AnotherInstanceError(holder)}")
        try:
            return await _copy(source, url, path, settings.media_dir / "photos")
        finally:
            await lease.release(owner)
    finally:
        await source.close()


async def _copy(source: Database, url: str, path: Path, photos: Path) -> Outcome:
    try:
        target = await Database.connect(url)
    except UnusableDatabaseError as exc:
        return Outcome(2, f"cannot copy: {exc}")
    try:
        filled = {table: count for table, count in (await row_counts(target)).items() if count}
        if filled:
            found = ", ".join(f"{table}: {count}" for table, count in filled.items())
            return Outcome(1, f"refusing to copy: {redacted(url)} is not empty ({found} rows)")
        copied = await copy_rows(source, target)
        copied["photo files"] = await _copy_photo_files(photos, PhotoStore(target))
    finally:
        await target.close()
    counts = ", ".join(f"{count} {table}" for table, count in copied.items())
    return Outcome(0, f"copied {path} to {redacted(url)}: {counts}")


async def _copy_photo_files(folder: Path, store: PhotoStore) -> int:
    """The photos kept on disk, into the database where replicas keep them."""
    photos = _photo_files(folder)
    for name, mime, data, kept_at in photos:
        await store.add(name, mime, data, kept_at)
    return len(photos)


def _photo_files(folder: Path) -> list[tuple[str, str, bytes, float]]:
    """(key, mime type, bytes, when kept) of each photo in the folder."""
    if not folder.is_dir():
        return []
    found = []
    for photo in sorted(folder.iterdir()):
        if not photo.is_file():
            continue
        data = photo.read_bytes()
        with contextlib.suppress(PhotoRejectedError):
            found.append((photo.name, sniff_image(data)[0], data, photo.stat().st_mtime))
    return found
