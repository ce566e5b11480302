"""The demo vendor: a sample clip after a realistic wait, or a failure when asked for one."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.errors import VendorRejectedError, VideoTooLargeError
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded, VendorStatus
from bot.vendors import known
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.http import VendorHttp

NAME = known.DEMO
SAMPLE_VIDEO = Path(__file__).with_name("sample.mp4")
SAMPLE_URL = "builtin://demo/sample.mp4"
FAIL_WORD = "fail"
_FAIL = re.compile(rf"\b{FAIL_WORD}\b", re.IGNORECASE)
_QUEUED_SHARE = 0.15  # the first part of the wait is "in the queue", as at a real vendor
FAILURE_REASON = (
    f'the prompt holds the word "{FAIL_WORD}", so the demo shows how a failed video looks'
)

_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE, Mode.EXTEND})
_TIER = TierCapabilities(
    _MODES,
    (Resolution.P720, Resolution.P1080, Resolution.K4),
    (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT),
    (4, 6, 8),
    min_reference_images=1,
    max_reference_images=3,
)

CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="Demo",
    tiers={Tier.FAST: _TIER, Tier.QUALITY: _TIER, Tier.LITE: _TIER},
    sound=True,
    max_prompt_chars=2000,
    poll_interval_seconds=2.0,
    negative_prompt=True,
    seed_range=(0, 2**32 - 1),
    extras=(Extra.TRANSLATE, Extra.ENHANCE),
    image_transport=ImageTransport.INLINE,
    upgrades=(Resolution.P1080, Resolution.K4),
    public_result_urls=False,  # the sample has no link anyone could open
    demo=True,
)


def wants_failure(prompt: str) -> bool:
    """A prompt with the marker word (as a word, any case) fails half way."""
    return _FAIL.search(prompt) is not None


def _task_id(started_at: float, fails: bool) -> str:
    return f"demo-{started_at:.3f}-{'fail' if fails else 'ok'}-{secrets.token_hex(4)}"


def _read_task_id(task_id: str) -> tuple[float, bool]:
    parts = task_id.split("-")
    if len(parts) != 4 or parts[0] != NAME or parts[2] not in ("ok", "fail"):
        raise VendorRejectedError(NAME, f"not a demo task: {task_id!r}")
    try:
        return float(parts[1]), parts[2] == "fail"
    except ValueError as exc:
        raise VendorRejectedError(NAME, f"not a demo task: {task_id!r}") from exc


class DemoVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._seconds = config.demo_video_seconds

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        for ref in request.images:  # the photos travel as they would to a real vendor
            await media.read(ref)
        return _task_id(time.time(), wants_failure(request.prompt))

    async def status(self, task_id: str) -> VendorStatus:
        started_at, fails = _read_task_id(task_id)
        share = (time.time() - started_at) / self._seconds
        if fails and share >= 0.5:
            return Failed(FAILURE_REASON, FailureKind.GENERATION)
        if share >= 1:
            return Succeeded(SAMPLE_URL)
        if share < _QUEUED_SHARE:
            return Queued()
        return Running(min(99, max(1, round(share * 100))))

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        size = SAMPLE_VIDEO.stat().st_size
        if size > max_bytes:
            raise VideoTooLargeError(max_bytes)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_VIDEO, destination)
        return size

    async def check(self) -> str:
        return (
            "the built-in demo: no key and no network; every video is the sample clip "
            "(set VENDOR to a real vendor to make real videos)"
        )
