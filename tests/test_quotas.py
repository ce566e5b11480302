"""Credits and quotas end to end: what a job costs, and every reason a job is refused.

Per the issue: confirming a job reserves its price; delivery captures it; failure, expiry and
cancellation release it; the confirm card shows the price and what remains; /history shows each
job's cost. Quotas: a free daily allowance per person, a global daily cap, at most N unfinished
jobs per person, a cooldown between jobs, and access modes (open, or an allowlist plus people
added in the chat). Each refusal says why and when it will be possible, and creates no job.
"""

from __future__ import annotations

from functools import partial

import pytest

from tests.fakes.telegram import FakeTelegram, TgChat
from tests.fakes.uniall import FakeUniAll, delay, failed, in_progress, queued
from tests.support.credits import (
    CREDITS,
    PRICE,
    admin,
    balance_text,
    bob,
    card_showing,
    cost_line,
    create,
    delivered,
    history_line,
    open_card,
    refusal,
    text_of,
)
from tests.support.group import member
from tests.support.harness import ALICE, BOB, DAY, Jobs, OffsetClock, Person, StartBot

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

NOT_ALLOWED_BOB = f"This bot is private. Ask its admin to add you: your Telegram id is {BOB.id}."
BANNED = "You are not allowed to use this bot."


async def test_delivery_captures_the_price_and_a_failed_video_costs_nothing(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)

        card = await open_card(alice, "a hot air balloon over vineyards")
        assert cost_line(PRICE, 30) in (card.text or "").split("\n\n")
        await alice.press(card, "Create video")
        [job] = jobs.rows()
        assert job["price"] == PRICE
        # Reserved on confirming; delivery captures it, so the balance stays 20.
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)
        await jobs.wait(1, "delivered")
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)

        uniall.script = [queued(), failed("Your prompt was flagged by the content policy")]
        card = await open_card(alice, "a storm over the harbour")
        assert cost_line(PRICE, 20) in (card.text or "").split("\n\n")
        await alice.press(card, "Create video")
        await alice.showing(card, "failed")
        await jobs.wait(2, "failed")
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)

        history = await text_of(alice, "/history")

    assert history.startswith("🗂 Your recent videos here:")
    assert history_line(1, "a hot air balloon over vineyards") in history
    assert "❌ #2 · failed · Text only\n📝 a storm over the harbour" in history
    assert "(refunded)" not in history


async def test_the_card_price_follows_the_options_and_is_what_the_job_reserves(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=100):
        card = await open_card(alice, "a heron taking off")
        assert cost_line(10, 100) in (card.text or "").split("\n\n")
        for label, price in (("1080p", 15), ("Silent", 12), ("Quality", 36)):
            await alice.press(card, label)
            await card_showing(alice, card, cost_line(price, 100))

        await alice.press(card, "Create video")
        [job] = jobs.rows()
        assert job["price"] == 36
        assert await text_of(alice, "/balance") == balance_text(64, 0, 100)


async def test_a_cancelled_job_gives_its_credits_back(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    # One vendor call at a time, and the first submit hangs: the second job stays queued.
    uniall.submit_faults = [delay(8.0)]
    one_call_at_a_time = {"max_concurrent_vendor_calls": 1, "vendor_timeout_seconds": 10.0}
    async with start_bot(**CREDITS, free_credits_per_day=30, **one_call_at_a_time):
        await create(alice, "a slow first job")
        await telegram.wait_for(lambda: uniall.submit_attempts == 1)
        second, _ = await create(alice, "a second job to cancel")
        await jobs.wait(2, "queued")
        assert await text_of(alice, "/balance") == balance_text(10, 0, 30)

        answer = await alice.press(second, "Cancel job")

        assert answer["text"] == "Job #2 is cancelled."
        await alice.showing(second, "🚫 Job #2 was cancelled.")
        await jobs.wait(2, "cancelled")
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)


async def test_the_free_allowance_runs_out_and_comes_back_the_next_day(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, clock: OffsetClock, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=10):
        await delivered(alice, jobs, "a lantern festival")
        assert await text_of(alice, "/balance") == balance_text(0, 0, 10)

        # Nothing fits: the new card starts from the cheapest options, not the last ones.
        card = await open_card(alice, "a second lantern festival")
        paragraphs = (card.text or "").split("\n\n")
        assert "⚙️ Fast · 720p · 16:9 · 4 s · 🔇 Silent" in paragraphs
        assert (
            "💳 Costs 4 credits · you have 0: not enough for any video. ⭐ Buy credits to go on."
        ) in paragraphs
        answer = await alice.press(card, "Create video")

        assert refusal(answer) == (
            "This video costs 4 credits and you have 0: tap ⭐ Buy credits on the card, "
            "or choose cheaper options.",
            True,
        )
        assert len(jobs.rows()) == 1

        clock.advance(DAY)

        assert await text_of(alice, "/balance") == balance_text(10, 0, 10)
        answer = await alice.press(card, "Create video")
        assert not answer.get("show_alert")
        await jobs.wait(2, "delivered")
        assert await text_of(alice, "/balance") == balance_text(6, 0, 10)


