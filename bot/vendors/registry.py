"""Build the configured vendor adapters from the settings."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.config import Settings
from bot.vendors import gemini, globalai, gptplus5, kie, uniall
from bot.vendors.base import VendorConfig, VideoVendor
from bot.vendors.http import VendorHttp

VendorFactory = Callable[[VendorHttp, VendorConfig], VideoVendor]

FACTORIES: dict[str, VendorFactory] = {
    uniall.NAME: uniall.UniAllVendor,
    globalai.NAME: globalai.GlobalAIVendor,
    gptplus5.NAME: gptplus5.GptPlus5Vendor,
    gemini.NAME: gemini.GeminiVendor,
    kie.NAME: kie.KieVendor,
}


def build_vendors(settings: Settings, client: httpx.AsyncClient) -> dict[str, VideoVendor]:
    """The adapters in the order VENDOR names them (the first is tried first)."""
    vendors: dict[str, VideoVendor] = {}
    for name in settings.vendor:
        http = VendorHttp(client, name, timeout_seconds=settings.vendor_timeout_seconds)
        vendors[name] = FACTORIES[name](http, settings.vendor_config(name))
    return vendors
