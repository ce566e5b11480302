"""The Gemini (Veo 3.1) adapter: bodies, status parsing, errors, rules, and the fake over HTTP."""

from __future__ import annotations

import base64
import copy
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import BotRuntime
from bot.domain import errors
from bot.domain.capabilities import validate
from bot.domain.options import AspectRatio, Extra, Mode, Option, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo
from bot.domain.status import Failed, FailureKind, Running, Succeeded
from bot.vendors.base import MediaBytes, VendorConfig
from bot.vendors.gemini import (
    CAPABILITIES,
    EXTENSION_WINDOW_SECONDS,
    NAME,
    GeminiVendor,
    build_submit_body,
    model_name,
    parse_status,
    parse_task_id,
)
from bot.vendors.http import VendorHttp
from tests.fakes.gemini import FakeGemini, rai_filtered, running
from tests.fakes.media import photo_bytes, sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.support.adapters import PhotoMedia, adapter_on, fake_fixture, refusal
from tests.support.credits import CREDITS, text_of
from tests.support.harness import OffsetClock, Person, job_rows, make_settings, query

API_KEY = "AIzaSy-gemini-test-key-0123456789"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OP = "models/veo-3.1-fast-generate-preview/operations/abc123"
FILE_URI = "https://generativelanguage.googleapis.com/v1beta/files/f1:download?alt=media"

PHOTOS = tuple(MediaRef(key=f"photo{i}") for i in (1, 2, 3))
VIDEO_REF = MediaRef(key="video", mime_type="video/mp4")


def jpeg(i: int) -> MediaBytes:
    return MediaBytes(photo_bytes(i), "image/jpeg", f"photo{i}.jpg")


def inline(data: bytes, mime: str = "image/jpeg") -> dict[str, Any]:
    """A photo as Google's SDK sends it (models.py `_Image_to_mldev`)."""
    return {"bytesBase64Encoded": base64.b64encode(data).decode(), "mimeType": mime}


def inline_data(data: bytes, mime: str = "image/jpeg") -> dict[str, Any]:
    """The `inlineData` form the live API refuses for Veo (issue 9)."""
    return {"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}}


def request(**fields: Any) -> GenerationRequest:
    return GenerationRequest(**{"prompt": "a cat surfing", **fields})


def extend(**fields: Any) -> GenerationRequest:
    source = fields.pop("source", SourceVideo(vendor=NAME, task_id=OP, video_url=FILE_URI))
    return request(mode=Mode.EXTEND, source=source, **fields)


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "model"),
    [
        (Tier.FAST, "veo-3.1-fast-generate-preview"),
        (Tier.QUALITY, "veo-3.1-generate-preview"),
        (Tier.LITE, "veo-3.1-lite-generate-preview"),
    ],
)
def test_model_follows_tier(tier: Tier, model: str) -> None:
    assert model_name(request(tier=tier)) == model


def test_text_body_with_every_option() -> None:
    body = build_submit_body(
        request(
            tier=Tier.QUALITY,
            aspect_ratio=AspectRatio.PORTRAIT,
            duration_seconds=4,
            negative_prompt="blur",
        ),
        [],
    )
    assert body == {
        "instances": [{"prompt": "a cat surfing"}],
        "parameters": {
            "aspectRatio": "9:16",
            "resolution": "720p",
            "durationSeconds": 4,
            "negativePrompt": "blur",
        },
    }


def test_text_body_defaults_and_high_resolution() -> None:
    body = build_submit_body(request(resolution=Resolution.K4, negative_prompt=""), [])
    assert body == {
        "instances": [{"prompt": "a cat surfing"}],
        "parameters": {
            "aspectRatio": "16:9",
            "resolution": "4k",
            "durationSeconds": 8,
        },
    }


def test_image_body_sends_the_photo_inline() -> None:
    body = build_submit_body(request(mode=Mode.IMAGE, images=PHOTOS[:1]), [jpeg(1)])
    assert body == {
        "instances": [{"prompt": "a cat surfing", "image": inline(photo_bytes(1))}],
        "parameters": {
            "aspectRatio": "16:9",
            "resolution": "720p",
            "durationSeconds": 8,
        },
    }


def test_frames_body_has_image_and_last_frame() -> None:
    body = build_submit_body(request(mode=Mode.FRAMES, images=PHOTOS[:2]), [jpeg(1), jpeg(2)])
    assert body["instances"] == [
        {
            "prompt": "a cat surfing",
            "image": inline(photo_bytes(1)),
            "lastFrame": inline(photo_bytes(2)),
        }
    ]
    assert "personGeneration" not in body["parameters"]


