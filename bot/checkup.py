"""`python -m bot check`: prove the settings, the bot token and each vendor key work.

A vendor is "ok" only when its own API answered in its own format and accepted the key; a
missing route, another server's answer, silence or a refused key is FAIL with the reason, and
the command exits 1 (issue 9). The check waits at most CHECK_TIMEOUT_SECONDS per call (less
when VENDOR_TIMEOUT_SECONDS is shorter).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

import httpx

from bot.config import Settings
from bot.domain.errors import VendorError, VendorTimeoutError
from bot.domain.status import FailureKind
from bot.telegram.probe import TelegramProbeError, bot_username
from bot.vendors.base import VideoVendor
from bot.vendors.registry import build_vendors

CHECK_TIMEOUT_SECONDS = 5.0
# Calls one check may make, each within the timeout: the whole check gets this many of them.
_CALLS_PER_CHECK = 3


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


async def run_checks(settings: Settings) -> list[CheckResult]:
    results = [await _check_telegram(settings)]
    timeout = min(CHECK_TIMEOUT_SECONDS, settings.vendor_timeout_seconds)
    configs = {
        name: replace(config, timeout_seconds=timeout)
        for name, config in settings.vendor_configs().items()
    }
    async with httpx.AsyncClient() as client:
        for name, vendor in build_vendors(configs, client).items():
            results.append(await _check_vendor(name, vendor, timeout))
    return results


async def _check_vendor(name: str, vendor: VideoVendor, call_seconds: float) -> CheckResult:
    try:
        async with asyncio.timeout(call_seconds * _CALLS_PER_CHECK):
            detail = await vendor.check()
    except TimeoutError:
        return CheckResult(name, False, f"timeout: no answer within {call_seconds:g} s")
    except VendorError as exc:
        return CheckResult(name, False, _reason(exc))
    return CheckResult(name, True, detail)


def _reason(exc: VendorError) -> str:
    """Why a vendor check failed, named first: key refused, timeout, no route, or the kind."""
    if exc.kind is FailureKind.AUTH:
        return f"auth: key refused: {exc.message}"
    if isinstance(exc, VendorTimeoutError):
        return f"timeout: {exc.message}"
    if exc.status_code == 404:
        return f"no route: {exc.message}"
    return f"{exc.kind.value}: {exc.message}"


async def _check_telegram(settings: Settings) -> CheckResult:
    token = settings.telegram_bot_token.get_secret_value()
    try:
        username = await bot_username(settings.telegram_api_root, token)
    except TelegramProbeError as exc:
        return CheckResult("telegram", False, str(exc))
    return CheckResult("telegram", True, f"bot @{username}")
