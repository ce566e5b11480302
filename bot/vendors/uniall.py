"""UniAll's Veo 3.1 route: POST /v1/video/generations, GET /v1/videos/{task_id}.

Sources: seeds 001 and 003 (UniAll docs) and vendors.md §2. UniAll publishes no host, so
VENDOR_BASE_URL is required.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.errors import VendorError, VendorUnavailableError
from bot.domain.options import AspectRatio, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded, VendorStatus
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.http import VendorHttp, error_message

log = logging.getLogger(__name__)

NAME = "uniall"

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)
_RESOLUTIONS = (Resolution.P720, Resolution.P1080, Resolution.K4)
_DURATIONS = (4, 6, 8)
_FAST_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.EXTEND})

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
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    poll_interval_seconds=15.0,  # undocumented; new-api gateways suggest 15–30 s [INF]
)

_QUEUED = {"queued", "pending", "submitted", "not_start"}
_RUNNING = {"in_progress", "processing", "running", "generating"}
_SUCCEEDED = {"completed", "complete", "success", "succeeded"}
_FAILED = {"failed", "failure", "error", "cancelled", "canceled"}


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
    task = _parse_task(payload)
    task_id = task.id or task.task_id
    if not task_id:
        raise VendorUnavailableError(NAME, "the answer to a submit holds no task id")
    return task_id


def parse_status(payload: Any) -> VendorStatus:
    task = _parse_task(payload)
    status = (task.status or "").lower()
    if status in _QUEUED:
        return Queued()
    if status in _RUNNING:
        return Running(task.progress if task.progress and 0 < task.progress < 100 else None)
    if status in _SUCCEEDED:
        url = _video_url(task)
        if url is None:
            return Failed(
                "the vendor reported the video finished but sent no file", FailureKind.NO_VIDEO
            )
        return Succeeded(url)
    if status in _FAILED:
        return Failed(error_message({"error": task.error}, "the vendor reported a failure"))
    log.warning("uniall: unknown task status %r, payload %s", task.status, payload)
    return Running(None)


def _parse_task(payload: Any) -> _Task:
    try:
        return _Task.model_validate(payload)
    except ValidationError as exc:
        raise VendorUnavailableError(NAME, f"unreadable answer: {str(payload)[:200]}") from exc


def _video_url(task: _Task) -> str | None:
    candidates = [task.video_url]
    if task.result is not None:
        candidates.append(task.result.video_url)
        candidates.extend(task.result.outputs or [])
    return next(
        (url for url in candidates if url and url.startswith(("http://", "https://"))), None
    )


class UniAllVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._http = http
        self._base_url = config.base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {config.api_key}"}

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        image_urls = [await media.public_url(ref) for ref in request.images]
        payload = await self._http.call(
            "POST",
            f"{self._base_url}/v1/video/generations",
            headers=self._headers,
            json_body=build_submit_body(request, image_urls),
        )
        return parse_task_id(payload)

    async def status(self, task_id: str) -> VendorStatus:
        payload = await self._http.call(
            "GET",
            f"{self._base_url}/v1/videos/{quote(task_id, safe='')}",
            headers=self._headers,
        )
        return parse_status(payload)

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        return await self._http.download(url, destination, max_bytes)

    async def check(self) -> str:
        """UniAll documents no account call: ask for a task that cannot exist.

        A refused key answers 401/403; an accepted one answers "not found".
        """
        try:
            await self._http.call(
                "GET", f"{self._base_url}/v1/videos/task_key_check", headers=self._headers
            )
        except VendorError as exc:
            if exc.status_code not in (400, 404):
                raise
            return "key accepted (a made-up task id was reported missing)"
        return "key accepted"