def test_reference_body_has_asset_images() -> None:
    body = build_submit_body(
        request(mode=Mode.REFERENCE, images=PHOTOS), [jpeg(1), jpeg(2), jpeg(3)]
    )
    assert body["instances"] == [
        {
            "prompt": "a cat surfing",
            "referenceImages": [
                {"image": inline(photo_bytes(i)), "referenceType": "ASSET"} for i in (1, 2, 3)
            ],
        }
    ]
    assert "personGeneration" not in body["parameters"]


def test_extension_names_the_gemini_file() -> None:
    body = build_submit_body(extend(), [])
    assert body == {
        "instances": [{"prompt": "a cat surfing", "video": {"uri": FILE_URI}}],
        "parameters": {
            "resolution": "720p",
            "durationSeconds": 8,
        },
    }


def test_extension_never_sends_our_copy_inline() -> None:
    """The API takes only the file URI of a video it made ("Video URI not found" otherwise)."""
    source = SourceVideo(vendor=NAME, task_id=OP, media=VIDEO_REF)
    with pytest.raises(errors.InvalidRequestError) as info:
        build_submit_body(extend(source=source), [])
    assert info.value.key == "invalid.source_video"


def test_extension_without_any_video_is_refused() -> None:
    with pytest.raises(errors.InvalidRequestError) as info:
        build_submit_body(extend(source=SourceVideo(vendor=NAME, task_id=OP)), [])
    assert info.value.key == "invalid.source_video"


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


def test_task_id_is_the_operation_name() -> None:
    assert parse_task_id({"name": OP}) == OP
    for bad in ({}, {"name": ""}, {"name": "../../etc"}, {"name": "a//b"}, ["x"]):
        with pytest.raises(errors.VendorUnavailableError):
            parse_task_id(bad)


def _done(result: dict[str, Any]) -> dict[str, Any]:
    return {"name": OP, "done": True, "response": {"generateVideoResponse": result}}


NO_FILE = Failed("the vendor reported the video finished but sent no file", FailureKind.NO_VIDEO)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"name": OP}, Running(None)),
        ({"name": OP, "done": False, "metadata": {}}, Running(None)),
        (_done({"generatedSamples": [{"video": {"uri": FILE_URI}}]}), Succeeded(FILE_URI)),
        (
            _done({"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["audio issue"]}),
            Failed("audio issue", FailureKind.REJECTED),
        ),
        (
            _done({"raiMediaFilteredCount": 1}),
            Failed("Google's safety filters blocked this video", FailureKind.REJECTED),
        ),
        (
            {"name": OP, "done": True, "error": {"code": 13, "message": "internal"}},
            Failed("internal", FailureKind.GENERATION),
        ),
        (
            {"name": OP, "done": True, "error": {"code": 3, "message": "violates our policies"}},
            Failed("violates our policies", FailureKind.REJECTED),
        ),
        ({"name": OP, "done": True, "error": {}}, Failed("the vendor reported a failure")),
        ({"name": OP, "done": True}, NO_FILE),
        (_done({}), NO_FILE),
        (_done({"generatedSamples": []}), NO_FILE),
        (_done({"generatedSamples": [{"video": {}}]}), NO_FILE),
        (_done({"generatedSamples": [{"video": {"uri": "gs://b/v.mp4"}}]}), NO_FILE),
    ],
)
def test_status_parsing(payload: Any, expected: object) -> None:
    assert parse_status(payload) == expected


def test_an_undocumented_done_value_is_running_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    assert parse_status({"name": OP, "done": "SOMETIMES"}) == Running(None)
    assert "SOMETIMES" in caplog.text
    assert OP in caplog.text


def test_an_unreadable_answer_is_unavailable() -> None:
    with pytest.raises(errors.VendorUnavailableError):
        parse_status(["not", "an", "operation"])
    with pytest.raises(errors.VendorUnavailableError):
        parse_status({"name": OP, "done": True, "response": {"generateVideoResponse": 5}})


