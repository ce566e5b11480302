"""Build the configured vendor adapters from the settings."""

from __future__ import annotations

import httpx

from bot.config import Settings
from bot.vendors.base import VideoVendor
from bot.vendors.http import VendorHttp
from bot.vendors.uniall import NAME as UNIALL
from bot.vendors.uniall import UniAllVendor


def build_vendors(settings: Settings, client: httpx.AsyncClient) -> dict[str, VideoVendor]:
    vendors: dict[str, VideoVendor] = {}
    for name in settings.vendor:
        if name == UNIALL:
            assert settings.vendor_base_url is not None
            vendors[name] = UniAllVendor(
                VendorHttp(client, name, timeout_seconds=settings.vendor_timeout_seconds),
                str(settings.vendor_base_url),
                settings.vendor_api_key.get_secret_value(),
            )
    return vendors
