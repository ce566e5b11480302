"""Telegram Stars end to end: /buy, the invoice, pre-checkout, the payment, refunds.

Per the issue: a Stars purchase (invoice, pre-checkout, successful payment, duplicated delivery of
the same payment update) and a refund; successful_payment credits exactly once per
telegram_payment_charge_id, also when it arrives twice or after a restart (pending updates are
never dropped at start); an admin can refund a purchase with refundStarPayment, which takes the
credits back if they are unspent.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.support.credits import (
    ADMIN_CHAT_ID,
    ADMIN_ONLY,
    CHOOSE_PACK,
    CREDITS,
    OFFER_INVALID,
    OLGA,
    PACK_BUTTONS,
    balance_text,
    delivered,
    text_of,
    thanks,
)
from tests.support.harness import ALICE, Jobs, Person, StartBot, settle

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight


def last_payment_update(telegram: FakeTelegram) -> dict[str, Any]:
    """The successful_payment update the fake queued last, exactly as the bot received it."""
    return next(u for u in reversed(telegram.all_updates) if "successful_payment" in u["message"])


def send_payment(
    telegram: FakeTelegram,
    person: Person,
    *,
    payload: str,
    stars: int,
    charge_id: str,
    currency: str = "XTR",
) -> int:
    """Queue a successful_payment from `person`; return how many messages the chat had before."""
    before = len(telegram.messages(person.chat.id))
    telegram.successful_payment(
        person.user,
        person.chat,
        payload=payload,
        total_amount=stars,
        charge_id=charge_id,
        currency=currency,
    )
    return before


async def pay(
    telegram: FakeTelegram, person: Person, *, payload: str, stars: int, charge_id: str
) -> str:
    """Deliver a successful_payment and return the bot's answer."""
    before = send_payment(telegram, person, payload=payload, stars=stars, charge_id=charge_id)
    return (await person.next_message(before)).text or ""


async def test_a_stars_purchase_is_credited_once_even_when_delivered_twice(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)

        menu = await alice.say("/buy")
        assert menu.text == CHOOSE_PACK
        assert [label for label, _ in menu.buttons()] == PACK_BUTTONS

        answer = await alice.press(menu, "220 credits")
        assert not answer.get("show_alert")
        invoice = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "invoice")
        params = invoice.params
        assert (params["title"], params["description"]) == (
            "220 credits",
            "220 credits for making videos, for 200 Telegram Stars.",
        )
        assert (params["payload"], params["currency"]) == (f"m:{ALICE.id}", "XTR")
        assert params["prices"] == [{"label": "220 credits", "amount": 200}]
        assert invoice.media["total_amount"] == 200

        query_id = telegram.pre_checkout(ALICE, payload=f"m:{ALICE.id}", total_amount=200)
        answered = await telegram.wait_for(lambda: telegram.pre_checkout_answer(query_id))
        assert answered == {"pre_checkout_query_id": query_id, "ok": True}

        said = await pay(telegram, alice, payload=f"m:{ALICE.id}", stars=200, charge_id="ch-m-1")
        assert said == thanks(220, 250)

        # Telegram delivers the very same payment update once more: nothing is credited again.
        messages = len(telegram.messages(alice.chat.id))
        telegram.push_raw_update(last_payment_update(telegram))
        await settle(telegram)
        assert len(telegram.messages(alice.chat.id)) == messages

        assert await text_of(alice, "/balance") == balance_text(30, 220, 30)


@pytest.mark.parametrize(
    ("payload", "stars", "currency"),
    [
        pytest.param(f"m:{ALICE.id}", 50, "XTR", id="wrong-amount"),
        pytest.param(f"xl:{ALICE.id}", 500, "XTR", id="unknown-pack"),
        pytest.param("m:1002", 200, "XTR", id="another-user's-payload"),
        pytest.param("m", 200, "XTR", id="payload-without-user"),
        pytest.param(f"m:{ALICE.id}", 200, "USD", id="not-stars"),
    ],
)
async def test_pre_checkout_refuses_an_offer_that_is_not_valid(
    start_bot: StartBot,
    telegram: FakeTelegram,
    alice: Person,
    payload: str,
    stars: int,
    currency: str,
) -> None:
    async with start_bot(**CREDITS):
        query_id = telegram.pre_checkout(
            ALICE, payload=payload, total_amount=stars, currency=currency
        )
        answered = await telegram.wait_for(lambda: telegram.pre_checkout_answer(query_id))

    assert answered == {
        "pre_checkout_query_id": query_id,
        "ok": False,
        "error_message": OFFER_INVALID,
    }