async def test_two_taps_racing_for_the_last_credits_make_one_job(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    in_group = member(telegram, ALICE, TgChat.group(-1005678, "Film club"))
    async with start_bot(**CREDITS, free_credits_per_day=10):
        cards = [
            await open_card(alice, "a fox in the snow"),
            await in_group.say("/video@veo_test_bot a fox in the rain"),
        ]
        queries = [
            telegram.press_button(
                person.user, person.chat, card.message_id, card.button_data("Create video")
            )
            for person, card in zip((alice, in_group), cards, strict=True)
        ]
        answers = [await telegram.wait_for(partial(telegram.callback_answer, q)) for q in queries]

        refused = [refusal(a) for a in answers if a.get("show_alert")]
        assert refused == [
            (
                "This video costs 10 credits and you have 0: tap ⭐ Buy credits on the card, "
                "or choose cheaper options.",
                True,
            )
        ]
        assert len(jobs.rows()) == 1


async def test_the_daily_cap_stops_everyone_until_midnight_utc(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, clock: OffsetClock, jobs: Jobs
) -> None:
    bob_dm = bob(telegram)
    async with start_bot(**CREDITS, free_credits_per_day=30, daily_credit_cap=15):
        await delivered(alice, jobs, "a windmill at dusk")

        card = await open_card(bob_dm, "a rowing race")
        answer = await bob_dm.press(card, "Create video")

        assert refusal(answer) == (
            "The bot has used up today's video budget. It opens again at 00:00 UTC "
            "(midnight UTC).",
            True,
        )
        assert [row["user_id"] for row in jobs.rows()] == [ALICE.id]
        assert await text_of(bob_dm, "/balance") == balance_text(30, 0, 30)

        clock.advance(DAY / 2)  # just past midnight UTC

        answer = await bob_dm.press(card, "Create video")
        assert not answer.get("show_alert")
        await jobs.wait(2, "delivered")
        assert [row["user_id"] for row in jobs.rows()] == [ALICE.id, BOB.id]


async def test_at_most_n_unfinished_jobs_per_person(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.script = [queued(), in_progress(10)]  # stays running
    async with start_bot(**CREDITS, free_credits_per_day=100, max_active_jobs_per_user=2):
        await create(alice, "first of three")
        await create(alice, "second of three")
        card = await open_card(alice, "third of three")
        answer = await alice.press(card, "Create video")

        assert refusal(answer) == (
            "You already have 2 videos in progress (at most 2). Try again when one has finished.",
            True,
        )
        assert len(jobs.rows()) == 2
        assert await text_of(alice, "/balance") == balance_text(80, 0, 100)

        # Bob's own count is his: he may start one.
        bob_dm = bob(telegram)
        _, answer = await create(bob_dm, "a job of Bob's")
        assert not answer.get("show_alert")
        assert len(jobs.rows()) == 3


async def test_a_cooldown_between_jobs(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, clock: OffsetClock, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=100, cooldown_seconds=60):
        await create(alice, "a first video")
        card = await open_card(alice, "a second video")
        answer = await alice.press(card, "Create video")
        assert refusal(answer) == ("Please wait 60 s before starting the next video.", True)

        clock.advance(45)
        answer = await alice.press(card, "Create video")
        assert refusal(answer) == ("Please wait 15 s before starting the next video.", True)
        assert len(jobs.rows()) == 1

        clock.advance(16)
        answer = await alice.press(card, "Create video")
        assert not answer.get("show_alert")
        assert len(jobs.rows()) == 2


async def test_an_allowlisted_bot_turns_a_stranger_away_until_an_admin_allows_them(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    bob_dm, olga = bob(telegram), admin(telegram)
    # Open to everyone first: Bob opens a card. Then the operator restarts the bot allowlisted.
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card = await open_card(bob_dm, "a stranger's video")

    async with start_bot(**CREDITS, free_credits_per_day=30, allowed_user_ids=(ALICE.id,)):
        answer = await bob_dm.press(card, "Create video")
        assert refusal(answer) == (NOT_ALLOWED_BOB, True)
        assert await text_of(bob_dm, "/video a stranger's video") == NOT_ALLOWED_BOB
        assert jobs.rows() == []

        # People on ALLOWED_USER_IDS and admins are let in.
        _, answer = await create(alice, "an allowed video")
        assert not answer.get("show_alert")
        assert await text_of(olga, "/video an admin's video") != NOT_ALLOWED_BOB

        assert await text_of(olga, f"/allow {BOB.id}") == (
            f"Bob (id {BOB.id}) may use the bot. They were told."
        )

        answer = await bob_dm.press(card, "Create video")
        assert not answer.get("show_alert")
        assert [row["user_id"] for row in jobs.rows()] == [ALICE.id, BOB.id]


async def test_a_banned_person_is_refused_until_unbanned(
    start_bot: StartBot, alice: Person, olga: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card = await open_card(alice, "a banned video")
        assert await text_of(olga, f"/ban {ALICE.id}") == (
            f"Alice (id {ALICE.id}) is banned. They were told."
        )

        answer = await alice.press(card, "Create video")
        assert refusal(answer) == (BANNED, True)
        assert await text_of(alice, "/video another one") == BANNED
        assert jobs.rows() == []

        assert await text_of(olga, f"/unban {ALICE.id}") == (
            f"Alice (id {ALICE.id}) is no longer banned. They were told."
        )
        answer = await alice.press(card, "Create video")
        assert not answer.get("show_alert")
        assert len(jobs.rows()) == 1
