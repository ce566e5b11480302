"""The gptplus5 (unified video format) adapter: bodies, statuses, rules, and the fake over HTTP."""

from __future__ import annotations

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
from bot.vendors.gptplus5 import (
    CAPABILITIES,
    NAME,
    GptPlus5Vendor,
    build_submit_body,
    parse_status,
    parse_task_id,
)
from tests.fakes.gptplus5 import (
    LEFTOVER_ERROR_MESSAGE,
    LEFTOVER_GENERATION_ERROR,
    BodyError,
    Completed,
    FakeGptPlus5,
    State,
    TaskFailed,
    pipeline,
)
from tests.fakes.media import sample_mp4_bytes
from tests.support.adapters import PhotoMedia, adapter_on, fake_fixture, refusal

KEY = "sk-gptplus5-test-key-0123456789"
BOT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
A, B, C = (
    "https://bot.example/media/a",
    "https://bot.example/media/b",
    "https://bot.example/media/c",
)
NO_FILE = "the vendor reported the video finished but sent no file"


def req(**fields: Any) -> GenerationRequest:
    return GenerationRequest(prompt=fields.pop("prompt", "a cat surfing"), **fields)


def refs(count: int) -> tuple[MediaRef, ...]:
    return tuple(MediaRef(key=f"photo{i}") for i in range(1, count + 1))


# --------------------------------------------------------------------------------------------
# The body for every mode and option
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "resolution", "model", "upsample"),
    [
        (Tier.FAST, Resolution.P720, "veo3.1-fast", False),
        (Tier.FAST, Resolution.P1080, "veo3.1-fast", True),
        (Tier.FAST, Resolution.K4, "veo3.1-4k", True),
        (Tier.QUALITY, Resolution.P720, "veo3.1-pro", False),
        (Tier.QUALITY, Resolution.P1080, "veo3.1-pro", True),
        (Tier.QUALITY, Resolution.K4, "veo3.1-pro-4k", True),
    ],
)
def test_model_and_upsample_follow_tier_and_resolution(
    tier: Tier, resolution: Resolution, model: str, upsample: bool
) -> None:
    body = build_submit_body(req(tier=tier, resolution=resolution), [])
    assert (body["model"], body["enable_upsample"]) == (model, upsample)


def test_text_body_sends_every_required_field() -> None:
    assert build_submit_body(req(), []) == {
        "model": "veo3.1-fast",
        "prompt": "a cat surfing",
        "enhance_prompt": False,
        "enable_upsample": False,
        "aspect_ratio": "16:9",
    }


def test_enhance_and_portrait() -> None:
    request = req(
        tier=Tier.QUALITY,
        resolution=Resolution.P1080,
        aspect_ratio=AspectRatio.PORTRAIT,
        extras={Extra.ENHANCE: True},
    )
    assert build_submit_body(request, []) == {
        "model": "veo3.1-pro",
        "prompt": "a cat surfing",
        "enhance_prompt": True,
        "enable_upsample": True,
        "aspect_ratio": "9:16",
    }


def test_image_mode_sends_the_first_frame() -> None:
    assert build_submit_body(req(mode=Mode.IMAGE, images=refs(1)), [A]) == {
        "model": "veo3.1-fast",
        "prompt": "a cat surfing",
        "images": [A],
        "enhance_prompt": False,
        "enable_upsample": False,
        "aspect_ratio": "16:9",
    }


def test_frames_mode_sends_first_and_last_on_the_4k_model() -> None:
    request = req(mode=Mode.FRAMES, images=refs(2), tier=Tier.QUALITY, resolution=Resolution.K4)
    assert build_submit_body(request, [A, B]) == {
        "model": "veo3.1-pro-4k",
        "prompt": "a cat surfing",
        "images": [A, B],
        "enhance_prompt": False,
        "enable_upsample": True,
        "aspect_ratio": "16:9",
    }


def test_reference_mode_uses_components() -> None:
    request = req(mode=Mode.REFERENCE, images=refs(3), resolution=Resolution.P1080)
    assert build_submit_body(request, [A, B, C]) == {
        "model": "veo3.1-components",
        "prompt": "a cat surfing",
        "images": [A, B, C],
        "enhance_prompt": False,
        "enable_upsample": True,
        "aspect_ratio": "16:9",
    }


