"""A failed job is no dead end (issue 13): a human sentence, the credits back, and the buttons
✏️ Edit prompt and 🔁 Try again, in English and Chinese."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.domain.jobs import JobState
from bot.domain.status import FailureKind
from bot.telegram.i18n import t
from bot.telegram.render import failure_details, failure_reason
from bot.vendors.uniall import CAPABILITIES as UNIALL_CAPABILITIES
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll, in_progress, queued
from tests.support.credits import CREDITS, DEFAULT_SETTINGS, balance_text, text_of
from tests.support.harness import BOB, Jobs, OffsetClock, Person, StartBot, settle
from tests.support.job_values import job_value

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

PROMPT = "a lighthouse in a storm, waves crashing"
POLICY = "Your prompt was flagged by the content policy (content_policy_violation)"
REFUSED = (
    "Veo 3.1 would not make this video: the prompt or a photo seems to break its content "
    "rules. Change the prompt and try again."
)
XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")


def labels(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons()]


async def failed_card(
    person: Person,
    jobs: Jobs,
    prompt: str = PROMPT,
    create: str = "Create video",
    command: str = "/video",
) -> SentMessage:
    """Open a card, create the job (#1) and wait until the card (its status) shows the failure
    and its buttons and the job is failed; return the card."""
    card = await person.say(f"{command} {prompt}")
    await person.press(card, create)
    await person.telegram.wait_for(
        lambda: (
            "❌" in (person.current(card).text or "") and len(labels(person.current(card))) == 2
        )
    )
    await jobs.wait(1, "failed")
    return card


@contextlib.asynccontextmanager
async def failed_with_credits(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> AsyncIterator[SentMessage]:
    """The bot running with credits (10 free a day) and Alice's first job failed: its card."""
    uniall.play_failure("the scene could not be rendered")
    async with start_bot(**CREDITS, free_credits_per_day=10):
        yield await failed_card(alice, jobs)


async def test_a_failed_job_says_what_happened_gives_the_credits_back_and_offers_buttons(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.play_failure(POLICY)
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card = await alice.say(f"/video {PROMPT}")
        await alice.press(card, "Create video")
        text = await alice.showing(card, "❌")
        await jobs.wait(1, "failed")
        shown = alice.current(card)
        balance = await text_of(alice, "/balance")
        history = await text_of(alice, "/history")

    assert text == (
        f"❌ Job #1 failed: {REFUSED}\n💳 Your 10 credits are back.\n\n"
        f"{PROMPT}\n⚙️ {DEFAULT_SETTINGS}"
    )
    assert "UniAll" not in text
    assert "content_policy_violation" not in text
    assert labels(shown) == ["✏️ Edit prompt", "🔁 Try again"]
    assert balance == balance_text(30, 0, 30)
    # The vendor's own words (and code) are only in /history's details.
    assert f"{REFUSED}\n🔎 The video service said: {POLICY}" in history


async def test_a_failure_without_credits_says_nothing_about_credits(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.play_failure("the scene could not be rendered")
    async with start_bot():
        text = alice.current(await failed_card(alice, jobs)).text

    assert text == (
        "❌ Job #1 failed: Veo 3.1 could not make this video this time. Try again, or change "
        f"the prompt a little.\n\n{PROMPT}\n⚙️ {DEFAULT_SETTINGS}"
    )


async def test_edit_prompt_opens_the_card_again_with_the_prompt_asked_again(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.play_failure(POLICY)
    async with start_bot():
        card = await alice.say(f"/video {PROMPT}")
        await alice.press(card, "9:16")
        await alice.showing(card, "9:16")
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: "🔁 Try again" in labels(alice.current(card)))

        ask = await alice.press_for_question(card, "Edit prompt")
        new_card = await alice.say("a lighthouse on a calm summer evening")
        card_text = new_card.text or ""
        uniall.play_success()
        await alice.press(new_card, "Create video")
        await jobs.wait(2, "delivered")

    assert ask.text == f"✏️ Send the new prompt. The last one was:\n\n{PROMPT}"
    assert card_text.startswith("🎬 New video")
    assert "📝 a lighthouse on a calm summer evening" in card_text
    assert "⚙️ Fast · 720p · 9:16 · 8 s · 🔊 Sound" in card_text
    first, second = jobs.rows()
    assert json.loads(second["request_json"])["aspect_ratio"] == "9:16"
    assert json.loads(second["request_json"])["prompt"] == "a lighthouse on a calm summer evening"
    assert first["state"] == "failed"


async def test_try_again_makes_one_new_job_with_the_same_request(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    async with failed_with_credits(start_bot, uniall, alice, jobs) as status:
        uniall.play_success()

        answer = await alice.press(status, "Try again")
        again = await alice.press(status, "Try again")  # a double press
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await jobs.wait(2, "delivered")
        await settle(telegram)
        balance = await text_of(alice, "/balance")

    assert not answer.get("text")
    assert again["text"] == "Already requested."
    first, second = jobs.rows()
    assert second["request_json"] == first["request_json"]
    assert (second["vendor"], second["price"]) == ("uniall", 10)
    assert len(uniall.submissions) == 2
    assert (video.caption or "").startswith(PROMPT)
    statuses = [m for m in telegram.messages(alice.chat.id) if "Job #2" in (m.text or "")]
    assert [(s.text or "").split("\n")[0] for s in statuses] == [
        "✅ Job #2 is done (made by Veo 3.1)."
    ]
    assert balance == balance_text(0, 0, 10)  # the second job was charged, once


async def test_try_again_passes_the_same_credit_checks(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    async with failed_with_credits(start_bot, uniall, alice, jobs) as status:
        uniall.script = [in_progress(10)]  # the next job keeps running and holds its credits
        card = await alice.say("/video a second idea")
        await alice.press(card, "Create video")
        await jobs.wait(2, "running")

        answer = await alice.press(status, "Try again")

    assert answer["text"] == (
        "This video costs 10 credits and you have 0. /buy adds credits; "
        "your 10 free credits come back tomorrow (UTC)."
    )
    assert len(jobs.rows()) == 2


async def test_only_the_person_whose_job_failed_can_press_its_buttons(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, jobs: Jobs
) -> None:
    group = TgChat.group(-1003579, "Makers")
    alice, bob = Person(telegram, TgUser(1001, "Alice", "en"), group), Person(telegram, BOB, group)
    uniall.play_failure("the scene could not be rendered")
    async with start_bot():
        status = await failed_card(alice, jobs, command="/video@veo_test_bot")

        retry = await bob.press(status, "Try again")
        edit = await bob.press(status, "Edit prompt")

    not_yours = "This card belongs to someone else. Start your own with /video."
    assert (retry["text"], edit["text"]) == (not_yours, not_yours)
    assert len(jobs.rows()) == 1


async def test_a_failed_job_in_chinese(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, jobs: Jobs
) -> None:
    xiaoming = Person(telegram, XIAOMING, TgChat.private(XIAOMING))
    uniall.play_failure(POLICY)
    async with start_bot(**CREDITS, free_credits_per_day=30):
        status = await failed_card(xiaoming, jobs, "一只红狐狸在日出时穿过新雪奔跑", "生成视频")
        shown = xiaoming.current(status)
        text = shown.text or ""
        ask = await xiaoming.press_for_question(status, "修改提示词")
        balance = await text_of(xiaoming, "/balance")

    assert text.split("\n\n")[0] == (
        "❌ 任务 #1 失败：Veo 3.1 不能生成这个视频：提示词或照片似乎违反了内容规则。"
        "请修改提示词后重试。\n💳 你的 10 点已退回。"
    )
    assert labels(shown) == ["✏️ 修改提示词", "🔁 重试"]
    assert ask.text == "✏️ 请发送新的提示词。上一次是：\n\n一只红狐狸在日出时穿过新雪奔跑"
    assert balance.startswith("💳 你有 30 点")


async def test_an_expired_job_gives_the_credits_back_and_can_be_tried_again(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    clock: OffsetClock,
    jobs: Jobs,
) -> None:
    uniall.script = [queued(), in_progress(10)]
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card = await alice.say(f"/video {PROMPT}")
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(uniall.polls) >= 2)
        held = await text_of(alice, "/balance")

        clock.advance(6 * 60)  # past JOB_TIMEOUT_MINUTES (5 in the tests)

        text = await alice.showing(card, "took longer")
        await jobs.wait(1, "expired")
        back = await text_of(alice, "/balance")
        await telegram.wait_for(lambda: "🔁 Try again" in labels(alice.current(card)))
        uniall.play_success()
        await alice.press(card, "Try again")
        await jobs.wait(2, "delivered")

    assert text == (
        "⌛ Job #1 took longer than 5 minutes and was stopped. Please try again.\n"
        f"💳 Your 10 credits are back.\n\n{PROMPT}\n⚙️ {DEFAULT_SETTINGS}"
    )
    assert [row["state"] for row in jobs.rows()] == ["expired", "delivered"]
    assert (held, back) == (balance_text(20, 0, 30), balance_text(30, 0, 30))


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kind", [kind for kind in FailureKind if kind is not FailureKind.INPUT])
def test_every_failure_reads_as_a_sentence_without_the_vendors_words(
    language: str, kind: FailureKind
) -> None:
    caps = replace(UNIALL_CAPABILITIES, display_name="Veo 3.1")
    job = job_value(
        language=language,
        state=JobState.FAILED,
        failure_kind=kind,
        failure_detail="UniAll: upstream_error_4711",
    )

    reason = failure_reason(job, caps)

    assert "{" not in reason
    assert "upstream_error_4711" not in reason
    assert "UniAll" not in reason
    assert failure_details(job, caps) == t(
        language, "history.details", detail="Veo 3.1: upstream_error_4711"
    )
