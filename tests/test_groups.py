"""The bot in a supergroup with privacy mode on (the fake's default), forum topics included.

Per the issue: `/video@botname [prompt]` opens a panel that belongs to its author; the prompt
and photos are asked for with a selective ForceReply so the answers reach the bot; someone
else's presses get a short alert and change nothing; everything about a job goes to the same
chat and topic, and the video arrives as a reply to the request. Panels of several people (in
the group, or one in a DM) live side by side.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.app import BotRuntime
from tests.fakes.gemini import FakeGemini
from tests.fakes.media import photo_bytes, sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll
from tests.support.group import (
    FORCE_REPLY_EN,
    force_reply_targets,
    member,
    send_photo,
    thread_ids,
    visible_calls,
)
from tests.support.harness import ALICE, BOB, Jobs, Person, StartBot, job_rows, settle

FORUM = TgChat.group(-1001234, "Veo fans", is_forum=True)
GROUP = TgChat.group(-1005678, "Film club")
TOPIC = 77
NOT_YOURS = "This card belongs to someone else. Start your own with /video."
ASK_PROMPT = "✍️ Send me the prompt: describe the video you want in one message."
ALICE_PROMPT = "A lighthouse in a storm, waves crashing over the rocks"
BOB_PROMPT = "A paper lantern floating over a quiet lake at night"
DEFAULT_SETTINGS = "Fast · 720p · 16:9 · 8 s · 🔊 Sound"


def card_text(prompt: str, settings: str = DEFAULT_SETTINGS) -> str:
    return (
        f"🎬 New video\n\n📝 {prompt}\n\n⚙️ {settings}\n\n"
        "Tap an option to change it, then ▶️ Create video."
    )


def videos(telegram: FakeTelegram, chat_id: int) -> list[SentMessage]:
    return [m for m in telegram.messages(chat_id) if m.kind == "video"]


async def test_forum_topic_panels_belong_to_their_authors(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, jobs: Jobs
) -> None:
    alice = member(telegram, ALICE, FORUM, TOPIC)
    bob = member(telegram, BOB, FORUM, TOPIC)

    ask = await alice.say("/video@veo_test_bot")
    command_id = alice.last_sent_id
    assert ask.text == f"Alice, reply to this message. {ASK_PROMPT}"
    assert ask.reply_markup == FORCE_REPLY_EN
    assert ask.reply_to_message_id == command_id
    assert ask.message_thread_id == TOPIC
    assert force_reply_targets(telegram, ask) == {ALICE.id}

    # Bob answering Alice's question does not fill her panel, and the bot says nothing to him.
    calls_before = len(telegram.calls)
    bob.send("a submarine full of cats", reply_to=ask.message_id)
    await settle(telegram)
    assert visible_calls(telegram, calls_before) == []

    card = await alice.say(ALICE_PROMPT, reply_to=ask.message_id)
    alice_prompt_id = alice.last_sent_id
    assert card.text == card_text(ALICE_PROMPT)
    assert card.reply_to_message_id == alice_prompt_id
    assert card.message_thread_id == TOPIC

    # Bob presses Alice's buttons: an alert for him, nothing changes on her card.
    shown = alice.current(card)
    for label in ("1080p", "9:16", "Cancel", "Create video"):
        answer = await bob.press(card, label)
        assert answer["text"] == NOT_YOURS
        assert answer["show_alert"] is True
    now = alice.current(card)
    assert (now.text, now.buttons(), now.edits) == (shown.text, shown.buttons(), shown.edits)
    assert jobs.rows() == []

    # Bob runs his own panel at the same time, with the prompt in the command.
    bob_card = await bob.say(f"/video@veo_test_bot {BOB_PROMPT}")
    bob_request_id = bob.last_sent_id
    assert bob_card.text == card_text(BOB_PROMPT)
    assert bob_card.reply_to_message_id == bob_request_id
    assert bob_card.message_thread_id == TOPIC

    # Each changes only their own card.
    assert (await alice.press(card, "9:16")).get("text") is None
    assert (await bob.press(bob_card, "Quality")).get("text") is None
    await alice.sees(card, card_text(ALICE_PROMPT, "Fast · 720p · 9:16 · 8 s · 🔊 Sound"))
    await bob.sees(bob_card, card_text(BOB_PROMPT, "Quality · 720p · 16:9 · 8 s · 🔊 Sound"))

    assert (await alice.press(card, "Create video")).get("text") is None
    assert (await bob.press(bob_card, "Create video")).get("text") is None
    await telegram.wait_for(lambda: len(videos(telegram, FORUM.id)) == 2)
    await telegram.wait_for(lambda: [row["state"] for row in jobs.rows()] == ["delivered"] * 2)

    by_reply = {video.reply_to_message_id: video for video in videos(telegram, FORUM.id)}
    assert set(by_reply) == {alice_prompt_id, bob_request_id}
    assert by_reply[alice_prompt_id].caption == (
        f"{ALICE_PROMPT}\n\n⚙️ Fast · 720p · 9:16 · 8 s · 🔊 Sound"
    )
    assert by_reply[bob_request_id].caption == (
        f"{BOB_PROMPT}\n\n⚙️ Quality · 720p · 16:9 · 8 s · 🔊 Sound"
    )
    for video in by_reply.values():
        assert video.video_bytes == sample_mp4_bytes()
        assert video.message_thread_id == TOPIC
    await alice.sees(
        card,
        "✅ Job #1 is done (made by Veo 3.1).\n\n"
        f"{ALICE_PROMPT}\n⚙️ Fast · 720p · 9:16 · 8 s · 🔊 Sound",
    )
    await bob.sees(
        bob_card,
        "✅ Job #2 is done (made by Veo 3.1).\n\n"
        f"{BOB_PROMPT}\n⚙️ Quality · 720p · 16:9 · 8 s · 🔊 Sound",
    )

    assert thread_ids(telegram, FORUM.id) == [TOPIC] * len(telegram.messages(FORUM.id))
    assert all(
        call.params.get("message_thread_id") == TOPIC
        for call in telegram.calls
        if call.method in ("sendMessage", "sendVideo") and call.params.get("chat_id") == FORUM.id
    )
    rows = jobs.rows()
    assert [
        (
            r["user_id"],
            r["chat_id"],
            r["thread_id"],
            r["request_message_id"],
            r["result_message_id"],
        )
        for r in rows
    ] == [
        (ALICE.id, FORUM.id, TOPIC, alice_prompt_id, by_reply[alice_prompt_id].message_id),
        (BOB.id, FORUM.id, TOPIC, bob_request_id, by_reply[bob_request_id].message_id),
    ]
    assert [s["prompt"] for s in uniall.submissions] == [ALICE_PROMPT, BOB_PROMPT]


async def test_privacy_mode_keeps_other_group_messages_from_the_bot(
    bot: BotRuntime, telegram: FakeTelegram, jobs: Jobs
) -> None:
    alice = member(telegram, ALICE, GROUP)
    bob = member(telegram, BOB, GROUP)
    calls_before = len(telegram.calls)

    chatter = bob.send("anyone up for a film tonight?")
    other_bot = alice.send("/video@other_bot a cat playing the piano")
    await settle(telegram)

    assert [update["message"]["message_id"] for update in telegram.dropped] == [chatter, other_bot]
    assert [update["message"]["text"] for update in telegram.dropped] == [
        "anyone up for a film tonight?",
        "/video@other_bot a cat playing the piano",
    ]
    assert visible_calls(telegram, calls_before) == []
    assert telegram.messages(GROUP.id) == []

    # A command for this bot does reach it; a plain message while the question is open does not.
    ask = await alice.say("/video@veo_test_bot")
    assert ask.text == f"Alice, reply to this message. {ASK_PROMPT}"
    assert ask.reply_markup == FORCE_REPLY_EN
    calls_before = len(telegram.calls)
    not_a_reply = alice.send("a cat playing the piano")
    await settle(telegram)
    assert telegram.dropped[-1]["message"]["message_id"] == not_a_reply
    assert visible_calls(telegram, calls_before) == []
    assert [m.message_id for m in telegram.messages(GROUP.id)] == [ask.message_id]

    card = await alice.say("a cat playing the piano", reply_to=ask.message_id)
    assert card.text == card_text("a cat playing the piano")
    assert jobs.rows() == []


async def test_a_photo_replying_to_the_question_reaches_the_draft(
    start_bot: StartBot, gemini: FakeGemini, telegram: FakeTelegram, jobs: Jobs
) -> None:
    prompt = "the old man in the photo slowly smiles"
    gemini.play_success()
    async with start_bot(**gemini.bot_settings()):
        alice = member(telegram, ALICE, FORUM, TOPIC)
        ask = await alice.say("/video@veo_test_bot")
        command_id = alice.last_sent_id
        assert ask.text == (
            f"Alice, reply to this message. {ASK_PROMPT} "
            "To animate photos, send up to 3 photos first (the caption can be the prompt)."
        )
        assert ask.reply_markup == FORCE_REPLY_EN
        assert (ask.reply_to_message_id, ask.message_thread_id) == (command_id, TOPIC)
        assert force_reply_targets(telegram, ask) == {ALICE.id}

        again = await send_photo(alice, photo_bytes(1), reply_to=ask.message_id)
        photo_id = alice.last_sent_id
        assert again.text == (
            "Alice, reply to this message. "
            "🖼 Got 1 photo(s). Now send the prompt (or more photos, up to 3)."
        )
        assert again.reply_markup == FORCE_REPLY_EN
        assert (again.reply_to_message_id, again.message_thread_id) == (photo_id, TOPIC)
        assert force_reply_targets(telegram, again) == {ALICE.id}

        card = await alice.say(prompt, reply_to=again.message_id)
        prompt_id = alice.last_sent_id
        assert "🖼 1 photo(s) · Animate the photo" in (card.text or "")
        assert f"📝 {prompt}" in (card.text or "")
        assert card.message_thread_id == TOPIC

        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(FORUM.id, lambda m: m.kind == "video")
        await jobs.wait(1, "delivered")

    [submission] = gemini.submissions
    [instance] = submission["instances"]
    assert instance["prompt"] == prompt
    assert instance["image"] == {
        "bytesBase64Encoded": base64.b64encode(photo_bytes(1)).decode("ascii"),
        "mimeType": "image/jpeg",
    }
    assert video.reply_to_message_id == prompt_id
    assert video.message_thread_id == TOPIC
    assert thread_ids(telegram, FORUM.id) == [TOPIC] * len(telegram.messages(FORUM.id))
    [job] = jobs.rows()
    assert (job["user_id"], job["chat_id"], job["thread_id"]) == (ALICE.id, FORUM.id, TOPIC)


async def _dm_and_group_side_by_side(
    telegram: FakeTelegram, in_dm: Person, in_group: Person, database_path: Path
) -> None:
    dm_card = await in_dm.say("/video a snowy owl turning its head")
    group_card = await in_group.say("/video@veo_test_bot a steam train crossing a viaduct")
    group_request_id = in_group.last_sent_id
    assert dm_card.text == card_text("a snowy owl turning its head")
    assert group_card.text == card_text("a steam train crossing a viaduct")

    await in_group.press(group_card, "1080p")
    await in_group.sees(
        group_card,
        card_text("a steam train crossing a viaduct", "Fast · 1080p · 16:9 · 8 s · 🔊 Sound"),
    )
    assert in_dm.current(dm_card).text == card_text("a snowy owl turning its head")
    assert in_dm.current(dm_card).edits == []

    await in_dm.press(dm_card, "9:16")
    await in_dm.sees(
        dm_card, card_text("a snowy owl turning its head", "Fast · 720p · 9:16 · 8 s · 🔊 Sound")
    )
    assert in_group.current(group_card).text == card_text(
        "a steam train crossing a viaduct", "Fast · 1080p · 16:9 · 8 s · 🔊 Sound"
    )

    await in_dm.press(dm_card, "Create video")
    await in_group.press(group_card, "Create video")
    dm_video = await telegram.wait_for_message(in_dm.chat.id, lambda m: m.kind == "video")
    group_video = await telegram.wait_for_message(in_group.chat.id, lambda m: m.kind == "video")
    await telegram.wait_for(
        lambda: [row["state"] for row in job_rows(database_path)] == ["delivered"] * 2
    )

    assert (
        dm_video.caption == "a snowy owl turning its head\n\n⚙️ Fast · 720p · 9:16 · 8 s · 🔊 Sound"
    )
    assert group_video.caption == (
        "a steam train crossing a viaduct\n\n⚙️ Fast · 1080p · 16:9 · 8 s · 🔊 Sound"
    )
    assert group_video.reply_to_message_id == group_request_id
    rows = {row["chat_id"]: row for row in job_rows(database_path)}
    assert set(rows) == {in_dm.chat.id, in_group.chat.id}
    assert (rows[in_dm.chat.id]["user_id"], rows[in_dm.chat.id]["thread_id"]) == (
        in_dm.user.id,
        None,
    )
    assert (rows[in_group.chat.id]["user_id"], rows[in_group.chat.id]["thread_id"]) == (
        in_group.user.id,
        None,
    )


@pytest.mark.parametrize(
    "in_dm",
    [
        pytest.param(BOB, id="one-person-in-a-dm-and-another-in-a-group-at-once"),
        pytest.param(ALICE, id="the-same-person-with-a-panel-in-a-dm-and-another-in-a-group"),
    ],
)
async def test_panels_in_a_dm_and_in_a_group_live_side_by_side(
    bot: BotRuntime, telegram: FakeTelegram, database_path: Path, in_dm: TgUser
) -> None:
    await _dm_and_group_side_by_side(
        telegram,
        Person(telegram, in_dm, TgChat.private(in_dm)),
        member(telegram, ALICE, GROUP),
        database_path,
    )


async def test_questions_asked_from_a_button_are_aimed_at_the_presser(
    bot: BotRuntime, telegram: FakeTelegram, jobs: Jobs
) -> None:
    """A question after ✏️ New prompt or ➕ Extend must reach the person who pressed it.

    With ForceReply(selective=True) Telegram shows the reply field only to people @mentioned
    in the text and to the sender of the message the question replies to; a question that
    replies to the bot's own video and names the person in plain text reaches nobody.
    """
    alice = member(telegram, ALICE, FORUM, TOPIC)
    bob = member(telegram, BOB, FORUM, TOPIC)
    card = await alice.say("/video@veo_test_bot a kite rising over a beach")
    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(FORUM.id, lambda m: m.kind == "video")
    await jobs.wait(1, "delivered")

    for label in ("Again", "New prompt", "Send again", "Extend"):
        answer = await bob.press(video, label)
        assert (answer["text"], answer["show_alert"]) == (NOT_YOURS, True)

    before = len(telegram.messages(FORUM.id))
    await alice.press(video, "New prompt")
    new_prompt = await alice.next_message(before)
    assert new_prompt.text == f"Alice, reply to this message. {ASK_PROMPT}"
    assert new_prompt.reply_markup == FORCE_REPLY_EN
    assert new_prompt.message_thread_id == TOPIC

    before = len(telegram.messages(FORUM.id))
    await alice.press(video, "Extend")
    extend = await alice.next_message(before)
    assert extend.text == (
        "Alice, reply to this message. ➕ What happens next? Send the prompt for the continuation."
    )
    assert extend.reply_markup == FORCE_REPLY_EN
    assert extend.message_thread_id == TOPIC

    assert force_reply_targets(telegram, new_prompt) == {ALICE.id}
    assert force_reply_targets(telegram, extend) == {ALICE.id}
