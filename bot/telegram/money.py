"""Credits in the chat: /balance, /buy with Telegram Stars, the payment updates, support texts."""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, SuccessfulPayment
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.domain.credits import StarPack
from bot.domain.drafts import DraftStep
from bot.domain.errors import Refusal, StaleButtonError
from bot.services.referrals import PREFIX as REFERRAL_PREFIX
from bot.telegram import wizard
from bot.telegram.callbacks import BuyButton, ShowPacks
from bot.telegram.context import Turn, for_everyone, on_button, on_update, pre_checkout_of
from bot.telegram.i18n import listing, t

log = logging.getLogger(__name__)

STARS = "XTR"


def invoice_payload(pack: StarPack, user_id: int) -> str:
    return f"{pack.id}:{user_id}"


def parse_payload(payload: str) -> tuple[str, int] | None:
    pack_id, _, user = payload.partition(":")
    return (pack_id, int(user)) if user.isdigit() else None


async def balance_text(turn: Turn) -> str:
    """What the person has, free and bought (/balance answers it where it is private)."""
    credits = turn.services.credits
    if not credits.enabled:
        return t(turn.lang, "balance.free_bot")
    held = await credits.balance(turn.user.id)
    return t(
        turn.lang,
        "balance.text",
        total=held.total,
        free=held.free,
        paid=held.paid,
        per_day=credits.quotas.free_per_day,
    ) + await _referral_line(turn)


async def _referral_line(turn: Turn) -> str:
    """The person's invitation link, when referrals give credits."""
    referrals = turn.services.referrals
    if not referrals.enabled:
        return ""
    code = await referrals.code_for(turn.user.id)
    link = turn.start_link(REFERRAL_PREFIX + code)
    return t(turn.lang, "balance.referral", credits=referrals.credits_each, link=link)


@on_update
async def buy(turn: Turn) -> None:
    """/buy: the credit packs, each a button that sends its Stars invoice."""
    if not turn.services.credits.enabled:
        await turn.reply(t(turn.lang, "balance.free_bot"))
        return
    await turn.services.credits.check_access(turn.user.id)
    await _send_packs(turn)


@on_button(ShowPacks)
async def show_packs(turn: Turn, button: ShowPacks) -> None:
    """⭐ Buy credits on a card its person cannot afford: the packs, one tap from an invoice."""
    if not turn.services.credits.enabled:
        raise StaleButtonError
    await turn.services.credits.check_access(turn.user.id)  # refused before it is answered
    await turn.query.answer()
    await _send_packs(turn)


async def _send_packs(turn: Turn) -> None:
    """The credit packs, each a button that sends its Stars invoice."""
    credits, lang = turn.services.credits, turn.lang
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "buy.pack", credits=pack.credits, stars=pack.stars),
                callback_data=BuyButton(pack.id).pack(),
            )
        ]
        for pack in credits.packs.values()
    ]
    await turn.reply(t(lang, "buy.choose"), reply_markup=InlineKeyboardMarkup(rows))


@on_button(BuyButton)
async def send_invoice(turn: Turn, button: BuyButton) -> None:
    """A pack's button: its Stars invoice."""
    credits, lang = turn.services.credits, turn.lang
    pack = credits.packs.get(button.pack_id)
    if pack is None or not credits.enabled:
        raise StaleButtonError
    await turn.query.answer()
    chat = turn.update.effective_chat
    if chat is None:
        return
    await turn.bot.send_invoice(
        chat.id,
        title=t(lang, "buy.title", credits=pack.credits),
        description=t(lang, "buy.description", credits=pack.credits, stars=pack.stars),
        payload=invoice_payload(pack, turn.user.id),
        currency=STARS,
        prices=[LabeledPrice(t(lang, "buy.title", credits=pack.credits), pack.stars)],
        provider_token="",
    )


@on_update
async def pre_checkout(turn: Turn) -> None:
    """Answer at once: yes for a known pack, its price, its buyer; no with a reason otherwise."""
    query = pre_checkout_of(turn)
    credits = turn.services.credits
    parsed = parse_payload(query.invoice_payload)
    pack = credits.packs.get(parsed[0]) if parsed else None
    if (
        parsed is None
        or pack is None
        or parsed[1] != query.from_user.id
        or query.currency != STARS
        or query.total_amount != pack.stars
        or not credits.enabled
    ):
        raise Refusal("buy.invalid")
    await credits.check_access(query.from_user.id)
    await query.answer(ok=True)


