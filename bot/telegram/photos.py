"""Photos and image files: downloaded from Telegram, kept by the media library, added to a draft.

An album arrives as several updates sharing a media_group_id; they are collected (in the
database, so that they may reach different replicas) and added at once, in the order they
were sent, with one answer.
"""

from __future__ import annotations

import asyncio

from telegram.error import BadRequest

from bot.domain.errors import PhotoRejectedError
from bot.domain.request import MediaRef
from bot.services.media import MAX_PHOTO_BYTES
from bot.telegram.albums import AlbumKey
from bot.telegram.context import Turn, on_update
from bot.telegram.i18n import t
from bot.telegram.wizard import show_draft

ALBUM_SETTLE_SECONDS = 1.0


@on_update
async def photo_input(turn: Turn) -> None:
    """A compressed photo or an image sent as a file: add it to this person's draft."""
    message, found = turn.message, turn.services
    if not turn.private and await found.drafts.current(message.chat_id, turn.user.id) is None:
        return  # in a group only photos for an open panel count
    albums = turn.context.bot_data.albums
    key = (message.chat_id, turn.user.id, message.media_group_id or "")
    try:
        ref = await _download(turn)
    except PhotoRejectedError:
        if message.media_group_id is not None:
            albums.seen(key, turn)
            if not await found.albums.refuse_once(key):
                return  # this album was already told why
        raise
    if message.media_group_id is None:
        await _add(turn, [ref], message.caption, message.message_id)
        return
    number = await found.albums.collect(key, message.message_id, ref, message.caption)
    albums.seen(key, turn, number)
    albums.start_timer(_settle(turn, key, number))


async def _settle(own_turn: Turn, key: AlbumKey, number: int) -> None:
    """After the settle time, answer the album if photo `number` is still its last one."""
    await asyncio.sleep(ALBUM_SETTLE_SECONDS)
    albums = own_turn.context.bot_data.albums
    try:
        album = await own_turn.services.albums.take_settled(key, number)
    except Exception as error:
        albums.settled(key, number, taken=False)
        await own_turn.context.application.process_error(own_turn.update, error)
        return
    turn = albums.settled(key, number, taken=album is not None) or own_turn
    if album is None:
        return
    try:
        await turn.guard(_add(turn, album.photos, album.caption, album.first_message_id))
    except Exception as error:
        # Outside PTB's own dispatch: hand the failure to the same error handler.
        await turn.context.application.process_error(turn.update, error)


async def _add(turn: Turn, photos: list[MediaRef], caption: str | None, message_id: int) -> None:
    """Add the photos to the card; past the most a video takes, the card keeps the first ones
    and the person is told (the card stays as it is)."""
    drafts = turn.services.drafts
    draft, left_out = await drafts.add_photos(
        user_id=turn.user.id,
        place=turn.place,
        language=turn.lang,
        photos=photos,
        caption=caption,
        request_message_id=message_id,
    )
    if draft is not None:
        await show_draft(turn, draft)
    if left_out:
        await turn.reply(t(turn.lang, "photos.kept_first", most=drafts.capabilities.max_photos()))


async def _download(turn: Turn) -> MediaRef:
    """The photo's bytes from Telegram (never its URL), checked and kept by the library."""
    message = turn.message
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
        telegram_file = await turn.bot.get_file(file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            raise PhotoRejectedError("photo.too_big") from exc
        raise
    return await turn.services.media.keep_photo(data)
