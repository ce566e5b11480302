"""`python -m bot check`: prove the settings, the bot token and each vendor key work."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.config import Settings
from bot.domain.errors import VendorError
from bot.telegram.probe import TelegramProbeError, bot_username
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
        for name, vendor in build_vendors(settings.vendor_configs(), client).items():
            try:
                detail = await vendor.check()
            except VendorError as exc:
                results.append(CheckResult(name, False, f"{exc.kind.value}: {exc.message}"))
            else:
                results.append(CheckResult(name, True, detail))
    return results


async def _check_telegram(settings: Settings) -> CheckResult:
    token = settings.telegram_bot_token.get_secret_value()
    try:
        username = await bot_username(settings.telegram_api_root, token)
    except TelegramProbeError as exc:
        return CheckResult("telegram", False, str(exc))
    return CheckResult("telegram", True, f"bot @{username}")
