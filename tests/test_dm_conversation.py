"""The whole DM conversation over HTTP: real Application, fake Bot API, fake UniAll."""

from __future__ import annotations

from bot.app import BotRuntime
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Jobs, Person

PROMPT = "A red fox running through fresh snow at sunrise, slow motion"


async def test_full_conversation_delivers_the_vendors_video(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    greeting = await alice.say("/start")
    assert "Veo 3.1" in (greeting.text or "")

    ask = await alice.say("/video")
    assert ask.text == "✍️ Send me the prompt: describe the video you want in one message."

    card = await alice.say(PROMPT)
    prompt_message_id = alice.last_sent_id
    assert card.reply_to_message_id == prompt_message_id
    assert PROMPT in (card.text or "")
    assert "Fast · 720p · 16:9 · 8 s · 🔊 Sound" in (card.text or "")

    for label in ("Quality", "1080p", "9:16", "6 s", "Silent"):
        answer = await alice.press(card, label)
        assert answer.get("text") is None
    await alice.showing(card, "Quality · 1080p · 9:16 · 6 s · 🔇 Silent")
    card_now = alice.current(card)
    assert ("✅ Quality", card_now.button_data("✅ Quality")) in card_now.buttons()

    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    assert video.video_bytes == sample_mp4_bytes()
    assert video.reply_to_message_id == prompt_message_id
    assert video.caption == f"{PROMPT}\n\n⚙️ Quality · 1080p · 9:16 · 6 s · 🔇 Silent"
    assert video.params["supports_streaming"] is True
    assert (video.params["width"], video.params["height"], video.params["duration"]) == (
        640,
        360,
        2,
    )
    assert uniall.submissions == [
        {
            "model": "veo3.1-video-1080p",
            "prompt": PROMPT,
            "size": "1080p",
            "aspect_ratio": "9:16",
            "duration": 6,
            "extra_body": {"generate_audio": False},
        }
    ]
    status = await alice.showing(card, "done")
    assert status.startswith("✅ Job #1 is done (made by Veo 3.1).")
    [job] = jobs.rows()
    assert job["state"] == "delivered"
    assert job["file_id"] == video.file_id
    assert job["vendor_task_id"] == next(iter(uniall.tasks))
