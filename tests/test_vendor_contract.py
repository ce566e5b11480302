"""One contract over every vendor: the adapter (through the registry) against its fake."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.checkup import run_checks
from bot.config import Settings
from bot.domain import errors
from bot.domain.capabilities import Capabilities, image_count_for, validate
from bot.domain.options import Mode
from bot.domain.request import GenerationRequest, MediaRef
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded, VendorStatus
from bot.vendors.base import MediaBytes, VideoVendor
from bot.vendors.registry import build_vendors
from tests.fakes.contract import FaultKind, VendorFake
from tests.fakes.media import photo_bytes, sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.support.adapters import FAULTS
from tests.support.harness import TOKEN, make_settings


class PhotoShelf:
    """A MediaSource: keys "1".."3" are the fixture photos, served at a loopback URL."""

    async def public_url(self, ref: MediaRef) -> str:
        return f"http://127.0.0.1:9/media/photo-{ref.key}.jpg"

    async def read(self, ref: MediaRef) -> MediaBytes:
        return MediaBytes(photo_bytes(int(ref.key)), "image/jpeg", f"photo-{ref.key}.jpg")


@pytest.fixture
def fake(vendor: VendorFake) -> VendorFake:
    """Each vendor's fake in turn (the shared `vendor` fixture), under this suite's name."""
    return vendor


def settings_for(fake: VendorFake, tmp_path: Path, **overrides: Any) -> Settings:
    values = {**fake.bot_settings(), **overrides}
    api_url = values.pop("telegram_api_url", "http://127.0.0.1:9")
    return make_settings(api_url, tmp_path / "bot.sqlite3", **values)


def adapter_for(
    fake: VendorFake, tmp_path: Path, client: httpx.AsyncClient, **overrides: Any
) -> VideoVendor:
    """The vendor's adapter as the bot builds it (through the registry), on its fake."""
    configs = settings_for(fake, tmp_path, **overrides).vendor_configs()
    return build_vendors(configs, client)[fake.name]


@pytest.fixture
def adapter(fake: VendorFake, tmp_path: Path, client: httpx.AsyncClient) -> VideoVendor:
    return adapter_for(fake, tmp_path, client)


def text_request(caps: Capabilities, prompt: str = "a lighthouse in a storm") -> GenerationRequest:
    tier = caps.default_tier
    t = caps.tier(tier)
    return GenerationRequest(
        prompt=prompt,
        tier=tier,
        resolution=t.resolutions[0],
        aspect_ratio=t.aspect_ratios[0],
        duration_seconds=t.durations[-1],
    )


async def poll_until_final(adapter: VideoVendor, task_id: str, limit: int = 10) -> VendorStatus:
    status: VendorStatus = Running(None)
    for _ in range(limit):
        status = await adapter.status(task_id)
        if isinstance(status, Succeeded | Failed):
            return status
    return status


async def test_submit_poll_download(
    adapter: VideoVendor, fake: VendorFake, tmp_path: Path
) -> None:
    fake.play_success(running_polls=2)
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())

    first = await adapter.status(task_id)
    final = await poll_until_final(adapter, task_id)

    assert not isinstance(first, Succeeded | Failed)
    assert isinstance(final, Succeeded)
    size = await adapter.download(final.video_url, tmp_path / "v.mp4", 10 * 1024 * 1024)
    assert (tmp_path / "v.mp4").read_bytes() == sample_mp4_bytes()
    assert size == len(sample_mp4_bytes())
    assert len(fake.submissions) == 1


async def test_a_vendor_failure_keeps_its_message(adapter: VideoVendor, fake: VendorFake) -> None:
    fake.play_failure("the model could not render hands")
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())

    final = await poll_until_final(adapter, task_id)

    assert isinstance(final, Failed)
    assert "the model could not render hands" in final.reason


async def test_success_without_a_video_is_a_failure(
    adapter: VideoVendor, fake: VendorFake
) -> None:
    fake.play_no_video()
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())

    final = await poll_until_final(adapter, task_id)

    assert isinstance(final, Failed)
    assert final.kind in (FailureKind.NO_VIDEO, FailureKind.REJECTED)


async def test_an_unknown_status_is_running_and_logged(
    adapter: VideoVendor, fake: VendorFake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake.play_unknown_status()
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())

    first = await adapter.status(task_id)
    final = await poll_until_final(adapter, task_id)

    assert first == Running(None)
    assert isinstance(final, Succeeded)
    assert any(r.levelno == logging.WARNING for r in caplog.records)


async def test_a_wrong_key_is_an_auth_error_on_submit_poll_and_check(
    adapter: VideoVendor, fake: VendorFake, tmp_path: Path, client: httpx.AsyncClient
) -> None:
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())
    wrong = adapter_for(fake, tmp_path, client, vendor_api_key="wrong-key")

    with pytest.raises(errors.VendorAuthError):
        await wrong.submit(text_request(adapter.capabilities), PhotoShelf())
    with pytest.raises(errors.VendorAuthError):
        await wrong.status(task_id)
    with pytest.raises(errors.VendorAuthError):
        await wrong.check()
    assert len(fake.submissions) == 1


SUBMIT_FAULTS: list[tuple[FaultKind, type[errors.VendorError]]] = [
    ("server_error", errors.VendorUnavailableError),
    # A proxy's page may hide a task the vendor made: an unknown outcome, never resent.
    ("html", errors.VendorUnknownOutcomeError),
    ("maintenance", errors.VendorUnavailableError),
    ("timeout", errors.VendorTimeoutError),
    ("auth", errors.VendorAuthError),
    ("balance", errors.VendorBalanceError),
    ("rate_limited", errors.VendorRateLimitedError),
    ("rejected", errors.VendorRejectedError),
]


