"""The commands: /start, /help, /cancel, /settings, /language, and the buttons they send."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.domain.capabilities import Capabilities
from bot.domain.errors import NotYourPanelError, StaleButtonError
from bot.domain.jobs import JobState
from bot.domain.options import Mode
from bot.services.container import Services
from bot.telegram import money
from bot.telegram.callbacks import CancelJob, LanguageButton, SettingsButton, SettingsDone
from bot.telegram.cards import settings_keyboard, settings_text
from bot.telegram.context import Turn, on_button, on_update
from bot.telegram.i18n import CATALOGS, listing, t
from bot.telegram.profile import publish_person_menu
from bot.telegram.render import resolution_label

log = logging.getLogger(__name__)

# What a group's button asks for when it opens the private chat (t.me/<bot>?start=…).
START_HELP = "help"
START_BALANCE = "balance"


@on_update
async def start(turn: Turn) -> None:
    """Greet and say what the bot does (and, while it has no admin, the person's id); from a
    group's button (`?start=help`, `?start=balance`) answer what was asked there; a
    `ref_<code>` argument links the person to who invited them."""
    args = turn.context.args or []
    await turn.services.referrals.arrived(turn.user.id, args[0] if args else None)
    asked = args[0] if args and turn.private else None
    if asked == START_HELP:
        await turn.reply(help_text(turn.lang, turn.services), do_quote=False)
    elif asked == START_BALANCE:
        await turn.reply(await money.balance_text(turn), do_quote=False)
    else:
        text = t(turn.lang, "start", name=turn.user.first_name)
        if not turn.services.credits.admins:
            text += t(turn.lang, "start.your_id", id=turn.user.id)
        await turn.reply(text, do_quote=False)


@on_update
async def help_command(turn: Turn) -> None:
    """The commands and what this deployment's vendor can do; in a group a short help with a
    button to the full one in a private chat."""
    if turn.private:
        await turn.reply(help_text(turn.lang, turn.services), do_quote=False)
        return
    bot = turn.bot.username
    button = InlineKeyboardButton(
        t(turn.lang, "button.full_help"), url=turn.start_link(START_HELP)
    )
    await turn.reply(
        t(turn.lang, "help.group", bot=bot), reply_markup=InlineKeyboardMarkup([[button]])
    )


@on_update
async def balance(turn: Turn) -> None:
    """/balance: in a private chat; asked in a group, answered privately (a person's credits
    are theirs), with a note in the group."""
    if turn.private:
        await turn.reply(await money.balance_text(turn))
        return
    name = turn.user.first_name
    try:
        await turn.bot.send_message(turn.user.id, await money.balance_text(turn))
    except Forbidden:  # they never started the bot, or blocked it
        button = InlineKeyboardButton(
            t(turn.lang, "button.open_private"), url=turn.start_link(START_BALANCE)
        )
        await turn.reply(
            t(turn.lang, "balance.start_private", name=name),
            reply_markup=InlineKeyboardMarkup([[button]]),
        )
        return
    await turn.reply(t(turn.lang, "balance.sent_privately", name=name))


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
        modes=listing(lang, (t(lang, f"mode.{m}") for m in modes if photos or m is Mode.TEXT)),
        tiers=listing(lang, (t(lang, f"tier.{tier.value}") for tier in tiers)),
        resolutions=listing(lang, (resolution_label(r) for r in first.resolutions)),
        ratios=listing(lang, (r.value for r in first.aspect_ratios)),
        durations=listing(lang, (str(d) for d in first.durations)),
        max_prompt=caps.max_prompt_chars,
    )
    text += _help_tiers(lang, caps, modes if photos else [Mode.TEXT])
    text += _help_extras(lang, caps)
    if found.credits.enabled:
        text += t(lang, "help.credits")
    if not photos:
        text += t(lang, "help.photos_off")
    elif len(modes) > 1:
        text += t(lang, "help.photos", most=caps.max_photos())
    if caps.demo:
        text += t(lang, "help.demo")
    return text


def _help_tiers(lang: str, caps: Capabilities, shown: Sequence[Mode]) -> str:
    """When the tiers differ in resolutions, kinds or extension: a line for each tier."""
    offers = {tier: caps.tier(tier) for tier in caps.tiers}
    resolutions = {tier: offered.resolutions for tier, offered in offers.items()}
    kinds = {tier: [m for m in shown if m in offered.modes] for tier, offered in offers.items()}
    extends = {tier: Mode.EXTEND in offered.modes for tier, offered in offers.items()}
    varies = [len({str(v) for v in d.values()}) > 1 for d in (resolutions, kinds, extends)]
    if not any(varies):
        return ""
    lines = []
    for tier in offers:
        parts = []
        if varies[0]:
            parts.append(listing(lang, (resolution_label(r) for r in resolutions[tier])))
        if varies[1]:
            parts.append(listing(lang, (t(lang, f"mode.{m}") for m in kinds[tier])))
        if varies[2] and not extends[tier]:
            parts.append(t(lang, "help.tier_no_extend"))
        details = t(lang, "help.tier_parts_separator").join(parts)
        lines.append(t(lang, "help.tier", tier=t(lang, f"tier.{tier.value}"), details=details))
    return "".join(lines)


def _help_extras(lang: str, caps: Capabilities) -> str:
    lines = []
    if caps.sound:
        lines.append(t(lang, "help.sound"))
    if caps.seed_range is not None:
        lines.append(t(lang, "help.seed", low=caps.seed_range[0], high=caps.seed_range[1]))
    if caps.negative_prompt:
        lines.append(t(lang, "help.negative"))
    if caps.extras:
        names = listing(lang, (t(lang, f"extra.{extra}") for extra in caps.extras))
        lines.append(t(lang, "help.extras", extras=names))
    if Mode.EXTEND in caps.modes():
        window = caps.extension_window_seconds
        if window is None:
            lines.append(t(lang, "help.extend"))
        else:
            lines.append(t(lang, "help.extend_within", days=round(window / 86400)))
    if caps.upgrades:
        upgrades = listing(lang, (resolution_label(r) for r in caps.upgrades))
        lines.append(t(lang, "help.upgrades", resolutions=upgrades))
    return "".join(lines)


@on_update
async def cancel(turn: Turn) -> None:
    """Leave the wizard, or cancel this person's job that has not been submitted yet."""
    found, lang, chat_id = turn.services, turn.lang, turn.message.chat_id
    draft = await found.drafts.current(chat_id, turn.user.id)
    if draft is not None:
        await found.drafts.discard(draft)
        if draft.card_message_id is not None:
            await turn.bot.edit_message_text(
                t(lang, "draft.discarded"), chat_id=chat_id, message_id=draft.card_message_id
            )
        else:
            await turn.reply(t(lang, "draft.discarded"))
        return
    job = await found.jobs.latest_unsubmitted(chat_id, turn.user.id)
    if job is not None and await found.jobs.cancel(job) is not None:
        await turn.reply(t(lang, "job.cancelled", id=job.id))
        return
    active = await found.jobs.latest_active(chat_id, turn.user.id)
    if active is not None and active.state is not JobState.QUEUED:
        await turn.reply(t(lang, "job.cannot_cancel", id=active.id))
        return
    await turn.reply(t(lang, "nothing_to_cancel"))


@on_update
async def settings_command(turn: Turn) -> None:
    """/settings: the defaults every new card starts from."""
    options = await turn.services.people.defaults(turn.user.id)
    caps = turn.services.capabilities
    await turn.reply(
        settings_text(turn.lang, options, caps),
        reply_markup=settings_keyboard(turn.lang, options, caps),
    )


@on_update
async def language_command(turn: Turn) -> None:
    """/language: choose English or Chinese."""
    buttons = [
        InlineKeyboardButton(t(code, "language.name"), callback_data=LanguageButton(code).pack())
        for code in CATALOGS
    ]
    await turn.reply(t(turn.lang, "language.choose"), reply_markup=InlineKeyboardMarkup([buttons]))


@on_button(CancelJob)
async def cancel_job(turn: Turn, button: CancelJob) -> None:
    """❌ Cancel under a queued job's status."""
    found = turn.services
    job = await found.jobs.get(button.job_id)
    if job is None:
        raise StaleButtonError
    if job.user_id != turn.user.id:
        raise NotYourPanelError
    if await found.jobs.cancel(job) is None:
        await turn.query.answer(t(turn.lang, "job.cannot_cancel", id=job.id), show_alert=True)
        return
    await turn.query.answer(t(turn.lang, "job.cancelled", id=job.id))


@on_button(SettingsButton)
async def choose_default(turn: Turn, button: SettingsButton) -> None:
    """A choice on the /settings card."""
    caps = turn.services.capabilities
    options = await turn.services.people.choose_default(turn.user.id, button.option, button.value)
    await turn.query.answer()
    await turn.query.edit_message_text(
        settings_text(turn.lang, options, caps),
        reply_markup=settings_keyboard(turn.lang, options, caps),
    )


@on_button(SettingsDone)
async def settings_done(turn: Turn, button: SettingsDone) -> None:
    await turn.query.answer()
    await turn.query.edit_message_text(t(turn.lang, "settings.saved"))


@on_button(LanguageButton)
async def choose_language(turn: Turn, button: LanguageButton) -> None:
    if not await turn.services.people.set_language(turn.user.id, button.language):
        raise StaleButtonError
    await turn.query.answer()
    await turn.query.edit_message_text(t(button.language, "language.set"))
    try:
        await publish_person_menu(
            turn.bot,
            button.language,
            chat_id=turn.message.chat_id,
            user_id=turn.user.id,
            private=turn.private,
            credits=turn.services.credits.enabled,
        )
    except TelegramError as exc:
        log.warning("could not set the command menu of chat %s: %s", turn.message.chat_id, exc)


BUTTONS = (cancel_job, choose_default, settings_done, choose_language)


@on_update
async def id_command(turn: Turn) -> None:
    """/id: the person's Telegram id (for ADMIN_USER_IDS), and the chat's in a group."""
    text = t(turn.lang, "id.yours", id=turn.user.id)
    if not turn.private:
        text += "\n" + t(turn.lang, "id.chat", id=turn.message.chat_id)
    await turn.reply(text)
