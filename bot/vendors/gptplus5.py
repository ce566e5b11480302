"""gptplus5 and the resellers sharing its "视频统一格式" (unified video format).

Submit ``POST {base}/v1/video/create``, poll ``GET {base}/v1/video/query?id=<id>``, Bearer key.
The same apifox template is published by az.gptplus5.com, yunwu.ai, api.vectorengine.ai,
lnapi.com, kkiai.com, octopusx.ai and others, so VENDOR_BASE_URL may point at any of them.

Sources: seed 004 (the gptplus5 "创建视频(参考图)" page) and vendors.md §4 (its [DOC] links:
docs.kkiai.com / docs.octopusx.ai unified-format query pages, the ai.xunxkj.cn mirror of the
gptplus5 query page, docs.fast-token.com ``2.VeoCreateVideo``; [CODE] shellus/mj-studio
``docs/api/video-unified-api.md``), §6 for the new-api error envelopes.

Neutral request → vendor model (``model``) and switches:

============  ==========  ========================  ===================================
mode          tier        720p / 1080p              4k
============  ==========  ========================  ===================================
text          fast        ``veo3.1-fast``           ``veo3.1-4k``
text          quality     ``veo3.1-pro``            ``veo3.1-pro-4k``
image/frames  (as text)   same models, ``images`` = [first] or [first, last]
reference     fast only   ``veo3.1-components``     not offered
============  ==========  ========================  ===================================

* Tiers: ``-fast`` is the fast tier and ``-pro`` the quality tier; ``-4k`` is fast+4K and
  ``-pro-4k`` quality+4K (vendors.md §4, enum descriptions [CODE]). Plain ``veo3.1`` is also
  listed, but the docs say nothing that sets it apart from ``-fast``/``-pro``, so it would be a
  third tier without a documented meaning: not used.
* Image and first/last frame: ``veo3.1``, ``-fast`` and ``-pro`` are "自适应首尾帧和文生视频"
  (text-to-video, or first/last frame when ``images`` is given) [CODE]. The ``-4k`` models are
  the same models at 4K, and reseller clients send them first/last frames too [INF].
  No ``veo3.1-*-frames`` model is documented, so none is used.
* Reference images: ``veo3.1-components`` takes up to 3 images "as elements in the video"
  [DOC seed 004]. The docs list it in one speed only, so it is offered under the fast tier
  alone (a quality choice would change nothing). ``veo3.1-components-4k`` and
  ``veo3.1-fast-components`` appear only in client code [CODE], so reference stays ≤1080p.
* Resolution: Veo here renders 720p [INF]; ``enable_upsample`` is the documented super-resolution
  switch, and a reseller's client notes "enable_upsample 开启就是生成1080p视频" [CODE:
  ainewsto/Comfyui_Comfly README, 2025-12-16]. So 1080p *is* ``enable_upsample: true`` and the
  bot offers it as a resolution, not as a separate Extra.UPSAMPLE switch (two controls for one
  field would need a conflict rule). 4k uses the ``-4k`` model and also asks for the upsample,
  since the upsampling pass is what makes the larger file [INF].
* ``enhance_prompt`` is Extra.ENHANCE (translate to English and rewrite); ``aspect_ratio`` is
  16:9 or 9:16; the seed marks both switches and ``aspect_ratio`` required, so all three are
  always sent. Duration is fixed at 8 s [INF]. There is no sound switch (the Veo 3 models
  "自动生成带音效…无法手动关闭" [CODE: the same Comfly README, 2025-06-30]), no seed and no
  negative prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from bot.domain.capabilities import Capabilities, TierCapabilities, narrower_in_mode
from bot.domain.errors import VendorUnavailableError
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, VendorStatus
from bot.vendors import common, known
from bot.vendors.http import classify, error_message

NAME = known.GPTPLUS5

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)
_RESOLUTIONS = (Resolution.P720, Resolution.P1080, Resolution.K4)
_REFERENCE_RESOLUTIONS = (Resolution.P720, Resolution.P1080)
_DURATIONS = (8,)
_FRAME_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES})


CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="gptplus5",
    tiers={
        Tier.FAST: TierCapabilities(
            _FRAME_MODES | {Mode.REFERENCE},
            _RESOLUTIONS,
            _RATIOS,
            _DURATIONS,
            min_reference_images=1,
            max_reference_images=3,
        ),
        Tier.QUALITY: TierCapabilities(_FRAME_MODES, _RESOLUTIONS, _RATIOS, _DURATIONS),
    },
    sound=False,  # always on, no switch documented
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    # The documented completed example took about 4 minutes; poloapi, a reseller of the same
    # upstream, recommends polling every 30 s [INF].
    poll_interval_seconds=20.0,
    extras=(Extra.ENHANCE,),
    image_transport=ImageTransport.URL,
    public_result_urls=True,  # filesystem.site CDN links, no key needed
    # No 4K reference model is documented (only ``veo3.1-components``).
    extra_rules=(narrower_in_mode(Mode.REFERENCE, resolutions=_REFERENCE_RESOLUTIONS),),
)

_WORDS = common.StatusWords(
    queued=frozenset({"pending"}),
    running=frozenset(
        {
            "image_downloading",
            "video_generating",
            "video_generation_completed",
            "video_upsampling",
            "video_upsampling_completed",
            "processing",
        }
    ),
    succeeded=frozenset({"completed", "success", "succeeded"}),
    failed=frozenset({"failed", "error", "video_generation_failed", "video_upsampling_failed"}),
)
_POLICY_WORDS = re.compile(
    r"unsafe|content.?polic|violat|sensitive|nsfw|prohibited|inappropriate|safety|"
    r"rejected by google|celebrit|public figure|prominent|filtered|"
    r"敏感|违规|违禁|不安全|审核|色情",
    re.IGNORECASE,
)
_ENVELOPE_STATUS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"quota|balance|insufficient|credit|余额|额度", re.IGNORECASE), 402),
    (re.compile(r"token|api_key|unauthori|auth|令牌", re.IGNORECASE), 401),
    (re.compile(r"rate.?limit|too.?many|频繁", re.IGNORECASE), 429),
    (re.compile(r"not.?exist|not.?found", re.IGNORECASE), 404),
    (re.compile(r"upstream|do_request|bad_response|system|channel|timeout", re.IGNORECASE), 503),
)


class _SubmitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    prompt: str
    images: list[str] | None = None
    enhance_prompt: bool
    enable_upsample: bool
    aspect_ratio: str


class _Detail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str | None = None
    video_url: str | None = None
    upsample_video_url: str | None = None
    video_generation_error: str | None = None
    error_message: str | None = None
    error: dict[str, Any] | str | None = None


class _Task(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    task_id: str | None = None
    status: str | None = None
    video_url: str | None = None
    detail: _Detail | str | None = None


def model_name(request: GenerationRequest) -> str:
    if request.mode is Mode.REFERENCE:
        return "veo3.1-components"
    quality = request.tier is Tier.QUALITY
    if request.resolution is Resolution.K4:
        return "veo3.1-pro-4k" if quality else "veo3.1-4k"
    return "veo3.1-pro" if quality else "veo3.1-fast"


def build_submit_body(request: GenerationRequest, image_urls: list[str]) -> dict[str, Any]:
    """The JSON of ``/v1/video/create``; `image_urls` are the request's photos as public URLs."""
    body = _SubmitBody(
        model=model_name(request),
        prompt=request.prompt,
        images=list(image_urls) if image_urls else None,
        enhance_prompt=request.extra(Extra.ENHANCE),
        enable_upsample=request.resolution is not Resolution.P720,
        aspect_ratio=request.aspect_ratio.value,
    )
    return body.model_dump(exclude_none=True)


