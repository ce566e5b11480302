"""The admin loop (issue 14): confirmation cards that act once, a stranger's knock on a private
bot with ✅ Allow, and operator alerts that reach each admin when ADMIN_CHAT_ID is unset."""

from __future__ import annotations

import pytest

from bot.telegram.callbacks import ConfirmAction
from tests.fakes.telegram import FakeTelegram, TgUser
from tests.fakes.uniall import FakeUniAll, http_error
from tests.support.credits import (
    ADMIN_ONLY,
    CREDITS,
    OLGA,
    admin,
    balance_text,
    bob,
    create,
    dm,
    text_of,
)
from tests.support.harness import ALICE, BOB, DAY, Jobs, OffsetClock, Person, StartBot, settle

pytestmark = pytest.mark.midday

ALREADY = "This was already confirmed; nothing more was done."
EXPIRED_BUTTON = "This button has expired. Send /video to start again."
IVAN = TgUser(id=4343, first_name="Ivan", username="ivan_ops")  # a second admin


async def test_a_confirmation_acts_once_and_only_for_admins(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, clock: OffsetClock
) -> None:
    olga, bob_dm = admin(telegram), bob(telegram)
    async with start_bot(**CREDITS, free_credits_per_day=30):
        await text_of(alice, "/balance")
        card = await olga.say(f"/grant {ALICE.id} 50")
        data = telegram.message(OLGA.id, card.message_id).button_data("Confirm")

        # Bob, who is no admin, presses the same data on a message of his own: refused.
        own = await bob_dm.say("/balance")
        answer = await bob_dm.press_data(own.message_id, data)
        assert (answer["text"], answer["show_alert"]) == (ADMIN_ONLY, True)
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)

        # Two presses at once: one grant, and the other is told it was done.
        first, second = (
            telegram.press_button(OLGA, olga.chat, card.message_id, data) for _ in range(2)
        )
        answers = [
            await telegram.wait_for(lambda q=q: telegram.callback_answer(q))
            for q in (first, second)
        ]
        assert sorted(str(a.get("text")) for a in answers) == sorted([ALREADY, "None"])
        await telegram.wait_for(lambda: "You received" in telegram.texts(ALICE.id)[-1])
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)
        assert (await olga.press_data(card.message_id, data))["text"] == ALREADY
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)

        # A forged action id is an expired button; a cancelled card does nothing.
        forged = ConfirmAction(999).pack()
        assert (await olga.press_data(card.message_id, forged))["text"] == EXPIRED_BUTTON
        cancelled = await olga.say(f"/grant {ALICE.id} 7")
        await olga.press(cancelled, "Cancel")
        assert await olga.showing(cancelled, "Cancelled") == "✖️ Cancelled: nothing was done."
        again = telegram.message(OLGA.id, cancelled.message_id)
        assert again.buttons() == []
        answer = await olga.press_data(cancelled.message_id, ConfirmAction(2).pack())
        assert answer["text"] == "This was cancelled. Send the command again."

        # A card left for more than 15 minutes has expired.
        stale = await olga.say(f"/grant {ALICE.id} 9")
        clock.advance(16 * 60)
        answer = await olga.press(stale, "Confirm")
        assert answer["text"] == "This confirmation has expired. Send the command again."
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)


async def test_taking_back_credits_from_someone_who_never_used_the_bot(
    start_bot: StartBot, telegram: FakeTelegram, olga: Person
) -> None:
    async with start_bot(**CREDITS):
        card = await olga.say("/grant 5555 -20")
        assert card.text == "➖ Take back 20 credits from id 5555 (has not used the bot)?\n" + (
            "They have 0 now."
        )
        await olga.press(card, "Confirm")
        shown = await olga.showing(card, "Nothing moved")
        assert shown == "Nothing moved for id 5555 (has not used the bot): they have 0 credits."


async def test_a_person_who_blocked_the_bot_is_not_told_and_the_admin_knows(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    olga, bob_dm = admin(telegram), bob(telegram)
    async with start_bot(**CREDITS):
        await text_of(bob_dm, "/balance")
        telegram.blocked.add(BOB.id)
        assert await text_of(olga, f"/ban {BOB.id}") == (
            f"Bob (id {BOB.id}) is banned. They could not be told "
            "(they blocked the bot or never opened a chat with it)."
        )


async def test_a_stranger_knocks_once_a_day_and_an_admin_lets_them_in(
    start_bot: StartBot, telegram: FakeTelegram, clock: OffsetClock
) -> None:
    olga, ivan, bob_dm = admin(telegram), dm(telegram, IVAN), bob(telegram)
    private = f"This bot is private. Ask its admin to add you: your Telegram id is {BOB.id}."
    knock = f"🔐 Bob (id {BOB.id}) asked to use this private bot."
    async with start_bot(**{**CREDITS, "admin_user_ids": (OLGA.id, IVAN.id)}, allowed_user_ids=()):
        assert await text_of(bob_dm, "/video please") == private
        await telegram.wait_for(lambda: telegram.texts(IVAN.id))
        assert telegram.texts(OLGA.id) == telegram.texts(IVAN.id) == [knock]
        assert await text_of(bob_dm, "/video please please") == private
        await settle(telegram)
        assert telegram.texts(OLGA.id) == [knock]  # once a day, not once a message

        clock.advance(DAY)
        assert await text_of(bob_dm, "/video a day later") == private
        await telegram.wait_for(lambda: len(telegram.texts(OLGA.id)) == 2)
        notice = telegram.last_message(OLGA.id)

        answer = await bob_dm.press_data(
            (await bob_dm.say("/balance")).message_id, notice.button_data("Allow")
        )
        assert answer["text"] == ADMIN_ONLY
        await olga.press(notice, "Allow")
        assert await olga.showing(notice, "may now use") == (
            f"✅ Bob (id {BOB.id}) may now use the bot (allowed by Olga). They were told."
        )
        assert telegram.texts(BOB.id)[-1] == (
            "✅ An admin has let you in: you may now use this bot. Send /video to make a video."
        )
        assert (await text_of(bob_dm, "/video let me in")).startswith("🎬 New video")
        # Ivan's copy of the same notice: already allowed, nothing sent again.
        ivans = telegram.last_message(IVAN.id)
        answer = await ivan.press(ivans, "Allow")
        assert answer["text"] == f"Bob (id {BOB.id}) may already use the bot."


async def test_alerts_reach_every_admin_when_no_admin_chat_is_set(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [http_error(402)]
    alert = "⚠️ Vendor uniall is out of balance: insufficient user quota"
    async with start_bot(
        **{**CREDITS, "admin_user_ids": (OLGA.id, IVAN.id)}, free_credits_per_day=30
    ):
        await create(alice, "a job the vendor cannot pay for")
        await jobs.wait(1, "failed")
        await telegram.wait_for(lambda: telegram.texts(IVAN.id))
        await telegram.wait_for(lambda: telegram.texts(OLGA.id))
        assert telegram.texts(OLGA.id) == telegram.texts(IVAN.id) == [alert]


async def test_a_payment_report_reaches_each_admin_once_without_an_admin_chat(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS):
        telegram.successful_payment(
            ALICE, alice.chat, payload=f"s:{ALICE.id}", total_amount=1, charge_id="ch-odd"
        )
        await telegram.wait_for(lambda: telegram.texts(OLGA.id))
        await settle(telegram)
        assert telegram.texts(OLGA.id) == [
            f"⚠️ Payment ch-odd from {ALICE.id} (1 XTR, pack s costs 50 XTR) did not match "
            "its pack; refunded, nothing credited."
        ]
