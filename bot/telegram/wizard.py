"""The conversation that turns a prompt into an options card: /video, the prompt, other input."""

from __future__ import annotations

from telegram import ForceReply, Message, MessageEntity, Update

from bot.domain.errors import InvalidRequestError
from bot.domain.jobs import Draft, DraftStep, Job
from bot.services.followups import source_of
from bot.telegram.context import BotContext, Services, is_private, language_of, place_of, services
from bot.telegram.i18n import t
from bot.telegram.render import card_keyboard, card_text, invalid_request_text


def _text_after_command(message: Message) -> str | None:
    """What follows `/video` or `/video@bot`, or None when nothing does."""
    text = message.text or ""
    command = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    rest = text[command.length :] if command else text
    return rest.strip() or None


async def video(update: Update, context: BotContext) -> None:
    """/video [prompt]: open a card, or ask for the prompt first."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = language_of(user)
    prompt = _text_after_command(message)
    try:
        draft = await found.drafts.start(
            user_id=user.id,
            place=place_of(message),
            language=lang,
            prompt=prompt,
            request_message_id=message.message_id,
        )
    except InvalidRequestError as exc:
        await message.reply_text(invalid_request_text(lang, exc, found.capabilities))
        return
    if draft.step is DraftStep.PROMPT:
        await _ask_for_prompt(update, message, lang)
    else:
        await _send_card(message, draft, found)


async def _ask_for_prompt(
    update: Update, message: Message, lang: str, *, key: str = "ask_prompt"
) -> None:
    """Ask for the prompt; in a group as a selective ForceReply so the answer reaches us."""
    if is_private(update):
        await message.reply_text(t(lang, key), do_quote=False)
        return
    name = update.effective_user.first_name if update.effective_user else ""
    await message.reply_text(
        t(lang, f"{key}_group", name=name),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=t(lang, "prompt_placeholder")
        ),
        do_quote=True,
    )


async def start_extension(update: Update, found: Services, parent: Job, lang: str) -> None:
    """A wizard that continues a delivered video: ask what happens next."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    await found.drafts.start_extension(
        user_id=user.id,
        place=parent.place,
        language=lang,
        source=source_of(parent),
        request_message_id=parent.result_message_id,
    )
    await _ask_for_prompt(update, message, lang, key="ask_extension_prompt")


async def _send_card(message: Message, draft: Draft, found: Services) -> None:
    caps = found.drafts.capabilities_for(draft)
    card = await message.reply_text(
        card_text(draft, caps), reply_markup=card_keyboard(draft, caps), do_quote=True
    )
    await found.drafts.attach_card(draft.id, card.message_id)


async def prompt_text(update: Update, context: BotContext) -> None:
    """A plain text message: the prompt the wizard asked for, or (in a DM) a new prompt."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    found = services(context)
    lang = language_of(user)
    draft = await found.drafts.current(message.chat_id, user.id)
    try:
        if draft is not None and draft.step is DraftStep.PROMPT:
            draft = await found.drafts.set_prompt(draft, message.text, message.message_id)
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
        await message.reply_text(invalid_request_text(lang, exc, found.capabilities))
        return
    await _send_card(message, draft, found)


async def other_input(update: Update, context: BotContext) -> None:
    """Stickers, files, voice and the like: say what is expected instead."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    lang = language_of(user)
    draft = await services(context).drafts.current(message.chat_id, user.id)
    if draft is not None and draft.step is DraftStep.PROMPT:
        await message.reply_text(t(lang, "need_text"))
    elif is_private(update):
        await message.reply_text(t(lang, "no_wizard"))
