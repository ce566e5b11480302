"""Inline mode: typing @bot in any chat lists the person's own recent videos; choosing one
sends it there by its Telegram file_id (no upload). Words after @bot filter by the prompt."""

from __future__ import annotations

from telegram import InlineQuery, InlineQueryResultCachedVideo, InlineQueryResultsButton

from bot.telegram.context import Turn, on_update
from bot.telegram.i18n import t
from bot.telegram.render import caption, settings_line, shorten

LISTED = 20  # results shown
SEARCHED = 50  # recent videos the typed words are looked for in
CACHE_SECONDS = 10  # a new video shows up within this long


@on_update
async def inline_query(turn: Turn) -> None:
    """The person's delivered videos, newest first, each sent by file_id with its caption."""
    query = turn.update.inline_query
    if query is None:
        return
    found = turn.services
    words = query.query.strip().casefold()
    jobs = await found.jobs.delivered_to(turn.user.id, SEARCHED if words else LISTED)
    if words:
        jobs = [job for job in jobs if words in job.request.prompt.casefold()][:LISTED]
    results = []
    for job in jobs:
        if job.file_id is None:
            continue
        caps = found.drafts.capabilities_for_vendor(job.vendor)
        results.append(
            InlineQueryResultCachedVideo(
                id=str(job.id),
                video_file_id=job.file_id,
                title=shorten(job.request.prompt, 64),
                description=settings_line(turn.lang, job.request, caps),
                caption=caption(job, caps),
            )
        )
    await _answer(query, turn.lang, results)


async def _answer(
    query: InlineQuery, lang: str, results: list[InlineQueryResultCachedVideo]
) -> None:
    button = None
    if not results:  # nothing to share yet: a button to the private chat to make one
        button = InlineQueryResultsButton(t(lang, "inline.none"), start_parameter="inline")
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True, button=button)