def _envelope(code: int | None, message: str, status: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["code"] = code
    if status is not None:
        error["status"] = status
    return {"error": error}


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (
            _envelope(400, "API key not valid. Please pass a valid API key."),
            errors.VendorAuthError,
        ),
        (_envelope(None, "API Key not found.", "INVALID_ARGUMENT"), errors.VendorAuthError),
        (_envelope(403, "Method doesn't allow unregistered callers"), errors.VendorAuthError),
        (_envelope(None, "denied", "PERMISSION_DENIED"), errors.VendorAuthError),
        (
            _envelope(429, "Resource has been exhausted (e.g. check quota)."),
            errors.VendorRateLimitedError,
        ),
        (
            _envelope(429, "You exceeded your current quota, please check your plan."),
            errors.VendorRateLimitedError,
        ),
        (_envelope(None, "slow down", "RESOURCE_EXHAUSTED"), errors.VendorRateLimitedError),
        (_envelope(429, "Your prepayment credits are depleted."), errors.VendorBalanceError),
        (_envelope(402, "insufficient balance to generate"), errors.VendorBalanceError),
        (_envelope(429, "rate limit hit, check quota"), errors.VendorRateLimitedError),
        (_envelope(400, "durationSeconds must be 8"), errors.VendorRejectedError),
        (_envelope(None, "odd"), errors.VendorRejectedError),
        (_envelope(404, "not found"), errors.VendorUnavailableError),
        (_envelope(500, "internal"), errors.VendorUnavailableError),
        (_envelope(None, "overloaded", "UNAVAILABLE"), errors.VendorUnavailableError),
    ],
)
def test_an_error_envelope_with_http_200_is_raised(payload: Any, kind: type) -> None:
    with pytest.raises(errors.VendorError) as info:
        parse_status(payload)
    assert type(info.value) is kind
    with pytest.raises(kind):
        parse_task_id(payload)


# --------------------------------------------------------------------------------------------
# Capabilities and their rules
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "allowed",
    [
        request(duration_seconds=4),
        request(duration_seconds=6, tier=Tier.QUALITY),
        request(resolution=Resolution.P1080),
        request(resolution=Resolution.K4, aspect_ratio=AspectRatio.PORTRAIT),
        request(mode=Mode.IMAGE, images=PHOTOS[:1], duration_seconds=4),
        request(mode=Mode.FRAMES, images=PHOTOS[:2]),
        request(mode=Mode.REFERENCE, images=PHOTOS[:1]),
        request(mode=Mode.REFERENCE, images=PHOTOS, tier=Tier.FAST),
        extend(),
        request(negative_prompt="blur"),
        request(prompt="x" * 1024),
        request(tier=Tier.LITE, duration_seconds=4),
        request(tier=Tier.LITE, resolution=Resolution.P1080, aspect_ratio=AspectRatio.PORTRAIT),
        request(tier=Tier.LITE, mode=Mode.IMAGE, images=PHOTOS[:1], duration_seconds=6),
        request(tier=Tier.LITE, mode=Mode.FRAMES, images=PHOTOS[:2]),
    ],
)
def test_allowed_requests_pass(allowed: GenerationRequest) -> None:
    validate(allowed, CAPABILITIES)


@pytest.mark.parametrize(
    ("refused", "key"),
    [
        (request(resolution=Resolution.P1080, duration_seconds=4), "invalid.duration"),
        (request(resolution=Resolution.K4, duration_seconds=6), "invalid.duration"),
        (request(mode=Mode.FRAMES, images=PHOTOS[:2], duration_seconds=6), "invalid.duration"),
        (request(mode=Mode.REFERENCE, images=PHOTOS[:1], duration_seconds=4), "invalid.duration"),
        (extend(duration_seconds=6), "invalid.duration"),
        (extend(resolution=Resolution.P1080), "invalid.resolution"),
        (
            extend(source=SourceVideo(vendor="kie", task_id="t", video_url="https://x/v.mp4")),
            "invalid.source_video",
        ),
        (extend(source=SourceVideo(vendor=NAME, task_id=OP)), "invalid.source_video"),
        (
            extend(source=SourceVideo(vendor=NAME, task_id=OP, media=VIDEO_REF)),
            "invalid.source_video",
        ),
        (request(mode=Mode.EXTEND), "invalid.source_video"),
        (
            request(mode=Mode.REFERENCE, images=(*PHOTOS, MediaRef(key="photo4"))),
            "invalid.image_count",
        ),
        (request(mode=Mode.REFERENCE), "invalid.image_count"),
        (request(mode=Mode.FRAMES, images=PHOTOS[:1]), "invalid.image_count"),
        (request(aspect_ratio=AspectRatio.AUTO), "invalid.aspect_ratio"),
        (request(duration_seconds=5), "invalid.duration"),
        (request(tier=Tier.LITE, resolution=Resolution.K4), "invalid.resolution"),
        (request(tier=Tier.LITE, mode=Mode.REFERENCE, images=PHOTOS[:1]), "invalid.mode"),
        (extend(tier=Tier.LITE), "invalid.mode"),
        (request(seed=0), "invalid.seed_unsupported"),
        (request(seed=2**32 - 1), "invalid.seed_unsupported"),
        (request(prompt="x" * 1025), "invalid.prompt_too_long"),
        (request(extras={Extra.WATERMARK: True}), "invalid.extra"),
        (
            request(mode=Mode.UPGRADE, source=SourceVideo(vendor=NAME, task_id=OP)),
            "invalid.upgrade",
        ),
    ],
)
def test_refused_requests_name_the_rule(refused: GenerationRequest, key: str) -> None:
    assert refusal(refused, CAPABILITIES).key == key


