"""`python -m bot backup PATH`: a consistent copy of the SQLite database, also while it runs.

SQLite's online backup API copies every page inside one read transaction: in WAL mode the
running bot keeps writing meanwhile, and the copy is the database as it was at one moment.
The copy is written beside PATH first, checked, switched to a single file (journal_mode
DELETE: no -wal or -shm beside it) and only then renamed to PATH.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.store.migrations import APPLICATION_ID

BUSY_TIMEOUT_MS = 10_000


class BackupError(Exception):
    """Why no backup was made, in one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    source: Path
    destination: Path
    size_bytes: int
    schema_version: int

    def line(self) -> str:
        return (
            f"backed up {self.source} to {self.destination} "
            f"({self.size_bytes} bytes, schema version {self.schema_version})"
        )


def backup_sqlite(source: Path, destination: Path) -> BackupResult:
    """Copy the bot's database at `source` to the new file `destination`."""
    if not source.is_file():
        raise BackupError(f"no database at {source} (DATABASE_PATH)")
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the folder {destination.parent}: {exc}") from exc
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        version = _copy(source, partial)
        partial.replace(destination)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up {source}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(source, destination, destination.stat().st_size, version)


def _copy(source: Path, partial: Path) -> int:
    """Copy `source` into `partial` and check the copy; its schema version."""
    with contextlib.closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live:
        application_id = live.execute("PRAGMA application_id").fetchone()[0]
        if application_id != APPLICATION_ID:
            raise BackupError(f"{source} is not this bot's database")
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)  # every page in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"the copy of {source} does not check out: {verdict}")
            version: int = copy.execute("PRAGMA user_version").fetchone()[0]
    return version
