"""`python -m bot check`: prove the settings, the bot token and each vendor key work."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from telegram import Bot
from telegram.error import TelegramError

from bot.config import Settings
from bot.domain.errors import VendorError
from bot.vendors.registry import build_vendors


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


async def run_checks(settings: Settings) -> list[CheckResult]:
    results = [await _check_telegram(settings)]
    async with httpx.AsyncClient() as client:
        for name, vendor in build_vendors(settings, client).items():
            try:
                detail = await vendor.check()
            except VendorError as exc:
                results.append(CheckResult(name, False, f"{exc.kind.value}: {exc.message}"))
            else:
                results.append(CheckResult(name, True, detail))
    return results


async def _check_telegram(settings: Settings) -> CheckResult:
    root = settings.telegram_api_root
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
    )
    try:
        async with bot:
            return CheckResult("telegram", True, f"bot @{bot.username}")
    except TelegramError as exc:
        return CheckResult("telegram", False, exc.message)
