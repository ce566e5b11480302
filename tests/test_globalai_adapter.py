"""The GlobalAI adapter: bodies, status parsing, rules, and the adapter driving the fake."""

from __future__ import annotations

import itertools
import logging
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.domain import errors
from bot.domain.capabilities import validate
from bot.domain.options import AspectRatio, Extra, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded
from bot.vendors.globalai import (
    CAPABILITIES,
    NAME,
    GlobalAIVendor,
    build_submit_body,
    parse_status,
    parse_task_id,
)
from tests.fakes.globalai import (
    FakeGlobalAI,
    body_code,
    cancelled,
    completed,
    delay,
    failed,
    html,
    processing,
    queued,
)
from tests.fakes.media import sample_mp4_bytes
from tests.support.adapters import PhotoMedia, adapter_on, fake_fixture, refusal

KEY = "sk-globalai-test-key-0123456789"
BOT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
URLS = ("https://m.example/1.jpg", "https://m.example/2.jpg", "https://m.example/3.jpg")
STABLE = {Extra.STABLE: True}
NO_FILE = "the vendor reported the video finished but sent no file"


def photos(count: int) -> tuple[MediaRef, ...]:
    return tuple(MediaRef(key=f"photo{i}") for i in range(1, count + 1))


def request(**fields: Any) -> GenerationRequest:
    return GenerationRequest(**{"prompt": "a cat dancing in the rain", **fields})


# ---- the submit body --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "extras", "model"),
    [
        (Tier.FAST, {}, "veo_3_1_fast"),
        (Tier.QUALITY, {}, "veo_3_1_pro"),
        (Tier.FAST, STABLE, "veo_3_1_fast_stable"),
        (Tier.QUALITY, STABLE, "veo_3_1_pro_stable"),
        (Tier.QUALITY, {Extra.STABLE: False}, "veo_3_1_pro"),
    ],
)
def test_the_model_follows_tier_and_stable(
    tier: Tier, extras: dict[Extra, bool], model: str
) -> None:
    body = build_submit_body(request(tier=tier, extras=extras, mode=Mode.IMAGE), URLS[:1])
    assert body["model"] == model


@pytest.mark.parametrize(
    ("resolution", "wire"),
    [(Resolution.P720, "720p"), (Resolution.P1080, "1080p"), (Resolution.K4, "4K")],
)
def test_the_resolution_uses_the_documented_spelling(resolution: Resolution, wire: str) -> None:
    assert build_submit_body(request(resolution=resolution), ())["resolution"] == wire


def test_text_body() -> None:
    body = build_submit_body(request(aspect_ratio=AspectRatio.PORTRAIT, sound=False), ())
    assert body == {
        "model": "veo_3_1_fast",
        "prompt": "a cat dancing in the rain",
        "resolution": "720p",
        "aspect_ratio": "9:16",
    }


def test_image_body_has_only_a_first_frame() -> None:
    body = build_submit_body(request(mode=Mode.IMAGE, images=photos(1)), URLS[:1])
    assert body == {
        "model": "veo_3_1_fast",
        "prompt": "a cat dancing in the rain",
        "resolution": "720p",
        "aspect_ratio": "16:9",
        "first_image": URLS[0],
    }


def test_frames_body_has_first_and_last() -> None:
    frames = request(
        mode=Mode.FRAMES, images=photos(2), tier=Tier.QUALITY, resolution=Resolution.P1080
    )
    assert build_submit_body(frames, URLS[:2]) == {
        "model": "veo_3_1_pro",
        "prompt": "a cat dancing in the rain",
        "resolution": "1080p",
        "aspect_ratio": "16:9",
        "first_image": URLS[0],
        "last_image": URLS[1],
    }


def test_reference_body_uses_input_reference_only() -> None:
    refs = request(mode=Mode.REFERENCE, images=photos(3), resolution=Resolution.K4)
    assert build_submit_body(refs, URLS) == {
        "model": "veo_3_1_fast",
        "prompt": "a cat dancing in the rain",
        "resolution": "4K",
        "aspect_ratio": "16:9",
        "input_reference": list(URLS),
    }


