"""The adapter's Gemini body is the body Google's own SDK builds, field for field (issue 9).

Offline: the SDK's request converter for the Gemini Developer API ("mldev") is called directly,
as `Models._generate_videos` calls it (google-genai 2.x, google/genai/models.py
`_GenerateVideosParameters_to_mldev`, then `_common.convert_to_dict` and
`encode_unserializable_types`); nothing is sent anywhere. Every combination the card can offer
for Gemini is built both ways: each tier, each mode (text, photo, first + last frame, reference
photos, extension), each resolution, ratio and duration, with and without a negative prompt.

google-genai is pinned below 3: 3.x raises "only supported in Gemini Enterprise Agent Platform
mode" for `generate_videos` on the Gemini API and has no mldev converter left to compare with.

How the card's choices become SDK arguments (the caller's side, not a body difference):
* photos are `types.Image(image_bytes=…, mime_type=…)`; the video to extend is the earlier
  operation's `types.Video(uri=…)`, as the SDK's own extension sample passes it;
* an extension sets no `aspect_ratio` (it keeps its source's frame; the docs' sample sets none);
* `seed` is never set: the SDK raises for it on the Gemini API (see the last test);
* `person_generation` is never set: the SDK sends it only when set, and `allow_adult` on
  image-to-video has been refused by the live API (issue 9).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from google.genai import Client, _common, types
from google.genai import models as sdk_models

from bot.domain.capabilities import validate
from bot.domain.errors import InvalidRequestError
from bot.domain.options import Mode, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo
from bot.vendors.base import MediaBytes
from bot.vendors.gemini import (
    API_VERSION,
    CAPABILITIES,
    NAME,
    build_submit_body,
    model_name,
)
from bot.vendors.known import DEFAULT_BASE_URLS, GEMINI
from tests.fakes.media import photo_bytes

PROMPT = "a lighthouse in a storm, the beam sweeping over the waves"
FILE_URI = "https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media"
SOURCE = SourceVideo(vendor=NAME, task_id="models/m/operations/o", video_url=FILE_URI)
PHOTOS = [MediaBytes(photo_bytes(i), "image/jpeg", f"photo{i}.jpg") for i in (1, 2, 3)]
NEGATIVES = (None, "blurry, text, watermark")

# Where the adapter's body may differ from the SDK's, and why. None today: any entry here must
# name the field path and the first-party reason.
DIFFERENCES: dict[str, str] = {}

_CLIENT = Client(api_key="offline-parity-test-key")


def sdk_request(request: GenerationRequest, photos: list[MediaBytes]) -> tuple[str, Any]:
    """The model path and JSON body google-genai builds for the same choices."""
    images = [types.Image(image_bytes=p.data, mime_type=p.mime_type) for p in photos]
    mode = request.mode
    source = types.GenerateVideosSource(
        prompt=request.prompt,
        image=images[0] if mode in (Mode.IMAGE, Mode.FRAMES) else None,
        video=types.Video(uri=FILE_URI) if mode is Mode.EXTEND else None,
    )
    config = types.GenerateVideosConfig(
        aspect_ratio=None if mode is Mode.EXTEND else request.aspect_ratio.value,
        resolution=request.resolution.value,
        duration_seconds=request.duration_seconds,
        negative_prompt=request.negative_prompt,
        last_frame=images[1] if mode is Mode.FRAMES else None,
        reference_images=(
            [types.VideoGenerationReferenceImage(image=i, reference_type="asset") for i in images]
            if mode is Mode.REFERENCE
            else None
        ),
    )
    parameters = types._GenerateVideosParameters(
        model=model_name(request), source=source, config=config
    )
    body = sdk_models._GenerateVideosParameters_to_mldev(
        _CLIENT._api_client, parameters, None, parameters
    )
    url = body.pop("_url")
    body.pop("config", None)  # as `_generate_videos` does
    body = _common.encode_unserializable_types(_common.convert_to_dict(body))
    return str(url["model"]), json.loads(json.dumps(body))  # as `request` puts it on the wire


def _photos_for(mode: Mode, tier: Tier) -> list[MediaBytes]:
    if mode is Mode.IMAGE:
        return PHOTOS[:1]
    if mode is Mode.FRAMES:
        return PHOTOS[:2]
    if mode is Mode.REFERENCE:
        return PHOTOS[: CAPABILITIES.tier(tier).max_reference_images]
    return []


def offered(tier: Tier, mode: Mode) -> list[tuple[GenerationRequest, list[MediaBytes]]]:
    """Every request of this tier and mode the card can confirm (validate() passes)."""
    caps = CAPABILITIES.tier(tier)
    photos = _photos_for(mode, tier)
    found = []
    for resolution, ratio, duration, negative in itertools.product(
        caps.resolutions, caps.aspect_ratios, caps.durations, NEGATIVES
    ):
        request = GenerationRequest(
            mode=mode,
            prompt=PROMPT,
            tier=tier,
            images=tuple(MediaRef(key=p.file_name) for p in photos),
            source=SOURCE if mode is Mode.EXTEND else None,
            resolution=resolution,
            aspect_ratio=ratio,
            duration_seconds=duration,
            negative_prompt=negative,
        )
        try:
            validate(request, CAPABILITIES)
        except InvalidRequestError:
            continue
        found.append((request, photos))
    return found


TIER_MODES = [
    (tier, mode)
    for tier, caps in CAPABILITIES.tiers.items()
    for mode in sorted(caps.modes, key=list(Mode).index)
]


def test_every_tier_and_mode_is_covered() -> None:
    assert {tier for tier, _ in TIER_MODES} == {Tier.FAST, Tier.QUALITY, Tier.LITE}
    assert {mode for _, mode in TIER_MODES} == {
        Mode.TEXT,
        Mode.IMAGE,
        Mode.FRAMES,
        Mode.REFERENCE,
        Mode.EXTEND,
    }
    assert all(offered(tier, mode) for tier, mode in TIER_MODES)


@pytest.mark.parametrize(("tier", "mode"), TIER_MODES, ids=[f"{t}-{m}" for t, m in TIER_MODES])
def test_the_adapter_sends_what_the_sdk_sends(tier: Tier, mode: Mode) -> None:
    cases = offered(tier, mode)
    assert cases
    for request, photos in cases:
        sdk_model, sdk_body = sdk_request(request, photos)
        ours = build_submit_body(request, photos)
        assert sdk_model == f"models/{model_name(request)}"
        assert ours == sdk_body, (request, ours, sdk_body)
    assert DIFFERENCES == {}


def test_the_adapter_posts_where_the_sdk_posts() -> None:
    """`{base_url}{api_version}/{model}:predictLongRunning`, with the key in x-goog-api-key."""
    options = _CLIENT._api_client._http_options
    assert options.base_url == f"{DEFAULT_BASE_URLS[GEMINI]}/"
    assert options.api_version == API_VERSION
    assert (options.headers or {}).get("x-goog-api-key") == "offline-parity-test-key"


def test_the_sdk_refuses_a_seed_and_leaves_person_generation_out() -> None:
    """Why the card offers no seed and the adapter sends no personGeneration."""
    with pytest.raises(ValueError, match="seed parameter is only supported"):
        sdk_models._GenerateVideosConfig_to_mldev(types.GenerateVideosConfig(seed=7), {}, None)
    _, body = sdk_request(GenerationRequest(prompt=PROMPT), [])
    assert "personGeneration" not in body["parameters"]
    assert "seed" not in body["parameters"]
