"""The admins' confirmation cards: ✅ Confirm / ✖️ Cancel under /grant, /refund and /broadcast.

Only an admin may press them. Confirm acts once: a second press, a cancelled or expired card
(15 minutes) and a forged button are answered with why nothing happened.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain.admin_actions import ActionKind, ActionPayload, ActionState, AdminAction
from bot.domain.errors import StaleButtonError
from bot.telegram.admin_broadcast import start_broadcast
from bot.telegram.admin_notices import describe, tell, told
from bot.telegram.callbacks import CancelAction, ConfirmAction
from bot.telegram.context import Turn, on_button
from bot.telegram.i18n import t
from bot.telegram.render import button


def confirm_keyboard(lang: str, action_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(lang, "admin.confirm_button", ConfirmAction(action_id)),
                button(lang, "admin.cancel_button", CancelAction(action_id)),
            ]
        ]
    )


async def propose(turn: Turn, kind: ActionKind, payload: ActionPayload, text: str) -> None:
    """Record what the admin asked for and show it with ✅ Confirm / ✖️ Cancel."""
    action = await turn.services.admin_actions.propose(kind, turn.user.id, payload)
    await turn.reply(text, reply_markup=confirm_keyboard(turn.lang, action.id))


@on_button(ConfirmAction)
async def confirm(turn: Turn, button: ConfirmAction) -> None:
    """✅ Confirm: act once, then show what was done where the card was."""
    turn.require_admin()
    found = turn.services
    action = await found.admin_actions.confirm(button.action_id)
    await turn.query.answer()
    if action.kind is ActionKind.BROADCAST:
        await start_broadcast(turn, action)
        return
    try:
        text = await (_grant if action.kind is ActionKind.GRANT else _refund)(turn, action)
    except Exception:
        await found.admin_actions.reopen(action, ActionState.DONE)  # may be pressed again
        raise
    await turn.query.edit_message_text(text)


@on_button(CancelAction)
async def cancel(turn: Turn, button: CancelAction) -> None:
    turn.require_admin()
    await turn.services.admin_actions.cancel(button.action_id)
    await turn.query.answer()
    await turn.query.edit_message_text(t(turn.lang, "admin.action_cancelled_card"))


async def _grant(turn: Turn, action: AdminAction) -> str:
    found, lang = turn.services, turn.lang
    user_id, amount = action.payload.user_id, action.payload.amount
    if user_id is None or amount is None:
        raise StaleButtonError
    moved = await found.credits.grant(
        user_id, amount, f"grant:action:{action.id}", note=f"by admin {turn.user.id}"
    )
    total = (await found.credits.balance(user_id)).total
    who = describe(lang, await found.people.profile(user_id))
    if moved == 0:
        return t(lang, "admin.nothing_granted", who=who, total=total)
    news = "credits.granted" if moved > 0 else "credits.taken"
    delivered = await tell(turn.bot, found, user_id, news, amount=abs(moved), total=total)
    key = "admin.granted" if moved > 0 else "admin.taken"
    return f"{t(lang, key, amount=abs(moved), user=who, total=total)} {told(lang, delivered)}"


async def _refund(turn: Turn, action: AdminAction) -> str:
    found, lang = turn.services, turn.lang
    job_id = action.payload.job_id
    job = await found.jobs.get(job_id) if job_id is not None else None
    if job is None:
        raise StaleButtonError
    returned = await found.credits.refund_job(job.id)
    if not returned:
        return t(lang, "admin.nothing_to_refund", id=job.id)
    total = (await found.credits.balance(job.user_id)).total
    delivered = await tell(
        turn.bot, found, job.user_id, "credits.refunded", id=job.id, amount=returned, total=total
    )
    return f"{t(lang, 'admin.refunded', id=job.id, amount=returned)} {told(lang, delivered)}"


BUTTONS = (confirm, cancel)