def test_a_mode_the_vendor_lacks_is_refused_by_the_builder() -> None:
    extend = request(mode=Mode.EXTEND, source=SourceVideo(vendor=NAME, video_url="https://v"))
    with pytest.raises(errors.InvalidRequestError) as caught:
        build_submit_body(extend, ())
    assert caught.value.key == "invalid.mode"


# ---- the answers -------------------------------------------------------------------------------


def test_task_id_from_the_create_answer() -> None:
    answer = {
        "id": "vgen_abc123def456",
        "object": "video",
        "created": 1761635478,
        "model": "veo_3_1_fast",
        "status": "queued",
    }
    assert parse_task_id(answer) == "vgen_abc123def456"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"status": "queued"}, errors.VendorUnavailableError),
        (["not", "an", "object"], errors.VendorUnavailableError),
        ({"status": 3}, errors.VendorUnavailableError),
        ({"status": "failed", "error": "prompt is required"}, errors.VendorRejectedError),
        ({"code": 401, "message": "invalid api key"}, errors.VendorAuthError),
        ({"code": "402", "message": "insufficient balance"}, errors.VendorBalanceError),
    ],
)
def test_a_create_answer_without_id_raises(
    payload: object, error: type[errors.VendorError]
) -> None:
    with pytest.raises(error):
        parse_task_id(payload)


def _result(status: str, **fields: Any) -> dict[str, Any]:
    base = {"id": "vgen_abc123def456", "object": "video", "created": 1761635478}
    return {**base, "model": "veo_3_1_fast", "status": status, **fields}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (_result("queued", video_url=None, error=None), Queued()),
        (_result("processing", video_url=None, error=None), Running(None)),
        (_result("PROCESSING"), Running(None)),
        (
            _result("completed", video_url="https://cdn/x.mp4", actualDuration=8, error=None),
            Succeeded("https://cdn/x.mp4"),
        ),
        (
            # the legacy kyyAiPower shape
            {"id": "vgen_1", "object": "video.generation", "model": "veo3.1-fast"}
            | {"status": "completed", "video_url": "https://cdn/y.mp4"},
            Succeeded("https://cdn/y.mp4"),
        ),
        (_result("completed", video_url=None), Failed(NO_FILE, FailureKind.NO_VIDEO)),
        (_result("completed", video_url=""), Failed(NO_FILE, FailureKind.NO_VIDEO)),
        (_result("completed"), Failed(NO_FILE, FailureKind.NO_VIDEO)),
        (_result("completed", video_url="ftp://x.mp4"), Failed(NO_FILE, FailureKind.NO_VIDEO)),
        (_result("failed", error="upstream timeout"), Failed("upstream timeout")),
        (
            _result("failed", error="The prompt violates our content policy"),
            Failed("The prompt violates our content policy", FailureKind.REJECTED),
        ),
        (
            _result("failed", error="图片包含敏感内容"),
            Failed("图片包含敏感内容", FailureKind.REJECTED),
        ),
        (_result("failed", error={"message": "boom"}), Failed("boom")),
        (_result("failed", error=None), Failed("the vendor reported a failure")),
        (_result("cancelled"), Failed("the vendor cancelled the task")),
    ],
)
def test_status_parsing(payload: object, expected: object) -> None:
    assert parse_status(payload) == expected


def test_an_unknown_status_is_running_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert parse_status(_result("mystery_state")) == Running(None)
    assert "mystery_state" in caplog.text
    assert "vgen_abc123def456" in caplog.text


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"code": 401, "message": "invalid api key"}, errors.VendorAuthError),
        ({"code": 403, "message": "余额不足"}, errors.VendorBalanceError),
        ({"code": 402, "message": "pay"}, errors.VendorBalanceError),
        ({"code": 429, "message": "slow down"}, errors.VendorRateLimitedError),
        ({"code": 400, "message": "bad id"}, errors.VendorRejectedError),
        ({"code": 500, "message": "oops"}, errors.VendorUnavailableError),
        ({"code": 404, "message": "task not found"}, errors.VendorUnavailableError),
        ("plain text", errors.VendorUnavailableError),
        (None, errors.VendorUnavailableError),
    ],
)
def test_errors_in_a_200_body_are_classified(
    payload: object, error: type[errors.VendorError]
) -> None:
    with pytest.raises(error):
        parse_status(payload)