def test_the_card_offers_no_sound_switch_and_every_option_else() -> None:
    assert CAPABILITIES.choices(Option.SOUND, Tier.FAST) == ()
    assert CAPABILITIES.choices(Option.DURATION, Tier.QUALITY) == ("4", "6", "8")
    assert CAPABILITIES.choices(Option.TIER, Tier.FAST) == (Tier.FAST, Tier.QUALITY, Tier.LITE)
    assert CAPABILITIES.seed_range is None  # the card offers no seed
    assert not CAPABILITIES.public_result_urls


# --------------------------------------------------------------------------------------------
# The adapter against the fake, over HTTP
# --------------------------------------------------------------------------------------------


fake = fake_fixture(lambda: FakeGemini(API_KEY, forbidden_substrings=[BOT_TOKEN]))


def make_vendor(client: httpx.AsyncClient, fake: FakeGemini, key: str = API_KEY) -> GeminiVendor:
    return adapter_on(GeminiVendor, NAME, fake.base_url, client, key)


@pytest.fixture
def vendor(client: httpx.AsyncClient, fake: FakeGemini) -> GeminiVendor:
    return make_vendor(client, fake)


async def run_to_end(vendor: GeminiVendor, task_id: str, polls: int = 6) -> list[object]:
    seen: list[object] = []
    for _ in range(polls):
        status = await vendor.status(task_id)
        seen.append(status)
        if isinstance(status, Succeeded | Failed):
            break
    return seen


async def test_text_to_video_end_to_end(
    vendor: GeminiVendor, fake: FakeGemini, tmp_path: Path
) -> None:
    fake.play_success(running_polls=2)
    task_id = await vendor.submit(request(negative_prompt="blur"), PhotoMedia())
    assert task_id.startswith("models/veo-3.1-fast-generate-preview/operations/")
    seen = await run_to_end(vendor, task_id)
    assert seen[:2] == [Running(None), Running(None)]
    final = seen[-1]
    assert isinstance(final, Succeeded)
    assert fake.polls == [task_id] * 3
    size = await vendor.download(final.video_url, tmp_path / "v.mp4", 10_000_000)
    assert (tmp_path / "v.mp4").read_bytes() == sample_mp4_bytes()
    assert size == len(sample_mp4_bytes())
    assert fake.downloads == 1
    assert fake.submissions[0]["parameters"] == {
        "aspectRatio": "16:9",
        "resolution": "720p",
        "durationSeconds": 8,
        "negativePrompt": "blur",
    }
    assert fake.leaks == []


@pytest.mark.parametrize(
    ("mode", "count"), [(Mode.IMAGE, 1), (Mode.FRAMES, 2), (Mode.REFERENCE, 3)]
)
async def test_photo_modes_are_accepted_inline(
    vendor: GeminiVendor, fake: FakeGemini, mode: Mode, count: int
) -> None:
    media = PhotoMedia()
    await vendor.submit(request(mode=mode, images=PHOTOS[:count], tier=Tier.QUALITY), media)
    assert media.reads == [f"photo{i}" for i in range(1, count + 1)]
    assert len(fake.submissions) == 1
    sent = base64.b64encode(photo_bytes(1)).decode()
    assert sent in str(fake.submissions[0])


async def test_extension_of_an_earlier_result(vendor: GeminiVendor, fake: FakeGemini) -> None:
    first = await vendor.submit(request(), PhotoMedia())
    final = (await run_to_end(vendor, first))[-1]
    assert isinstance(final, Succeeded)
    source = SourceVideo(vendor=NAME, task_id=first, video_url=final.video_url, media=VIDEO_REF)
    media = PhotoMedia()
    second = await vendor.submit(extend(source=source), media)
    assert second != first
    assert media.reads == []  # the file URI is enough
    assert fake.submissions[1]["instances"][0]["video"] == {"uri": final.video_url}


async def test_extension_without_the_file_uri_is_refused_before_any_call(
    vendor: GeminiVendor, fake: FakeGemini
) -> None:
    media = PhotoMedia()
    with pytest.raises(errors.InvalidRequestError):
        await vendor.submit(extend(source=SourceVideo(vendor=NAME, media=VIDEO_REF)), media)
    assert media.reads == []
    assert fake.submit_attempts == 0


