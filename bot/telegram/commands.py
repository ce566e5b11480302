"""The commands: /start, /help, /cancel, /settings, /language, /history, /extend."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.domain.capabilities import Capabilities
from bot.domain.errors import NotYourPanelError, StaleButtonError
from bot.domain.jobs import Job, JobState
from bot.domain.options import Mode, Option
from bot.services.followups import FollowUp
from bot.telegram import wizard
from bot.telegram.callbacks import FollowUpButton, LanguageButton, encode
from bot.telegram.cards import option_label, settings_keyboard, settings_text
from bot.telegram.context import BotContext, Services, language_of, services
from bot.telegram.i18n import CATALOGS, t
from bot.telegram.render import failure_reason, resolution_label, settings_line, shorten

HISTORY_SIZE = 10
_STATE_ICONS = {
    JobState.DELIVERED: "✅",
    JobState.FAILED: "❌",
    JobState.EXPIRED: "⌛",
    JobState.CANCELLED: "🚫",
}


async def start(update: Update, context: BotContext) -> None:
    """Greet and say what the bot does."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    lang = await language_of(context, user)
    await message.reply_text(
        t(lang, "start", name=user.first_name if user else ""), do_quote=False
    )


async def help_command(update: Update, context: BotContext) -> None:
    """The commands and what this deployment's vendor can do."""
    message = update.effective_message
    if message is None:
        return
    found = services(context)
    lang = await language_of(context, update.effective_user)
    await message.reply_text(help_text(lang, found), do_quote=False)


def help_text(lang: str, found: Services) -> str:
    caps = found.capabilities
    tiers = list(caps.tiers)
    first = caps.tier(tiers[0])
    photos = found.drafts.photos_enabled(caps)
    modes = [m for m in (Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE) if m in caps.modes()]
    text = t(
        lang,
        "help",
        vendor=caps.display_name,
        modes=", ".join(t(lang, f"mode.{m}") for m in modes if photos or m is Mode.TEXT),
        tiers=", ".join(t(lang, f"tier.{tier.value}") for tier in tiers),
        resolutions=", ".join(resolution_label(r) for r in first.resolutions),
        ratios=", ".join(r.value for r in first.aspect_ratios),
        durations=", ".join(str(d) for d in first.durations),
        max_prompt=caps.max_prompt_chars,
    )
    text += _help_extras(lang, caps)
    if found.credits.enabled:
        text += t(lang, "help.credits")
    if not photos:
        text += t(lang, "help.photos_off")
    elif len(modes) > 1:
        text += t(lang, "help.photos", most=caps.max_photos())
    return text


def _help_extras(lang: str, caps: Capabilities) -> str:
    lines = []
    if caps.sound:
        lines.append(t(lang, "help.sound"))
    if caps.seed_range is not None:
        lines.append(t(lang, "help.seed", low=caps.seed_range[0], high=caps.seed_range[1]))
    if caps.negative_prompt:
        lines.append(t(lang, "help.negative"))
    if caps.extras:
        names = ", ".join(t(lang, f"extra.{extra}") for extra in caps.extras)
        lines.append(t(lang, "help.extras", extras=names))
    if Mode.EXTEND in caps.modes():
        lines.append(t(lang, "help.extend"))
    if caps.upgrades:
        upgrades = ", ".join(resolution_label(r) for r in caps.upgrades)
        lines.append(t(lang, "help.upgrades", resolutions=upgrades))
    return "".join(lines)


async def cancel(update: Update, context: BotContext) -> None:
    """Leave the wizard, or cancel this person's job that has not been submitted yet."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    lang = await language_of(context, user)
    found = services(context)
    draft = await found.drafts.current(message.chat_id, user.id)
    if draft is not None:
        await found.drafts.discard(draft)
        if draft.card_message_id is not None:
            await context.bot.edit_message_text(
                t(lang, "draft.discarded"),
                chat_id=message.chat_id,
                message_id=draft.card_message_id,
            )
        else:
            await message.reply_text(t(lang, "draft.discarded"))
        return
    job = await found.jobs.latest_unsubmitted(message.chat_id, user.id)
    if job is not None and await found.jobs.cancel(job) is not None:
        await message.reply_text(t(lang, "job.cancelled", id=job.id))
        return
    active = await found.jobs.latest_active(message.chat_id, user.id)
    if active is not None and active.state is not JobState.QUEUED:
        await message.reply_text(t(lang, "job.cannot_cancel", id=active.id))
        return
    await message.reply_text(t(lang, "nothing_to_cancel"))


async def settings_command(update: Update, context: BotContext) -> None:
    """/settings: the defaults every new card starts from."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    options = await found.people.defaults(user.id)
    await message.reply_text(
        settings_text(lang, options, found.capabilities),
        reply_markup=settings_keyboard(lang, options, found.capabilities),
    )


async def language_command(update: Update, context: BotContext) -> None:
    """/language: choose English or Chinese."""
    message = update.effective_message
    if message is None:
        return
    lang = await language_of(context, update.effective_user)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(code, "language.name"), callback_data=encode(LanguageButton(code))
                )
                for code in CATALOGS
            ]
        ]
    )
    await message.reply_text(t(lang, "language.choose"), reply_markup=keyboard)


async def history(update: Update, context: BotContext) -> None:
    """/history: this person's recent jobs here, each delivered one with a button to get it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    jobs = await found.jobs.recent(message.chat_id, user.id, HISTORY_SIZE)
    if not jobs:
        await message.reply_text(t(lang, "history.empty"))
        return
    refunded = await found.credits.refunded([job.id for job in jobs])
    lines = [t(lang, "history.title")]
    lines += [_history_line(lang, job, found, job.id in refunded) for job in jobs]
    buttons = [
        InlineKeyboardButton(
            t(lang, "history.get", id=job.id),
            callback_data=encode(FollowUpButton(job.id, FollowUp.SEND_AGAIN)),
        )
        for job in jobs
        if job.state is JobState.DELIVERED and job.file_id
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    await message.reply_text(
        "\n\n".join(lines), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


def _history_line(lang: str, job: Job, found: Services, refunded: bool) -> str:
    caps = found.drafts.capabilities_for_vendor(job.vendor)
    icon = _STATE_ICONS.get(job.state, "⏳")
    line = t(
        lang,
        "history.line",
        icon=icon,
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
        elif job.state in (JobState.FAILED, JobState.EXPIRED, JobState.CANCELLED):
            line += t(lang, "history.returned")
    if job.state is JobState.FAILED:
        line += "\n" + failure_reason(job, caps)
    return line


async def extend(update: Update, context: BotContext) -> None:
    """/extend as a reply to a video this bot made: continue it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    original = message.reply_to_message
    parent = None
    if isinstance(original, Message) and original.video is not None:
        parent = await found.jobs.by_result_message(message.chat_id, original.message_id)
    if parent is None or parent.user_id != user.id:
        await message.reply_text(t(lang, "extend.how"))
        return
    try:
        parent = await found.follow_ups.delivered(parent.id, user.id, FollowUp.EXTEND)
    except (StaleButtonError, NotYourPanelError):
        await message.reply_text(t(lang, "extend.cannot", vendor=found.capabilities.display_name))
        return
    await wizard.start_extension(update, found, parent, lang)