def test_a_success_code_in_the_body_is_not_an_error() -> None:
    assert parse_status(_result("queued", code=200)) == Queued()


# ---- the rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "allowed",
    [
        request(),
        request(tier=Tier.QUALITY, resolution=Resolution.K4),
        request(aspect_ratio=AspectRatio.PORTRAIT),
        request(mode=Mode.IMAGE, images=photos(1)),
        request(mode=Mode.FRAMES, images=photos(2)),
        request(mode=Mode.REFERENCE, images=photos(1)),
        request(mode=Mode.REFERENCE, images=photos(3), tier=Tier.QUALITY),
        request(extras=STABLE, tier=Tier.QUALITY, resolution=Resolution.P1080),
        request(extras=STABLE, tier=Tier.QUALITY, mode=Mode.REFERENCE, images=photos(3)),
        request(extras=STABLE, mode=Mode.IMAGE, images=photos(1)),
        request(extras=STABLE, mode=Mode.FRAMES, images=photos(2)),
        request(sound=False),
        request(prompt="x" * 2000),
    ],
)
def test_allowed_requests_pass(allowed: GenerationRequest) -> None:
    validate(allowed, CAPABILITIES)


@pytest.mark.parametrize(
    ("refused", "key"),
    [
        (request(tier=Tier.LITE), "invalid.tier"),
        (
            request(mode=Mode.EXTEND, source=SourceVideo(vendor=NAME, video_url="https://v")),
            "invalid.mode",
        ),
        (request(aspect_ratio=AspectRatio.AUTO), "invalid.aspect_ratio"),
        (request(duration_seconds=6), "invalid.duration"),
        (request(mode=Mode.REFERENCE, images=photos(3) * 2), "invalid.image_count"),
        (request(mode=Mode.REFERENCE), "invalid.image_count"),
        (request(mode=Mode.FRAMES, images=photos(1)), "invalid.image_count"),
        (
            request(extras=STABLE, resolution=Resolution.K4, tier=Tier.QUALITY),
            "invalid.resolution",
        ),
        (request(extras=STABLE), "invalid.globalai_stable_fast_frames"),
        (
            request(extras=STABLE, mode=Mode.REFERENCE, images=photos(2)),
            "invalid.globalai_stable_fast_frames",
        ),
        (request(seed=42), "invalid.seed_unsupported"),
        (request(negative_prompt="blur"), "invalid.negative_prompt"),
        (request(extras={Extra.WATERMARK: True}), "invalid.extra"),
        (request(prompt="x" * 2001), "invalid.prompt_too_long"),
    ],
)
def test_refused_requests_name_the_rule(refused: GenerationRequest, key: str) -> None:
    assert refusal(refused, CAPABILITIES).key == key


def test_stable_4k_names_what_is_allowed() -> None:
    refused = refusal(
        request(extras=STABLE, tier=Tier.QUALITY, resolution=Resolution.K4), CAPABILITIES
    )
    assert refused.params == {"value": Resolution.K4, "allowed": ("720p", "1080p")}


# ---- the adapter against the fake -----------------------------------------------------------


# The fixture photos, hosted under unguessable public URLs.
Media = partial(PhotoMedia, "https://media.bot.example/media/{key}-Zq8x")


fake = fake_fixture(lambda: FakeGlobalAI(KEY, forbidden_substrings=[BOT_TOKEN]))


