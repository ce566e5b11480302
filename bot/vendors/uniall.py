"""UniAll's Veo 3.1 route: POST /v1/video/generations, GET /v1/videos/{task_id}.

Sources: seeds 001 and 003 (UniAll docs) and vendors.md §2. UniAll publishes no host, so
VENDOR_BASE_URL is required (bot/vendors/known.py has no root for it).

`extra_body.seed` and `extra_body.negative_prompt` are in seed 001's parameter table and its
text-to-video example (`"negative_prompt": "watermark, blur", "seed": 7`), so the card offers
both. No seed range is documented: Veo's own seed is an unsigned 32-bit integer [INF].
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.options import AspectRatio, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, VendorStatus
from bot.vendors import common, known
from bot.vendors.http import error_message

NAME = known.UNIALL

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)
_RESOLUTIONS = (Resolution.P720, Resolution.P1080, Resolution.K4)
_DURATIONS = (4, 6, 8)
_FAST_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.EXTEND})
SEED_RANGE = (0, 2**32 - 1)  # undocumented; Veo's seed is a uint32 [INF]

CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="UniAll",
    tiers={
        Tier.FAST: TierCapabilities(_FAST_MODES, _RESOLUTIONS, _RATIOS, _DURATIONS),
        # `images` (multi-image reference) takes 2–3 URLs and only on the standard models.
        Tier.QUALITY: TierCapabilities(
            _FAST_MODES | {Mode.REFERENCE},
            _RESOLUTIONS,
            _RATIOS,
            _DURATIONS,
            min_reference_images=2,
            max_reference_images=3,
        ),
    },
    sound=True,
    negative_prompt=True,  # extra_body.negative_prompt (seed 001)
    seed_range=SEED_RANGE,  # extra_body.seed (seed 001)
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    poll_interval_seconds=15.0,  # undocumented; new-api gateways suggest 15–30 s [INF]
)

_WORDS = common.StatusWords(
    queued=frozenset({"queued", "pending", "submitted", "not_start"}),
    running=frozenset({"in_progress", "processing", "running", "generating"}),
    succeeded=frozenset({"completed", "complete", "success", "succeeded"}),
    failed=frozenset({"failed", "failure", "error", "cancelled", "canceled"}),
)


class _ExtraBody(BaseModel):
    generate_audio: bool
    negative_prompt: str | None = None
    seed: int | None = None


class _SubmitBody(BaseModel):
    model: str
    prompt: str
    size: str
    aspect_ratio: str | None = None
    duration: int | None = None
    image: str | None = None
    last_image: str | None = None
    images: list[str] | None = None
    video: str | None = None
    extra_body: _ExtraBody


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    video_url: str | None = None
    outputs: list[str] | None = None


class _Task(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    task_id: str | None = None
    status: str | None = None
    progress: int | None = None
    video_url: str | None = None
    result: _Result | None = None
    error: dict[str, Any] | str | None = None


def model_name(request: GenerationRequest) -> str:
    speed = "fast-" if request.tier is Tier.FAST else ""
    return f"veo3.1-{speed}video-{request.resolution.value}"


def build_submit_body(request: GenerationRequest, image_urls: list[str]) -> dict[str, Any]:
    """The JSON UniAll takes; `image_urls` are the request's photos as public URLs."""
    images = image_urls
    source = request.source
    body = _SubmitBody(
        model=model_name(request),
        prompt=request.prompt,
        size=request.resolution.value,
        aspect_ratio=None if request.mode is Mode.EXTEND else request.aspect_ratio.value,
        duration=None if request.mode is Mode.EXTEND else request.duration_seconds,
        image=images[0] if request.mode in (Mode.IMAGE, Mode.FRAMES) else None,
        last_image=images[1] if request.mode is Mode.FRAMES else None,
        images=list(images) if request.mode is Mode.REFERENCE else None,
        video=source.video_url if source is not None and request.mode is Mode.EXTEND else None,
        extra_body=_ExtraBody(
            generate_audio=request.sound,
            negative_prompt=request.negative_prompt,
            seed=request.seed,
        ),
    )
    return body.model_dump(exclude_none=True)


def parse_task_id(payload: Any) -> str:
    task = common.read_model(NAME, _Task, payload)
    return common.submitted_task_id(NAME, task.id, task.task_id)


def parse_status(payload: Any) -> VendorStatus:
    task = common.read_model(NAME, _Task, payload)
    status = (task.status or "").lower()
    if status in _WORDS.succeeded:
        return common.finished(_video_url(task))
    if status in _WORDS.failed:
        return Failed(error_message({"error": task.error}, "the vendor reported a failure"))
    return _WORDS.pending(status, task.progress) or common.still_running(
        NAME, "task status", task.status, payload
    )


def _video_url(task: _Task) -> str | None:
    candidates = [task.video_url]
    if task.result is not None:
        candidates.append(task.result.video_url)
        candidates.extend(task.result.outputs or [])
    return common.first_http_url(*candidates)


class UniAllVendor(common.UrlPhotoVendor):
    capabilities = CAPABILITIES
    routes = common.TaskRoutes("/v1/video/generations", "/v1/videos/{task_id}")
    wire = common.TaskWire(build_submit_body, parse_task_id, parse_status)
    # UniAll documents no account call: the key check asks for a task that cannot exist.
    key_check = common.MadeUpTask(
        "task_key_check", "reported missing", common.new_api_missing_task
    )
