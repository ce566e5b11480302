"""Photos and videos a request refers to, handed to vendors in the form each one takes."""

from __future__ import annotations

from bot.domain.errors import InvalidRequestError
from bot.domain.request import MediaRef
from bot.vendors.base import MediaBytes


class NoMedia:
    """The media source while the wizard collects no photos: any request for one is refused."""

    async def public_url(self, ref: MediaRef) -> str:
        raise InvalidRequestError("invalid.image_count", least=0, most=0)

    async def read(self, ref: MediaRef) -> MediaBytes:
        raise InvalidRequestError("invalid.image_count", least=0, most=0)
