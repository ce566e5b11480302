"""GlobalAI OPC's Veo 3.1 route: POST {base}/v1/veo/videos, GET {base}/v1/result/{id}.

Sources: seed 000 (the zh create page) and vendors.md §1 (the en create and query pages at
docs.globalaiopc.com and the docs.xingchaoyiqing.com mirror). Base URL by default
https://zcbservice.aizfw.cn/kyyReactApiServer; auth is `Authorization: Bearer <key>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.errors import (
    InvalidRequestError,
    VendorRejectedError,
)
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, VendorStatus
from bot.vendors import common, known
from bot.vendors.http import classify, error_message

NAME = known.GLOBALAI

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)
_RESOLUTIONS = (Resolution.P720, Resolution.P1080, Resolution.K4)
_STABLE_RESOLUTIONS = (Resolution.P720, Resolution.P1080)
_DURATIONS = (8,)  # no duration field; "fixed 8-second duration" (query page)
_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE})
# first_image alone is image-to-video; with last_image it is first/last-frame mode.
_FRAME_MODES = frozenset({Mode.IMAGE, Mode.FRAMES})


def _stable_has_no_4k(request: GenerationRequest) -> InvalidRequestError | None:
    """veo_3_1_fast_stable / veo_3_1_pro_stable do not support 4K."""
    if request.extra(Extra.STABLE) and request.resolution not in _STABLE_RESOLUTIONS:
        return InvalidRequestError(
            "invalid.resolution",
            value=request.resolution,
            allowed=tuple(r.value for r in _STABLE_RESOLUTIONS),
        )
    return None


def _fast_stable_takes_frames_only(request: GenerationRequest) -> InvalidRequestError | None:
    """veo_3_1_fast_stable only supports first/last-frame mode (仅支持首尾帧)."""
    if (
        request.extra(Extra.STABLE)
        and request.tier is Tier.FAST
        and request.mode not in _FRAME_MODES
    ):
        return InvalidRequestError("invalid.globalai_stable_fast_frames", mode=request.mode)
    return None


_TIER = TierCapabilities(
    _MODES,
    _RESOLUTIONS,
    _RATIOS,
    _DURATIONS,
    min_reference_images=1,  # the docs give only the maximum [INF]
    max_reference_images=3,
)

CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="GlobalAI OPC",
    tiers={Tier.FAST: _TIER, Tier.QUALITY: _TIER},
    sound=False,  # the request has no audio field
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    poll_interval_seconds=30.0,  # "recommended polling interval: 30-60 seconds"
    extras=(Extra.STABLE,),
    image_transport=ImageTransport.URL,  # public image URLs; no upload API is documented
    public_result_urls=True,  # plain video_url, valid about 24 h
    extra_rules=(_stable_has_no_4k, _fast_stable_takes_frames_only),
)

_WIRE_RESOLUTIONS = {Resolution.P720: "720p", Resolution.P1080: "1080p", Resolution.K4: "4K"}
_WORDS = common.StatusWords(
    queued=frozenset({"queued"}),
    running=frozenset({"processing"}),  # the vendor reports no progress
    succeeded=frozenset({"completed"}),
    # `cancelled` is listed by the generic async-tasks guide (Seedance); it is terminal anyway.
    failed=frozenset({"failed", "cancelled"}),
)
_CONTENT_POLICY = re.compile(
    r"content.?polic|safety|unsafe|nsfw|violat|prohibited|inappropriate|sensitive|"
    r"moderation|flagged|审核|违规|敏感|违禁|不安全|安全策略|内容政策",
    re.IGNORECASE,
)


class _SubmitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    prompt: str
    resolution: str
    aspect_ratio: str
    input_reference: list[str] | None = None
    first_image: str | None = None
    last_image: str | None = None


class _Task(BaseModel):
    """A create or result answer; `code`/`message` are an undocumented error body [INF]."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str | None = None
    status: str | None = None
    video_url: str | None = None
    actual_duration: float | None = Field(default=None, alias="actualDuration")
    error: str | dict[str, Any] | None = None
    code: int | str | None = None
    message: str | None = None


