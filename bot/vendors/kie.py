"""kie.ai's Veo 3.1 API: generate, extend, 1080p/4K upgrades, record-info, uploads, callbacks.

Sources: seed 002 (the generate page) and vendors.md §3 (the current OpenAPI, record-info,
callbacks and their signing, upgrades, extend, the file upload API, credits). Every answer is
an envelope `{"code", "msg", "data"}` whose `code` carries the error even on HTTP 200.

Task ids: generation and extend tasks use kie's own id; an upgrade is `1080p:<id>` or
`4k:<id>`, so `status()` knows which endpoint to ask (kie's ids hold no colon).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.domain.capabilities import Capabilities, TierCapabilities
from bot.domain.errors import (
    InvalidCallbackError,
    InvalidRequestError,
    VendorError,
    VendorRejectedError,
    VendorUnavailableError,
)
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef
from bot.domain.status import Failed, FailureKind, Running, Succeeded, VendorStatus
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.http import VendorHttp, classify

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound=BaseModel)

NAME = "kie"
DEFAULT_UPLOAD_BASE_URL = "https://kieai.redpandaai.co"
UPLOAD_FOLDER = "veo-bot"  # any folder name; files expire after 3 days [DOC]
CALLBACK_MAX_AGE_SECONDS = 300
UPGRADE_1080P = "1080p"
UPGRADE_4K = "4k"

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT, AspectRatio.AUTO)
_RESOLUTIONS = (Resolution.P720, Resolution.P1080, Resolution.K4)
_DURATIONS = (8,)  # no duration field: every video is 8 s [INF]
_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.EXTEND})
_REFERENCE_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)

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
_UPGRADE_KINDS = {Resolution.P1080: UPGRADE_1080P, Resolution.K4: UPGRADE_4K}
_FILE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

_POLICY = re.compile(
    r"content polic|violat|flagged|unsafe|prominent people|minor upload|minors|nsfw|safety"
    r"|sensitive|prohibit|rejected by flow",
    re.IGNORECASE,
)
_PROCESSING = re.compile(r"is processing|not ready|ready in|check back", re.IGNORECASE)
_4K_DONE = re.compile(r"generated successfully", re.IGNORECASE)
_4K_UNAVAILABLE = re.compile(r"4k version of this video is unavailable", re.IGNORECASE)
_4K_CALLBACK_KEYS = frozenset({"imageUrls", "image_urls", "mediaIds", "media_ids"})
_NO_VIDEO = "the vendor reported the video finished but sent no file"


def _reference_ratio(request: GenerationRequest) -> InvalidRequestError | None:
    """REFERENCE_2_VIDEO takes 16:9 and 9:16 only (current OpenAPI; the seed said 16:9)."""
    if request.mode is Mode.REFERENCE and request.aspect_ratio not in _REFERENCE_RATIOS:
        return InvalidRequestError(
            "invalid.aspect_ratio",
            value=request.aspect_ratio,
            allowed=", ".join(r.value for r in _REFERENCE_RATIOS),
        )
    return None


def _extend_source(request: GenerationRequest) -> InvalidRequestError | None:
    """Only a video made by kie's Veo 3.1 API, and not a 1080p/4K version, can be extended."""
    if request.mode is not Mode.EXTEND:
        return None
    source = request.source
    if source is None or source.vendor != NAME or not source.task_id:
        return InvalidRequestError("invalid.source_video")
    if split_task_id(source.task_id)[0] is not None:
        return InvalidRequestError("invalid.source_video")
    return None


CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="kie.ai",
    tiers={
        # REFERENCE_2_VIDEO: veo3_fast only, 1–3 images.
        Tier.FAST: TierCapabilities(
            _MODES | {Mode.REFERENCE},
            _RESOLUTIONS,
            _RATIOS,
            _DURATIONS,
            min_reference_images=1,
            max_reference_images=3,
        ),
        Tier.QUALITY: TierCapabilities(_MODES, _RESOLUTIONS, _RATIOS, _DURATIONS),
        Tier.LITE: TierCapabilities(_MODES, _RESOLUTIONS, _RATIOS, _DURATIONS),
    },
    sound=False,  # every video has audio; there is no switch
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    poll_interval_seconds=30.0,  # docs: 1080p every 20–30 s, 4K 30 s or more [INF for generate]
    seed_range=(10000, 99999),
    extras=(Extra.TRANSLATE,),
    image_transport=ImageTransport.UPLOAD,
    upgrades=(Resolution.P1080, Resolution.K4),
    public_result_urls=True,
    extra_rules=(_reference_ratio, _extend_source),
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


