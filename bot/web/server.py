"""The bot's own HTTP server: Telegram's webhook, photos for vendors, callbacks, health."""

from __future__ import annotations

import hmac
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.domain.errors import InvalidCallbackError, StorageError
from bot.services.health import HealthCheck, serving
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.vendors.base import CallbackVendor, MediaBytes

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 256 * 1024
WEBHOOK_PATH = "/telegram/webhook"


@dataclass(frozen=True)
class Replica:
    """Which process answers (hostname:pid) and on which database engine, for /healthz."""

    name: str
    engine: str  # "sqlite" or "postgresql"


@dataclass(frozen=True)
class TelegramWebhook:
    """Where Telegram posts updates, and the secret token it must send with each.

    `feed` handles an update and answers whether it is done (False: another replica is still
    on it); it raises StorageError when the database cannot record it.
    """

    secret: str
    feed: Callable[[Any], Awaitable[bool]]


class WebServer:
    def __init__(
        self,
        jobs: JobService,
        media: MediaLibrary,
        callback_vendors: Mapping[str, CallbackVendor],
        *,
        health: HealthCheck,
        webhook: TelegramWebhook | None = None,
        replica: Replica | None = None,
    ) -> None:
        self._jobs = jobs
        self._media = media
        self._callback_vendors = callback_vendors
        self._health_check = health
        self._webhook = webhook
        self._replica = replica
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_CALLBACK_BYTES)
        app.router.add_get("/healthz", self._health)
        app.router.add_post("/callbacks/{vendor}", self._callback)
        app.router.add_get("/media/{token}", self._hosted_media)
        app.router.add_post(WEBHOOK_PATH, self._telegram_update)
        return app

    async def start(self, listener: socket.socket) -> None:
        """Serve on a socket bound beforehand (bot/web/listener.py); it is closed at stop."""
        self._runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.SockSite(self._runner, listener)
        await site.start()
        host, self.port = listener.getsockname()[:2]
        log.info("HTTP server listening on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        """Whether the database, the worker and each vendor are well (503 if the bot is not).

        Public (load balancers ask it): states only; what went wrong is in the admins' /health.
        """
        parts = await self._health_check.parts()
        body: dict[str, object] = {p.name: p.state for p in parts if not p.vendor}
        body["vendors"] = {p.name: p.state for p in parts if p.vendor}
        if self._replica is not None:
            body["engine"] = self._replica.engine
            body["replica"] = self._replica.name
        return web.json_response(body, status=200 if serving(parts) else 503)

    async def _telegram_update(self, request: web.Request) -> web.Response:
        """An update Telegram posts in webhook mode, checked against the secret token.

        Answered after it was handled: 200 when it is done (a handler's failure included, the
        person was told; resending would fail again), 503 when nothing was done and Telegram
        should resend it later (the database failing, or another replica still on it).
        """
        if self._webhook is None:
            return web.Response(status=404, text="not found")
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self._webhook.secret.encode()):
            log.warning("refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        try:
            done = await self._webhook.feed(data)
        except StorageError as exc:
            log.warning("webhook update not taken, the database is failing: %s", exc)
            return web.Response(status=503, text="database unavailable, try again")
        if not done:
            return web.Response(status=503, text="being handled elsewhere, try again")
        return web.Response(text="ok")

    async def _hosted_media(self, request: web.Request) -> web.StreamResponse:
        """A photo for a vendor, while its job needs it; 404 for anything else."""
        found = await self._media.hosted(request.match_info["token"])
        if found is None:
            return web.Response(status=404, text="not found")
        if isinstance(found, MediaBytes):
            return web.Response(
                body=found.data,
                content_type=found.mime_type,
                headers={"Cache-Control": "no-store"},
            )
        return web.FileResponse(found, headers={"Cache-Control": "no-store"})

    async def _callback(self, request: web.Request) -> web.Response:
        """A vendor says a task changed: verify it, then poll that job now."""
        name = request.match_info["vendor"]
        vendor = self._callback_vendors.get(name)
        if vendor is None:
            return web.json_response({"error": "no callbacks for this vendor"}, status=404)
        body = await request.read()
        try:
            task_id = vendor.task_id_from_callback(request.headers, body)
        except InvalidCallbackError as exc:
            log.warning("refused a %s callback: %s", name, exc)
            return web.json_response({"error": "invalid callback"}, status=401)
        woken = await self._jobs.poll_soon(name, task_id)
        log.info("%s callback for task %s (job found: %s)", name, task_id, woken)
        return web.json_response({"ok": True})
