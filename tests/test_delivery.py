"""Delivery: the caption, big files as links, the local Bot API limit, cancelling, secrets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import BotRuntime
from tests.fakes.telegram import FakeTelegram, TgChat
from tests.fakes.uniall import FakeUniAll, http_error
from tests.support.harness import ALICE, TOKEN, VENDOR_KEY, Jobs, Person, StartBot

MB = 1024 * 1024


async def test_a_long_prompt_is_cut_to_fit_the_caption(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person
) -> None:
    prompt = "A very detailed scene. " * 80  # about 1840 characters
    card = await alice.say("/video " + prompt)
    await alice.press(card, "Create video")

    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    caption = video.caption or ""
    assert len(caption) == 1024
    assert caption.startswith(prompt.strip()[:900])
    assert caption.endswith("…\n\n⚙️ Fast · 720p · 16:9 · 8 s · 🔊 Sound")


async def test_a_video_over_50_mb_arrives_as_a_link(
    bot: BotRuntime,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    jobs: Jobs,
    database_path: Path,
) -> None:
    uniall.video_size = 51 * MB
    card = await alice.say("/video a huge video")
    await alice.press(card, "Create video")

    link = await telegram.wait_for_message(
        alice.chat.id, lambda m: "larger than" in (m.text or "")
    )

    url = uniall.file_url(next(iter(uniall.tasks)))
    assert link.text == (
        "🎞 The video for job #1 is ready, but it is larger than the 50 MB a bot may upload "
        f"to Telegram. Download it here (the link expires within a day):\n{url}"
    )
    assert telegram.calls_to("sendVideo") == []
    await jobs.wait(1, "delivered")
    assert not any((database_path.parent / "videos").glob("*.mp4"))


async def test_local_bot_api_mode_uploads_videos_over_50_mb(
    start_bot: StartBot, uniall: FakeUniAll
) -> None:
    uniall.video_size = 51 * MB
    async with FakeTelegram(TOKEN, local_mode=True) as local:
        alice = Person(local, ALICE, TgChat.private(ALICE))
        async with start_bot(telegram_api_url=local.api_url, telegram_local_mode=True):
            card = await alice.say("/video a huge video")
            await alice.press(card, "Create video")
            video = await local.wait_for_message(
                alice.chat.id, lambda m: m.kind == "video", timeout=30
            )
    assert video.video_bytes is not None
    assert len(video.video_bytes) == 51 * MB


async def test_cancel_a_job_that_has_not_been_submitted(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [http_error(503) for _ in range(3)]
    async with start_bot(poll_interval_seconds=5):
        card = await alice.say("/video wait for it")
        await alice.press(card, "Create video")
        await alice.telegram.wait_for(lambda: uniall.submit_attempts == 1)
        await jobs.wait(1, "queued")

        reply = await alice.say("/cancel")

        assert reply.text == "Job #1 is cancelled."
        text = await alice.showing(card, "🚫 Job #1 was cancelled.")
        assert text.startswith("🚫 Job #1 was cancelled.")
    assert jobs.rows()[0]["state"] == "cancelled"
    assert uniall.submit_attempts == 1


async def test_no_secret_reaches_the_logs(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    uniall.submit_faults = [http_error(500)]
    async with start_bot():
        await alice.say("/start")
        card = await alice.say("/video a secret-free log")
        await alice.press(card, "Quality")
        await alice.press(card, "Create video")
        await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    logged = caplog.text + "".join(
        str(record.args) + str(record.exc_info) for record in caplog.records
    )
    assert len(caplog.records) > 20  # DEBUG really was on
    assert TOKEN not in logged
    assert TOKEN.split(":")[1] not in logged
    assert VENDOR_KEY not in logged
