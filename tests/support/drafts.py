"""A draft on its card, straight in the store: the start of a job in the store tests."""

from __future__ import annotations

from bot.domain.drafts import Draft, DraftOptions, DraftStep
from bot.domain.jobs import ChatPlace
from bot.store.drafts import DraftStore


async def card_draft(
    drafts: DraftStore,
    *,
    chat_id: int = 7,
    user_id: int = 7,
    prompt: str = "p",
    now: float = 1.0,
) -> Draft:
    """A draft with the prompt (by default "p") and default options, its card shown (OPTIONS)."""
    return await drafts.replace(
        user_id=user_id,
        place=ChatPlace(chat_id=chat_id),
        language="en",
        step=DraftStep.OPTIONS,
        prompt=prompt,
        options=DraftOptions(),
        request_message_id=None,
        now=now,
    )