async def test_a_payment_delivered_again_after_a_restart_is_credited_once(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS):
        said = await pay(telegram, alice, payload=f"s:{ALICE.id}", stars=50, charge_id="ch-s-1")
        assert said == thanks(50, 50)
    update = last_payment_update(telegram)

    async with start_bot(**CREDITS):
        messages = len(telegram.messages(alice.chat.id))
        telegram.push_raw_update(update)  # the same update, after the restart
        await settle(telegram)
        assert len(telegram.messages(alice.chat.id)) == messages
        assert await text_of(alice, "/balance") == balance_text(0, 50, 0)


async def test_a_payment_sent_while_the_bot_was_stopped_is_credited_at_start(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS):
        assert await text_of(alice, "/balance") == balance_text(0, 0, 0)

    before = send_payment(telegram, alice, payload=f"l:{ALICE.id}", stars=500, charge_id="ch-l-1")
    assert telegram.pending_updates == 1

    async with start_bot(**CREDITS):
        said = await alice.next_message(before)
        assert said.text == thanks(600, 600)
        assert await text_of(alice, "/balance") == balance_text(0, 600, 0)


async def test_an_admin_refunds_unspent_stars_and_the_credits_go_back(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, olga: Person
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        await pay(telegram, alice, payload=f"s:{ALICE.id}", stars=50, charge_id="ch-s-9")
        assert await text_of(alice, "/balance") == balance_text(30, 50, 30)

        # Alice is no admin: nothing is refunded.
        assert await text_of(alice, "/refundstars ch-s-9") == ADMIN_ONLY
        assert telegram.calls_to("refundStarPayment") == []

        assert await text_of(olga, "/refundstars ch-s-9") == (
            f"Refunded payment ch-s-9 of {ALICE.id}; took back 50 credits."
        )
        assert telegram.refunds == [{"user_id": ALICE.id, "telegram_payment_charge_id": "ch-s-9"}]
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)

        # A second refund of the same payment is refused without asking Telegram again.
        assert await text_of(olga, "/refundstars ch-s-9") == (
            "Payment ch-s-9 cannot be refunded: unknown, already refunded, or its credits are "
            "spent."
        )
        assert await text_of(olga, "/refundstars") == (
            "Usage: /refundstars <telegram payment charge id>"
        )
        assert len(telegram.calls_to("refundStarPayment")) == 1
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)


async def test_stars_whose_credits_are_spent_are_not_refunded(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, olga: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS):
        await pay(telegram, alice, payload=f"s:{ALICE.id}", stars=50, charge_id="ch-s-5")
        await delivered(alice, jobs, "a paper boat on a puddle")
        assert await text_of(alice, "/balance") == balance_text(0, 40, 0)

        assert await text_of(olga, "/refundstars ch-s-5") == (
            "Payment ch-s-5 cannot be refunded: unknown, already refunded, or its credits are "
            "spent."
        )
        assert telegram.calls_to("refundStarPayment") == []
        assert telegram.refunds == []
        assert await text_of(alice, "/balance") == balance_text(0, 40, 0)


async def test_two_copies_of_a_payment_arriving_together_credit_once(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS):
        assert await text_of(alice, "/balance") == balance_text(0, 0, 0)
        before = send_payment(
            telegram, alice, payload=f"m:{ALICE.id}", stars=200, charge_id="ch-m-2"
        )
        telegram.push_raw_update(last_payment_update(telegram))
        await settle(telegram)

        assert telegram.texts(alice.chat.id)[before:] == [thanks(220, 220)]
        assert await text_of(alice, "/balance") == balance_text(0, 220, 0)


