"""`python -m bot`: read the settings and run the bot until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from pydantic import ValidationError
from telegram.error import InvalidToken, NetworkError

from bot.app import run_until_signalled
from bot.config import Settings, describe_error
from bot.logs import configure_logging
from bot.store.migrations import SchemaTooNewError


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        asyncio.run(run_until_signalled(settings))
    except SchemaTooNewError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("configuration error: Telegram refused TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"cannot reach Telegram at the configured TELEGRAM_API_URL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
