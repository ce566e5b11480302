"""The UniAll adapter's pure parts: the body for each option and the status parser."""

from __future__ import annotations

import logging

import pytest

from bot.domain.capabilities import validate
from bot.domain.errors import (
    VendorAuthError,
    VendorBalanceError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorUnavailableError,
)
from bot.domain.options import AspectRatio, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded
from bot.vendors.http import classify
from bot.vendors.uniall import CAPABILITIES, build_submit_body, parse_status, parse_task_id
from tests.support.adapters import refusal


@pytest.mark.parametrize(
    ("tier", "resolution", "model"),
    [
        (Tier.FAST, Resolution.P720, "veo3.1-fast-video-720p"),
        (Tier.FAST, Resolution.P1080, "veo3.1-fast-video-1080p"),
        (Tier.FAST, Resolution.K4, "veo3.1-fast-video-4k"),
        (Tier.QUALITY, Resolution.P720, "veo3.1-video-720p"),
        (Tier.QUALITY, Resolution.P1080, "veo3.1-video-1080p"),
        (Tier.QUALITY, Resolution.K4, "veo3.1-video-4k"),
    ],
)
def test_model_and_size_follow_tier_and_resolution(
    tier: Tier, resolution: Resolution, model: str
) -> None:
    body = build_submit_body(GenerationRequest(prompt="p", tier=tier, resolution=resolution), [])
    assert (body["model"], body["size"]) == (model, resolution.value)


def test_every_text_option_is_in_the_body() -> None:
    request = GenerationRequest(
        prompt="p",
        aspect_ratio=AspectRatio.PORTRAIT,
        duration_seconds=4,
        sound=False,
        seed=7,
        negative_prompt="blur",
    )
    assert build_submit_body(request, []) == {
        "model": "veo3.1-fast-video-720p",
        "prompt": "p",
        "size": "720p",
        "aspect_ratio": "9:16",
        "duration": 4,
        "extra_body": {"generate_audio": False, "negative_prompt": "blur", "seed": 7},
    }


def test_seed_and_negative_prompt_are_offered() -> None:
    """Seed 001 documents extra_body.seed and extra_body.negative_prompt (issue 9)."""
    assert CAPABILITIES.negative_prompt is True
    assert CAPABILITIES.seed_range == (0, 2**32 - 1)
    validate(GenerationRequest(prompt="p", seed=0, negative_prompt="blur"), CAPABILITIES)
    validate(GenerationRequest(prompt="p", seed=2**32 - 1), CAPABILITIES)
    assert refusal(GenerationRequest(prompt="p", seed=2**32), CAPABILITIES).key == "invalid.seed"


def test_image_modes_use_the_documented_fields() -> None:
    two = (MediaRef(key="a"), MediaRef(key="b"))
    urls = ["https://a", "https://b"]
    frames = GenerationRequest(prompt="p", mode=Mode.FRAMES, images=two)
    refs = GenerationRequest(prompt="p", tier=Tier.QUALITY, mode=Mode.REFERENCE, images=two)
    extend = GenerationRequest(
        prompt="p",
        mode=Mode.EXTEND,
        source=SourceVideo(vendor="uniall", video_url="https://v"),
    )
    framed = build_submit_body(frames, urls)
    assert (framed["image"], framed["last_image"]) == ("https://a", "https://b")
    assert build_submit_body(refs, urls)["images"] == ["https://a", "https://b"]
    extended = build_submit_body(extend, [])
    assert extended["video"] == "https://v"
    assert "duration" not in extended


def test_task_id_from_id_or_task_id() -> None:
    assert parse_task_id({"id": "task_a"}) == "task_a"
    assert parse_task_id({"task_id": "task_b"}) == "task_b"
    with pytest.raises(VendorUnavailableError):
        parse_task_id({"status": "queued"})
    with pytest.raises(VendorUnavailableError):
        parse_task_id(["not", "an", "object"])


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"status": "queued"}, Queued()),
        ({"status": "in_progress", "progress": 40}, Running(40)),
        ({"status": "in_progress", "progress": 100}, Running(None)),
        ({"status": "completed", "video_url": "https://v/1.mp4"}, Succeeded("https://v/1.mp4")),
        (
            {"status": "completed", "result": {"outputs": ["https://v/2.mp4"]}},
            Succeeded("https://v/2.mp4"),
        ),
        (
            {"status": "completed", "video_url": None},
            Failed(
                "the vendor reported the video finished but sent no file", FailureKind.NO_VIDEO
            ),
        ),
        ({"status": "failed", "error": {"message": "nsfw"}}, Failed("nsfw")),
        ({"status": "failed", "error": "plain text"}, Failed("plain text")),
        ({"status": "failed"}, Failed("the vendor reported a failure")),
    ],
)
def test_status_parsing(payload: object, expected: object) -> None:
    assert parse_status(payload) == expected


def test_an_unknown_status_is_running_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    assert parse_status({"status": "mystery", "id": "task_x"}) == Running(None)
    assert "mystery" in caplog.text
    assert "task_x" in caplog.text


@pytest.mark.parametrize(
    ("code", "message", "kind"),
    [
        (400, "bad size", VendorRejectedError),
        (422, "bad", VendorRejectedError),
        (401, "Invalid token", VendorAuthError),
        (403, "user quota is not enough", VendorBalanceError),
        (402, "pay up", VendorBalanceError),
        (429, "slow down", VendorRateLimitedError),
        (500, "oops", VendorUnavailableError),
        (502, "bad gateway", VendorUnavailableError),
        (455, "maintenance", VendorUnavailableError),
    ],
)
def test_http_errors_are_classified(code: int, message: str, kind: type) -> None:
    assert isinstance(classify("uniall", code, message, None), kind)