def model_name(request: GenerationRequest) -> str:
    speed = "pro" if request.tier is Tier.QUALITY else "fast"
    stable = "_stable" if request.extra(Extra.STABLE) else ""
    return f"veo_3_1_{speed}{stable}"


def build_submit_body(request: GenerationRequest, image_urls: Sequence[str]) -> dict[str, Any]:
    """The JSON GlobalAI takes; `image_urls` are the request's photos as public URLs."""
    if request.mode not in _MODES:
        raise InvalidRequestError("invalid.mode", mode=request.mode, tier=request.tier)
    urls = list(image_urls)
    body = _SubmitBody(
        model=model_name(request),
        prompt=request.prompt,
        resolution=_WIRE_RESOLUTIONS[request.resolution],
        aspect_ratio=request.aspect_ratio.value,
        # `image_urls` is the documented alias of `input_reference`; only one is ever sent.
        input_reference=urls if request.mode is Mode.REFERENCE else None,
        first_image=urls[0] if request.mode in _FRAME_MODES else None,
        last_image=urls[1] if request.mode is Mode.FRAMES else None,
    )
    return body.model_dump(exclude_none=True)


def parse_task_id(payload: Any) -> str:
    task = _parse_task(payload)
    if task.id:
        return task.id
    if task.error or task.message:
        raise VendorRejectedError(NAME, _failure_message(task, "the vendor refused the task"))
    return common.submitted_task_id(NAME, task.id)


def parse_status(payload: Any) -> VendorStatus:
    task = _parse_task(payload)
    status = (task.status or "").lower()
    if status in _WORDS.succeeded:
        return common.finished(common.first_http_url(task.video_url))
    if status in _WORDS.failed:
        fallback = (
            "the vendor cancelled the task"
            if status == "cancelled"
            else "the vendor reported a failure"
        )
        reason = _failure_message(task, fallback)
        kind = FailureKind.REJECTED if _CONTENT_POLICY.search(reason) else FailureKind.GENERATION
        return Failed(reason, kind)
    return _WORDS.pending(status) or common.still_running(
        NAME, "task status", task.status, payload
    )


def _parse_task(payload: Any) -> _Task:
    task = common.read_model(NAME, _Task, payload)
    _raise_body_error(task)
    return task


def _raise_body_error(task: _Task) -> None:
    """No error envelope is documented; read an HTTP-200 `{"code": 4xx, "message"}` anyway."""
    code = _body_code(task)
    if code is not None and code not in (0, 200) and task.status is None:
        message = task.message or f"error code {code}"
        raise classify(NAME, code, message, None)


def _missing_task(payload: Any) -> str | None:
    """GlobalAI's "no such task": a body whose message says so (HTTP 404, or a 404 body code).

    No error envelope is documented [INF]; any other body code is raised as what it means.
    """
    if not isinstance(payload, dict) or "status" in payload:
        return None
    task = common.read_model(NAME, _Task, payload)
    if _body_code(task) not in (None, 400, 404):
        _raise_body_error(task)
    text = task.message or (task.error if isinstance(task.error, str) else None)
    return text if text and common.says_not_found(text) else None


def _body_code(task: _Task) -> int | None:
    code = task.code
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return code if isinstance(code, int) else None


def _failure_message(task: _Task, fallback: str) -> str:
    return error_message({"error": task.error, "message": task.message}, fallback)


class GlobalAIVendor(common.UrlPhotoVendor):
    # video_url is public and expires after about 24 h: the bot fetches it at once.
    capabilities = CAPABILITIES
    routes = common.TaskRoutes("/v1/veo/videos", "/v1/result/{task_id}")
    wire = common.TaskWire(build_submit_body, parse_task_id, parse_status)
    # GlobalAI documents no account or balance call: ask for a task that cannot exist.
    key_check = common.MadeUpTask("vgen_key_check_0000", "answered: {message}", _missing_task)