def _envelope(payload: Any) -> _Envelope:
    if not isinstance(payload, dict):
        raise VendorUnavailableError(NAME, f"unreadable answer: {str(payload)[:200]}")
    try:
        return _Envelope.model_validate(payload)
    except ValidationError as exc:
        raise VendorUnavailableError(NAME, f"unreadable answer: {str(payload)[:200]}") from exc


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _message(envelope: _Envelope, code: int) -> str:
    return envelope.msg or f"kie.ai answered code {code}"


def _checked(payload: Any) -> _Envelope:
    """The envelope of an answer whose `code` is 200; any other code raises, HTTP 200 or not."""
    envelope = _envelope(payload)
    code = _as_int(envelope.code)
    if code is None:
        raise VendorUnavailableError(NAME, f"an answer without a code: {str(payload)[:200]}")
    if code != 200:
        raise classify(NAME, code, _message(envelope, code), None)
    return envelope


def _model(model: type[_M], data: Any, payload: Any) -> _M:
    if not isinstance(data, dict):
        raise VendorUnavailableError(NAME, f"an answer without data: {str(payload)[:200]}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise VendorUnavailableError(NAME, f"unreadable answer: {str(payload)[:200]}") from exc


def _first_url(*candidates: list[Any] | None) -> str | None:
    for urls in candidates:
        for url in urls or []:
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                return url
    return None


def parse_task_id(payload: Any) -> str:
    """The task id of a generate or extend answer."""
    envelope = _checked(payload)
    submitted = _model(_Submitted, envelope.data, payload)
    if not submitted.taskId:
        raise VendorUnavailableError(NAME, "the answer to a submit holds no task id")
    return submitted.taskId


def parse_status(payload: Any) -> VendorStatus:
    """A record-info answer (generation and extend tasks)."""
    envelope = _checked(payload)
    record = _model(_Record, envelope.data, payload)
    flag = _as_int(record.successFlag)
    if flag == 0:
        return Running(None)
    if flag == 1:
        # fullResultUrls is the whole video after an extend; resultUrls the usual one.
        result = record.response or _Result()
        url = _first_url(result.fullResultUrls, result.resultUrls, result.originUrls)
        return Succeeded(url) if url else Failed(_NO_VIDEO, FailureKind.NO_VIDEO)
    if flag in (2, 3):
        return _task_failure(record.errorMessage, _as_int(record.errorCode))
    log.warning("kie: unknown successFlag %r, payload %s", record.successFlag, payload)
    return Running(None)


def _task_failure(message: str | None, error_code: int | None) -> Failed:
    text = message or "kie.ai reported the generation failed"
    # errorCode 400 is kie's content-policy / bad-input class.
    if error_code == 400 or _POLICY.search(text):
        return Failed(text, FailureKind.REJECTED)
    return Failed(text, FailureKind.GENERATION)


def parse_1080p(payload: Any) -> VendorStatus:
    """A get-1080p-video answer: code 200 with the URL, or a non-200 code while processing."""
    envelope = _envelope(payload)
    code = _as_int(envelope.code)
    if code == 200:
        upgrade = _model(_Upgrade, envelope.data, payload)
        url = _first_url([upgrade.resultUrl], upgrade.resultUrls, upgrade.result_urls)
        return Succeeded(url) if url else Failed(_NO_VIDEO, FailureKind.NO_VIDEO)
    if code is None:
        raise VendorUnavailableError(NAME, f"an answer without a code: {str(payload)[:200]}")
    if _PROCESSING.search(envelope.msg or ""):
        return Running(None)
    raise classify(NAME, code, _message(envelope, code), None)


# kie may send an upgrade's "processing" and "generated successfully" (with the URLs) under an
# error status; the envelope's own code and message decide.
_UPGRADE_ANSWER_STATUSES = frozenset({400, 422})


def parse_4k(payload: Any) -> VendorStatus:
    """A get-4k-video answer: 200 when accepted, 422 "processing", 422 "generated" + URLs."""
    envelope = _envelope(payload)
    code = _as_int(envelope.code)
    if code is None:
        raise VendorUnavailableError(NAME, f"an answer without a code: {str(payload)[:200]}")
    message = _message(envelope, code)
    done = code == 200 or _4K_DONE.search(message) is not None
    if done:
        upgrade = _model(_Upgrade, envelope.data or {}, payload)
        url = _first_url(upgrade.resultUrls, upgrade.result_urls, [upgrade.resultUrl])
        if url:
            return Succeeded(url)
        # 200 without URLs is the "accepted" answer; "generated" without URLs is broken.
        return Running(None) if code == 200 else Failed(_NO_VIDEO, FailureKind.NO_VIDEO)
    if _PROCESSING.search(message):
        return Running(None)
    if _4K_UNAVAILABLE.search(message):
        return Failed(message, FailureKind.GENERATION)
    raise classify(NAME, code, message, None)


def parse_upload_url(payload: Any) -> str:
    """The public URL of a file uploaded through kie's file upload API."""
    envelope = _checked(payload)
    if envelope.success is False:
        raise VendorUnavailableError(NAME, f"upload refused: {envelope.msg or 'no reason'}")
    url = _model(_Uploaded, envelope.data, payload).downloadUrl
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


# ---- callbacks -----------------------------------------------------------------------------


def callback_task_id(
    headers: Mapping[str, str], body: bytes, hmac_key: str | None, now: float
) -> str:
    """The task a kie callback is about, its signature checked when a key is configured."""
    payload = _callback_payload(body)
    task_id = _callback_raw_task_id(payload)
    if hmac_key is not None:
        _verify_signature(headers, task_id, hmac_key, now)
    return upgrade_task_id(UPGRADE_4K, task_id) if _is_4k_callback(payload) else task_id


def sign_callback(task_id: str, timestamp: str, hmac_key: str) -> str:
    """base64(HMAC-SHA256(taskId + "." + timestamp, key)), as kie signs its callbacks."""
    digest = hmac.new(
        hmac_key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _callback_payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidCallbackError("the callback body is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidCallbackError("the callback body is not a JSON object")
    return payload


def _callback_raw_task_id(payload: dict[str, Any]) -> str:
    data = payload.get("data")
    places = [data, payload] if isinstance(data, dict) else [payload]
    for place in places:
        for key in ("taskId", "task_id"):
            value = place.get(key)
            if isinstance(value, str) and 0 < len(value) <= 256:
                return value
    raise InvalidCallbackError("the callback names no task")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _verify_signature(headers: Mapping[str, str], task_id: str, hmac_key: str, now: float) -> None:
    timestamp = _header(headers, "X-Webhook-Timestamp")
    signature = _header(headers, "X-Webhook-Signature")
    if timestamp is None or signature is None:
        raise InvalidCallbackError("the callback is not signed")
    timestamp = timestamp.strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        raise InvalidCallbackError("the callback timestamp is not a number")
    if abs(now - int(timestamp)) > CALLBACK_MAX_AGE_SECONDS:
        raise InvalidCallbackError("the callback timestamp is too old or in the future")
    expected = sign_callback(task_id, timestamp, hmac_key)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise InvalidCallbackError("the callback signature does not match")


def _is_4k_callback(payload: dict[str, Any]) -> bool:
    if re.search(r"\b4k\b", str(payload.get("msg") or ""), re.IGNORECASE):
        return True
    data = payload.get("data")
    if not isinstance(data, dict):
        return False
    info = data.get("info")
    keys = set(data) | (set(info) if isinstance(info, dict) else set())
    return bool(keys & _4K_CALLBACK_KEYS)


# ---- the adapter ---------------------------------------------------------------------------


class KieVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._http = http
        self._base_url = config.base_url.rstrip("/")
        self._upload_base_url = (config.upload_base_url or DEFAULT_UPLOAD_BASE_URL).rstrip("/")
        self._headers = {"Authorization": f"Bearer {config.api_key}"}
        self._callback_url = config.callback_url
        self._hmac_key = config.webhook_hmac_key

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        if request.mode is Mode.UPGRADE:
            return await self._submit_upgrade(request)
        if request.mode is Mode.EXTEND:
            body = build_extend_body(request, _source_task_id(request), self._callback_url)
            return parse_task_id(await self._post("/api/v1/veo/extend", body))
        image_urls = [await self._upload(ref, media) for ref in request.images]
        body = build_submit_body(request, image_urls, self._callback_url)
        return parse_task_id(await self._post("/api/v1/veo/generate", body))

    async def status(self, task_id: str) -> VendorStatus:
        kind, source_task_id = split_task_id(task_id)
        if kind is not None:
            return await self._ask_upgrade(kind, source_task_id, callback_url=None)
        payload = await self._http.call(
            "GET",
            f"{self._base_url}/api/v1/veo/record-info",
            headers=self._headers,
            params={"taskId": source_task_id},
        )
        return parse_status(payload)

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        return await self._http.download(url, destination, max_bytes)

    async def check(self) -> str:
        """kie documents GET /api/v1/chat/credit: free, and it proves the key."""
        payload = await self._http.call(
            "GET", f"{self._base_url}/api/v1/chat/credit", headers=self._headers
        )
        return parse_credits(payload)

    def task_id_from_callback(self, headers: Mapping[str, str], body: bytes) -> str:
        return callback_task_id(headers, body, self._hmac_key, time.time())

    async def _submit_upgrade(self, request: GenerationRequest) -> str:
        kind = _UPGRADE_KINDS.get(request.resolution)
        if kind is None:
            raise VendorRejectedError(NAME, f"no {request.resolution} upgrade")
        source_task_id = split_task_id(_source_task_id(request))[1]
        answer = await self._ask_upgrade(kind, source_task_id, callback_url=self._callback_url)
        if isinstance(answer, Failed):
            raise VendorRejectedError(NAME, answer.reason)
        return upgrade_task_id(kind, source_task_id)

    async def _ask_upgrade(
        self, kind: str, source_task_id: str, *, callback_url: str | None
    ) -> VendorStatus:
        """Ask an upgrade endpoint; asking again is how kie reports progress."""
        try:
            if kind == UPGRADE_1080P:
                payload = await self._http.call(
                    "GET",
                    f"{self._base_url}/api/v1/veo/get-1080p-video",
                    headers=self._headers,
                    params={"taskId": source_task_id, "index": "0"},
                    answer_statuses=_UPGRADE_ANSWER_STATUSES,
                )
                return parse_1080p(payload)
            payload = await self._http.call(
                "POST",
                f"{self._base_url}/api/v1/veo/get-4k-video",
                headers=self._headers,
                json_body=build_4k_body(source_task_id, callback_url),
                answer_statuses=_UPGRADE_ANSWER_STATUSES,
            )
            return parse_4k(payload)
        except VendorError as exc:
            # The same answers sent with a non-2xx HTTP status: only the message survives.
            if exc.kind not in (FailureKind.REJECTED, FailureKind.UNAVAILABLE):
                raise
            if _PROCESSING.search(exc.message):
                return Running(None)
            if kind == UPGRADE_4K and _4K_DONE.search(exc.message):
                return Failed(_NO_VIDEO, FailureKind.NO_VIDEO)
            raise

    async def _upload(self, ref: MediaRef, media: MediaSource) -> str:
        photo = await media.read(ref)
        body = build_upload_body(photo.data, photo.mime_type, unique_file_name(photo.mime_type))
        payload = await self._http.call(
            "POST",
            f"{self._upload_base_url}/api/file-base64-upload",
            headers=self._headers,
            json_body=body,
        )
        return parse_upload_url(payload)

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        return await self._http.call(
            "POST", f"{self._base_url}{path}", headers=self._headers, json_body=body
        )


def _source_task_id(request: GenerationRequest) -> str:
    source = request.source
    if source is None or not source.task_id:
        raise VendorRejectedError(NAME, "no source video task")
    if source.vendor != NAME:
        raise VendorRejectedError(NAME, "only videos made through kie.ai can be used here")
    return source.task_id
