"""Wrong input in the DM wizard: a clear reply, no job, and the bot keeps answering."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import BotRuntime
from tests.fakes.media import photo_bytes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Person, job_rows

NEED_TEXT = "I need the prompt as text: send one message that describes the video, or /cancel."
EXPIRED = "This button has expired. Send /video to start again."


async def assert_still_answering(alice: Person) -> None:
    reply = await alice.say("/help")
    assert (reply.text or "").startswith("What I can do")


async def test_an_empty_prompt_is_refused(
    bot: BotRuntime, alice: Person, database_path: Path
) -> None:
    await alice.say("/video")

    reply = await alice.say("   ")

    assert reply.text == "The prompt is empty. Send a few words that describe the video."
    assert job_rows(database_path) == []
    card = await alice.say("a calm lake")  # the wizard still waits for the prompt
    assert "a calm lake" in (card.text or "")


async def test_a_prompt_over_the_vendor_limit_is_refused(
    bot: BotRuntime, alice: Person, database_path: Path
) -> None:
    reply = await alice.say("/video " + "x" * 2001)

    assert reply.text == (
        "The prompt is 2001 characters long; UniAll accepts at most 2000. "
        "Please shorten it and send it again."
    )
    assert job_rows(database_path) == []
    await assert_still_answering(alice)


@pytest.mark.parametrize("kind", ["sticker", "document", "voice", "photo"])
async def test_non_text_where_the_prompt_is_expected(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path, kind: str
) -> None:
    await alice.say("/video")
    before = len(telegram.messages(alice.chat.id))

    if kind == "sticker":
        telegram.send_sticker(alice.user, alice.chat)
    elif kind == "voice":
        telegram.send_voice(alice.user, alice.chat)
    elif kind == "photo":
        telegram.send_photo(alice.user, alice.chat, photo_bytes(1))
    else:
        telegram.send_document(
            alice.user, alice.chat, b"%PDF-1.4", file_name="a.pdf", mime_type="application/pdf"
        )
    reply = await alice.next_message(before)

    assert reply.text == NEED_TEXT
    assert job_rows(database_path) == []
    await assert_still_answering(alice)


@pytest.mark.parametrize(
    "data",
    [
        "v1|c|999",  # a draft that never existed
        "v1|o|1|tier|ultra",  # a value no card offers
        "v1|o|1|colour|red",  # an option that does not exist
        "v9|c|1",  # another version
        "not our data at all",
        "v1|j|77",  # a job that does not exist
    ],
)
async def test_forged_buttons_expire_and_change_nothing(
    bot: BotRuntime, alice: Person, uniall: FakeUniAll, database_path: Path, data: str
) -> None:
    card = await alice.say("/video a quiet forest")
    text_before = alice.current(card).text

    answer = await alice.press_data(card.message_id, data)

    assert answer["text"] == EXPIRED
    assert alice.current(card).text == text_before
    assert job_rows(database_path) == []
    assert uniall.submit_attempts == 0
    await assert_still_answering(alice)


async def test_a_second_tap_on_create_makes_no_second_job(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    card = await alice.say("/video two taps")
    data = alice.current(card).button_data("Create video")

    first = telegram.press_button(alice.user, alice.chat, card.message_id, data)
    second = telegram.press_button(alice.user, alice.chat, card.message_id, data)
    answers = [
        await telegram.wait_for(lambda q=q: telegram.callback_answer(q)) for q in (first, second)
    ]

    assert sorted(a.get("text") or "" for a in answers) == ["", EXPIRED]
    assert len(job_rows(database_path)) == 1


async def test_an_old_card_expires_when_a_new_one_starts(
    bot: BotRuntime, alice: Person, database_path: Path
) -> None:
    old = await alice.say("/video first idea")
    await alice.say("/video second idea")

    answer = await alice.press(old, "Create video")

    assert answer["text"] == EXPIRED
    assert job_rows(database_path) == []


async def test_cancel_leaves_the_wizard(
    bot: BotRuntime, alice: Person, database_path: Path
) -> None:
    card = await alice.say("/video never mind")
    create = card.button_data("Create video")

    alice.send("/cancel")

    await alice.telegram.wait_for(lambda: alice.current(card).edits)
    assert alice.current(card).text == "Cancelled. Send /video to start again."
    assert alice.current(card).reply_markup is None
    answer = await alice.press_data(card.message_id, create)
    assert answer["text"] == EXPIRED
    assert job_rows(database_path) == []


async def test_cancel_with_nothing_open(bot: BotRuntime, alice: Person) -> None:
    reply = await alice.say("/cancel")
    assert reply.text == "There is nothing to cancel."