# The fakes whose rate limit comes with a Retry-After header (kie's comes in an envelope).
SEND_RETRY_AFTER = {"globalai", "gptplus5"}


@pytest.mark.parametrize(("kind", "error"), SUBMIT_FAULTS)
async def test_submit_faults_are_classified(
    adapter: VideoVendor, fake: VendorFake, kind: FaultKind, error: type[errors.VendorError]
) -> None:
    fake.fail_next_submits(kind)
    with pytest.raises(error) as caught:
        await adapter.submit(text_request(adapter.capabilities), PhotoShelf())
    assert type(caught.value) is error
    if isinstance(caught.value, errors.VendorRateLimitedError) and fake.name in SEND_RETRY_AFTER:
        assert caught.value.retry_after == 1.0
    assert fake.submissions == []
    await adapter.submit(text_request(adapter.capabilities), PhotoShelf())  # recovered
    assert len(fake.submissions) == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (k, errors.VendorUnavailableError if k == "html" else e)  # a poll's proxy page: retried
        for k, e in SUBMIT_FAULTS
        if k in ("server_error", "html", "timeout", "rate_limited")
    ],
)
async def test_poll_faults_are_retryable(
    adapter: VideoVendor, fake: VendorFake, kind: FaultKind, error: type[errors.VendorError]
) -> None:
    fake.play_success()
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())
    fake.fail_next_polls(kind)

    with pytest.raises(error) as caught:
        await adapter.status(task_id)

    assert caught.value.retryable
    assert isinstance(await poll_until_final(adapter, task_id), Succeeded)


# What a task's next poll says after a poll fault: the fault did not advance it.
STATES_AFTER_A_POLL_FAULT: dict[str, tuple[VendorStatus, ...]] = {
    "uniall": (Queued(), Running(None)),
    "globalai": (Queued(),),
    "kie": (Running(None),),
    "gptplus5": (Queued(), Running(None)),
    "gemini": (Running(None),),
}


@pytest.mark.parametrize(("kind", "error"), [*FAULTS, ("timeout", errors.VendorTimeoutError)])
async def test_poll_faults_are_classified(
    adapter: VideoVendor, fake: VendorFake, kind: FaultKind, error: type[errors.VendorError]
) -> None:
    task_id = await adapter.submit(text_request(adapter.capabilities), PhotoShelf())
    fake.fail_next_polls(kind)

    with pytest.raises(error) as caught:
        await adapter.status(task_id)

    assert type(caught.value) is error
    assert await adapter.status(task_id) in STATES_AFTER_A_POLL_FAULT[fake.name]


def text_combinations(caps: Capabilities) -> list[GenerationRequest]:
    combos = []
    for tier, t in caps.tiers.items():
        if Mode.TEXT not in t.modes:
            continue
        for resolution, ratio, duration in itertools.product(
            t.resolutions, t.aspect_ratios, t.durations
        ):
            combos.append(
                GenerationRequest(
                    prompt="p",
                    tier=tier,
                    resolution=resolution,
                    aspect_ratio=ratio,
                    duration_seconds=duration,
                )
            )
    return combos


async def test_every_offered_combination_is_accepted_by_the_vendor(
    adapter: VideoVendor, fake: VendorFake
) -> None:
    """What the capabilities offer (and validate passes) the documented API accepts."""
    accepted = 0
    for request in text_combinations(adapter.capabilities):
        try:
            validate(request, adapter.capabilities)
        except errors.InvalidRequestError:
            continue  # a cross-option rule refuses it before any call
        await adapter.submit(request, PhotoShelf())
        accepted += 1
    assert accepted == len(fake.submissions) > 0


async def test_every_offered_photo_mode_is_accepted_by_the_vendor(
    adapter: VideoVendor, fake: VendorFake
) -> None:
    caps = adapter.capabilities
    tried = 0
    for tier, t in caps.tiers.items():
        for mode in sorted(t.modes - {Mode.TEXT, Mode.EXTEND, Mode.UPGRADE}):
            least, most = image_count_for(mode, t)
            for count in {least, most}:
                request = GenerationRequest(
                    prompt="p",
                    mode=mode,
                    tier=tier,
                    resolution=t.resolutions[0],
                    aspect_ratio=t.aspect_ratios[0],
                    duration_seconds=t.durations[-1],
                    images=tuple(MediaRef(key=str(i + 1)) for i in range(count)),
                )
                try:
                    validate(request, caps)
                except errors.InvalidRequestError:
                    continue
                await adapter.submit(request, PhotoShelf())
                tried += 1
    assert tried == len(fake.submissions)


def test_out_of_range_values_are_refused_before_any_call(adapter: VideoVendor) -> None:
    caps = adapter.capabilities
    base = text_request(caps)
    bad = [
        base.model_copy(update={"duration_seconds": 7}),
        base.model_copy(update={"prompt": "x" * (caps.max_prompt_chars + 1)}),
        base.model_copy(update={"prompt": "   "}),
    ]
    for request in bad:
        with pytest.raises(errors.InvalidRequestError):
            validate(request, caps)


async def test_check_reports_a_good_and_a_bad_key(fake: VendorFake, tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as telegram:
        good = settings_for(fake, tmp_path, telegram_api_url=telegram.api_url)
        bad = settings_for(
            fake, tmp_path, telegram_api_url=telegram.api_url, vendor_api_key="wrong-key"
        )
        good_results = await run_checks(good)
        bad_results = await run_checks(bad)

    assert [r.ok for r in good_results] == [True, True]
    assert good_results[0].line() == "ok   telegram: bot @veo_test_bot"
    assert bad_results[1].ok is False
    assert bad_results[1].line().startswith(f"FAIL {fake.name}: auth")
