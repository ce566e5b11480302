"""The options card of a draft and the /settings card: text and inline keyboard."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.capabilities import Capabilities
from bot.domain.choices import changed_choices, current_value, mode_choices
from bot.domain.drafts import Cost, Draft, DraftOptions
from bot.domain.options import LISTED_OPTIONS, Option
from bot.telegram.callbacks import (
    AffordableOptions,
    Button,
    ChooseOption,
    CreateJob,
    DiscardDraft,
    SettingsButton,
    SettingsDone,
    ShowPacks,
)
from bot.telegram.i18n import t
from bot.telegram.render import button, settings_line, shorten

CARD_PROMPT_CHARS = 600


def option_label(lang: str, option: Option, value: str) -> str:
    if option is Option.TIER:
        return t(lang, f"tier.{value}")
    if option is Option.DURATION:
        return t(lang, "duration", seconds=value)
    if option is Option.SOUND:
        return t(lang, f"sound.{value}")
    if option is Option.ASPECT_RATIO:
        return t(lang, f"ratio.{value}")
    if option is Option.MODE:
        return t(lang, f"mode.{value}")
    if option is Option.EXTRA:
        return t(lang, f"extra.{value}")
    return value.upper() if value == "4k" else value


def card_text(draft: Draft, caps: Capabilities, cost: Cost | None = None) -> str:
    """The card; `cost` is there when videos cost credits."""
    lang, options = draft.language, draft.options
    lines = [t(lang, "card.title")]
    if options.images:
        lines.append(
            t(lang, "card.photos", count=len(options.images), mode=t(lang, f"mode.{options.mode}"))
        )
    elif options.source is not None:
        lines.append(t(lang, "card.extending"))
    lines.append(t(lang, "card.prompt", prompt=shorten(draft.prompt or "", CARD_PROMPT_CHARS)))
    lines.append("⚙️ " + settings_line(lang, options, caps))
    extras = _switches_line(lang, options, caps)
    if extras:
        lines.append(extras)
    if cost is not None:
        lines.append(_cost_line(lang, cost))
    if caps.demo:
        lines.append(t(lang, "card.demo"))
    lines.append(t(lang, "card.hint"))
    return "\n\n".join(lines)


def _cost_line(lang: str, cost: Cost) -> str:
    key = "card.cost"
    if cost.short:
        key = "card.short" if cost.cheaper_fits else "card.short_nothing_fits"
    return t(lang, key, price=cost.price, balance=cost.balance)


def _short_rows(draft: Draft, cost: Cost | None) -> list[list[InlineKeyboardButton]]:
    """On a card its person cannot afford: ⭐ Buy credits, and 💡 the cheapest options."""
    if cost is None or not cost.short:
        return []
    lang = draft.language
    rows = [[button(lang, "button.buy_credits", ShowPacks())]]
    if cost.cheaper is not None and cost.cheaper_fits:
        changes = " · ".join(
            option_label(lang, option, value)
            for option, value in changed_choices(draft.options, cost.cheaper)
        )
        label = t(lang, "button.affordable", options=changes, price=cost.cheaper_price)
        rows.append(
            [InlineKeyboardButton(label, callback_data=AffordableOptions(draft.id).pack())]
        )
    return rows


def _switches_line(lang: str, options: DraftOptions, caps: Capabilities) -> str:
    parts = []
    if options.seed is not None:
        parts.append(t(lang, "card.seed", seed=options.seed))
    if options.negative_prompt:
        parts.append(t(lang, "card.negative", text=shorten(options.negative_prompt, 120)))
    parts += [t(lang, f"extra.{extra}") for extra in caps.extras if options.extras.get(extra)]
    return " · ".join(parts)


def _option_button(draft_id: int | None, option: Option, value: str) -> Button:
    """A choice on a draft's card, or on the /settings card when there is no draft."""
    if draft_id is None:
        return SettingsButton(option, value)
    return ChooseOption(draft_id, option, value)


def _row(
    lang: str, draft_id: int | None, option: Option, values: tuple[str, ...], current: str
) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            ("✅ " if value == current else "") + option_label(lang, option, value),
            callback_data=_option_button(draft_id, option, value).pack(),
        )
        for value in values
    ]


def _option_rows(
    lang: str, draft_id: int | None, options: DraftOptions, caps: Capabilities
) -> list[list[InlineKeyboardButton]]:
    rows = []
    for option in LISTED_OPTIONS:
        values = caps.choices(option, options.tier)
        if len(values) >= 2:
            rows.append(_row(lang, draft_id, option, values, current_value(options, option)))
    if caps.extras:
        rows.append(
            [
                InlineKeyboardButton(
                    ("☑️ " if options.extras.get(extra) else "⬜ ")
                    + option_label(lang, Option.EXTRA, extra),
                    callback_data=_option_button(draft_id, Option.EXTRA, extra).pack(),
                )
                for extra in caps.extras
            ]
        )
    return rows


def card_keyboard(
    draft: Draft, caps: Capabilities, cost: Cost | None = None
) -> InlineKeyboardMarkup:
    lang, options = draft.language, draft.options
    rows: list[list[InlineKeyboardButton]] = []
    modes = mode_choices(options, caps)
    if len(modes) >= 2:
        rows.append(_row(lang, draft.id, Option.MODE, tuple(modes), options.mode.value))
    rows += _option_rows(lang, draft.id, options, caps)
    texts = []
    if caps.seed_range is not None:
        value = "clear" if options.seed is not None else "ask"
        texts.append(_choice(lang, f"button.seed_{value}", draft.id, Option.SEED, value))
    if caps.negative_prompt:
        value = "clear" if options.negative_prompt else "ask"
        texts.append(_choice(lang, f"button.negative_{value}", draft.id, Option.NEGATIVE, value))
    if options.images:
        texts.append(_choice(lang, "button.clear_photos", draft.id, Option.PHOTOS, "clear"))
    if texts:
        rows.append(texts)
    rows += _short_rows(draft, cost)
    rows.append(
        [
            button(lang, "button.discard", DiscardDraft(draft.id)),
            button(lang, "button.create", CreateJob(draft.id)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def _choice(
    lang: str, key: str, draft_id: int, option: Option, value: str
) -> InlineKeyboardButton:
    return button(lang, key, ChooseOption(draft_id, option, value))


def settings_text(lang: str, options: DraftOptions, caps: Capabilities) -> str:
    return t(lang, "settings.card", settings=settings_line(lang, options, caps))


def settings_keyboard(
    lang: str, options: DraftOptions, caps: Capabilities
) -> InlineKeyboardMarkup:
    rows = _option_rows(lang, None, options, caps)
    rows.append([button(lang, "button.done", SettingsDone())])
    return InlineKeyboardMarkup(rows)