def parse_task_id(payload: Any) -> str:
    task = _parse_task(payload)
    return common.submitted_task_id(NAME, task.id, task.task_id)


def parse_status(payload: Any) -> VendorStatus:
    task = _parse_task(payload)
    detail = task.detail if isinstance(task.detail, _Detail) else None
    raw = task.status or (detail.status if detail is not None else None)
    status = (raw or "").lower()
    if status in _WORDS.succeeded:
        return common.finished(_video_url(task, detail))
    if status in _WORDS.failed:
        reason = _failure_reason(detail, status)
        kind = FailureKind.REJECTED if _POLICY_WORDS.search(reason) else FailureKind.GENERATION
        return Failed(reason, kind)
    return _WORDS.pending(status) or common.still_running(NAME, "task status", raw, payload)


def _parse_task(payload: Any) -> _Task:
    _raise_body_error(payload)
    return common.read_model(NAME, _Task, payload)


def _raise_body_error(payload: Any) -> None:
    """An HTTP-200 body that is an error envelope, not a task (one-api/new-api fronts).

    Both envelopes of vendors.md §6: ``{"error": {"message", "type", "code"}}`` and
    ``{"code": "<code>", "message": "…", "data": null}``.
    """
    if not isinstance(payload, dict) or "status" in payload or "id" in payload:
        return
    error = payload.get("error")
    code = payload.get("code")
    if isinstance(error, dict):
        code = error.get("code") or error.get("type")
    elif not error and (code is None or code in ("success", 0, 200)):
        return
    message = error_message(payload, f"error code {code}")
    raise classify(NAME, _envelope_status(f"{code} {message}"), message, None)


def _envelope_status(text: str) -> int:
    return next((status for words, status in _ENVELOPE_STATUS if words.search(text)), 400)


def _video_url(task: _Task, detail: _Detail | None) -> str | None:
    """The top-level URL (the upsampled file when upsampling was on), else the detail's."""
    if detail is None:
        return common.first_http_url(task.video_url)
    return common.first_http_url(task.video_url, detail.upsample_video_url, detail.video_url)


def _failure_reason(detail: _Detail | None, status: str) -> str:
    fallback = f"the vendor reported {status}"
    if detail is None:
        return fallback
    for text in (detail.video_generation_error, detail.error_message):
        if text and text.strip():
            return error_message({"message": text}, fallback)
    return error_message({"error": detail.error}, fallback)


class GptPlus5Vendor(common.UrlPhotoVendor):
    # Ids look like "veo3.1-fast:1770350082-trii1OXZc3"; the answer's own id may differ, so
    # the id from create is the one always asked about.
    capabilities = CAPABILITIES
    routes = common.TaskRoutes("/v1/video/create", "/v1/video/query?id={task_id}")
    wire = common.TaskWire(build_submit_body, parse_task_id, parse_status)
    extra_headers: ClassVar[Mapping[str, str]] = {"Accept": "application/json"}

    async def check(self) -> str:
        """List the models the key may use.

        The unified-format docs have no account call, but these resellers run one-api/new-api
        front ends, whose ``GET /v1/models`` needs the key and changes nothing [INF]. Only an
        OpenAI-style model list is this API; any error, including a 404, is raised.
        """
        payload = await self._api.get("/v1/models")
        _raise_body_error(payload)
        return _describe_models(payload)


def _describe_models(payload: Any) -> str:
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        raise VendorUnavailableError(
            NAME, f"not this API: /v1/models answered {str(payload)[:200]}"
        )
    ids = {item.get("id") for item in data if isinstance(item, dict)}
    veo = sorted(i for i in ids if isinstance(i, str) and i.startswith("veo3.1"))
    listed = ", ".join(veo) if veo else "no veo3.1 model"
    return f"key accepted; {len(ids)} models, {listed}"
