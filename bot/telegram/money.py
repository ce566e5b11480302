"""Credits in the chat: /balance, /buy with Telegram Stars, the payment updates, support texts."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, Update

from bot.domain.credits import QuotaError, StarPack
from bot.telegram.callbacks import BuyButton, encode
from bot.telegram.context import BotContext, language_of, services
from bot.telegram.i18n import t
from bot.telegram.render import refusal_text

log = logging.getLogger(__name__)

STARS = "XTR"


def invoice_payload(pack: StarPack, user_id: int) -> str:
    return f"{pack.id}:{user_id}"


def parse_payload(payload: str) -> tuple[str, int] | None:
    pack_id, _, user = payload.partition(":")
    return (pack_id, int(user)) if user.isdigit() else None


async def balance(update: Update, context: BotContext) -> None:
    """/balance: what the person has, free and bought."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    if not found.credits.enabled:
        await message.reply_text(t(lang, "balance.free_bot"))
        return
    held = await found.credits.balance(user.id)
    await message.reply_text(
        t(
            lang,
            "balance.text",
            total=held.total,
            free=held.free,
            paid=held.paid,
            per_day=found.credits.quotas.free_per_day,
        )
    )


async def buy(update: Update, context: BotContext) -> None:
    """/buy: the credit packs, each a button that sends its Stars invoice."""
    message = update.effective_message
    if message is None:
        return
    found = services(context)
    lang = await language_of(context, update.effective_user)
    if not found.credits.enabled:
        await message.reply_text(t(lang, "balance.free_bot"))
        return
    if update.effective_user is not None:
        try:
            await found.credits.check_access(update.effective_user.id)
        except QuotaError as exc:
            await message.reply_text(refusal_text(lang, exc))
            return
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "buy.pack", credits=pack.credits, stars=pack.stars),
                callback_data=encode(BuyButton(pack.id)),
            )
        ]
        for pack in found.credits.packs.values()
    ]
    await message.reply_text(t(lang, "buy.choose"), reply_markup=InlineKeyboardMarkup(rows))


async def send_invoice(update: Update, context: BotContext, pack: StarPack, lang: str) -> None:
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    await context.bot.send_invoice(
        chat.id,
        title=t(lang, "buy.title", credits=pack.credits),
        description=t(lang, "buy.description", credits=pack.credits, stars=pack.stars),
        payload=invoice_payload(pack, user.id),
        currency=STARS,
        prices=[LabeledPrice(t(lang, "buy.title", credits=pack.credits), pack.stars)],
        provider_token="",
    )


async def pre_checkout(update: Update, context: BotContext) -> None:
    """Answer at once: yes for a known pack, its price, its buyer; no with a reason otherwise."""
    query = update.pre_checkout_query
    if query is None:
        return
    found = services(context)
    lang = await language_of(context, query.from_user)
    parsed = parse_payload(query.invoice_payload)
    pack = found.credits.packs.get(parsed[0]) if parsed else None
    if (
        parsed is None
        or pack is None
        or parsed[1] != query.from_user.id
        or query.currency != STARS
        or query.total_amount != pack.stars
        or not found.credits.enabled
    ):
        await query.answer(ok=False, error_message=t(lang, "buy.invalid"))
        return
    try:
        await found.credits.check_access(query.from_user.id)
    except QuotaError as exc:
        await query.answer(ok=False, error_message=refusal_text(lang, exc))
        return
    await query.answer(ok=True)


async def successful_payment(update: Update, context: BotContext) -> None:
    """Credit a payment exactly once per telegram_payment_charge_id."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.successful_payment is None:
        return
    payment = message.successful_payment
    found = services(context)
    lang = await language_of(context, user)
    parsed = parse_payload(payment.invoice_payload)
    pack = found.credits.packs.get(parsed[0]) if parsed else None
    if pack is None:
        log.error("payment %s for an unknown pack", payment.telegram_payment_charge_id)
        return
    credited = await found.credits.credit_purchase(
        user.id, pack, payment.telegram_payment_charge_id
    )
    if not credited:
        log.info("payment %s was already credited", payment.telegram_payment_charge_id)
        return
    held = await found.credits.balance(user.id)
    await message.reply_text(t(lang, "buy.thanks", credits=pack.credits, total=held.total))


async def paysupport(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    found = services(context)
    lang = await language_of(context, update.effective_user)
    await message.reply_text(t(lang, "paysupport", contact=found.support_contact))


async def terms(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = await language_of(context, update.effective_user)
    await message.reply_text(t(lang, "terms"))
