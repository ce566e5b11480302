"""The conversation that fills a draft: /video, the prompt and other typed answers, the card."""

from __future__ import annotations

import contextlib

from telegram import ForceReply, InlineKeyboardMarkup, Message, MessageEntity, User
from telegram.error import TelegramError

from bot.domain.credits import QuotaError, QuotaReason
from bot.domain.drafts import Draft, DraftStep
from bot.domain.errors import Refusal
from bot.domain.jobs import Job
from bot.services.container import Services
from bot.services.followups import source_of
from bot.telegram.callbacks import AffordableOptions, ChooseOption, CreateJob, DiscardDraft
from bot.telegram.cards import card_keyboard, card_text
from bot.telegram.context import Turn, on_button, on_update, text_after_command
from bot.telegram.i18n import t

_ASK_KEYS = {
    DraftStep.PROMPT: "ask_prompt",
    DraftStep.SEED: "ask_seed",
    DraftStep.NEGATIVE: "ask_negative",
}


@on_update
async def video(turn: Turn) -> None:
    """/video [prompt]: open a card, or ask for the prompt (and photos) first."""
    draft = await turn.services.drafts.start(
        user_id=turn.user.id,
        place=turn.place,
        language=turn.lang,
        prompt=text_after_command(turn.message),
        request_message_id=turn.message.message_id,
    )
    await show_draft(turn, draft)


async def show_draft(turn: Turn, draft: Draft) -> None:
    """Answer a draft's step: ask for what it waits for, or send its card."""
    found = turn.services
    if draft.step is DraftStep.OPTIONS:
        await send_card(turn.message, draft, found)
        return
    caps = found.drafts.capabilities_for(draft)
    key = _ASK_KEYS[draft.step]
    if draft.step is DraftStep.PROMPT and draft.options.source is not None:
        key = "ask_extension_prompt"
    elif draft.step is DraftStep.PROMPT and draft.options.images:
        key = "ask_prompt_after_photos"
    elif draft.step is DraftStep.PROMPT and found.drafts.photos_enabled(caps):
        key = "ask_prompt_or_photos"
    low, high = caps.seed_range or (0, 0)
    await ask(
        turn,
        draft.language,
        key,
        photos=len(draft.options.images),
        low=low,
        high=high,
        most=caps.max_photos(),
    )


async def ask(turn: Turn, lang: str, key: str, **params: object) -> None:
    """Ask for typed input; in a group as a selective ForceReply so the answer reaches us."""
    if turn.private:
        await turn.reply(t(lang, key, **params), do_quote=False)
        return
    # A selective ForceReply reaches the people mentioned and the author of the message it
    # replies to; after a button press that message is the bot's own, so mention the person.
    name = turn.user.first_name
    text = t(lang, "group_prefix", name=name) + t(lang, key, **params)
    entities = [_mention(text, name, turn.user)] if name else []
    await turn.reply(
        text,
        entities=entities,
        reply_markup=ForceReply(selective=True, input_field_placeholder=t(lang, "placeholder")),
        do_quote=True,
    )


def _mention(text: str, name: str, user: User) -> MessageEntity:
    """A text_mention of `user` over the first `name` in `text` (offsets in UTF-16 units)."""
    start = text.index(name)
    return MessageEntity(
        MessageEntity.TEXT_MENTION,
        offset=len(text[:start].encode("utf-16-le")) // 2,
        length=len(name.encode("utf-16-le")) // 2,
        user=user,
    )


async def card_view(draft: Draft, found: Services) -> tuple[str, InlineKeyboardMarkup]:
    """The card's text (with its price and the balance when videos cost credits) and buttons."""
    caps = found.drafts.capabilities_for(draft)
    cost = await found.drafts.cost(draft)
    return card_text(draft, caps, cost), card_keyboard(draft, caps, cost)


async def send_card(message: Message, draft: Draft, found: Services) -> None:
    """Send the draft's card as a reply, and retire the card it had before."""
    text, keyboard = await card_view(draft, found)
    card = await message.reply_text(text, reply_markup=keyboard, do_quote=True)
    if draft.card_message_id is not None and draft.card_message_id != card.message_id:
        with contextlib.suppress(TelegramError):
            await message.get_bot().delete_message(message.chat_id, draft.card_message_id)
    await found.drafts.attach_card(draft.id, card.message_id)


