"""VENDOR=demo: the whole bot without a vendor key, the sample clip, and its failure on request."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from bot.vendors.demo import SAMPLE_VIDEO
from tests.fakes.media import photo_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.support.credits import create
from tests.support.harness import TOKEN, Jobs, Person, StartBot

DEMO: dict[str, Any] = {
    "vendor": "demo",
    "vendor_api_key": None,
    "vendor_base_url": None,
    "demo_video_seconds": 1.0,
}
DEMO_NOTE = "🧪 Demo mode: you will get a sample clip, not a video of your prompt."
FAILURE = "Veo 3.1 could not make this video this time. Try again, or change the prompt a little."
WHY = 'the prompt holds the word "fail", so the demo shows how a failed video looks'


def labels(message: SentMessage) -> list[str]:
    return [text for text, _ in message.buttons()]


def test_the_demo_needs_no_key_and_no_host() -> None:
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, vendor="demo")  # type: ignore[call-arg]
    config = settings.vendor_config("demo")
    assert config.api_key == ""
    assert config.demo_video_seconds == 20.0  # a realistic wait unless the operator says
    assert TOKEN in settings.secrets()


async def test_a_whole_conversation_on_the_demo_delivers_the_sample(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    # long enough for a progress edit: the status message shows progress every 3 s at most
    async with start_bot(**{**DEMO, "demo_video_seconds": 4.5}):
        help_text = (await alice.say("/help")).text or ""
        card = await alice.say("/video a lighthouse in a storm")
        # every option of the card, as Veo 3.1 has them
        for label in (
            "Fast", "Quality", "Lite", "720p", "1080p", "4K", "16:9 landscape", "9:16 portrait",
            "4 s", "6 s", "8 s", "Sound", "Silent", "Translate prompt", "Enhance prompt",
            "Seed…", "Avoid…", "Cancel", "Create video",
        ):  # fmt: skip
            assert any(label in text for text in labels(card)), label
        assert DEMO_NOTE in (card.text or "")
        for label in ("Quality", "4K", "9:16", "6 s", "Silent"):
            await alice.press(card, label)
        await alice.showing(card, "Quality · 4K · 9:16 · 6 s · 🔇 Silent")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        status = await alice.showing(card, "done")
        [job] = jobs.rows()

    assert "Videos are made by Veo 3.1." in help_text  # VENDOR_DISPLAY_NAME
    assert "🧪 Demo mode: this bot is not connected to a video service yet." in help_text
    assert 'a prompt with the word "fail" shows how a failed video looks' in help_text
    assert video.video_bytes == SAMPLE_VIDEO.read_bytes()
    assert (video.params["width"], video.params["height"]) == (640, 360)
    assert video.caption == "a lighthouse in a storm\n\n⚙️ Quality · 4K · 9:16 · 6 s · 🔇 Silent"
    assert status.startswith("✅ Job #1 is done (made by Veo 3.1).")
    # a realistic wait: queued, then progress in percent, before the video
    shown = [edit.get("text", "") for edit in alice.current(card).edits]
    assert any("⏳ Job #1: 1st in line" in text for text in shown)
    assert any(
        "🎬 Job #1: Veo 3.1 is making your video… " in text and "%" in text for text in shown
    )
    assert (job["state"], job["vendor"]) == ("delivered", "demo")
    assert "Extend" in str(video.reply_markup)
    assert "⬆️ 1080p" in str(video.reply_markup)


async def test_the_marker_word_fails_the_video_and_says_why(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**DEMO):
        card, _ = await create(alice, "this one should FAIL, please")
        await jobs.wait(1, "failed")
        status = await alice.showing(card, "failed")
        history = await alice.say("/history")

    assert status.startswith(f"❌ Job #1 failed: {FAILURE}")
    assert WHY in (history.text or "")  # the vendor's own words: in /history
    assert [m for m in telegram.messages(alice.chat.id) if m.kind == "video"] == []
    assert jobs.rows()[0]["failure_kind"] == "generation"


@pytest.mark.parametrize(
    ("photos", "mode"),
    [(1, "Animate the photo"), (2, "First → last frame"), (3, "Reference photos")],
)
async def test_photo_modes_work_without_a_public_url(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, photos: int, mode: str
) -> None:
    async with start_bot(**DEMO):
        before = len(telegram.messages(alice.chat.id))
        for index in range(photos):
            telegram.send_photo(
                alice.user,
                alice.chat,
                photo_bytes(index + 1),
                caption="the cat blinks" if index == 0 else None,
                media_group_id="album-1",
            )
        card = await alice.next_card(before)
        assert f"🖼 {photos} photo(s) · {mode}" in (card.text or "")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    assert video.video_bytes == SAMPLE_VIDEO.read_bytes()


async def test_a_demo_video_can_be_upgraded_and_extended(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**DEMO):
        await create(alice, "waves on a beach")
        first = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await alice.press(first, "⬆️ 4K")
        await jobs.wait(2, "delivered")
        ask = await alice.press_for_question(first, "Extend")
        extension = await alice.say("the tide comes in", reply_to=ask.message_id)
        await alice.press(extension, "Create video")
        await jobs.wait(3, "delivered")
        videos = [m for m in telegram.messages(alice.chat.id) if m.kind == "video"]

    assert len(videos) == 3
    modes = [row["request_json"] for row in jobs.rows()]
    assert '"upgrade"' in modes[1]
    assert '"extend"' in modes[2]