async def test_failure_carries_the_message(vendor: GeminiVendor, fake: FakeGemini) -> None:
    fake.play_failure("Video generation failed for an internal reason.")
    task_id = await vendor.submit(request(), PhotoMedia())
    assert (await run_to_end(vendor, task_id))[-1] == Failed(
        "Video generation failed for an internal reason.", FailureKind.GENERATION
    )


async def test_safety_filter_is_a_rejection(vendor: GeminiVendor, fake: FakeGemini) -> None:
    fake.script = [running(), rai_filtered("The prompt names a public figure.")]
    task_id = await vendor.submit(request(), PhotoMedia())
    assert (await run_to_end(vendor, task_id))[-1] == Failed(
        "The prompt names a public figure.", FailureKind.REJECTED
    )


async def test_done_without_a_video(vendor: GeminiVendor, fake: FakeGemini) -> None:
    fake.play_no_video()
    task_id = await vendor.submit(request(), PhotoMedia())
    assert (await run_to_end(vendor, task_id))[-1] == NO_FILE


async def test_undocumented_states_keep_running(vendor: GeminiVendor, fake: FakeGemini) -> None:
    fake.play_unknown_status()
    task_id = await vendor.submit(request(), PhotoMedia())
    seen = await run_to_end(vendor, task_id)
    assert seen[:2] == [Running(None), Running(None)]
    assert isinstance(seen[2], Succeeded)


async def test_a_wrong_key_is_an_auth_error_everywhere(
    client: httpx.AsyncClient, fake: FakeGemini, vendor: GeminiVendor, tmp_path: Path
) -> None:
    task_id = await vendor.submit(request(), PhotoMedia())
    final = (await run_to_end(vendor, task_id))[-1]
    assert isinstance(final, Succeeded)
    wrong = make_vendor(client, fake, key="AIzaSy-not-the-key-000000000")
    with pytest.raises(errors.VendorAuthError):
        await wrong.check()
    with pytest.raises(errors.VendorAuthError):
        await wrong.submit(request(), PhotoMedia())
    with pytest.raises(errors.VendorAuthError):
        await wrong.status(task_id)
    with pytest.raises(errors.VendorRejectedError):
        await wrong.download(final.video_url, tmp_path / "v.mp4", 10_000_000)
    assert fake.downloads == 0


async def test_check_with_the_right_key(vendor: GeminiVendor) -> None:
    assert "models/veo-3.1-generate-preview" in await vendor.check()


async def test_the_key_never_goes_to_another_host(
    vendor: GeminiVendor, fake: FakeGemini, tmp_path: Path
) -> None:
    other = fake.base_url.replace("127.0.0.1", "localhost")
    task_id = await vendor.submit(request(), PhotoMedia())
    await run_to_end(vendor, task_id)
    file_id = fake.operations[task_id].file_id
    with pytest.raises(
        errors.VendorAuthError
    ):  # no key sent: Google's 403 for unregistered callers
        await vendor.download(
            f"{other}/v1beta/files/{file_id}:download?alt=media", tmp_path / "v", 10**7
        )


async def test_the_size_cap_holds(vendor: GeminiVendor, fake: FakeGemini, tmp_path: Path) -> None:
    from bot.domain.errors import VideoTooLargeError

    task_id = await vendor.submit(request(), PhotoMedia())
    final = (await run_to_end(vendor, task_id))[-1]
    assert isinstance(final, Succeeded)
    with pytest.raises(VideoTooLargeError):
        await vendor.download(final.video_url, tmp_path / "v.mp4", 1000)
    assert not (tmp_path / "v.mp4").exists()


# --------------------------------------------------------------------------------------------
# The fake's own validation: one accepted and one refused request per rule
# --------------------------------------------------------------------------------------------

JPEG = inline(photo_bytes(1))
BASE: dict[str, Any] = {
    "instances": [{"prompt": "a cat"}],
    "parameters": {
        "aspectRatio": "16:9",
        "resolution": "720p",
        "durationSeconds": 8,
        "personGeneration": "allow_all",
    },
}


def body(instance: dict[str, Any] | None = None, **parameters: Any) -> dict[str, Any]:
    result = copy.deepcopy(BASE)
    result["instances"][0].update(instance or {})
    for key, value in parameters.items():
        if value is ...:
            result["parameters"].pop(key, None)
        else:
            result["parameters"][key] = value
    return result


