"""Inline button presses: the card, the job, follow-ups, /settings and /language."""

from __future__ import annotations

from telegram import CallbackQuery, Message, ReplyParameters, Update

from bot.domain.credits import QuotaError
from bot.domain.drafts import DraftStep
from bot.domain.errors import InvalidRequestError, NotYourPanelError, StaleButtonError
from bot.services.followups import FollowUp
from bot.telegram import money, wizard
from bot.telegram.callbacks import (
    BuyButton,
    CancelJob,
    ChooseOption,
    CreateJob,
    DiscardDraft,
    FollowUpButton,
    LanguageButton,
    SettingsButton,
    SettingsDone,
    decode,
)
from bot.telegram.cards import settings_keyboard, settings_text
from bot.telegram.context import BotContext, Services, language_of, services
from bot.telegram.i18n import t
from bot.telegram.render import invalid_request_text, refusal_text


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    lang = await language_of(context, query.from_user)
    button = decode(query.data)
    found = services(context)
    try:
        if isinstance(button, ChooseOption):
            await _choose(update, query, found, button)
        elif isinstance(button, CreateJob):
            job = await found.drafts.confirm(button.draft_id, query.from_user.id)
            await query.answer()
            await found.jobs.show(job)
        elif isinstance(button, DiscardDraft):
            draft = await found.drafts.owned(button.draft_id, query.from_user.id)
            await found.drafts.discard(draft)
            await query.answer()
            await query.edit_message_text(t(lang, "draft.discarded"))
        elif isinstance(button, CancelJob):
            await _cancel_job(query, found, button, lang)
        elif isinstance(button, FollowUpButton):
            await _follow_up(update, query, found, button, lang)
        elif isinstance(button, SettingsButton):
            options = await found.people.choose_default(
                query.from_user.id, button.option, button.value
            )
            await query.answer()
            await query.edit_message_text(
                settings_text(lang, options, found.capabilities),
                reply_markup=settings_keyboard(lang, options, found.capabilities),
            )
        elif isinstance(button, SettingsDone):
            await query.answer()
            await query.edit_message_text(t(lang, "settings.saved"))
        elif isinstance(button, BuyButton):
            pack = found.credits.packs.get(button.pack_id)
            if pack is None or not found.credits.enabled:
                raise StaleButtonError
            await query.answer()
            await money.send_invoice(update, context, pack, lang)
        elif isinstance(button, LanguageButton):
            if not await found.people.set_language(query.from_user.id, button.language):
                raise StaleButtonError
            await query.answer()
            await query.edit_message_text(t(button.language, "language.set"))
        else:
            raise StaleButtonError
    except StaleButtonError:
        await query.answer(t(lang, "button.expired"), show_alert=True)
    except NotYourPanelError:
        await query.answer(t(lang, "button.not_yours"), show_alert=True)
    except InvalidRequestError as exc:
        await query.answer(invalid_request_text(lang, exc, found.capabilities), show_alert=True)
    except QuotaError as exc:
        await query.answer(refusal_text(lang, exc), show_alert=True)


async def _choose(
    update: Update, query: CallbackQuery, found: Services, button: ChooseOption
) -> None:
    draft, changed = await found.drafts.choose(
        button.draft_id, query.from_user.id, button.option, button.value
    )
    await query.answer()
    message = query.message
    if not changed or not isinstance(message, Message):
        return
    if draft.step is not DraftStep.OPTIONS:
        await wizard.show_draft(update, message, draft, found)
        return
    text, keyboard = await wizard.card_view(draft, found)
    await query.edit_message_text(text, reply_markup=keyboard)


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
    message = query.message
    if not isinstance(message, Message):
        raise StaleButtonError
    if button.action is FollowUp.SEND_AGAIN:
        await query.answer()
        assert parent.file_id is not None
        await message.get_bot().send_video(
            message.chat_id,
            parent.file_id,
            message_thread_id=parent.place.thread_id,
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        )
    elif button.action is FollowUp.EXTEND:
        await query.answer()
        await wizard.start_extension(update, found, parent, lang)
    elif button.action in (FollowUp.REGENERATE, FollowUp.NEW_PROMPT):
        await query.answer()
        draft = await found.drafts.start_from_job(
            parent,
            keep_prompt=button.action is FollowUp.REGENERATE,
            request_message_id=parent.result_message_id,
        )
        await wizard.show_draft(update, message, draft, found)
    else:
        job = await found.follow_ups.upgrade(parent, button.action, status_message_id=None)
        if job is None:
            await query.answer(t(lang, "follow_up.already"))
            return
        await query.answer()
        await found.jobs.show(job)
