"""Helpers for the credit, payment, quota and admin tests: people, texts, jobs and a fixed day."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.harness import BOB, Jobs, Person

OLGA = TgUser(id=4242, first_name="Olga", language_code="en")  # the operator in these tests
ADMIN_CHAT_ID = -100777
PRICE = 10  # Fast · 720p · 8 s · with sound, the default card, at the default prices

ADMIN_ONLY = "This command is for the bot's admins."
OFFER_INVALID = "This offer is no longer valid. Send /buy again."
CHOOSE_PACK = "Choose a pack of credits (paid with Telegram Stars):"
PACK_BUTTONS = ["50 credits · ⭐ 50", "220 credits · ⭐ 200", "600 credits · ⭐ 500"]
DEFAULT_SETTINGS = "Fast · 720p · 16:9 · 8 s · 🔊 Sound"


def balance_text(free: int, paid: int, per_day: int) -> str:
    """The exact /balance answer (locales/en.py "balance.text")."""
    return (
        f"💳 You have {free + paid} credits: {free} free for today and {paid} bought. "
        f"Your free credits come back to {per_day} every day (UTC). /buy adds more."
    )


def cost_line(price: int, balance: int) -> str:
    return f"💳 Costs {price} credits · you have {balance}"


def thanks(credits: int, total: int) -> str:
    return f"⭐ Thank you! {credits} credits added; you now have {total}."


def dm(telegram: FakeTelegram, user: TgUser) -> Person:
    """`user` in a direct message with the bot."""
    return Person(telegram, user, TgChat.private(user))


def bob(telegram: FakeTelegram) -> Person:
    return dm(telegram, BOB)


def admin(telegram: FakeTelegram) -> Person:
    return dm(telegram, OLGA)


# Settings overrides for `start_bot`: credits on and the operator Olga as the only admin.
CREDITS: dict[str, Any] = {"credits_enabled": True, "admin_user_ids": (OLGA.id,)}


async def text_of(person: Person, text: str) -> str:
    """Send `text` and return the text of the bot's answer."""
    return (await person.say(text)).text or ""


async def open_card(person: Person, prompt: str) -> SentMessage:
    card = await person.say(f"/video {prompt}")
    assert (card.text or "").startswith("🎬 New video"), card.text
    return card


async def create(person: Person, prompt: str) -> tuple[SentMessage, dict[str, Any]]:
    """Open a card with `prompt` and tap ▶️ Create video: (the card, the callback answer)."""
    card = await open_card(person, prompt)
    answer = await person.press(card, "Create video")
    return card, answer


async def delivered(person: Person, jobs: Jobs, prompt: str, job_id: int = 1) -> dict[str, Any]:
    """Create a video with `prompt` and wait until it (job `job_id`) is delivered; its row."""
    await create(person, prompt)
    return await jobs.wait(job_id, "delivered")


async def card_showing(person: Person, card: SentMessage, line: str) -> str:
    """Wait until the card (edited after a tap) has `line` as one of its paragraphs."""

    def shown() -> str | None:
        current = person.current(card).text or ""
        return current if line in current.split("\n\n") else None

    return await person.telegram.wait_for(shown)


def refusal(answer: dict[str, Any]) -> tuple[str, bool]:
    """(text, show_alert) of a callback answer."""
    return str(answer.get("text")), bool(answer.get("show_alert"))


def history_line(
    job_id: int,
    prompt: str,
    *,
    state: str = "delivered",
    icon: str = "✅",
    price: int = PRICE,
    refunded: bool = False,
) -> str:
    line = f"{icon} #{job_id} · {state} · Text only\n📝 {prompt}\n⚙️ {DEFAULT_SETTINGS}"
    line += f" · 💳 {price}"
    if refunded:
        line += " (refunded)"
    return line
