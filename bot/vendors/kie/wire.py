"""kie.ai's wire format: task ids, request bodies, and the envelope every answer comes in.

Every answer is an envelope `{"code", "msg", "data"}` whose `code` carries the error even on
HTTP 200. Task ids: generation and extend tasks use kie's own id; an upgrade is `1080p:<id>` or
`4k:<id>`, so `status()` knows which endpoint to ask (kie's ids hold no colon).
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import VendorUnavailableError, VendorUnreadableError
from bot.domain.options import AspectRatio, Extra, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, Running, VendorStatus
from bot.vendors import known
from bot.vendors.common import finished, first_http_url, read_model, still_running, unreadable
from bot.vendors.http import classify

_M = TypeVar("_M", bound=BaseModel)

NAME = known.KIE
DEFAULT_UPLOAD_BASE_URL = known.KIE_UPLOAD_BASE_URL
UPLOAD_FOLDER = "veo-bot"  # any folder name; files expire after 3 days [DOC]
UPGRADE_1080P = "1080p"
UPGRADE_4K = "4k"

_MODELS = {Tier.FAST: "veo3_fast", Tier.QUALITY: "veo3", Tier.LITE: "veo3_lite"}
_EXTEND_MODELS = {Tier.FAST: "fast", Tier.QUALITY: "quality", Tier.LITE: "lite"}
_GENERATION_TYPES = {
    Mode.TEXT: "TEXT_2_VIDEO",
    # FIRST_AND_LAST_FRAMES takes one image (animate it) or two (first and last frame).
    Mode.IMAGE: "FIRST_AND_LAST_FRAMES_2_VIDEO",
    Mode.FRAMES: "FIRST_AND_LAST_FRAMES_2_VIDEO",
    Mode.REFERENCE: "REFERENCE_2_VIDEO",
}
_RATIO_VALUES = {
    AspectRatio.LANDSCAPE: "16:9",
    AspectRatio.PORTRAIT: "9:16",
    AspectRatio.AUTO: "Auto",
}
_FILE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

_POLICY = re.compile(
    r"content polic|violat|flagged|unsafe|prominent people|minor upload|minors|nsfw|safety"
    r"|sensitive|prohibit|rejected by flow",
    re.IGNORECASE,
)


# ---- wire format ---------------------------------------------------------------------------


class _GenerateBody(BaseModel):
    prompt: str
    model: str
    generationType: str
    imageUrls: list[str] | None = None
    # The current OpenAPI names it aspect_ratio, the seed aspectRatio: both are sent.
    aspect_ratio: str
    aspectRatio: str
    resolution: str
    seeds: int | None = None
    callBackUrl: str | None = None
    enableTranslation: bool | None = None


class _ExtendBody(BaseModel):
    taskId: str
    prompt: str
    model: str
    seeds: int | None = None
    callBackUrl: str | None = None


class _FourKBody(BaseModel):
    taskId: str
    index: int = 0
    callBackUrl: str | None = None


class _UploadBody(BaseModel):
    base64Data: str
    uploadPath: str
    fileName: str


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: Any = None
    msg: str | None = None
    data: Any = None
    success: bool | None = None


class _Submitted(BaseModel):
    model_config = ConfigDict(extra="ignore")

    taskId: str | None = None


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resultUrls: list[Any] | None = None
    fullResultUrls: list[Any] | None = None
    originUrls: list[Any] | None = None


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")

    taskId: str | None = None
    successFlag: Any = None
    response: _Result | None = None
    errorCode: Any = None
    errorMessage: str | None = None
    fallbackFlag: Any = None


class _Upgrade(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resultUrl: str | None = None
    resultUrls: list[Any] | None = None
    result_urls: list[Any] | None = None


class _Uploaded(BaseModel):
    model_config = ConfigDict(extra="ignore")

    downloadUrl: str | None = None


# ---- building requests ---------------------------------------------------------------------


def build_submit_body(
    request: GenerationRequest, image_urls: list[str], callback_url: str | None = None
) -> dict[str, Any]:
    """The JSON for POST /api/v1/veo/generate; `image_urls` are kie upload URLs."""
    generation_type = _GENERATION_TYPES.get(request.mode)
    if generation_type is None:
        raise ValueError(f"{request.mode} is not a generate mode")
    if request.resolution is Resolution.K4:
        raise ValueError("4K comes from get-4k-video, never from generate")
    ratio = _RATIO_VALUES[request.aspect_ratio]
    body = _GenerateBody(
        prompt=request.prompt,
        model=_MODELS[request.tier],
        generationType=generation_type,
        imageUrls=list(image_urls) if request.mode is not Mode.TEXT else None,
        aspect_ratio=ratio,
        aspectRatio=ratio,
        resolution=request.resolution.value,
        seeds=request.seed,
        callBackUrl=callback_url,
        # Unset → omitted: kie's default is on.
        enableTranslation=request.extras.get(Extra.TRANSLATE),
    )
    return body.model_dump(exclude_none=True)


def build_extend_body(
    request: GenerationRequest, source_task_id: str, callback_url: str | None = None
) -> dict[str, Any]:
    """The JSON for POST /api/v1/veo/extend."""
    body = _ExtendBody(
        taskId=source_task_id,
        prompt=request.prompt,
        model=_EXTEND_MODELS[request.tier],
        seeds=request.seed,
        callBackUrl=callback_url,
    )
    return body.model_dump(exclude_none=True)


def build_4k_body(source_task_id: str, callback_url: str | None = None) -> dict[str, Any]:
    """The JSON for POST /api/v1/veo/get-4k-video."""
    return _FourKBody(taskId=source_task_id, callBackUrl=callback_url).model_dump(
        exclude_none=True
    )


def build_upload_body(data: bytes, mime_type: str, file_name: str) -> dict[str, Any]:
    """The JSON for POST /api/file-base64-upload."""
    encoded = base64.b64encode(data).decode("ascii")
    return _UploadBody(
        base64Data=f"data:{mime_type};base64,{encoded}",
        uploadPath=UPLOAD_FOLDER,
        fileName=file_name,
    ).model_dump()


def unique_file_name(mime_type: str) -> str:
    """A fresh name for every upload: kie overwrites (and may cache) a reused name."""
    return secrets.token_hex(16) + _FILE_EXTENSIONS.get(mime_type, "")


def upgrade_task_id(kind: str, source_task_id: str) -> str:
    return f"{kind}:{source_task_id}"


def split_task_id(task_id: str) -> tuple[str | None, str]:
    """(upgrade kind or None, kie's task id)."""
    kind, sep, rest = task_id.partition(":")
    if sep and kind in (UPGRADE_1080P, UPGRADE_4K):
        return kind, rest
    return None, task_id


# ---- reading answers -----------------------------------------------------------------------


def envelope_of(payload: Any) -> _Envelope:
    if not isinstance(payload, dict):
        raise unreadable(NAME, payload)
    return read_model(NAME, _Envelope, payload)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def code_of(envelope: _Envelope, payload: Any) -> int:
    code = as_int(envelope.code)
    if code is None:
        raise VendorUnreadableError(NAME, f"an answer without a code: {str(payload)[:200]}")
    return code


def message_of(envelope: _Envelope, code: int) -> str:
    return envelope.msg or f"kie.ai answered code {code}"


def _checked(payload: Any) -> _Envelope:
    """The envelope of an answer whose `code` is 200; any other code raises, HTTP 200 or not."""
    envelope = envelope_of(payload)
    code = code_of(envelope, payload)
    if code != 200:
        raise classify(NAME, code, message_of(envelope, code), None)
    return envelope


def data_as(model: type[_M], data: Any, payload: Any) -> _M:
    if not isinstance(data, dict):
        raise VendorUnreadableError(NAME, f"an answer without data: {str(payload)[:200]}")
    return read_model(NAME, model, payload, data)


def first_url(*candidates: list[Any] | None) -> str | None:
    return first_http_url(*(url for urls in candidates for url in urls or []))


def parse_task_id(payload: Any) -> str:
    """The task id of a generate or extend answer."""
    envelope = _checked(payload)
    submitted = data_as(_Submitted, envelope.data, payload)
    if not submitted.taskId:
        raise VendorUnreadableError(NAME, "the answer to a submit holds no task id")
    return submitted.taskId


def parse_status(payload: Any) -> VendorStatus:
    """A record-info answer (generation and extend tasks)."""
    envelope = _checked(payload)
    record = data_as(_Record, envelope.data, payload)
    flag = as_int(record.successFlag)
    if flag == 0:
        return Running(None)
    if flag == 1:
        # fullResultUrls is the whole video after an extend; resultUrls the usual one.
        result = record.response or _Result()
        url = first_url(result.fullResultUrls, result.resultUrls, result.originUrls)
        # A video from kie's fallback model is 720p, and the 1080p/4K endpoints refuse it.
        return finished(url, upgradable=record.fallbackFlag not in (True, "true"))
    if flag in (2, 3):
        return _task_failure(record.errorMessage, as_int(record.errorCode))
    return still_running(NAME, "successFlag", record.successFlag, payload)


def _task_failure(message: str | None, error_code: int | None) -> Failed:
    text = message or "kie.ai reported the generation failed"
    # errorCode 400 is kie's content-policy / bad-input class.
    if error_code == 400 or _POLICY.search(text):
        return Failed(text, FailureKind.REJECTED)
    return Failed(text, FailureKind.GENERATION)


def parse_upload_url(payload: Any) -> str:
    """The public URL of a file uploaded through kie's file upload API."""
    envelope = _checked(payload)
    if envelope.success is False:
        raise VendorUnavailableError(NAME, f"upload refused: {envelope.msg or 'no reason'}")
    url = data_as(_Uploaded, envelope.data, payload).downloadUrl
    if not url or not url.startswith(("http://", "https://")):
        raise VendorUnavailableError(NAME, "the upload answer holds no download URL")
    return url


def parse_credits(payload: Any) -> str:
    """GET /api/v1/chat/credit: `data` is the number of credits left."""
    data = _checked(payload).data
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise VendorUnavailableError(NAME, f"unreadable credit answer: {str(payload)[:200]}")
    count = int(data) if float(data).is_integer() else data
    return f"{count} credits left"