def make_vendor(fake: FakeGlobalAI, client: httpx.AsyncClient, key: str = KEY) -> GlobalAIVendor:
    return adapter_on(GlobalAIVendor, NAME, fake.base_url, client, key)


@pytest.fixture
def vendor(fake: FakeGlobalAI, client: httpx.AsyncClient) -> GlobalAIVendor:
    return make_vendor(fake, client)


async def test_submit_poll_succeed_and_download(
    fake: FakeGlobalAI, vendor: GlobalAIVendor, tmp_path: Path
) -> None:
    task_id = await vendor.submit(request(tier=Tier.QUALITY), Media())
    assert fake.submissions == [
        {
            "model": "veo_3_1_pro",
            "prompt": "a cat dancing in the rain",
            "resolution": "720p",
            "aspect_ratio": "16:9",
        }
    ]
    states = [await vendor.status(task_id) for _ in range(3)]
    assert states[:2] == [Queued(), Running(None)]
    assert states[2] == Succeeded(fake.file_url(task_id))
    assert fake.polls == [task_id] * 3
    size = await vendor.download(fake.file_url(task_id), tmp_path / "v.mp4", 10_000_000)
    assert (tmp_path / "v.mp4").read_bytes() == sample_mp4_bytes()
    assert size == len(sample_mp4_bytes())
    assert fake.downloads == 1
    assert fake.leaks == []


async def test_photos_go_as_public_urls(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    await vendor.submit(request(mode=Mode.REFERENCE, images=photos(3)), Media())
    await vendor.submit(request(mode=Mode.FRAMES, images=photos(2), extras=STABLE), Media())
    refs, frames = fake.submissions
    assert refs["input_reference"] == [
        f"https://media.bot.example/media/photo{i}-Zq8x" for i in (1, 2, 3)
    ]
    assert frames["model"] == "veo_3_1_fast_stable"
    assert (frames["first_image"], frames["last_image"]) == (
        "https://media.bot.example/media/photo1-Zq8x",
        "https://media.bot.example/media/photo2-Zq8x",
    )


async def test_every_allowed_request_is_accepted_by_the_fake(
    fake: FakeGlobalAI, vendor: GlobalAIVendor
) -> None:
    image_counts = {Mode.TEXT: 0, Mode.IMAGE: 1, Mode.FRAMES: 2, Mode.REFERENCE: 3}
    allowed = 0
    for tier, stable, mode, resolution, ratio in itertools.product(
        (Tier.FAST, Tier.QUALITY),
        (False, True),
        image_counts,
        Resolution,
        (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT),
    ):
        candidate = request(
            tier=tier,
            extras={Extra.STABLE: stable},
            mode=mode,
            images=photos(image_counts[mode]),
            resolution=resolution,
            aspect_ratio=ratio,
        )
        try:
            validate(candidate, CAPABILITIES)
        except errors.InvalidRequestError:
            continue
        await vendor.submit(candidate, Media())
        allowed += 1
    assert fake.rejected == []
    assert len(fake.submissions) == allowed == 72


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("upstream generation error", FailureKind.GENERATION),
        ("Content policy violation: unsafe image", FailureKind.REJECTED),
    ],
)
async def test_a_failed_task(
    fake: FakeGlobalAI, vendor: GlobalAIVendor, message: str, kind: FailureKind
) -> None:
    fake.play_failure(message)
    task_id = await vendor.submit(request(), Media())
    assert await vendor.status(task_id) == Running(None)
    assert await vendor.status(task_id) == Failed(message, kind)