# --------------------------------------------------------------------------------------------
# Capabilities and the combination rules, through validate()
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        req(),
        req(tier=Tier.QUALITY, resolution=Resolution.K4, aspect_ratio=AspectRatio.PORTRAIT),
        req(mode=Mode.IMAGE, images=refs(1), resolution=Resolution.K4),
        req(mode=Mode.FRAMES, images=refs(2), tier=Tier.QUALITY),
        req(mode=Mode.REFERENCE, images=refs(1)),
        req(mode=Mode.REFERENCE, images=refs(3), resolution=Resolution.P1080),
        req(extras={Extra.ENHANCE: True}),
    ],
)
def test_allowed_requests(request_: GenerationRequest) -> None:
    validate(request_, CAPABILITIES)


@pytest.mark.parametrize(
    ("request_", "key"),
    [
        (req(mode=Mode.REFERENCE, images=refs(2), resolution=Resolution.K4), "invalid.resolution"),
        (req(mode=Mode.REFERENCE, images=refs(2), tier=Tier.QUALITY), "invalid.mode"),
        (req(mode=Mode.REFERENCE, images=refs(4)), "invalid.image_count"),
        (req(mode=Mode.REFERENCE), "invalid.image_count"),
        (req(mode=Mode.FRAMES, images=refs(1)), "invalid.image_count"),
        (req(tier=Tier.LITE), "invalid.tier"),
        (req(duration_seconds=4), "invalid.duration"),
        (req(aspect_ratio=AspectRatio.AUTO), "invalid.aspect_ratio"),
        (req(extras={Extra.UPSAMPLE: True}), "invalid.extra"),
        (req(extras={Extra.WATERMARK: True}), "invalid.extra"),
        (req(seed=7), "invalid.seed_unsupported"),
        (req(negative_prompt="blur"), "invalid.negative_prompt"),
        (req(mode=Mode.EXTEND, source=SourceVideo(vendor=NAME, task_id="t")), "invalid.mode"),
        (req(prompt="x" * 2001), "invalid.prompt_too_long"),
    ],
)
def test_refused_requests(request_: GenerationRequest, key: str) -> None:
    assert refusal(request_, CAPABILITIES).key == key


def test_the_reference_rule_names_what_is_allowed() -> None:
    refused = refusal(
        req(mode=Mode.REFERENCE, images=refs(1), resolution=Resolution.K4), CAPABILITIES
    )
    assert refused.params == {"value": Resolution.K4, "allowed": ("720p", "1080p")}


def test_capability_table() -> None:
    assert list(CAPABILITIES.tiers) == [Tier.FAST, Tier.QUALITY]
    assert CAPABILITIES.modes() == {Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE}
    assert CAPABILITIES.extras == (Extra.ENHANCE,)
    assert not CAPABILITIES.sound
    assert CAPABILITIES.seed_range is None
    assert CAPABILITIES.upgrades == ()


# --------------------------------------------------------------------------------------------
# Task ids, statuses and error bodies
# --------------------------------------------------------------------------------------------


def test_task_id() -> None:
    created = {"id": "veo3.1-components:1762241017-xTL0P9HvGF", "status": "pending"}
    assert parse_task_id(created) == "veo3.1-components:1762241017-xTL0P9HvGF"
    assert parse_task_id({"task_id": "veo3.1:1-a", "status": "pending"}) == "veo3.1:1-a"
    with pytest.raises(errors.VendorUnavailableError):
        parse_task_id({"status": "pending"})
    with pytest.raises(errors.VendorUnavailableError):
        parse_task_id(["not", "an", "object"])


@pytest.mark.parametrize(
    "state",
    [
        "image_downloading",
        "video_generating",
        "video_generation_completed",
        "video_upsampling",
        "video_upsampling_completed",
        "processing",
    ],
)
def test_every_documented_running_state(state: str) -> None:
    assert parse_status({"id": "x", "status": state, "video_url": None}) == Running(None)


def test_pending_is_queued() -> None:
    assert parse_status({"id": "x", "status": "pending", "video_url": None}) == Queued()


