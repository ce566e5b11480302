"""Follow-ups on a delivered video: extend (UniAll here; kie in its own test)."""

from __future__ import annotations

from pathlib import Path

from bot.app import BotRuntime
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Jobs, Person, job_rows


async def test_extend_a_delivered_video(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    card = await alice.say("/video a kite rising over a beach")
    await alice.press(card, "Create video")
    first = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await jobs.wait(1, "delivered")
    assert [label for label, _ in alice.current(first).buttons()] == [
        "🔁 Again",
        "✏️ New prompt",
        "📨 Send again",
        "➕ Extend",
    ]

    ask = await alice.press_for_question(first, "Extend")
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
    await telegram.wait_for(lambda: [row["state"] for row in jobs.rows()] == ["delivered"] * 2)


async def test_a_follow_up_button_of_someone_else_is_refused(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    card = await alice.say("/video a quiet pond")
    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await jobs.wait(1, "delivered")
    data = alice.current(video).button_data("Extend")

    forged = data.replace("|1|", "|99|")
    answer = await alice.press_data(video.message_id, forged)

    assert answer["text"] == "This button has expired. Send /video to start again."
    assert len(jobs.rows()) == 1


async def deliver_one(
    alice: Person, telegram: FakeTelegram, database_path: Path, prompt: str
) -> SentMessage:
    card = await alice.say(f"/video {prompt}")
    await alice.press(card, "9:16")
    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(
        alice.chat.id, lambda m: m.kind == "video" and prompt in (m.caption or "")
    )
    await telegram.wait_for(lambda: job_rows(database_path)[-1]["state"] == "delivered")
    return video


async def test_again_opens_the_same_card(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, database_path: Path
) -> None:
    video = await deliver_one(alice, telegram, database_path, "a red balloon")

    card = await alice.press_for_question(video, "Again")
    assert "📝 a red balloon" in (card.text or "")
    assert "Fast · 720p · 9:16 · 8 s" in (card.text or "")
    await alice.press(card, "Create video")
    await telegram.wait_for(lambda: len(uniall.submissions) == 2)

    assert uniall.submissions[1] == uniall.submissions[0]


async def test_new_prompt_keeps_the_settings(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, database_path: Path
) -> None:
    video = await deliver_one(alice, telegram, database_path, "a red balloon")

    ask = await alice.press_for_question(video, "New prompt")
    card = await alice.say("a blue balloon")
    await alice.press(card, "Create video")
    await telegram.wait_for(lambda: len(uniall.submissions) == 2)

    assert (ask.text or "").startswith("✍️ Send me the prompt")
    assert uniall.submissions[1] == {**uniall.submissions[0], "prompt": "a blue balloon"}


async def test_send_again_and_history_reuse_the_file_id(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    video = await deliver_one(alice, telegram, database_path, "a paper plane")
    uploads = len(telegram.calls_to("sendVideo"))

    await alice.press(video, "Send again")
    again = await telegram.wait_for_message(
        alice.chat.id, lambda m: m.kind == "video" and m.message_id != video.message_id
    )
    history = await alice.say("/history")
    await alice.press(history, "#1")
    third = await telegram.wait_for(
        lambda: len([m for m in telegram.messages(alice.chat.id) if m.kind == "video"]) == 3
    )

    assert third
    resends = telegram.calls_to("sendVideo")[uploads:]
    assert [call.params["video"] for call in resends] == [video.file_id, video.file_id]
    assert all(not call.files for call in resends)  # no upload
    assert again.reply_to_message_id == video.message_id
    assert (history.text or "").startswith("🗂 Your recent videos here:")
    assert "✅ #1 · delivered · Text only\n📝 a paper plane\n⚙️ Fast · 720p · 9:16 · 8 s" in (
        history.text or ""
    )


async def test_extend_by_replying_to_the_video(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, database_path: Path
) -> None:
    video = await deliver_one(alice, telegram, database_path, "a train leaves")
    ask = await alice.say("/extend", reply_to=video.message_id)
    assert ask.text == "➕ What happens next? Send the prompt for the continuation."
    card = await alice.say("it enters a tunnel")
    await alice.press(card, "Create video")
    await telegram.wait_for(lambda: len(uniall.submissions) == 2)

    assert uniall.submissions[1]["video"] == uniall.file_url(next(iter(uniall.tasks)))
    nothing = await alice.say("/extend")
    assert nothing.text == "Reply to a video I made with /extend to continue it."


async def test_the_last_settings_and_settings_command_become_defaults(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    await deliver_one(alice, telegram, database_path, "a fox")  # chose 9:16
    card = await alice.say("/video a hare")
    assert "Fast · 720p · 9:16 · 8 s" in (card.text or "")

    panel = await alice.say("/settings")
    await alice.press(panel, "1080p")
    await alice.showing(panel, "1080p · 9:16")
    await alice.press(panel, "Done")
    await alice.sees(panel, "✅ Saved. New cards start from these settings.")

    card = await alice.say("/video an owl")
    assert "Fast · 1080p · 9:16 · 8 s" in (card.text or "")
