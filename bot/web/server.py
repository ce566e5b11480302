"""The bot's own HTTP server: hosted photos for vendors, vendor callbacks, a health check."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from aiohttp import web

from bot.domain.errors import InvalidCallbackError
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.vendors.base import CallbackVendor

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 256 * 1024


class WebServer:
    def __init__(
        self,
        jobs: JobService,
        media: MediaLibrary,
        callback_vendors: Mapping[str, CallbackVendor],
        *,
        worker_healthy: Callable[[], bool],
    ) -> None:
        self._jobs = jobs
        self._media = media
        self._callback_vendors = callback_vendors
        self._worker_healthy = worker_healthy
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_CALLBACK_BYTES)
        app.router.add_get("/healthz", self._health)
        app.router.add_post("/callbacks/{vendor}", self._callback)
        app.router.add_get("/media/{token}", self._hosted_media)
        return app

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("HTTP server listening on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        healthy = self._worker_healthy()
        return web.json_response({"worker": healthy}, status=200 if healthy else 503)

    async def _hosted_media(self, request: web.Request) -> web.StreamResponse:
        """A photo for a vendor, while its job needs it; 404 for anything else."""
        path = await self._media.hosted(request.match_info["token"])
        if path is None:
            return web.Response(status=404, text="not found")
        return web.FileResponse(path, headers={"Cache-Control": "no-store"})

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