@pytest.mark.parametrize("state", ["completed", "success", "succeeded", "COMPLETED"])
def test_success_states(state: str) -> None:
    payload = {"id": "x", "status": state, "video_url": "https://cdn.example/v.mp4"}
    assert parse_status(payload) == Succeeded("https://cdn.example/v.mp4")


def test_completed_with_leftover_errors_is_a_success() -> None:
    payload = {
        "id": "veo3.1-fast:1770350082-trii1OXZc3",
        "status": "completed",
        "video_url": "https://pro.filesystem.site/cdn/20260206/up.mp4",
        "detail": {
            "status": "completed",
            "running": False,
            "video_url": "https://pro.filesystem.site/cdn/20260206/raw.mp4",
            "upsample_video_url": "https://pro.filesystem.site/cdn/20260206/up.mp4",
            "error_message": LEFTOVER_ERROR_MESSAGE,
            "video_generation_error": LEFTOVER_GENERATION_ERROR,
        },
    }
    assert parse_status(payload) == Succeeded("https://pro.filesystem.site/cdn/20260206/up.mp4")


@pytest.mark.parametrize(
    ("detail", "url"),
    [
        ({"upsample_video_url": "https://c/up.mp4", "video_url": "https://c/raw.mp4"}, "up"),
        ({"video_url": "https://c/raw.mp4"}, "raw"),
    ],
)
def test_completed_without_a_top_url_falls_back_to_the_detail(
    detail: dict[str, Any], url: str
) -> None:
    payload = {"id": "x", "status": "completed", "video_url": None, "detail": detail}
    assert parse_status(payload) == Succeeded(f"https://c/{url}.mp4")


@pytest.mark.parametrize(
    "payload",
    [
        {"id": "x", "status": "completed", "video_url": None},
        {"id": "x", "status": "completed"},
        {"id": "x", "status": "completed", "video_url": ""},
        {"id": "x", "status": "success", "video_url": "ftp://nope"},
        {"id": "x", "status": "completed", "detail": {"video_url": None}},
    ],
)
def test_completed_without_a_usable_url_is_no_video(payload: dict[str, Any]) -> None:
    assert parse_status(payload) == Failed(NO_FILE, FailureKind.NO_VIDEO)


@pytest.mark.parametrize(
    "state", ["failed", "error", "video_generation_failed", "video_upsampling_failed"]
)
def test_every_failure_state(state: str) -> None:
    payload = {"id": "x", "status": state, "detail": {"error_message": "upstream timed out"}}
    assert parse_status(payload) == Failed("upstream timed out", FailureKind.GENERATION)


def test_failure_text_order() -> None:
    detail: dict[str, Any] = {
        "video_generation_error": "generation broke",
        "error_message": "second",
        "error": "third",
    }
    assert parse_status({"status": "failed", "detail": detail}) == Failed("generation broke")
    del detail["video_generation_error"]
    assert parse_status({"status": "failed", "detail": detail}) == Failed("second")
    detail["error_message"] = "  "
    assert parse_status({"status": "failed", "detail": detail}) == Failed("third")
    detail["error"] = {"message": "as an object"}
    assert parse_status({"status": "failed", "detail": detail}) == Failed("as an object")
    assert parse_status({"status": "error"}) == Failed("the vendor reported error")


@pytest.mark.parametrize(
    "message",
    [
        "your request contains unsafe prompt or images, rejected by google",
        "Prompt violates our content policy",
        "内容包含敏感词",
    ],
)
def test_content_policy_failures_are_rejections(message: str) -> None:
    payload = {"status": "video_generation_failed", "detail": {"video_generation_error": message}}
    assert parse_status(payload) == Failed(message, FailureKind.REJECTED)


def test_status_falls_back_to_the_detail_status() -> None:
    assert parse_status({"id": "x", "detail": {"status": "video_generating"}}) == Running(None)


