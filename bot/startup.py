"""Running the bot until a signal, with every known start-up problem as one line to fix."""

from __future__ import annotations

import asyncio
import os
import signal

from telegram.error import InvalidToken, NetworkError

from bot.app import BotRuntime
from bot.config import Settings
from bot.services.lease import AnotherInstanceError
from bot.store.database import DatabaseError
from bot.store.migrations import UnusableDatabaseError


class StartupError(Exception):
    """The bot could not start for a reason the operator must fix; `exit_code` for the shell."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def run_until_signalled(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM; every known startup problem becomes one StartupError."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with BotRuntime(settings):
            await stop.wait()
    except InvalidToken as exc:
        raise StartupError("configuration error: Telegram refused TELEGRAM_BOT_TOKEN", 2) from exc
    except NetworkError as exc:
        raise StartupError(
            f"cannot reach Telegram at the configured TELEGRAM_API_URL: {exc}", 1
        ) from exc
    except UnusableDatabaseError as exc:
        raise StartupError(f"database error: {exc}", 2) from exc
    except DatabaseError as exc:
        raise StartupError(f"database error: {settings.database_path}: {exc}", 2) from exc
    except AnotherInstanceError as exc:
        raise StartupError(f"refusing to start: {exc}", 2) from exc
    except OSError as exc:
        if exc.errno is None or "bind" not in str(exc):
            raise StartupError(f"cannot start: {exc}", 1) from exc
        where = f"{settings.http_host}:{settings.http_port}"
        raise StartupError(
            f"cannot listen on {where} (HTTP_HOST, HTTP_PORT): {os.strerror(exc.errno)}", 2
        ) from exc