async def test_a_cancelled_task(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    fake.script = [queued(), cancelled("task cancelled")]
    task_id = await vendor.submit(request(), Media())
    assert await vendor.status(task_id) == Queued()
    assert await vendor.status(task_id) == Failed("task cancelled")


async def test_completed_without_a_video(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    fake.play_no_video()
    task_id = await vendor.submit(request(), Media())
    await vendor.status(task_id)
    assert await vendor.status(task_id) == Failed(NO_FILE, FailureKind.NO_VIDEO)


async def test_an_unknown_status_keeps_running(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    fake.play_unknown_status()
    task_id = await vendor.submit(request(), Media())
    assert [await vendor.status(task_id) for _ in range(2)] == [Running(None)] * 2
    assert await vendor.status(task_id) == Succeeded(fake.file_url(task_id))


async def test_timeouts(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    fake.fail_next_submits("timeout")
    with pytest.raises(errors.VendorTimeoutError):
        await vendor.submit(request(), Media())
    fake.poll_faults.append(delay(5.0, then=html(502)))
    with pytest.raises(errors.VendorTimeoutError):
        await vendor.status("vgen_whatever")


async def test_an_error_code_in_a_200_body(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    fake.submit_faults.append(body_code(401, "token invalid"))
    with pytest.raises(errors.VendorAuthError):
        await vendor.submit(request(), Media())
    task_id = await vendor.submit(request(), Media())
    fake.poll_faults.append(body_code(429, "too many requests"))
    with pytest.raises(errors.VendorRateLimitedError):
        await vendor.status(task_id)


async def test_a_wrong_key_is_refused_before_the_task_is_looked_up(
    fake: FakeGlobalAI, client: httpx.AsyncClient
) -> None:
    """(Submit, poll and check with a wrong key, every vendor: tests/test_vendor_contract.py.)"""
    with pytest.raises(errors.VendorAuthError):
        await make_vendor(fake, client, key="sk-wrong").status("vgen_abc")


async def test_check_with_a_good_key(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    assert (await vendor.check()).startswith("key accepted")
    assert fake.submit_attempts == 0


async def test_check_does_not_hide_a_rate_limit(
    fake: FakeGlobalAI, vendor: GlobalAIVendor
) -> None:
    fake.fail_next_polls("rate_limited")
    with pytest.raises(errors.VendorRateLimitedError):
        await vendor.check()


async def test_task_ids_are_url_encoded(fake: FakeGlobalAI, vendor: GlobalAIVendor) -> None:
    with pytest.raises(errors.VendorUnavailableError):  # not found
        await vendor.status("vgen_a b?c=d&e")
    assert fake.polls == ["vgen_a b?c=d&e"]


async def test_a_video_over_the_cap_is_refused(
    fake: FakeGlobalAI, vendor: GlobalAIVendor, tmp_path: Path
) -> None:
    task_id = await vendor.submit(request(), Media())
    with pytest.raises(errors.VideoTooLargeError):
        await vendor.download(fake.file_url(task_id), tmp_path / "v.mp4", 1000)
    assert not (tmp_path / "v.mp4").exists()


# ---- the fake's own validation ----------------------------------------------------------------

BASE: dict[str, Any] = {"model": "veo_3_1_fast", "prompt": "a cat"}


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        # model and prompt are required; four models exist
        (BASE, True),
        ({"prompt": "a cat"}, False),
        ({**BASE, "model": "veo3.1-fast"}, False),
        ({**BASE, "prompt": "  "}, False),
        ({"model": "veo_3_1_fast"}, False),
        # resolution: 720p / 1080p / 4K in any case; no 4K on stable models
        ({**BASE, "resolution": "4k"}, True),
        ({**BASE, "resolution": "8K"}, False),
        ({**BASE, "model": "veo_3_1_pro_stable", "resolution": "1080P"}, True),
        ({**BASE, "model": "veo_3_1_pro_stable", "resolution": "4K"}, False),
        # aspect_ratio: pure 16:9 or 9:16
        ({**BASE, "aspect_ratio": "9:16"}, True),
        ({**BASE, "aspect_ratio": "16:9-1080p"}, False),
        ({**BASE, "aspect_ratio": "1:1"}, False),
        # reference images: input_reference OR image_urls, at most 3 http(s) URLs
        ({**BASE, "input_reference": list(URLS)}, True),
        ({**BASE, "image_urls": list(URLS[:1])}, True),
        ({**BASE, "input_reference": [*URLS, URLS[0]]}, False),
        ({**BASE, "input_reference": list(URLS[:1]), "image_urls": list(URLS[1:2])}, False),
        ({**BASE, "input_reference": ["data:image/jpeg;base64,AAAA"]}, False),
        ({**BASE, "input_reference": URLS[0]}, False),
        ({**BASE, "input_reference": []}, False),
        # frames: first_image, optional last_image, never with reference images
        ({**BASE, "first_image": URLS[0], "last_image": URLS[1]}, True),
        ({**BASE, "last_image": URLS[1]}, False),
        ({**BASE, "first_image": "/tmp/a.jpg"}, False),
        ({**BASE, "first_image": URLS[0], "input_reference": list(URLS[1:])}, False),
        # veo_3_1_fast_stable: frames only
        ({**BASE, "model": "veo_3_1_fast_stable", "first_image": URLS[0]}, True),
        ({**BASE, "model": "veo_3_1_fast_stable"}, False),
        ({**BASE, "model": "veo_3_1_fast_stable", "image_urls": list(URLS[:1])}, False),
        ({**BASE, "model": "veo_3_1_pro_stable", "image_urls": list(URLS)}, True),
        # no other fields (no duration, no audio switch), no nulls
        ({**BASE, "duration": 8}, False),
        ({**BASE, "resolution": None}, False),
        # a Telegram file URL is a leak
        ({**BASE, "first_image": f"https://api.telegram.org/file/bot{BOT_TOKEN}/p.jpg"}, False),
    ],
)
async def test_the_fake_validates_create_bodies(
    fake: FakeGlobalAI, client: httpx.AsyncClient, body: dict[str, Any], accepted: bool
) -> None:
    answer = await client.post(
        fake.base_url + "/v1/veo/videos", json=body, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert answer.status_code == (200 if accepted else 400), answer.text
    if accepted:
        created = answer.json()
        assert created["id"].startswith("vgen_")
        assert (created["object"], created["status"]) == ("video", "queued")
    else:
        assert answer.json()["message"]


async def test_the_fake_refuses_bad_auth_and_bodies(
    fake: FakeGlobalAI, client: httpx.AsyncClient
) -> None:
    url = fake.base_url + "/v1/veo/videos"
    auth = {"Authorization": f"Bearer {KEY}"}
    assert (await client.post(url, json=BASE)).status_code == 401
    assert (await client.post(url, json=BASE, headers={"Authorization": KEY})).status_code == 401
    assert (await client.post(url, content=b"{", headers=auth)).status_code == 400
    text = {**auth, "Content-Type": "text/plain"}
    assert (await client.post(url, content=b"{}", headers=text)).status_code == 400
    assert (await client.post(url, json=[BASE], headers=auth)).status_code == 400
    assert (
        await client.get(fake.base_url + "/v1/result/vgen_none", headers=auth)
    ).status_code == 404
    assert (await client.get(fake.base_url + "/v1/result/vgen_none")).status_code == 401
    assert fake.submit_attempts == 5


async def test_the_fake_plays_its_documented_result_shape(
    fake: FakeGlobalAI, client: httpx.AsyncClient
) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    fake.script = [queued(), processing(), completed(), failed("x")]
    created = await client.post(fake.base_url + "/v1/veo/videos", json=BASE, headers=auth)
    url = f"{fake.base_url}/v1/result/{created.json()['id']}"
    answers = [(await client.get(url, headers=auth)).json() for _ in range(3)]
    assert [a["status"] for a in answers] == ["queued", "processing", "completed"]
    assert answers[0]["video_url"] is None
    assert answers[2]["actualDuration"] == 8
    video = await client.get(answers[2]["video_url"])
    assert video.content == sample_mp4_bytes()
    assert video.headers["Content-Type"] == "video/mp4"
    assert (await client.get(url, headers=auth)).json()["error"] == "x"
    assert fake.bot_settings() == {
        "vendor": "globalai",
        "vendor_api_key": KEY,
        "vendor_base_url": fake.base_url,
    }