def test_an_unknown_status_is_running_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert parse_status({"status": "mystery", "id": "veo3.1:1-abc"}) == Running(None)
    assert "mystery" in caplog.text
    assert "veo3.1:1-abc" in caplog.text


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"error": {"message": "无效的令牌", "type": "new_api_error"}}, errors.VendorAuthError),
        (
            {"error": {"message": "quota exhausted", "code": "insufficient_user_quota"}},
            errors.VendorBalanceError,
        ),
        (
            {"code": "insufficient_user_quota", "message": "用户额度不足"},
            errors.VendorBalanceError,
        ),
        (
            {"code": "rate_limit", "message": "slow down", "data": None},
            errors.VendorRateLimitedError,
        ),
        (
            {"code": "task_not_exist", "message": "task_not_exist", "data": None},
            errors.VendorUnavailableError,
        ),
        (
            {"code": "upstream_error", "message": "bad upstream", "data": None},
            errors.VendorUnavailableError,
        ),
        (
            {"code": "sensitive_words_detected", "message": "nsfw", "data": None},
            errors.VendorRejectedError,
        ),
        ({"error": "plain text failure"}, errors.VendorRejectedError),
    ],
)
def test_errors_in_a_200_body_are_raised(payload: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        parse_status(payload)
    with pytest.raises(error):
        parse_task_id(payload)


# --------------------------------------------------------------------------------------------
# The adapter against the fake, over HTTP
# --------------------------------------------------------------------------------------------


# Photos 1..3 of tests/fakes/media.py, as the bot's own media server would host them.
FakeMedia = partial(PhotoMedia, "https://bot.example/media/{key}")


fake = fake_fixture(lambda: FakeGptPlus5(KEY, forbidden_substrings=[BOT_TOKEN]))


def vendor_for(fake: FakeGptPlus5, client: httpx.AsyncClient, key: str = KEY) -> GptPlus5Vendor:
    return adapter_on(GptPlus5Vendor, NAME, fake.base_url, client, key)


async def poll_until_done(vendor: GptPlus5Vendor, task_id: str) -> list[object]:
    seen: list[object] = []
    for _ in range(20):
        status = await vendor.status(task_id)
        seen.append(status)
        if isinstance(status, Succeeded | Failed):
            return seen
    raise AssertionError(f"never finished: {seen}")


async def test_text_to_video_end_to_end(
    fake: FakeGptPlus5, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    vendor = vendor_for(fake, client)
    task_id = await vendor.submit(req(resolution=Resolution.P1080), FakeMedia())
    assert task_id.startswith("veo3.1-fast:")
    seen = await poll_until_done(vendor, task_id)
    assert seen[:-1] == [Queued(), Running(None), Running(None), Running(None), Running(None)]
    assert fake.tasks[task_id].history == [
        "pending",
        "video_generating",
        "video_generation_completed",
        "video_upsampling",
        "video_upsampling_completed",
        "completed",
    ]
    done = seen[-1]
    assert isinstance(done, Succeeded)
    assert done.video_url.endswith(fake.tasks[task_id].upsampled_file)
    size = await vendor.download(done.video_url, tmp_path / "v.mp4", 10_000_000)
    assert (tmp_path / "v.mp4").read_bytes() == sample_mp4_bytes()
    assert size == len(sample_mp4_bytes())
    assert fake.downloads == 1
    assert fake.polls == [task_id] * 6
    assert all("%3A" in path for method, path in fake.requests if "/query" in path)


async def test_photo_modes_send_hosted_urls(fake: FakeGptPlus5, client: httpx.AsyncClient) -> None:
    vendor = vendor_for(fake, client)
    media = FakeMedia()
    await vendor.submit(req(mode=Mode.FRAMES, images=refs(2), tier=Tier.QUALITY), media)
    await vendor.submit(req(mode=Mode.REFERENCE, images=refs(3)), media)
    assert [s["model"] for s in fake.submissions] == ["veo3.1-pro", "veo3.1-components"]
    assert fake.submissions[1]["images"] == [
        "https://bot.example/media/photo1",
        "https://bot.example/media/photo2",
        "https://bot.example/media/photo3",
    ]
    assert media.asked == ["photo1", "photo2", "photo1", "photo2", "photo3"]


async def test_the_create_id_is_polled_even_when_the_answer_id_differs(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    fake.strip_response_ids = True
    fake.play_success(running_polls=1)
    vendor = vendor_for(fake, client)
    task_id = await vendor.submit(req(), FakeMedia())
    assert isinstance((await poll_until_done(vendor, task_id))[-1], Succeeded)
    assert set(fake.polls) == {task_id}


async def test_failure_no_video_and_unknown_status(
    fake: FakeGptPlus5, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    vendor = vendor_for(fake, client)
    fake.play_failure("the upstream gave up")
    failed_id = await vendor.submit(req(), FakeMedia())
    assert (await poll_until_done(vendor, failed_id))[-1] == Failed("the upstream gave up")

    fake.play_no_video()
    empty_id = await vendor.submit(req(), FakeMedia())
    assert (await poll_until_done(vendor, empty_id))[-1] == Failed(NO_FILE, FailureKind.NO_VIDEO)

    caplog.set_level(logging.WARNING)
    fake.play_unknown_status()
    odd_id = await vendor.submit(req(), FakeMedia())
    seen = await poll_until_done(vendor, odd_id)
    assert seen[:2] == [Running(None), Running(None)]
    assert isinstance(seen[-1], Succeeded)
    assert "rendering_elsewhere" in caplog.text


async def test_documented_failure_states_over_http(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    vendor = vendor_for(fake, client)
    fake.script = [
        State("video_upsampling"),
        TaskFailed("blocked: unsafe images", status="video_upsampling_failed"),
    ]
    task_id = await vendor.submit(req(), FakeMedia())
    seen = await poll_until_done(vendor, task_id)
    assert seen == [Running(None), Failed("blocked: unsafe images", FailureKind.REJECTED)]


async def test_a_200_error_body_while_polling(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    vendor = vendor_for(fake, client)
    task_id = await vendor.submit(req(), FakeMedia())
    fake.poll_faults.append(BodyError("insufficient_user_quota", "用户额度不足"))
    with pytest.raises(errors.VendorBalanceError):
        await vendor.status(task_id)


async def test_check(fake: FakeGptPlus5, client: httpx.AsyncClient) -> None:
    answer = await vendor_for(fake, client).check()
    assert answer.startswith("key accepted;")
    assert "veo3.1-fast" in answer
    with pytest.raises(errors.VendorAuthError):
        await vendor_for(fake, client, key="sk-wrong").check()


async def test_a_telegram_url_never_reaches_the_vendor(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    media = PhotoMedia(f"https://api.telegram.org/file/bot{BOT_TOKEN}/photos/{{key}}")
    with pytest.raises(errors.VendorRejectedError):
        await vendor_for(fake, client).submit(req(mode=Mode.IMAGE, images=refs(1)), media)
    assert fake.leaks
    assert fake.submissions == []


# --------------------------------------------------------------------------------------------
# The fake's own validation: one accepted and one refused request per rule
# --------------------------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "model": "veo3.1-fast",
    "prompt": "a cat",
    "enhance_prompt": False,
    "enable_upsample": False,
    "aspect_ratio": "16:9",
}
JSON_HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}


async def post(
    fake: FakeGptPlus5, client: httpx.AsyncClient, body: object, **headers: str
) -> httpx.Response:
    return await client.post(
        f"{fake.base_url}/v1/video/create", json=body, headers={**JSON_HEADERS, **headers}
    )


def with_(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


def without(name: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD.items() if k != name}


@pytest.mark.parametrize(
    ("accepted", "refused"),
    [
        (GOOD, with_(duration=8)),
        (with_(model="veo3.1-pro-4k"), with_(model="veo3.1-ultra")),
        (with_(model="veo2"), with_(model=7)),
        (with_(prompt="牛飞上天了"), with_(prompt="  ")),
        (with_(enable_upsample=True), with_(enable_upsample="yes")),
        (with_(enable_upsample="true"), with_(enhance_prompt=1)),
        (with_(aspect_ratio="9:16"), with_(aspect_ratio="1:1")),
        (with_(images=[A, B]), with_(images=[A, B, C])),
        (with_(images=[A]), with_(images=["data:image/png;base64,AAAA"])),
        (with_(images=[]), with_(images=A)),
        (with_(model="veo3.1-4k", images=[A, B]), with_(model="veo3", images=[A])),
        (with_(model="veo3.1-components", images=[A, B, C]), with_(model="veo3.1-components")),
        (
            with_(model="veo3-pro-frames", images=[A]),
            with_(model="veo3-pro-frames", images=[A, B]),
        ),
        (with_(model="veo2-fast-frames", images=[A, B]), without("enhance_prompt")),
        (GOOD, without("aspect_ratio")),
        (GOOD, without("enable_upsample")),
        (GOOD, without("model")),
        (GOOD, without("prompt")),
    ],
)
async def test_fake_validation(
    fake: FakeGptPlus5, client: httpx.AsyncClient, accepted: object, refused: object
) -> None:
    ok = await post(fake, client, accepted)
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "pending"
    bad = await post(fake, client, refused)
    assert bad.status_code == 400
    assert bad.json()["data"] is None
    assert fake.submissions == [accepted]


async def test_fake_refuses_bad_headers_and_bodies(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    assert (await post(fake, client, GOOD, Authorization="Bearer nope")).status_code == 401
    assert (await post(fake, client, GOOD, Accept="text/html")).status_code == 400
    assert (await post(fake, client, ["not", "an", "object"])).status_code == 400
    plain = await client.post(
        f"{fake.base_url}/v1/video/create", content=b"model=veo3.1", headers=JSON_HEADERS
    )
    assert plain.status_code == 400
    assert (await post(fake, client, with_(prompt=f"leak {BOT_TOKEN}"))).status_code == 400
    assert fake.leaks == [BOT_TOKEN]
    assert fake.submissions == []
    assert fake.submit_attempts == 5


async def test_fake_poll_answers(fake: FakeGptPlus5, client: httpx.AsyncClient) -> None:
    created = (await post(fake, client, with_(enhance_prompt=True))).json()
    assert "enhanced_prompt" in created
    task_id = created["id"]
    url = f"{fake.base_url}/v1/video/query"
    assert (await client.get(url, params={"id": task_id}, headers=JSON_HEADERS)).json()[
        "status"
    ] == "pending"
    refused = await client.get(url, params={"id": task_id}, headers={"Accept": "*/*"})
    assert refused.status_code == 400  # Accept is required
    no_key = await client.get(url, params={"id": task_id}, headers={"Accept": "application/json"})
    assert no_key.status_code == 401
    missing = await client.get(url, params={"id": "veo3.1:0-none"}, headers=JSON_HEADERS)
    assert (missing.status_code, missing.json()["code"]) == (400, "task_not_exist")
    assert (await client.get(url, headers=JSON_HEADERS)).status_code == 400


def test_fake_pipeline_follows_the_documented_states() -> None:
    plain = pipeline(GOOD)
    assert [s.status for s in plain if isinstance(s, State)] == [
        "pending",
        "video_generating",
        "video_generation_completed",
    ]
    full = pipeline(with_(images=[A], enable_upsample=True))
    assert [s.status for s in full if isinstance(s, State)] == [
        "pending",
        "image_downloading",
        "video_generating",
        "video_generation_completed",
        "video_upsampling",
        "video_upsampling_completed",
    ]
    assert full[-1] == Completed()


async def test_fake_completed_answer_has_the_documented_leftovers(
    fake: FakeGptPlus5, client: httpx.AsyncClient
) -> None:
    fake.script = [Completed()]
    task_id = (await post(fake, client, GOOD)).json()["id"]
    answer = (
        await client.get(
            f"{fake.base_url}/v1/video/query", params={"id": task_id}, headers=JSON_HEADERS
        )
    ).json()
    assert answer["status"] == "completed"
    assert answer["video_url"] == answer["detail"]["video_url"]
    assert answer["detail"]["upsample_video_url"] is None
    assert answer["detail"]["error_message"] == LEFTOVER_ERROR_MESSAGE
    assert answer["detail"]["video_generation_error"] == LEFTOVER_GENERATION_ERROR
    assert (await client.get(answer["video_url"])).content == sample_mp4_bytes()
    keyed = await client.get(answer["video_url"], headers={"Authorization": f"Bearer {KEY}"})
    assert keyed.status_code == 400


def test_fake_settings_need_a_started_server() -> None:
    server = FakeGptPlus5("sk-x")
    with pytest.raises(RuntimeError):
        server.bot_settings()


async def test_fake_settings_when_started(fake: FakeGptPlus5) -> None:
    assert fake.bot_settings() == {
        "vendor": "gptplus5",
        "vendor_api_key": KEY,
        "vendor_base_url": fake.base_url,
    }
