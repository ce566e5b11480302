"""A wizard in progress lives in SQLite: a restart in the middle changes nothing for the person."""

from __future__ import annotations

from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Jobs, Person, StartBot


async def test_a_card_survives_a_restart(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    async with start_bot():
        await alice.say("/video")
        card = await alice.say("a snow globe being shaken")
        await alice.press(card, "Quality")

    async with start_bot():
        await alice.press(card, "9:16")
        await alice.showing(card, "Quality · 720p · 9:16")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    assert video.video_bytes == sample_mp4_bytes()
    assert uniall.submissions[0]["model"] == "veo3.1-video-720p"
    assert uniall.submissions[0]["aspect_ratio"] == "9:16"


async def test_a_question_survives_a_restart(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot():
        ask = await alice.say("/video")
        assert (ask.text or "").startswith("✍️ Send me the prompt")

    async with start_bot():
        card = await alice.say("a lantern floating away")
        assert "📝 a lantern floating away" in (card.text or "")
