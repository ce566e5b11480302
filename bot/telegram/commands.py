"""/start, /help and /cancel."""

from __future__ import annotations

from telegram import Update

from bot.domain.jobs import JobState
from bot.telegram.context import BotContext, language_of, services
from bot.telegram.i18n import t


async def start(update: Update, context: BotContext) -> None:
    """Greet and say what the bot does."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    name = user.first_name if user else ""
    await message.reply_text(t(language_of(user), "start", name=name), do_quote=False)


async def help_command(update: Update, context: BotContext) -> None:
    """List the commands and what this deployment's vendor offers."""
    message = update.effective_message
    if message is None:
        return
    lang = language_of(update.effective_user)
    caps = services(context).capabilities
    tiers = list(caps.tiers)
    first = caps.tier(tiers[0])
    text = t(
        lang,
        "help",
        vendor=caps.display_name,
        tiers=", ".join(t(lang, f"tier.{tier.value}") for tier in tiers),
        resolutions=", ".join(r.value for r in first.resolutions),
        ratios=", ".join(r.value for r in first.aspect_ratios),
        durations=", ".join(str(d) for d in first.durations),
        max_prompt=caps.max_prompt_chars,
    )
    if caps.sound:
        text += t(lang, "help.sound")
    await message.reply_text(text, do_quote=False)


async def cancel(update: Update, context: BotContext) -> None:
    """Leave the wizard, or cancel this person's job that has not been submitted yet."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    lang = language_of(user)
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
