"""Photos and image files: downloaded from Telegram, kept by the media library, added to a draft.

An album arrives as several updates sharing a media_group_id; they are collected and added
at once, in the order they were sent, with one answer.
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram import Message, Update
from telegram.error import BadRequest

from bot.domain.credits import QuotaError
from bot.domain.errors import InvalidRequestError, PhotoRejectedError
from bot.domain.request import MediaRef
from bot.services.media import MAX_PHOTO_BYTES
from bot.telegram.albums import Album
from bot.telegram.context import BotContext, is_private, language_of, place_of, services
from bot.telegram.i18n import t
from bot.telegram.render import invalid_request_text, refusal_text
from bot.telegram.wizard import show_draft

ALBUM_SETTLE_SECONDS = 1.0


async def photo_input(update: Update, context: BotContext) -> None:
    """A compressed photo or an image sent as a file: add it to this person's draft."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    if not is_private(update) and await found.drafts.current(message.chat_id, user.id) is None:
        return  # in a group only photos for an open panel count
    try:
        ref = await _download(message, context)
    except PhotoRejectedError as exc:
        await _refuse(update, context, message, t(lang, exc.key))
        return
    if message.media_group_id is None:
        await _add(update, context, [ref], message.caption, message.message_id)
        return
    key = (message.chat_id, user.id, message.media_group_id)
    albums = context.bot_data.albums
    album = albums.albums.setdefault(key, Album(update))
    album.photos.append((message.message_id, ref))
    album.caption = album.caption or message.caption
    if album.timer is not None:
        album.timer.cancel()
    album.timer = asyncio.create_task(_settle(key, context))


async def _settle(key: tuple[int, int, str], context: BotContext) -> None:
    await asyncio.sleep(ALBUM_SETTLE_SECONDS)
    album = context.bot_data.albums.albums.pop(key, None)
    if album is None:
        return
    ordered = sorted(album.photos, key=lambda pair: pair[0])
    await _add(album.update, context, [ref for _, ref in ordered], album.caption, ordered[0][0])


async def _add(
    update: Update,
    context: BotContext,
    photos: list[MediaRef],
    caption: str | None,
    message_id: int,
) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = services(context)
    lang = await language_of(context, user)
    try:
        draft = await found.drafts.add_photos(
            user_id=user.id,
            place=place_of(message),
            language=lang,
            photos=photos,
            caption=caption,
            request_message_id=message_id,
        )
    except InvalidRequestError as exc:
        await message.reply_text(invalid_request_text(lang, exc, found.capabilities))
        return
    except QuotaError as exc:
        await message.reply_text(refusal_text(lang, exc))
        return
    await show_draft(update, message, draft, found)


async def _download(message: Message, context: BotContext) -> MediaRef:
    """The photo's bytes from Telegram (never its URL), checked and kept by the library."""
    if message.document is not None:
        document = message.document
        if not (document.mime_type or "").startswith("image/"):
            raise PhotoRejectedError("photo.not_image")
        file_id, size = document.file_id, document.file_size
    else:
        largest = message.photo[-1]
        file_id, size = largest.file_id, largest.file_size
    if size is not None and size > MAX_PHOTO_BYTES:
        raise PhotoRejectedError("photo.too_big")
    try:
        telegram_file = await context.bot.get_file(file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            raise PhotoRejectedError("photo.too_big") from exc
        raise
    return services(context).media.save_photo(data)


async def _refuse(update: Update, context: BotContext, message: Message, text: str) -> None:
    """Say why a photo was refused; in an album, say it once."""
    user = update.effective_user
    if message.media_group_id is not None and user is not None:
        key = (message.chat_id, user.id, message.media_group_id)
        album = context.bot_data.albums.albums.setdefault(key, Album(update))
        if album.error is not None:
            return
        album.error = text
    with contextlib.suppress(BadRequest):
        await message.reply_text(text)
