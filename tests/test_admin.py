"""Admin commands in the chat, each also tried by someone who is not an admin; operator alerts.

Per the issue: /grant, /ban, /unban, /allow, /stats, /jobs, /refund and /refundstars work for the
admins of ADMIN_USER_IDS; anyone else gets "This command is for the bot's admins." and nothing
changes. Vendor auth/balance errors reach ADMIN_CHAT_ID once, not once per job. /grant and
/refund show who and what with ✅ Confirm before acting (issue 14); the person is told.
"""

from __future__ import annotations

import pytest

from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.uniall import FakeUniAll, failed, http_error, in_progress, queued
from tests.support.credits import (
    ADMIN_CHAT_ID,
    ADMIN_ONLY,
    CREDITS,
    admin,
    balance_text,
    bob,
    create,
    delivered,
    history_line,
    text_of,
)
from tests.support.harness import ALICE, BOB, Jobs, OffsetClock, Person, StartBot, settle

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

BANNED = "You are not allowed to use this bot."
TOLD = "They were told."


async def confirm(olga: Person, card: SentMessage) -> str:
    """Press ✅ Confirm on an admin's card; the card's text once it shows what was done."""
    answer = await olga.press(card, "Confirm")
    assert not answer.get("text"), answer
    return await olga.telegram.wait_for(
        lambda: (olga.current(card).text or "") if not olga.current(card).buttons() else None
    )


async def test_grant_adds_credits_and_only_for_admins(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    olga, bob_dm = admin(telegram), bob(telegram)
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(bob_dm, f"/grant {BOB.id} 1000") == ADMIN_ONLY
        assert await text_of(bob_dm, "/balance") == balance_text(30, 0, 30)

        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)
        card = await olga.say(f"/grant {ALICE.id} 50")
        assert card.text == f"🎁 Grant 50 credits to Alice (id {ALICE.id})?\nThey have 30 now."
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)  # not yet
        assert await confirm(olga, card) == (
            f"Granted 50 credits to Alice (id {ALICE.id}); they now have 80. {TOLD}"
        )
        assert telegram.texts(ALICE.id)[-1] == (
            "🎁 You received 50 credits from the bot's admin; you now have 80."
        )
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)
        assert await text_of(olga, f"/grant {ALICE.id}") == ("Usage: /grant <user id> <credits>")
        assert await text_of(olga, f"/grant {ALICE.id} 0") == ("Usage: /grant <user id> <credits>")
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)


