"""The conversation that fills a draft: /video, the prompt and other typed answers, the card."""

from __future__ import annotations

import contextlib

from telegram import ForceReply, InlineKeyboardMarkup, Message, MessageEntity, Update, User
from telegram.error import TelegramError

from bot.domain.credits import QuotaError
from bot.domain.drafts import Draft, DraftStep
from bot.domain.errors import InvalidRequestError, StaleButtonError
from bot.domain.jobs import Job
from bot.services.followups import source_of
from bot.telegram.cards import card_keyboard, card_text
from bot.telegram.context import (
    BotContext,
    Services,
    is_private,
    language_of,
    place_of,
    services,
)
from bot.telegram.i18n import t
from bot.telegram.render import invalid_request_text, refusal_text

_ASK_KEYS = {
    DraftStep.PROMPT: "ask_prompt",
    DraftStep.SEED: "ask_seed",
    DraftStep.NEGATIVE: "ask_negative",
}


def text_after_command(message: Message) -> str | None:
    """What follows `/video` or `/video@bot`, or None when nothing does."""
    text = message.text or ""
    command = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    rest = text[command.length :] if command else text
    return rest.strip() or None


async def video(update: Update, context: BotContext) -> None:
    """/video [prompt]: open a card, or ask for the prompt (and photos) first."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    try:
        draft = await found.drafts.start(
            user_id=user.id,
            place=place_of(message),
            language=lang,
            prompt=text_after_command(message),
            request_message_id=message.message_id,
        )
    except InvalidRequestError as exc:
        await message.reply_text(invalid_request_text(lang, exc, found.capabilities))
        return
    except QuotaError as exc:
        await message.reply_text(refusal_text(lang, exc))
        return
    await show_draft(update, message, draft, found)


async def show_draft(update: Update, message: Message, draft: Draft, found: Services) -> None:
    """Answer a draft's step: ask for what it waits for, or send its card."""
    if draft.step is DraftStep.OPTIONS:
        await send_card(message, draft, found)
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
        update,
        message,
        draft.language,
        key,
        photos=len(draft.options.images),
        low=low,
        high=high,
        most=caps.max_photos(),
    )


async def ask(update: Update, message: Message, lang: str, key: str, **params: object) -> None:
    """Ask for typed input; in a group as a selective ForceReply so the answer reaches us."""
    if is_private(update):
        await message.reply_text(t(lang, key, **params), do_quote=False)
        return
    # A selective ForceReply reaches the people mentioned and the author of the message it
    # replies to; after a button press that message is the bot's own, so mention the person.
    user = update.effective_user
    name = user.first_name if user else ""
    text = t(lang, "group_prefix", name=name) + t(lang, key, **params)
    entities = [_mention(text, name, user)] if user is not None and name else []
    await message.reply_text(
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
    cost = None
    if found.credits.enabled:
        price = found.credits.price(draft.to_request())
        cost = (price, (await found.credits.balance(draft.user_id)).total)
    return card_text(draft, caps, cost), card_keyboard(draft, caps)


async def send_card(message: Message, draft: Draft, found: Services) -> None:
    """Send the draft's card as a reply, and retire the card it had before."""
    text, keyboard = await card_view(draft, found)
    card = await message.reply_text(text, reply_markup=keyboard, do_quote=True)
    if draft.card_message_id is not None and draft.card_message_id != card.message_id:
        with contextlib.suppress(TelegramError):
            await message.get_bot().delete_message(message.chat_id, draft.card_message_id)
    await found.drafts.attach_card(draft.id, card.message_id)


async def text_input(update: Update, context: BotContext) -> None:
    """A plain text: what the draft waits for, or (in a DM) a new prompt."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    draft = await found.drafts.current(message.chat_id, user.id)
    try:
        if draft is not None and draft.step is not DraftStep.OPTIONS:
            draft = await found.drafts.receive_text(draft, message.text, message.message_id)
        elif is_private(update):
            draft = await found.drafts.start(
                user_id=user.id,
                place=place_of(message),
                language=lang,
                prompt=message.text,
                request_message_id=message.message_id,
            )
        else:
            return
    except InvalidRequestError as exc:
        caps = found.drafts.capabilities_for(draft) if draft else found.capabilities
        await message.reply_text(invalid_request_text(lang, exc, caps))
        return
    except QuotaError as exc:
        await message.reply_text(refusal_text(lang, exc))
        return
    except StaleButtonError:
        return
    await show_draft(update, message, draft, found)


async def start_extension(update: Update, found: Services, parent: Job, lang: str) -> None:
    """A wizard that continues a delivered video: ask what happens next."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    draft = await found.drafts.start_extension(
        user_id=user.id,
        place=parent.place,
        language=lang,
        source=source_of(parent),
        request_message_id=parent.result_message_id,
    )
    await show_draft(update, message, draft, found)


async def other_input(update: Update, context: BotContext) -> None:
    """Stickers, voice, video and the like: say what is expected instead."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    lang = await language_of(context, user)
    draft = await services(context).drafts.current(message.chat_id, user.id)
    if draft is not None and draft.step is not DraftStep.OPTIONS:
        await message.reply_text(t(lang, "need_text"))
    elif is_private(update):
        await message.reply_text(t(lang, "no_wizard"))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command this bot does not have, in a DM: point to /help."""
    message = update.effective_message
    if message is None or not is_private(update):
        return
    lang = await language_of(context, update.effective_user)
    await message.reply_text(t(lang, "unknown_command"))
