"""`python -m bot` runs the bot until SIGINT or SIGTERM; `python -m bot check` tests the setup;
`python -m bot migrate-to-postgres` copies the SQLite database into an empty PostgreSQL one;
`python -m bot backup PATH` copies the SQLite database to PATH, also while the bot runs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.checkup import run_checks
from bot.config import Settings, describe_error
from bot.logs import configure_logging, redact_secrets
from bot.startup import StartupError, run_until_signalled
from bot.store.backup import BackupError, backup_sqlite

USAGE = "usage: python -m bot [check | migrate-to-postgres | backup PATH]"


def main(argv: list[str]) -> int:
    is_backup = len(argv) == 2 and argv[0] == "backup"
    if argv not in ([], ["check"], ["migrate-to-postgres"]) and not is_backup:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        return 2
    except SettingsError as exc:  # a source that could not be read at all
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, settings.secrets())
    redact_secrets(settings.secrets())
    if argv == ["check"]:
        return check(settings)
    if argv == ["migrate-to-postgres"]:
        return copy_to_postgres(settings)
    if is_backup:
        return backup(settings, Path(argv[1]))
    return run(settings)


def backup(settings: Settings, destination: Path) -> int:
    if settings.database_url is not None:
        print(
            "the database is PostgreSQL (DATABASE_URL): back it up with pg_dump (see the README)",
            file=sys.stderr,
        )
        return 2
    try:
        result = backup_sqlite(settings.database_path, destination)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(result.line())
    return 0


def check(settings: Settings) -> int:
    results = asyncio.run(run_checks(settings))
    for result in results:
        print(result.line())
    return 0 if all(result.ok for result in results) else 1


def copy_to_postgres(settings: Settings) -> int:
    from bot.migrate import migrate_to_postgres  # loads the PostgreSQL driver only here

    outcome = asyncio.run(migrate_to_postgres(settings))
    print(outcome.line, file=sys.stdout if outcome.exit_code == 0 else sys.stderr)
    return outcome.exit_code


def run(settings: Settings) -> int:
    try:
        asyncio.run(run_until_signalled(settings))
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
