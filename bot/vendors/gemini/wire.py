"""The body Gemini's `predictLongRunning` takes, field for field as Google's SDK builds it.

Source: google-genai 2.x, google/genai/models.py `_GenerateVideosParameters_to_mldev` and the
converters it calls (`_GenerateVideosSource_to_mldev`, `_GenerateVideosConfig_to_mldev`,
`_Image_to_mldev`, `_Video_to_mldev`, `_VideoGenerationReferenceImage_to_mldev`);
tests/test_gemini_sdk_parity.py holds the adapter to it.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel

from bot.domain.errors import InvalidRequestError
from bot.domain.options import Mode, Tier
from bot.domain.request import GenerationRequest
from bot.vendors import known
from bot.vendors.base import MediaBytes

NAME = known.GEMINI
API_VERSION = "v1beta"
MODELS: dict[Tier, str] = {
    Tier.FAST: "veo-3.1-fast-generate-preview",
    Tier.QUALITY: "veo-3.1-generate-preview",
    Tier.LITE: "veo-3.1-lite-generate-preview",
}
KEY_HEADER = "x-goog-api-key"


class _Image(BaseModel):
    """`_Image_to_mldev`: `image_bytes` → bytesBase64Encoded, `mime_type` → mimeType. The
    live API refuses the `inlineData` form ("`inlineData` isn't supported by this model")."""

    bytesBase64Encoded: str
    mimeType: str


class _Video(BaseModel):
    """`_Video_to_mldev`: only `uri` is sent; the API refuses video bytes (issue 9)."""

    uri: str


class _ReferenceImage(BaseModel):
    """`_VideoGenerationReferenceImage_to_mldev`: the SDK's enum goes out by its name, "ASSET"
    (the REST sample's lower-case "asset" is the same value)."""

    image: _Image
    referenceType: Literal["ASSET"] = "ASSET"


class _Instance(BaseModel):
    prompt: str
    image: _Image | None = None
    lastFrame: _Image | None = None
    referenceImages: list[_ReferenceImage] | None = None
    video: _Video | None = None


class _Parameters(BaseModel):
    """`_GenerateVideosConfig_to_mldev`. No `seed` (the SDK refuses it for the Gemini API) and
    no `personGeneration` (the SDK sends it only when the caller sets it; the API's default
    is the one value every region and mode accepts)."""

    aspectRatio: str | None = None
    resolution: str
    durationSeconds: int
    negativePrompt: str | None = None


class _SubmitBody(BaseModel):
    instances: list[_Instance]
    parameters: _Parameters


def model_name(request: GenerationRequest) -> str:
    return MODELS[request.tier]


def build_submit_body(request: GenerationRequest, images: Sequence[MediaBytes]) -> dict[str, Any]:
    """The JSON Gemini takes; `images` are the request's photos, in order."""
    if request.mode not in (Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE, Mode.EXTEND):
        raise InvalidRequestError("invalid.mode", mode=request.mode, tier=request.tier)
    extending = request.mode is Mode.EXTEND
    instance = _Instance(
        prompt=request.prompt,
        image=_image(images[0]) if request.mode in (Mode.IMAGE, Mode.FRAMES) else None,
        lastFrame=_image(images[1]) if request.mode is Mode.FRAMES else None,
        referenceImages=(
            [_ReferenceImage(image=_image(image)) for image in images]
            if request.mode is Mode.REFERENCE
            else None
        ),
        video=_source_video(request) if extending else None,
    )
    parameters = _Parameters(
        # An extension keeps its source's frame; the docs' extension sample sets no ratio.
        aspectRatio=None if extending else request.aspect_ratio.value,
        resolution=request.resolution.value,
        durationSeconds=request.duration_seconds,
        negativePrompt=request.negative_prompt or None,
    )
    body = _SubmitBody(instances=[instance], parameters=parameters)
    return body.model_dump(exclude_none=True)


def _image(media: MediaBytes) -> _Image:
    data = base64.b64encode(media.data).decode("ascii")
    return _Image(bytesBase64Encoded=data, mimeType=media.mime_type)


def source_uri(request: GenerationRequest) -> str | None:
    """The Gemini file URI of the video to extend, when this vendor made it."""
    source = request.source
    if source is None or source.vendor != NAME:
        return None
    return http_url(source.video_url)


def _source_video(request: GenerationRequest) -> _Video:
    # The file URI of the earlier operation's Video, as the SDK sends it: the only form the
    # API takes ("Video URI not found" for inline bytes).
    uri = source_uri(request)
    if uri is None:
        raise InvalidRequestError("invalid.source_video")
    return _Video(uri=uri)


def http_url(value: str | None) -> str | None:
    if value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None
