"""A card its person cannot afford is no dead end (issue 13): it says so, offers ⭐ Buy credits
(an invoice within two taps) and the cheapest options that fit, and a new card never starts
from the last expensive options when they do not fit. English and Chinese."""

from __future__ import annotations

import pytest

from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.credits import CHOOSE_PACK, CREDITS, PACK_BUTTONS, card_showing, open_card
from tests.support.harness import ALICE, Jobs, Person, StartBot

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")
SHORT = (
    "💳 Costs 15 credits · you have 5: not enough for these options. "
    "⭐ Buy credits, or switch to options that fit."
)


def labels(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons()]


async def test_short_of_credits_the_card_offers_to_buy_an_invoice_two_taps_away_then_creates(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=5):
        # 10 credits do not fit 5: the card starts from options that do.
        card = await open_card(alice, "a fox in the snow")
        assert "⚙️ Fast · 720p · 16:9 · 4 s · 🔊 Sound" in (card.text or "").split("\n\n")
        assert "💳 Costs 5 credits · you have 5" in (card.text or "").split("\n\n")
        assert "⭐ Buy credits" not in labels(card)

        await alice.press(card, "Quality")
        shown = await card_showing(alice, card, SHORT)
        short = labels(alice.current(card))
        create = await alice.press(card, "Create video")

        packs = await alice.press_for_question(card, "Buy credits")  # tap 1
        await alice.press(packs, "50 credits")  # tap 2
        invoice = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "invoice")

        # Paid: the open card shows the new balance and creates the video.
        telegram.successful_payment(
            alice.user, alice.chat, payload=f"s:{ALICE.id}", total_amount=50, charge_id="ch-1"
        )
        await card_showing(alice, card, "💳 Costs 15 credits · you have 55")
        paid = labels(alice.current(card))
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")

    assert "⚙️ Quality · 720p · 16:9 · 4 s · 🔊 Sound" in shown.split("\n\n")
    assert not any(label.startswith(("⭐", "💡")) for label in paid)
    assert short[-4:] == [
        "⭐ Buy credits",
        "💡 Fast · 🔇 Silent · 4 credits",
        "✖️ Cancel",
        "▶️ Create video",
    ]
    assert create == {
        "callback_query_id": create["callback_query_id"],
        "text": "This video costs 15 credits and you have 5: tap ⭐ Buy credits on the card, "
        "or choose cheaper options.",
        "show_alert": True,
    }
    assert packs.text == CHOOSE_PACK
    assert labels(packs) == PACK_BUTTONS
    assert (invoice.params["payload"], invoice.params["currency"]) == (f"s:{ALICE.id}", "XTR")
    assert invoice.params["prices"] == [{"label": "50 credits", "amount": 50}]
    [job] = jobs.rows()
    assert (job["state"], job["price"]) == ("delivered", 15)


async def test_the_cheaper_options_button_switches_the_card_to_options_that_fit(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=20):
        card = await open_card(alice, "a fox in the snow")
        await alice.press(card, "4K")
        await card_showing(
            alice,
            card,
            "💳 Costs 30 credits · you have 20: not enough for these options. "
            "⭐ Buy credits, or switch to options that fit.",
        )
        cheaper = next(label for label in labels(alice.current(card)) if label.startswith("💡"))
        await alice.press(card, "💡")
        await card_showing(alice, card, "💳 Costs 4 credits · you have 20")
        switched = alice.current(card)
        switched_text, switched_labels = switched.text or "", labels(switched)
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")

    assert cheaper == "💡 720p · 4 s · 🔇 Silent · 4 credits"
    assert "⚙️ Fast · 720p · 16:9 · 4 s · 🔇 Silent" in switched_text.split("\n\n")
    assert not any(label.startswith(("💡", "⭐")) for label in switched_labels)
    assert jobs.rows()[0]["price"] == 4


async def test_a_new_card_starts_from_options_that_fit_not_the_last_expensive_ones(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        settings = await alice.say("/settings")
        await alice.press(settings, "Quality")
        await alice.showing(settings, "Quality ·")
        await alice.press(settings, "1080p")
        await alice.showing(settings, "Quality · 1080p")
        await alice.press(settings, "Done")

        card = await open_card(alice, "a fox in the snow")

    # Quality 1080p costs 45: the nearest choice that fits 30 keeps the tier.
    paragraphs = (card.text or "").split("\n\n")
    assert "⚙️ Quality · 720p · 16:9 · 8 s · 🔊 Sound" in paragraphs
    assert "💳 Costs 30 credits · you have 30" in paragraphs


async def test_when_nothing_fits_the_card_offers_only_to_buy(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=2):
        card = await open_card(alice, "a fox in the snow")

    paragraphs = (card.text or "").split("\n\n")
    assert "⚙️ Fast · 720p · 16:9 · 4 s · 🔇 Silent" in paragraphs
    assert (
        "💳 Costs 4 credits · you have 2: not enough for any video. ⭐ Buy credits to go on."
        in paragraphs
    )
    assert "⭐ Buy credits" in labels(card)
    assert not any(label.startswith("💡") for label in labels(card))


async def test_short_of_credits_in_chinese(
    start_bot: StartBot, telegram: FakeTelegram, jobs: Jobs
) -> None:
    xiaoming = Person(telegram, XIAOMING, TgChat.private(XIAOMING))
    async with start_bot(**CREDITS, free_credits_per_day=5):
        card = await xiaoming.say("/video 一只红狐狸在雪地里")
        await xiaoming.press(card, "高质量")
        shown = await card_showing(
            xiaoming,
            card,
            "💳 花费 15 点 · 你有 5 点：不够用这些选项。可以 ⭐ 购买点数，或换成够用的选项。",
        )
        short = labels(xiaoming.current(card))
        packs = await xiaoming.press_for_question(card, "购买点数")
        await xiaoming.press(packs, "50")
        invoice = await telegram.wait_for_message(xiaoming.chat.id, lambda m: m.kind == "invoice")

    assert "⚙️ 高质量 · 720p · 16:9 · 4 秒 · 🔊 有声" in shown.split("\n\n")
    assert "⭐ 购买点数" in short
    assert "💡 快速 · 🔇 静音 · 4 点" in short
    assert packs.text == "选择点数包（用 Telegram 星星支付）："
    assert invoice.params["payload"] == f"s:{XIAOMING.id}"
