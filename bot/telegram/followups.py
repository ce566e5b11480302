"""What a person does with a delivered video: the buttons under it, /extend, /history."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters

from bot.domain.jobs import ENDED_WITHOUT_VIDEO, Job, JobState
from bot.domain.options import Option
from bot.services.container import Services
from bot.services.followups import FollowUp
from bot.telegram import wizard
from bot.telegram.callbacks import EditFailedPrompt, FollowUpButton, RetryFailedJob
from bot.telegram.cards import option_label
from bot.telegram.context import Turn, on_button, on_update
from bot.telegram.i18n import t
from bot.telegram.render import (
    caption,
    failure_details,
    failure_reason,
    settings_line,
    shorten,
    video_keyboard,
)

HISTORY_SIZE = 10
_STATE_ICONS = {
    JobState.DELIVERED: "✅",
    JobState.FAILED: "❌",
    JobState.EXPIRED: "⌛",
    JobState.CANCELLED: "🚫",
}


@on_button(FollowUpButton)
async def follow_up(turn: Turn, button: FollowUpButton) -> None:
    """🔁 Again, ✏️ New prompt, ➕ Extend, ⬆️ upgrades and 📨 Send again."""
    found, query = turn.services, turn.query
    parent = await found.follow_ups.delivered(button.job_id, turn.user.id, button.action)
    message = turn.message
    if button.action is FollowUp.SEND_AGAIN:
        await query.answer()
        assert parent.file_id is not None
        caps = found.drafts.capabilities_for_vendor(parent.vendor)
        await turn.bot.send_video(
            message.chat_id,
            parent.file_id,
            caption=caption(parent, caps),
            reply_markup=video_keyboard(parent, caps),
            message_thread_id=parent.place.thread_id,
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        )
    elif button.action is FollowUp.EXTEND:
        await query.answer()
        await wizard.start_extension(turn, parent)
    elif button.action in (FollowUp.REGENERATE, FollowUp.NEW_PROMPT):
        await query.answer()
        draft = await found.drafts.start_from_job(
            parent,
            keep_prompt=button.action is FollowUp.REGENERATE,
            request_message_id=parent.result_message_id,
        )
        await wizard.show_draft(turn, draft)
    else:
        job = await found.follow_ups.upgrade(parent, button.action, status_message_id=None)
        if job is None:
            await query.answer(t(turn.lang, "follow_up.already"))
            return
        await query.answer()
        await found.jobs.show(job)


@on_update
async def extend(turn: Turn) -> None:
    """/extend as a reply to a video this bot made: continue it."""
    found, message = turn.services, turn.message
    original = message.reply_to_message
    parent = None
    if isinstance(original, Message) and original.video is not None:
        parent = await found.jobs.by_result_message(message.chat_id, original.message_id)
    parent = await found.follow_ups.extendable(parent, turn.user.id)
    await wizard.start_extension(turn, parent)


@on_update
async def history(turn: Turn) -> None:
    """/history: this person's recent jobs here, each delivered one with a button to get it."""
    found, lang = turn.services, turn.lang
    jobs = await found.jobs.recent(turn.message.chat_id, turn.user.id, HISTORY_SIZE)
    if not jobs:
        await turn.reply(t(lang, "history.empty"))
        return
    refunded = await found.credits.refunded([job.id for job in jobs])
    lines = [t(lang, "history.title")]
    lines += [_history_line(lang, job, found, job.id in refunded) for job in jobs]
    buttons = [
        InlineKeyboardButton(
            t(lang, "history.get", id=job.id),
            callback_data=FollowUpButton(job.id, FollowUp.SEND_AGAIN).pack(),
        )
        for job in jobs
        if job.state is JobState.DELIVERED and job.file_id
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    await turn.reply("\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows) if rows else None)


def _history_line(lang: str, job: Job, found: Services, refunded: bool) -> str:
    caps = found.drafts.capabilities_for_vendor(job.vendor)
    line = t(
        lang,
        "history.line",
        icon=_STATE_ICONS.get(job.state, "⏳"),
        id=job.id,
        state=t(lang, f"state.{job.state.value}"),
        prompt=shorten(job.request.prompt, 80),
        settings=settings_line(lang, job.request, caps),
        mode=option_label(lang, Option.MODE, job.request.mode.value),
    )
    if job.price:
        line += t(lang, "history.cost", price=job.price)
        if refunded:
            line += t(lang, "history.refunded")
        elif job.state in ENDED_WITHOUT_VIDEO:
            line += t(lang, "history.returned")
    if job.state is JobState.FAILED:
        line += "\n" + failure_reason(job, caps)
        details = failure_details(job, caps)
        if details:
            line += "\n" + details
    return line


# -- under a failed job ----------------------------------------------------------------------


@on_button(EditFailedPrompt)
async def edit_failed_prompt(turn: Turn, button: EditFailedPrompt) -> None:
    """✏️ Edit prompt: the failed job's card again, asking for a new prompt first."""
    found = turn.services
    parent = await found.follow_ups.editable(button.job_id, turn.user.id)
    await turn.query.answer()
    await found.drafts.start_from_job(
        parent, keep_prompt=False, request_message_id=parent.request_message_id
    )
    await wizard.ask(turn, parent.language, "ask_prompt_again", prompt=parent.request.prompt)


@on_button(RetryFailedJob)
async def retry_failed(turn: Turn, button: RetryFailedJob) -> None:
    """🔁 Try again: a new job with the same request, once, through the same checks."""
    found = turn.services
    job = await found.follow_ups.retry(button.job_id, turn.user.id)
    if job is None:
        await turn.query.answer(t(turn.lang, "follow_up.already"))
        return
    await turn.query.answer()
    await found.jobs.show(job)


BUTTONS = (follow_up, edit_failed_prompt, retry_failed)
