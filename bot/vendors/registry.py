"""Building the configured vendors' adapters (`known.py` names them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from bot.vendors import demo, gemini, globalai, gptplus5, kie, uniall
from bot.vendors.base import VendorConfig, VideoVendor
from bot.vendors.http import VendorHttp

VendorFactory = Callable[[VendorHttp, VendorConfig], VideoVendor]

FACTORIES: dict[str, VendorFactory] = {
    uniall.NAME: uniall.UniAllVendor,
    globalai.NAME: globalai.GlobalAIVendor,
    kie.NAME: kie.KieVendor,
    gptplus5.NAME: gptplus5.GptPlus5Vendor,
    gemini.NAME: gemini.GeminiVendor,
    demo.NAME: demo.DemoVendor,
}


def build_vendors(
    configs: Mapping[str, VendorConfig], client: httpx.AsyncClient
) -> dict[str, VideoVendor]:
    """The adapters in the order `configs` names them (the first is tried first)."""
    vendors: dict[str, VideoVendor] = {}
    for name, config in configs.items():
        http = VendorHttp(client, name, timeout_seconds=config.timeout_seconds)
        vendors[name] = FACTORIES[name](http, config)
    return vendors
