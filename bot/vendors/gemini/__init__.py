"""Google's Gemini API, Veo 3.1: POST models/{model}:predictLongRunning, GET {operation.name}.

Sources: docs/vendors.md §5 (ai.google.dev/gemini-api/docs/video, copies of 2025-11-05 and
2026-03-05), §6 (the new-api RAI bug), Google's own SDK (google-genai 2.x, models.py: the body
is built as `_GenerateVideosParameters_to_mldev` builds it) and issue 9. Photos travel inline
as base64 (`bytesBase64Encoded`); a video is extended only by its Gemini file URI; the finished
file needs our key and answers with a redirect, so it is never shown to anyone. The package
keeps `wire` (the body), `answers` (operations and errors), `capabilities` and `adapter` apart.
"""

from bot.vendors.gemini.adapter import GeminiVendor
from bot.vendors.gemini.answers import parse_status, parse_task_id, reclassify
from bot.vendors.gemini.capabilities import CAPABILITIES, EXTENSION_WINDOW_SECONDS
from bot.vendors.gemini.wire import (
    API_VERSION,
    KEY_HEADER,
    MODELS,
    NAME,
    build_submit_body,
    model_name,
)

__all__ = [
    "API_VERSION",
    "CAPABILITIES",
    "EXTENSION_WINDOW_SECONDS",
    "KEY_HEADER",
    "MODELS",
    "NAME",
    "GeminiVendor",
    "build_submit_body",
    "model_name",
    "parse_status",
    "parse_task_id",
    "reclassify",
]
