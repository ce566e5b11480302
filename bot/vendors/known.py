"""The vendors this bot knows and their documented API roots: plain facts, so that the settings
can check them at start without loading any adapter (`registry.py` builds the adapters)."""

from __future__ import annotations

UNIALL = "uniall"
GLOBALAI = "globalai"
KIE = "kie"
GPTPLUS5 = "gptplus5"
GEMINI = "gemini"
DEMO = "demo"
KNOWN_VENDORS = (UNIALL, GLOBALAI, KIE, GPTPLUS5, GEMINI, DEMO)

# The documented API roots; UniAll publishes none, so its base must be set.
DEFAULT_BASE_URLS: dict[str, str] = {
    GLOBALAI: "https://zcbservice.aizfw.cn/kyyReactApiServer",
    KIE: "https://api.kie.ai",
    GPTPLUS5: "https://az.gptplus5.com",
    GEMINI: "https://generativelanguage.googleapis.com",
    DEMO: "builtin://demo",  # no network: nothing is ever asked of this root
}
# kie.ai takes photos through its own upload API, on another host.
KIE_UPLOAD_BASE_URL = "https://kieai.redpandaai.co"
# Built in, with no key and no network (the quick start's VENDOR=demo).
KEYLESS_VENDORS = frozenset({DEMO})