@on_update
async def text_input(turn: Turn) -> None:
    """A plain text: what the draft waits for, or (in a DM) a new prompt."""
    message, found = turn.message, turn.services
    if message.text is None:
        return
    draft = await found.drafts.current(message.chat_id, turn.user.id)
    if draft is not None and draft.step is not DraftStep.OPTIONS:
        answered = await found.drafts.receive_text(draft, message.text, message.message_id)
        if answered is None:
            return
        draft = answered
    elif turn.private:
        draft = await found.drafts.start(
            user_id=turn.user.id,
            place=turn.place,
            language=turn.lang,
            prompt=message.text,
            request_message_id=message.message_id,
        )
    else:
        return
    await show_draft(turn, draft)


async def start_extension(turn: Turn, parent: Job) -> None:
    """A wizard that continues a delivered video: ask what happens next."""
    draft = await turn.services.drafts.start_extension(
        user_id=turn.user.id,
        place=parent.place,
        language=turn.lang,
        source=source_of(parent),
        request_message_id=parent.result_message_id,
    )
    await show_draft(turn, draft)


@on_update
async def other_input(turn: Turn) -> None:
    """Stickers, voice, video and the like: say what is expected instead."""
    draft = await turn.services.drafts.current(turn.message.chat_id, turn.user.id)
    if draft is not None and draft.step is not DraftStep.OPTIONS:
        await turn.reply(t(turn.lang, "need_text"))
    elif turn.private:
        await turn.reply(t(turn.lang, "no_wizard"))


@on_update
async def unknown_command(turn: Turn) -> None:
    """A command this bot does not have, in a DM: point to /help."""
    if turn.private:
        await turn.reply(t(turn.lang, "unknown_command"))


# -- the card's buttons ----------------------------------------------------------------------


@on_button(ChooseOption)
async def choose(turn: Turn, button: ChooseOption) -> None:
    """A choice on the card: change the draft and show it again (or ask for typed input)."""
    found = turn.services
    draft, changed = await found.drafts.choose(
        button.draft_id, turn.user.id, button.option, button.value
    )
    await turn.query.answer()  # at once: the edit below may wait for the chat's turn
    if not changed or not isinstance(turn.update.effective_message, Message):
        return
    if draft.step is not DraftStep.OPTIONS:
        await show_draft(turn, draft)
        return
    text, keyboard = await card_view(draft, found)
    await turn.query.edit_message_text(text, reply_markup=keyboard)


@on_button(CreateJob)
async def create(turn: Turn, button: CreateJob) -> None:
    """▶️ Create: the draft becomes a job (once, however often it is pressed)."""
    try:
        job = await turn.services.drafts.confirm(button.draft_id, turn.user.id)
    except QuotaError as refusal:
        if refusal.reason is not QuotaReason.BALANCE:
            raise
        # The card has the way out: its ⭐ Buy credits and 💡 buttons (an alert's /buy is not
        # tappable).
        raise Refusal("card.create_short", **refusal.params) from refusal
    await turn.query.answer()
    await turn.services.jobs.show(job)


@on_button(AffordableOptions)
async def choose_cheapest(turn: Turn, button: AffordableOptions) -> None:
    """💡 on a card its person cannot afford: switch to the cheapest options."""
    found = turn.services
    draft, changed = await found.drafts.choose_cheapest(button.draft_id, turn.user.id)
    await turn.query.answer()
    if changed:
        text, keyboard = await card_view(draft, found)
        await turn.query.edit_message_text(text, reply_markup=keyboard)


@on_button(DiscardDraft)
async def discard(turn: Turn, button: DiscardDraft) -> None:
    draft = await turn.services.drafts.owned(button.draft_id, turn.user.id)
    await turn.services.drafts.discard(draft)
    await turn.query.answer()
    await turn.query.edit_message_text(t(turn.lang, "draft.discarded"))


BUTTONS = (choose, create, choose_cheapest, discard)