# A photo mode sends no personGeneration (allow_adult on image-to-video is refused: issue 9).
ADULT: dict[str, Any] = {"personGeneration": ...}
KNOWN_URI = "https://generativelanguage.googleapis.com/v1beta/files/known:download?alt=media"
KNOWN = {"uri": KNOWN_URI}
ACCEPTED: list[dict[str, Any]] = [
    body(),
    body(durationSeconds=4),
    body(durationSeconds="6"),
    body(resolution="1080p"),
    body(resolution="4k", aspectRatio="9:16"),
    body(negativePrompt="blur", numberOfVideos=1),
    body(personGeneration=..., durationSeconds=...),
    body({"image": JPEG}, **ADULT, durationSeconds=4),
    body({"image": JPEG, "lastFrame": inline(photo_bytes(2))}, **ADULT),
    body({"referenceImages": [{"image": JPEG, "referenceType": "asset"}] * 3}, **ADULT),
    body({"video": KNOWN}),
]
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({**BASE, "extra": 1}, "Unknown name"),
    ({"parameters": BASE["parameters"]}, "instances"),
    ({**BASE, "instances": [{"prompt": "a"}, {"prompt": "b"}]}, "exactly one"),
    (body({"prompt": " "}), "prompt"),
    (body({"colour": "red"}), "unknown field"),
    (body(aspectRatio="1:1"), "aspectRatio"),
    (body(resolution="480p"), "resolution"),
    (body(durationSeconds=5), "durationSeconds"),
    (body(durationSeconds=True), "durationSeconds"),
    (body(resolution="1080p", durationSeconds=4), "must be 8"),
    (body(resolution="4k", durationSeconds="6"), "must be 8"),
    (body({"image": JPEG, "lastFrame": JPEG}, **ADULT, durationSeconds=6), "must be 8"),
    (body({"lastFrame": JPEG}, **ADULT), "lastFrame"),
    (body({"image": inline_data(photo_bytes(1))}, **ADULT), "`inlineData` isn't supported"),
    (
        body({"image": JPEG, "lastFrame": inline_data(photo_bytes(2))}, **ADULT),
        "`inlineData` isn't supported",
    ),
    (
        body(
            {
                "referenceImages": [
                    {"image": inline_data(photo_bytes(1)), "referenceType": "asset"}
                ]
            },
            **ADULT,
        ),
        "`inlineData` isn't supported",
    ),
    (body({"image": {"bytesBase64Encoded": "x"}}, **ADULT), "inline"),
    (body({"image": {"uri": "https://img.example.com/1.jpg"}}, **ADULT), "inline"),
    (body({"image": inline(b"not an image")}, **ADULT), "is not a image/jpeg"),
    (
        body({"image": {"bytesBase64Encoded": "R0lG", "mimeType": "image/gif"}}, **ADULT),
        "mimeType",
    ),
    (body({"image": {"bytesBase64Encoded": "@@", "mimeType": "image/jpeg"}}, **ADULT), "base64"),
    (body({"image": JPEG}), "personGeneration"),
    (body(personGeneration="allow_adult"), "personGeneration"),
    (body({"image": JPEG}, personGeneration="allow_adult"), "personGeneration"),
    (
        body({"referenceImages": [{"image": JPEG, "referenceType": "asset"}] * 4}, **ADULT),
        "at most 3",
    ),
    (body({"referenceImages": [{"image": JPEG, "referenceType": "style"}]}, **ADULT), "asset"),
    (
        body(
            {"referenceImages": [{"image": JPEG, "referenceType": "asset"}]},
            **ADULT,
            durationSeconds=4,
        ),
        "must be 8",
    ),
    (
        body(
            {"referenceImages": [{"image": JPEG, "referenceType": "asset"}], "image": JPEG},
            **ADULT,
        ),
        "cannot be combined",
    ),
    (body({"video": KNOWN}, resolution="1080p"), "720p"),
    (body({"video": KNOWN}, durationSeconds=4), "must be 8"),
    (body({"video": {"uri": "https://example.com/v.mp4"}}), "generated by this API"),
    (body({"video": inline_data(sample_mp4_bytes(), "video/mp4")}), "Video URI not found"),
    (body({"video": inline(sample_mp4_bytes(), "video/mp4")}), "Video URI not found"),
    (
        body({"video": {"encodedVideo": "AAAA", "encoding": "video/mp4", "uri": KNOWN_URI}}),
        "Video URI not found",
    ),
    (body({"video": KNOWN, "image": JPEG}), "cannot be combined"),
    (body(generateAudio=True), "generateAudio"),
    (body(seed=0), "`seed` isn't supported"),
    (body(seed=7, personGeneration=...), "`seed` isn't supported"),
    (body(sampleCount=2), "only 1 video"),
    (body(negativePrompt=["x"]), "negativePrompt"),
]

SUBMIT = "/v1beta/models/veo-3.1-generate-preview:predictLongRunning"


