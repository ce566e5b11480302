"""Google's Gemini API, Veo 3.1: POST models/{model}:predictLongRunning, GET {operation.name}.

Sources: docs/vendors.md §5 (ai.google.dev/gemini-api/docs/video, copies of 2025-11-05 and
2026-03-05) and §6 (the new-api RAI bug). Photos and source videos travel inline as base64; the
finished file needs our key and answers with a redirect, so it is never shown to anyone.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ConfigDict

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.errors import (
    InvalidRequestError,
    VendorAuthError,
    VendorBalanceError,
    VendorError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorUnavailableError,
)
from bot.domain.options import AspectRatio, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, Running, Succeeded, VendorStatus
from bot.vendors.base import MediaBytes, MediaSource, VendorConfig
from bot.vendors.common import JsonApi, finished, read_model, still_running
from bot.vendors.http import VendorHttp, classify, error_message

NAME = "gemini"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"
MODELS: dict[Tier, str] = {
    Tier.FAST: "veo-3.1-fast-generate-preview",
    Tier.QUALITY: "veo-3.1-generate-preview",
}
KEY_HEADER = "x-goog-api-key"
SEED_MAX = 2**32 - 1

_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE, Mode.EXTEND})
_TIER = TierCapabilities(
    modes=_MODES,
    resolutions=(Resolution.P720, Resolution.P1080, Resolution.K4),  # 4k: 2026-03 table
    aspect_ratios=(AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT),
    durations=(4, 6, 8),
    min_reference_images=1,
    max_reference_images=3,  # "up to 3 asset images"
)
# Modes whose video is always 8 s: extension and reference images (2026-03 table) and
# interpolation, i.e. first + last frame (2025-11 table; the stricter of the two is kept).
_EIGHT_SECOND_MODES = frozenset({Mode.EXTEND, Mode.REFERENCE, Mode.FRAMES})
_EIGHT_SECOND_RESOLUTIONS = frozenset({Resolution.P1080, Resolution.K4})
# The 2026-03 table: text-to-video and extension take only allow_all; the photo modes only
# allow_adult.
_PERSON_GENERATION: dict[Mode, str] = {
    Mode.TEXT: "allow_all",
    Mode.EXTEND: "allow_all",
    Mode.IMAGE: "allow_adult",
    Mode.FRAMES: "allow_adult",
    Mode.REFERENCE: "allow_adult",
}


def _eight_seconds_only(request: GenerationRequest) -> InvalidRequestError | None:
    needs_eight = (
        request.mode in _EIGHT_SECOND_MODES or request.resolution in _EIGHT_SECOND_RESOLUTIONS
    )
    if needs_eight and request.duration_seconds != 8:
        return InvalidRequestError("invalid.duration", value=request.duration_seconds, allowed="8")
    return None


def _extension_is_720p(request: GenerationRequest) -> InvalidRequestError | None:
    if request.mode is Mode.EXTEND and request.resolution is not Resolution.P720:
        return InvalidRequestError(
            "invalid.resolution", value=request.resolution, allowed=Resolution.P720.value
        )
    return None


def _extension_source_is_ours(request: GenerationRequest) -> InvalidRequestError | None:
    """Only a video this API generated can be extended, so it must come from this vendor."""
    source = request.source
    if request.mode is not Mode.EXTEND or source is None:
        return None
    if source.vendor != NAME or (_source_uri(request) is None and source.media is None):
        return InvalidRequestError("invalid.source_video")
    return None


CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="Google Gemini",
    tiers={Tier.FAST: _TIER, Tier.QUALITY: _TIER},
    sound=False,  # audio is always on: there is no switch to offer
    # The limit is 1,024 tokens; a token covers at least one character for nearly all text
    # (about four in English, one or two per CJK character), so 1,024 characters always fit.
    max_prompt_chars=1024,  # [INF]
    poll_interval_seconds=10.0,  # the docs' own polling loop sleeps 10 s
    negative_prompt=True,
    # Gemini only says seed exists on Veo 3; Vertex documents it as a uint32. [INF]
    seed_range=(0, SEED_MAX),
    image_transport=ImageTransport.INLINE,
    public_result_urls=False,  # the file URI needs our key
    extra_rules=(_extension_source_is_ours, _extension_is_720p, _eight_seconds_only),
)

# --------------------------------------------------------------------------------------------
# Wire format
# --------------------------------------------------------------------------------------------


class _Blob(BaseModel):
    mimeType: str
    data: str


class _Media(BaseModel):
    inlineData: _Blob | None = None
    uri: str | None = None


class _ReferenceImage(BaseModel):
    image: _Media
    referenceType: Literal["asset"] = "asset"


class _Instance(BaseModel):
    prompt: str
    image: _Media | None = None
    lastFrame: _Media | None = None
    referenceImages: list[_ReferenceImage] | None = None
    video: _Media | None = None


class _Parameters(BaseModel):
    aspectRatio: str | None = None
    resolution: str
    durationSeconds: int
    personGeneration: str
    negativePrompt: str | None = None
    seed: int | None = None


class _SubmitBody(BaseModel):
    instances: list[_Instance]
    parameters: _Parameters


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Video(_Lenient):
    uri: str | None = None


class _Sample(_Lenient):
    video: _Video | None = None


class _GenerateVideoResponse(_Lenient):
    generatedSamples: list[_Sample] | None = None
    raiMediaFilteredCount: int | None = None
    raiMediaFilteredReasons: list[str] | None = None


class _Response(_Lenient):
    generateVideoResponse: _GenerateVideoResponse | None = None


class _Status(_Lenient):
    code: int | str | None = None
    message: str | None = None
    status: str | None = None


class _Operation(_Lenient):
    name: str | None = None
    done: Any = None
    response: _Response | None = None
    error: _Status | None = None


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------


def model_name(request: GenerationRequest) -> str:
    return MODELS[request.tier]


def build_submit_body(
    request: GenerationRequest,
    images: Sequence[MediaBytes],
    source_video: MediaBytes | None = None,
) -> dict[str, Any]:
    """The JSON Gemini takes; `images` are the request's photos, `source_video` the bytes of
    the video to extend when it cannot be named by its Gemini file URI."""
    person_generation = _PERSON_GENERATION.get(request.mode)
    if person_generation is None:
        raise InvalidRequestError("invalid.mode", mode=request.mode, tier=request.tier)
    extending = request.mode is Mode.EXTEND
    instance = _Instance(
        prompt=request.prompt,
        image=_inline(images[0]) if request.mode in (Mode.IMAGE, Mode.FRAMES) else None,
        lastFrame=_inline(images[1]) if request.mode is Mode.FRAMES else None,
        referenceImages=(
            [_ReferenceImage(image=_inline(image)) for image in images]
            if request.mode is Mode.REFERENCE
            else None
        ),
        video=_source_media(request, source_video) if extending else None,
    )
    parameters = _Parameters(
        # An extension keeps its source's frame; the docs' extension sample sets no ratio.
        aspectRatio=None if extending else request.aspect_ratio.value,
        resolution=request.resolution.value,
        durationSeconds=request.duration_seconds,
        personGeneration=person_generation,
        negativePrompt=request.negative_prompt or None,
        seed=request.seed,
    )
    body = _SubmitBody(instances=[instance], parameters=parameters)
    return body.model_dump(exclude_none=True)


def _inline(media: MediaBytes) -> _Media:
    data = base64.b64encode(media.data).decode("ascii")
    return _Media(inlineData=_Blob(mimeType=media.mime_type, data=data))


def _source_uri(request: GenerationRequest) -> str | None:
    """The Gemini file URI of the video to extend, when this vendor made it."""
    source = request.source
    if source is None or source.vendor != NAME:
        return None
    return _http_url(source.video_url)


def _source_media(request: GenerationRequest, source_video: MediaBytes | None) -> _Media:
    # The file URI is what the SDK sends (the Video of the earlier operation): no upload, and
    # a long chain of extensions (up to 141 s) would not fit in a request as base64. Inline
    # bytes (the REST sample's form) are the fallback when only our own copy is left.
    uri = _source_uri(request)
    if uri is not None:
        return _Media(uri=uri)
    if source_video is not None:
        return _inline(source_video)
    raise InvalidRequestError("invalid.source_video")


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------

_OPERATION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")
_CONTENT_POLICY = re.compile(
    r"safety|polic|blocked|filtered|responsible ai|\brai\b|prohibited|sensitive|violat|guideline",
    re.IGNORECASE,
)
_KEY_REFUSED = re.compile(r"api[ _]?key", re.IGNORECASE)
_PREPAID_GONE = re.compile(r"prepay|depleted", re.IGNORECASE)
_QUOTA_RATE = re.compile(r"exhausted|exceeded|\brate\b", re.IGNORECASE)
# google.rpc.Code names → the HTTP status Google maps each to.
_STATUS_HTTP: dict[str, int] = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ABORTED": 409,
    "ALREADY_EXISTS": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INTERNAL": 500,
    "DATA_LOSS": 500,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}
_FILTERED = "Google's safety filters blocked this video"


def parse_task_id(payload: Any) -> str:
    """The operation name (`models/…/operations/…`): the task id, slashes and all."""
    operation = _parse_operation(payload)
    name = operation.name
    if not name or not _OPERATION_NAME.fullmatch(name):
        raise VendorUnavailableError(
            NAME, f"the answer to a submit holds no operation name: {name!r}"
        )
    return name


def parse_status(payload: Any) -> VendorStatus:
    operation = _parse_operation(payload)
    if operation.error is not None:
        return _failure(operation.error)
    if operation.done is None or operation.done is False:
        return Running(None)
    if operation.done is not True:
        return still_running(NAME, "operation state done", operation.done, payload)
    return _finished(operation.response)


def _parse_operation(payload: Any) -> _Operation:
    raise_for_error_envelope(payload)
    return read_model(NAME, _Operation, payload)


def raise_for_error_envelope(payload: Any) -> None:
    """Raise the classified error of a Google envelope `{"error": {code, message, status}}`
    that arrived with HTTP 200; an operation's own `error` (next to its name) is a task failure.
    """
    if not isinstance(payload, dict) or "name" in payload or "done" in payload:
        return
    error = payload.get("error")
    if error is None:
        return
    message = error_message(payload, "the vendor answered with an error")
    code = _http_code(error)
    raise reclassify(classify(NAME, code, message, None))


def _http_code(error: Any) -> int:
    if isinstance(error, dict):
        code = error.get("code")
        if isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 599:
            return code
        status = error.get("status")
        if isinstance(status, str) and status in _STATUS_HTTP:
            return _STATUS_HTTP[status]
    return 400


def reclassify(error: VendorError) -> VendorError:
    """Correct the generic classification where Google's answers differ from other vendors.

    A refused key is HTTP 400 INVALID_ARGUMENT ("API key not valid"), not 401. A 429
    RESOURCE_EXHAUSTED naming a quota is a rate or daily limit; only "prepayment credits are
    depleted" means the account is out of money.
    """
    if isinstance(error, VendorRejectedError) and _KEY_REFUSED.search(error.message):
        return VendorAuthError(error.vendor, error.message)
    if (
        isinstance(error, VendorBalanceError)
        and _QUOTA_RATE.search(error.message)
        and not _PREPAID_GONE.search(error.message)
    ):
        return VendorRateLimitedError(error.vendor, error.message)
    return error


def _failure(error: _Status) -> Failed:
    message = error.message or "the vendor reported a failure"
    kind = FailureKind.REJECTED if _CONTENT_POLICY.search(message) else FailureKind.GENERATION
    return Failed(message, kind)


def _finished(response: _Response | None) -> VendorStatus:
    result = response.generateVideoResponse if response is not None else None
    if result is None:
        return finished(None)
    for sample in result.generatedSamples or []:
        uri = _http_url(sample.video.uri if sample.video is not None else None)
        if uri is not None:
            return Succeeded(uri)
    reasons = [reason for reason in result.raiMediaFilteredReasons or [] if reason.strip()]
    if reasons:
        return Failed(reasons[0], FailureKind.REJECTED)
    if result.raiMediaFilteredCount:
        return Failed(_FILTERED, FailureKind.REJECTED)
    return finished(None)


def _http_url(value: str | None) -> str | None:
    if value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


# --------------------------------------------------------------------------------------------
# Adapter
# --------------------------------------------------------------------------------------------


class GeminiVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._api = JsonApi(http, config.base_url, {KEY_HEADER: config.api_key})
        self._base_url = self._api.base_url

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        images = [await media.read(ref) for ref in request.images]
        source_video = None
        if request.mode is Mode.EXTEND and _source_uri(request) is None:
            source = request.source
            if source is not None and source.media is not None:
                source_video = await media.read(source.media)
        body = build_submit_body(request, images, source_video)
        url = f"/{API_VERSION}/models/{quote(model_name(request), safe='')}"
        payload = await self._call(f"{url}:predictLongRunning", body)
        return parse_task_id(payload)

    async def status(self, task_id: str) -> VendorStatus:
        if not _OPERATION_NAME.fullmatch(task_id):
            raise VendorRejectedError(NAME, f"not an operation name: {task_id!r}")
        path = "/".join(quote(part, safe="") for part in task_id.split("/"))
        payload = await self._call(f"/{API_VERSION}/{path}")
        return parse_status(payload)

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        # The key goes only to the API's own host; the 302 it answers is followed.
        headers = self._api.headers if _origin(url) == _origin(self._base_url) else None
        try:
            return await self._api.download(url, destination, max_bytes, headers=headers)
        except VendorError as exc:
            _raise_reclassified(exc)

    async def check(self) -> str:
        """Read the model's own entry: a harmless call that needs a valid key."""
        model = MODELS[Tier.QUALITY]
        payload = await self._call(f"/{API_VERSION}/models/{model}")
        raise_for_error_envelope(payload)
        name = payload.get("name") if isinstance(payload, dict) else None
        return f"key accepted; {name or model} is available"

    async def _call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """GET `path`, or POST `body` to it; Google's own error meanings applied."""
        try:
            if body is None:
                return await self._api.get(path)
            return await self._api.post(path, body)
        except VendorError as exc:
            _raise_reclassified(exc)


def _raise_reclassified(error: VendorError) -> NoReturn:
    better = reclassify(error)
    if better is error:
        raise error
    raise better from error
