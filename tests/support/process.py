"""The bot as another process: `python -m bot` with only the settings a test gives it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from tests.fakes.contract import VendorFake
from tests.fakes.telegram import FakeTelegram
from tests.support.harness import TOKEN, database_url

ROOT = Path(__file__).resolve().parent.parent.parent
NOWHERE = "http://127.0.0.1:9"  # nothing listens: the start must end before it matters


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of `python -m bot`: no inherited setting, only these (and a base)."""
    names = {name.upper() for name in Settings.model_fields}
    inherited = {k: v for k, v in os.environ.items() if k not in names}
    database_path = tmp_path / "data" / "bot.sqlite3"
    base = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": NOWHERE,
        "VENDOR": "uniall",
        "VENDOR_API_KEY": "sk-test",
        "VENDOR_BASE_URL": NOWHERE,
        "DATABASE_PATH": str(database_path),
        "DATABASE_URL": database_url(database_path) or "",  # a run on PostgreSQL
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": "0",
        "TELEGRAM_CHAT_INTERVAL_SECONDS": "0",  # the fake Bot API has no flood limits
        # On PostgreSQL a restarted bot polls, and takes over jobs, once a killed one's leases
        # lapse: keep them short here.
        "LEADER_LEASE_SECONDS": "2",
        "JOB_LEASE_SECONDS": "3",
    }
    chosen = {**base, **settings}
    return {**inherited, "PYTHONPATH": str(ROOT), **{k: v for k, v in chosen.items() if v}}


def ended_start(
    tmp_path: Path, within: float, *, preexec: Callable[[], None] | None = None, **settings: str
) -> tuple[int, str]:
    """Run `python -m bot` with `settings` (and `preexec` run in the child before it starts);
    it must end on its own `within` seconds. Its exit code and what it printed on stderr."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=bot_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=within,
        check=False,
        preexec_fn=preexec,
    )
    assert time.monotonic() - started < within
    return result.returncode, result.stderr


def vendor_env(vendor: VendorFake) -> dict[str, str]:
    """A vendor fake's settings (its `bot_settings()`) as `python -m bot` reads them."""
    return {key.upper(): str(value) for key, value in vendor.bot_settings().items()}


def fakes_env(telegram: FakeTelegram, vendor: VendorFake) -> dict[str, str]:
    """Settings for `bot_env`: the bot on the fake Bot API and a vendor's fake, polling both
    often."""
    return {
        "TELEGRAM_API_URL": telegram.api_url,
        "TELEGRAM_POLL_TIMEOUT_SECONDS": "1",
        "POLL_INTERVAL_SECONDS": "0.05",
        **vendor_env(vendor),
    }


async def spawn_bot(env: dict[str, str], cwd: Path, log: Path) -> asyncio.subprocess.Process:
    """`python -m bot` in `cwd` with this environment (`bot_env`), its log written to `log`."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=cwd, env=env, stderr=out
        )