@pytest.fixture
async def raw(fake: FakeGemini) -> AsyncIterator[httpx.AsyncClient]:
    fake.generated.add(KNOWN_URI)  # as if this API had made it
    headers = {"x-goog-api-key": API_KEY}
    async with httpx.AsyncClient(base_url=fake.base_url, headers=headers) as http_client:
        yield http_client


@pytest.mark.parametrize("accepted", ACCEPTED)
async def test_fake_accepts_what_the_docs_allow(
    raw: httpx.AsyncClient, accepted: dict[str, Any]
) -> None:
    response = await raw.post(SUBMIT, json=accepted)
    assert response.status_code == 200, response.text
    assert response.json()["name"].startswith("models/veo-3.1-generate-preview/operations/")


@pytest.mark.parametrize(("refused", "words"), REFUSED)
async def test_fake_refuses_what_the_docs_forbid(
    raw: httpx.AsyncClient, fake: FakeGemini, refused: dict[str, Any], words: str
) -> None:
    response = await raw.post(SUBMIT, json=refused)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert words in error["message"]
    assert fake.submissions == []


async def test_fake_refuses_to_extend_a_video_older_than_two_days(
    raw: httpx.AsyncClient, fake: FakeGemini
) -> None:
    fake.made_at[KNOWN_URI] = fake.clock() - EXTENSION_WINDOW_SECONDS - 60
    response = await raw.post(SUBMIT, json=body({"video": KNOWN}))
    assert response.status_code == 400
    assert "generated by this API in the last 2 days" in response.json()["error"]["message"]
    fake.made_at[KNOWN_URI] = fake.clock() - EXTENSION_WINDOW_SECONDS + 60
    assert (await raw.post(SUBMIT, json=body({"video": KNOWN}))).status_code == 200


async def test_fake_checks_key_model_content_type_and_leaks(
    raw: httpx.AsyncClient, fake: FakeGemini
) -> None:
    no_key = await raw.post(SUBMIT, json=BASE, headers={"x-goog-api-key": ""})
    assert no_key.status_code == 400
    assert no_key.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    async with httpx.AsyncClient(base_url=fake.base_url) as anonymous:
        assert (await anonymous.post(SUBMIT, json=BASE)).status_code == 403
        assert (await anonymous.get("/v1beta/models/veo-3.1-generate-preview")).status_code == 403
    unknown = await raw.post("/v1beta/models/veo-2.0-generate-001:predictLongRunning", json=BASE)
    assert unknown.status_code == 404
    text = await raw.post(SUBMIT, content=b"{}", headers={"Content-Type": "text/plain"})
    assert "Content-Type" in text.json()["error"]["message"]
    leak = await raw.post(SUBMIT, json=body({"prompt": f"see bot{BOT_TOKEN}"}))
    assert leak.status_code == 400
    key_in_url = await raw.post(f"{SUBMIT}?key={API_KEY}", json=BASE)
    assert key_in_url.status_code == 400
    assert fake.leaks == [BOT_TOKEN, API_KEY]
    assert fake.submissions == []


async def test_fake_serves_the_file_only_with_the_key_through_a_redirect(
    raw: httpx.AsyncClient, fake: FakeGemini
) -> None:
    fake.play_success(running_polls=0)
    name = (await raw.post(SUBMIT, json=BASE)).json()["name"]
    poll = (await raw.get(f"/v1beta/{name}")).json()
    uri = poll["response"]["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
    assert poll["done"] is True
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(uri)).status_code == 403
    first = await raw.get(uri)
    assert first.status_code == 302
    assert "/download/" in first.headers["Location"]
    followed = await raw.get(uri, follow_redirects=True)
    assert followed.content == sample_mp4_bytes()
    assert fake.downloads == 1
    missing = await raw.get("/v1beta/models/veo-3.1-generate-preview/operations/nope")
    assert missing.status_code == 404


LITE_SUBMIT = "/v1beta/models/veo-3.1-lite-generate-preview:predictLongRunning"


@pytest.mark.parametrize(
    ("lite_body", "words"),
    [
        (body(durationSeconds=4), None),
        (body({"image": JPEG, "lastFrame": inline(photo_bytes(2))}, **ADULT), None),
        (body(resolution="1080p"), None),
        (body(resolution="4k"), "isn't supported by veo-3.1-lite"),
        (
            body({"referenceImages": [{"image": JPEG, "referenceType": "asset"}]}, **ADULT),
            "referenceImages isn't supported by veo-3.1-lite",
        ),
    ],
)
async def test_fake_lite_refuses_references_and_4k(
    raw: httpx.AsyncClient, lite_body: dict[str, Any], words: str | None
) -> None:
    response = await raw.post(LITE_SUBMIT, json=lite_body)
    if words is None:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 400
        assert words in response.json()["error"]["message"]


