"""application.bot_data: light to import, so the Application can be built (and poll) before
the services it will carry are imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.telegram.albums import AlbumCollector

if TYPE_CHECKING:
    from bot.services.container import Services
    from bot.services.health import HealthCheck


class BotData:
    """PTB builds it without arguments, the runtime fills it."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.health: HealthCheck | None = None  # the admins' /health
        self.albums = AlbumCollector()