async def test_ban_and_unban_only_for_admins(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    olga, bob_dm = admin(telegram), bob(telegram)
    async with start_bot(**CREDITS, free_credits_per_day=30):
        # Bob cannot ban Alice: she goes on making videos.
        assert await text_of(bob_dm, f"/ban {ALICE.id}") == ADMIN_ONLY
        _, answer = await create(alice, "still allowed")
        assert not answer.get("show_alert")
        assert len(jobs.rows()) == 1

        assert await text_of(olga, f"/ban {BOB.id}") == f"Bob (id {BOB.id}) is banned. {TOLD}"
        assert telegram.texts(BOB.id)[-1] == "🚫 An admin has banned you from this bot."
        assert await text_of(bob_dm, "/video let me in") == BANNED
        # Bob cannot unban himself either: a banned person gets one answer to everything.
        assert await text_of(bob_dm, f"/unban {BOB.id}") == BANNED
        assert await text_of(bob_dm, "/video let me in") == BANNED

        assert await text_of(olga, f"/unban {BOB.id}") == (
            f"Bob (id {BOB.id}) is no longer banned. {TOLD}"
        )
        assert telegram.texts(BOB.id)[-1] == (
            "✅ An admin has lifted your ban: you may use this bot again."
        )
        assert (await text_of(bob_dm, "/video let me in")).startswith("🎬 New video")
        assert await text_of(olga, "/ban") == "Usage: /ban <user id>"
        assert await text_of(olga, "/unban bob") == "Usage: /unban <user id>"


async def test_allow_only_for_admins(start_bot: StartBot, telegram: FakeTelegram) -> None:
    olga, bob_dm = admin(telegram), bob(telegram)
    not_allowed = f"This bot is private. Ask its admin to add you: your Telegram id is {BOB.id}."
    async with start_bot(**CREDITS, free_credits_per_day=30, allowed_user_ids=()):
        assert await text_of(bob_dm, "/video hello") == not_allowed
        assert await text_of(bob_dm, f"/allow {BOB.id}") == ADMIN_ONLY
        assert await text_of(bob_dm, "/video hello") == not_allowed

        assert await text_of(olga, "/allow") == "Usage: /allow <user id>"
        assert await text_of(olga, f"/allow {BOB.id}") == (
            f"Bob (id {BOB.id}) may use the bot. {TOLD}"
        )
        assert telegram.texts(BOB.id)[-1] == (
            "✅ An admin has let you in: you may now use this bot. Send /video to make a video."
        )
        assert (await text_of(bob_dm, "/video hello")).startswith("🎬 New video")


async def test_jobs_lists_unfinished_jobs_with_their_age(
    start_bot: StartBot,
    uniall: FakeUniAll,
    alice: Person,
    olga: Person,
    clock: OffsetClock,
    jobs: Jobs,
) -> None:
    uniall.script = [queued(), in_progress(10)]  # stays running
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(olga, "/jobs") == "No unfinished jobs."
        await create(alice, "a job that takes its time")
        await jobs.wait(1, "running")
        [task_id] = list(uniall.tasks)

        clock.advance(150)

        assert await text_of(alice, "/jobs") == ADMIN_ONLY
        assert await text_of(olga, "/jobs") == (
            f"⏳ Unfinished jobs:\n#1 running · 2 min · uniall {task_id} · user {ALICE.id}"
        )


async def test_refund_gives_a_job_back_and_history_says_so(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, olga: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        await delivered(alice, jobs, "a refunded video")
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)

        assert await text_of(alice, "/refund 1") == ADMIN_ONLY
        assert await text_of(alice, "/balance") == balance_text(20, 0, 30)
        assert "(refunded)" not in await text_of(alice, "/history")

        card = await olga.say("/refund 1")
        assert card.text == (
            f"↩️ Refund job #1 to Alice (id {ALICE.id})?\n10 credits · uniall\n📝 a refunded video"
        )
        assert await confirm(olga, card) == f"Refunded 10 credits for job #1. {TOLD}"
        assert telegram.texts(ALICE.id)[-1] == (
            "↩️ The 10 credits of job #1 were given back to you; you now have 30."
        )
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)
        history = await text_of(alice, "/history")
        assert history_line(1, "a refunded video", refunded=True) in history

        assert await text_of(olga, "/refund 1") == (
            "Job #1 has nothing to refund (not delivered, free, or refunded)."
        )
        assert await text_of(olga, "/refund") == "Usage: /refund <job id>"
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)


async def test_refund_of_a_failed_job_returns_nothing_more(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, olga: Person, jobs: Jobs
) -> None:
    uniall.script = [queued(), failed("Your prompt was flagged by the content policy")]
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card, _ = await create(alice, "a failed video")
        await alice.showing(card, "failed")
        await jobs.wait(1, "failed")

        assert await text_of(olga, "/refund 1") == (
            "Job #1 has nothing to refund (not delivered, free, or refunded)."
        )
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)


@pytest.mark.parametrize(
    ("status", "kind", "alert"),
    [
        pytest.param(
            402,
            "balance",
            "⚠️ Vendor uniall is out of balance: insufficient user quota",
            id="402-out-of-balance",
        ),
        pytest.param(
            401, "auth", "⚠️ Vendor uniall refuses the API key: Invalid token", id="401-key"
        ),
    ],
)
async def test_vendor_trouble_alerts_the_admin_chat_once_not_once_per_job(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    jobs: Jobs,
    status: int,
    kind: str,
    alert: str,
) -> None:
    uniall.submit_faults = [http_error(status), http_error(status)]
    async with start_bot(**CREDITS, free_credits_per_day=30, admin_chat_id=ADMIN_CHAT_ID):
        first, _ = await create(alice, "the first job")
        await jobs.wait(1, "failed")
        second, _ = await create(alice, "the second job")
        await jobs.wait(2, "failed")
        for card in (first, second):
            text = await alice.showing(card, "failed")
            assert "Veo 3.1 is not available right now. The operator has been told" in text
        await settle(telegram)

        assert uniall.submit_attempts == 2
        assert [row["failure_kind"] for row in jobs.rows()] == [kind] * 2
        assert telegram.texts(ADMIN_CHAT_ID) == [alert]
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)


async def test_health_tells_the_admins_what_went_wrong(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, olga: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(olga, "/health") == (
            "🩺 Health\ndatabase: ok\nworker: ok\nvendor uniall: unknown"
        )
        uniall.fail_next_submits("auth")
        await create(alice, "a failing video")
        await jobs.wait(1, "failed")

        assert await text_of(alice, "/health") == ADMIN_ONLY
        assert await text_of(olga, "/health") == (
            "🩺 Health\ndatabase: ok\nworker: ok\nvendor uniall: failing — auth: Invalid token"
        )