@for_everyone
async def successful_payment(turn: Turn) -> None:
    """Credit a payment exactly once per telegram_payment_charge_id; refund one that does not
    match its pack (price, currency), and tell the admins."""
    payment = turn.message.successful_payment
    if payment is None:
        return
    credits = turn.services.credits
    parsed = parse_payload(payment.invoice_payload)
    pack = credits.packs.get(parsed[0]) if parsed else None
    if pack is None or payment.currency != STARS or payment.total_amount != pack.stars:
        await _refund_mismatch(turn, payment, pack)
        return
    credited = await credits.credit_purchase(
        turn.user.id, pack, payment.telegram_payment_charge_id
    )
    if not credited:
        log.info("payment %s was already credited", payment.telegram_payment_charge_id)
        return
    held = await credits.balance(turn.user.id)
    await turn.reply(t(turn.lang, "buy.thanks", credits=pack.credits, total=held.total))
    await _refresh_card(turn)


async def _refresh_card(turn: Turn) -> None:
    """The person's open card here shows the new balance (it said "not enough" before)."""
    found = turn.services
    draft = await found.drafts.current(turn.message.chat_id, turn.user.id)
    if draft is None or draft.step is not DraftStep.OPTIONS or draft.card_message_id is None:
        return
    text, keyboard = await wizard.card_view(draft, found)
    with contextlib.suppress(TelegramError):  # the card is gone, or already shows this
        await turn.bot.edit_message_text(
            text,
            chat_id=turn.message.chat_id,
            message_id=draft.card_message_id,
            reply_markup=keyboard,
        )


async def _refund_mismatch(turn: Turn, payment: SuccessfulPayment, pack: StarPack | None) -> None:
    """A payment its pack does not explain: give the Stars back, credit nothing, tell everyone."""
    charge, user = payment.telegram_payment_charge_id, turn.user.id
    paid = f"{payment.total_amount} {payment.currency}"
    expected = f"pack {pack.id} costs {pack.stars} {STARS}" if pack else "no such pack"
    what = f"Payment {charge} from {user} ({paid}, {expected}) did not match its pack"
    try:
        await turn.bot.refund_star_payment(user, charge)
    except TelegramError as exc:
        if "already_refunded" in exc.message.lower():
            log.info("%s; already refunded (the same update again)", what)
            return
        log.error("%s; the refund failed: %s", what, exc.message)
        await _tell_admins(turn, charge, f"{what}; the refund failed ({exc.message}).")
        await turn.reply(t(turn.lang, "buy.refund_failed"))
        return
    log.warning("%s; refunded", what)
    await _tell_admins(turn, charge, f"{what}; refunded, nothing credited.")
    await turn.reply(t(turn.lang, "buy.refunded"))


async def _tell_admins(turn: Turn, charge: str, text: str) -> None:
    """ADMIN_CHAT_ID (through the operator alerts) and each admin who can be reached."""
    await turn.services.alerts.trouble(f"payment:{charge}", text)
    if turn.services.alerts.to_each_admin:
        return  # the alert itself went to each admin
    for admin in sorted(turn.services.credits.admins):
        try:
            await turn.bot.send_message(admin, f"⚠️ {text}")
        except TelegramError as exc:
            log.info("could not tell admin %s: %s", admin, exc.message)


@for_everyone
async def paysupport(turn: Turn) -> None:
    """Who to write to about a payment: SUPPORT_CONTACT, else the admins, each a link."""
    found = turn.services
    contact = (found.support_contact or "").strip()
    if contact:
        named = html.escape(contact)
    else:
        label = html.escape(t(turn.lang, "paysupport.admin"))
        named = (
            listing(
                turn.lang,
                (
                    f'<a href="tg://user?id={admin}">{label}</a>'
                    for admin in sorted(found.credits.admins)
                ),
            )
            or label
        )
    await turn.reply(t(turn.lang, "paysupport", contact=named), parse_mode=ParseMode.HTML)


@for_everyone
async def terms(turn: Turn) -> None:
    await turn.reply(t(turn.lang, "terms"))


BUTTONS = (send_invoice, show_packs)
