"""Inline button presses: options, create, discard, cancel job."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.domain.errors import InvalidRequestError, NotYourPanelError, StaleButtonError
from bot.services.followups import FollowUp
from bot.telegram import wizard
from bot.telegram.callbacks import (
    CancelJob,
    ChooseOption,
    CreateJob,
    DiscardDraft,
    FollowUpButton,
    decode,
)
from bot.telegram.context import BotContext, Services, language_of, services
from bot.telegram.i18n import t
from bot.telegram.render import card_keyboard, card_text, invalid_request_text


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    lang = language_of(query.from_user)
    button = decode(query.data)
    found = services(context)
    try:
        if isinstance(button, ChooseOption):
            await _choose(query, found, button)
        elif isinstance(button, CreateJob):
            await _create(query, found, button)
        elif isinstance(button, DiscardDraft):
            await _discard(query, found, button, lang)
        elif isinstance(button, CancelJob):
            await _cancel_job(query, found, button, lang)
        elif isinstance(button, FollowUpButton):
            await _follow_up(update, query, found, button, lang)
        else:
            raise StaleButtonError
    except StaleButtonError:
        await query.answer(t(lang, "button.expired"), show_alert=True)
    except NotYourPanelError:
        await query.answer(t(lang, "button.not_yours"), show_alert=True)
    except InvalidRequestError as exc:
        await query.answer(invalid_request_text(lang, exc, found.capabilities), show_alert=True)


async def _choose(query: CallbackQuery, found: Services, button: ChooseOption) -> None:
    draft, changed = await found.drafts.choose(
        button.draft_id, query.from_user.id, button.option, button.value
    )
    await query.answer()
    if changed:
        caps = found.drafts.capabilities_for(draft)
        await query.edit_message_text(
            card_text(draft, caps), reply_markup=card_keyboard(draft, caps)
        )


async def _create(query: CallbackQuery, found: Services, button: CreateJob) -> None:
    job = await found.drafts.confirm(button.draft_id, query.from_user.id)
    await query.answer()
    await found.jobs.show(job)


async def _discard(query: CallbackQuery, found: Services, button: DiscardDraft, lang: str) -> None:
    draft = await found.drafts.owned(button.draft_id, query.from_user.id)
    await found.drafts.discard(draft)
    await query.answer()
    await query.edit_message_text(t(lang, "draft.discarded"))


async def _cancel_job(query: CallbackQuery, found: Services, button: CancelJob, lang: str) -> None:
    job = await found.jobs.get(button.job_id)
    if job is None:
        raise StaleButtonError
    if job.user_id != query.from_user.id:
        raise NotYourPanelError
    if await found.jobs.cancel(job) is None:
        await query.answer(t(lang, "job.cannot_cancel", id=job.id), show_alert=True)
        return
    await query.answer(t(lang, "job.cancelled", id=job.id))


async def _follow_up(
    update: Update, query: CallbackQuery, found: Services, button: FollowUpButton, lang: str
) -> None:
    parent = await found.follow_ups.delivered(button.job_id, query.from_user.id, button.action)
    if button.action is FollowUp.EXTEND:
        await query.answer()
        await wizard.start_extension(update, found, parent, lang)
        return
    job = await found.follow_ups.upgrade(parent, button.action, status_message_id=None)
    if job is None:
        await query.answer(t(lang, "follow_up.already"))
        return
    await query.answer()
    await found.jobs.show(job)
