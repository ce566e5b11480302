"""Follow-ups on a delivered video: extend (UniAll here; kie in its own test)."""

from __future__ import annotations

from pathlib import Path

from bot.app import BotRuntime
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Person, job_rows


async def test_extend_a_delivered_video(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, database_path: Path
) -> None:
    card = await alice.say("/video a kite rising over a beach")
    await alice.press(card, "Create video")
    first = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await telegram.wait_for(lambda: job_rows(database_path)[0]["state"] == "delivered")
    assert [label for label, _ in alice.current(first).buttons()] == [
        "🔁 Again",
        "✏️ New prompt",
        "📨 Send again",
        "➕ Extend",
    ]

    before = len(telegram.messages(alice.chat.id))
    await alice.press(first, "Extend")
    ask = await alice.next_message(before)
    assert ask.text == "➕ What happens next? Send the prompt for the continuation."

    extension_card = await alice.say("the kite string snaps and it flies away")
    extension_prompt_id = alice.last_sent_id
    assert "the kite string snaps" in (extension_card.text or "")
    await alice.press(extension_card, "Create video")
    second = await telegram.wait_for_message(
        alice.chat.id, lambda m: m.kind == "video" and m.message_id != first.message_id
    )

    first_task = next(iter(uniall.tasks))
    assert uniall.submissions[1]["video"] == uniall.file_url(first_task)
    assert "duration" not in uniall.submissions[1]
    assert second.reply_to_message_id == extension_prompt_id
    await telegram.wait_for(
        lambda: [row["state"] for row in job_rows(database_path)] == ["delivered"] * 2
    )


async def test_a_follow_up_button_of_someone_else_is_refused(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    card = await alice.say("/video a quiet pond")
    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await telegram.wait_for(lambda: job_rows(database_path)[0]["state"] == "delivered")
    data = alice.current(video).button_data("Extend")

    forged = data.replace("|1|", "|99|")
    answer = await alice.press_data(video.message_id, forged)

    assert answer["text"] == "This button has expired. Send /video to start again."
    assert len(job_rows(database_path)) == 1