# --------------------------------------------------------------------------------------------
# Extension within 2 days; the key check says "ok" only for Google's own answer
# --------------------------------------------------------------------------------------------

MADE_AT = 1_700_000_000.0


def extend_made_at(made_at: float | None) -> GenerationRequest:
    return extend(source=SourceVideo(vendor=NAME, task_id=OP, video_url=FILE_URI, made_at=made_at))


@pytest.mark.parametrize("age", [0.0, 60.0, EXTENSION_WINDOW_SECONDS - 1.0])
def test_a_video_can_be_extended_within_two_days(age: float) -> None:
    validate(extend_made_at(MADE_AT), CAPABILITIES, now=MADE_AT + age)
    validate(extend_made_at(None), CAPABILITIES, now=MADE_AT + age)  # age unknown: allowed


@pytest.mark.parametrize("age", [EXTENSION_WINDOW_SECONDS + 1.0, 30 * 86400.0])
def test_a_video_older_than_two_days_is_refused_with_the_reason(age: float) -> None:
    with pytest.raises(errors.InvalidRequestError) as info:
        validate(extend_made_at(MADE_AT), CAPABILITIES, now=MADE_AT + age)
    assert info.value.key == "invalid.source_too_old"
    assert info.value.params["days"] == 2
    assert info.value.vendor == "Google Gemini"
    # Without the clock the age cannot be told, and a new (non-extension) video has no age.
    validate(extend_made_at(MADE_AT), CAPABILITIES)
    validate(request(), CAPABILITIES, now=MADE_AT + age)


async def _serve(handler: Any) -> AsyncIterator[str]:
    from aiohttp import web

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _html_404(_: Any) -> Any:
    from aiohttp import web

    return web.Response(
        status=404, text="<html><body>Not Found</body></html>", content_type="text/html"
    )


async def _other_json(_: Any) -> Any:
    from aiohttp import web

    return web.json_response({"ok": True, "data": []})


async def _never(_: Any) -> Any:
    import asyncio

    await asyncio.sleep(30)


@pytest.mark.parametrize(
    ("handler", "kind"),
    [
        (_html_404, errors.VendorUnavailableError),
        (_other_json, errors.VendorUnavailableError),
        (_never, errors.VendorError),
    ],
    ids=["404 html everywhere", "another API's json", "never answers"],
)
async def test_check_fails_unless_google_answered(
    client: httpx.AsyncClient, handler: Any, kind: type[errors.VendorError]
) -> None:
    async for base_url in _serve(handler):
        http = VendorHttp(client, NAME, timeout_seconds=1)
        vendor = GeminiVendor(http, VendorConfig(api_key=API_KEY, base_url=base_url))
        with pytest.raises(kind):
            await vendor.check()


async def test_check_with_a_wrong_key_fails(client: httpx.AsyncClient, fake: FakeGemini) -> None:
    with pytest.raises(errors.VendorAuthError):
        await make_vendor(client, fake, key="AIzaSy-not-the-key-000000000").check()


async def test_an_extension_after_two_days_is_refused_on_the_card(
    telegram: FakeTelegram, alice: Person, database_path: Path, clock: OffsetClock
) -> None:
    async with FakeGemini(forbidden_substrings=[BOT_TOKEN]) as gemini:
        gemini.play_success()
        credits = {**CREDITS, "free_credits_per_day": 100}
        settings = make_settings(
            telegram.api_url, database_path, **gemini.bot_settings(), **credits
        )
        async with BotRuntime(settings, clock=clock):
            card = await alice.say("/video a wave rolling onto the sand")
            await alice.press(card, "Create video")
            first = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
            await telegram.wait_for(lambda: job_rows(database_path)[0]["state"] == "delivered")

            clock.advance(EXTENSION_WINDOW_SECONDS + 60)
            balance = await text_of(alice, "/balance")
            ledger = query(database_path, "SELECT * FROM ledger ORDER BY id")
            before = len(telegram.messages(alice.chat.id))
            await alice.press(first, "Extend")
            await alice.next_message(before)  # "What happens next?"
            refused = await alice.say("the wave breaks into foam")
            assert await text_of(alice, "/balance") == balance  # nothing reserved or spent
            assert query(database_path, "SELECT * FROM ledger ORDER BY id") == ledger

        assert refused.text == (
            "Veo 3.1 can extend a video only within 2 days of making it, and this one is "
            "older. Make a new video instead."
        )
        assert len(gemini.submissions) == 1
        assert len(job_rows(database_path)) == 1