async def test_when_telegram_refuses_a_star_refund_the_credits_stay(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, olga: Person
) -> None:
    async with start_bot(**CREDITS):
        await pay(telegram, alice, payload=f"s:{ALICE.id}", stars=50, charge_id="ch-s-7")
        telegram.fail_next(
            "refundStarPayment", error_code=400, description="Bad Request: CHARGE_NOT_FOUND"
        )

        said = await text_of(olga, "/refundstars ch-s-7")

        assert said == "Telegram refused the refund: Charge_not_found"  # as PTB words it
        assert telegram.refunds == []
        assert await text_of(alice, "/balance") == balance_text(0, 50, 0)


async def test_without_credits_videos_are_free_and_nothing_is_sold(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(credits_enabled=False, admin_user_ids=(OLGA.id,)):
        assert await text_of(alice, "/balance") == "Videos are free on this bot."
        assert await text_of(alice, "/buy") == "Videos are free on this bot."
        card = await alice.say("/video a free video")
        assert "💳" not in (card.text or "")
        query_id = telegram.pre_checkout(ALICE, payload=f"s:{ALICE.id}", total_amount=50)
        answered = await telegram.wait_for(lambda: telegram.pre_checkout_answer(query_id))

    assert answered == {
        "pre_checkout_query_id": query_id,
        "ok": False,
        "error_message": OFFER_INVALID,
    }
    assert telegram.calls_to("sendInvoice") == []


REFUNDED = (
    "This payment did not match the offer, so nothing was credited and your Stars were given "
    "back. Send /buy to choose a pack."
)


@pytest.mark.parametrize(
    ("payload", "stars", "currency", "expected"),
    [
        pytest.param(f"l:{ALICE.id}", 1, "XTR", "pack l costs 500 XTR", id="1-star-for-500"),
        pytest.param(f"s:{ALICE.id}", 50, "USD", "pack s costs 50 XTR", id="not-stars"),
        pytest.param(f"xl:{ALICE.id}", 500, "XTR", "no such pack", id="unknown-pack"),
    ],
)
async def test_a_payment_that_does_not_match_its_pack_is_refunded_not_credited(
    start_bot: StartBot,
    telegram: FakeTelegram,
    alice: Person,
    payload: str,
    stars: int,
    currency: str,
    expected: str,
) -> None:
    async with start_bot(**CREDITS, admin_chat_id=ADMIN_CHAT_ID):
        before = send_payment(
            telegram, alice, payload=payload, stars=stars, charge_id="ch-odd", currency=currency
        )
        assert (await alice.next_message(before)).text == REFUNDED
        await telegram.wait_for(lambda: telegram.texts(OLGA.id))

        # The same update again: refunded already, nothing more said or done.
        telegram.push_raw_update(last_payment_update(telegram))
        await settle(telegram)

        assert telegram.refunds == [{"user_id": ALICE.id, "telegram_payment_charge_id": "ch-odd"}]
        report = (
            f"⚠️ Payment ch-odd from {ALICE.id} ({stars} {currency}, {expected}) did not match "
            "its pack; refunded, nothing credited."
        )
        assert telegram.texts(ADMIN_CHAT_ID) == [report]
        assert telegram.texts(OLGA.id) == [report]
        assert telegram.texts(alice.chat.id)[before:] == [REFUNDED]
        assert await text_of(alice, "/balance") == balance_text(0, 0, 0)


async def test_when_the_refund_of_a_mismatched_payment_fails_the_admins_hear_it(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS, admin_chat_id=ADMIN_CHAT_ID):
        telegram.fail_next(
            "refundStarPayment", error_code=400, description="Bad Request: CHARGE_NOT_FOUND"
        )
        said = await pay(telegram, alice, payload=f"l:{ALICE.id}", stars=1, charge_id="ch-l-1")

        assert said == (
            "This payment did not match the offer, so nothing was credited. The operator has "
            "been told and will give your Stars back."
        )
        await telegram.wait_for(lambda: telegram.texts(ADMIN_CHAT_ID))
        assert telegram.texts(ADMIN_CHAT_ID) == [
            f"⚠️ Payment ch-l-1 from {ALICE.id} (1 XTR, pack l costs 500 XTR) did not match its "
            "pack; the refund failed (Charge_not_found)."
        ]
        assert telegram.refunds == []
        assert await text_of(alice, "/balance") == balance_text(0, 0, 0)
