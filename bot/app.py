"""Build everything from Settings and run it: the store, the vendors, Telegram, the worker."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
from telegram import Update
from telegram.ext import Updater

from bot.config import Settings
from bot.logs import quiet_secret_carrying_loggers, redact_secrets
from bot.services.lease import InstanceLease, instance_id
from bot.services.ports import Clock, SharedPace
from bot.services.updates import PollingLeader, UpdateClaims, replica_name
from bot.store.database import Database
from bot.store.lease import LeaseStore
from bot.store.updates import UpdateStore
from bot.telegram.build import TelegramApp, build_telegram
from bot.telegram.updates import OnceOnly
from bot.vendors.base import CallbackVendor, VideoVendor
from bot.web.listener import reserve

if TYPE_CHECKING:  # imported once polling runs (a faster start): see bot/assembly.py
    from bot.services.health import HealthCheck
    from bot.services.status import StatusMemory
    from bot.web.server import WebServer
    from bot.worker import Worker

log = logging.getLogger(__name__)

PRUNE_SECONDS = 600.0  # how often processed update ids older than a day are forgotten


class BotRuntime:
    """One running bot: `async with BotRuntime(settings):` starts it and stops it cleanly."""

    def __init__(self, settings: Settings, *, clock: Clock = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self._db: Database | None = None
        self._http: httpx.AsyncClient | None = None
        self._telegram: TelegramApp | None = None
        self._worker: Worker | None = None
        self._web: WebServer | None = None
        self._listener: socket.socket | None = None
        self._status: StatusMemory | None = None
        self._lease: InstanceLease | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self.replica = replica_name()
        self._updates: UpdateStore | None = None
        self._leader: PollingLeader | None = None
        self._tending: asyncio.Task[None] | None = None
        self.instance_id = instance_id()
        self._stop_listening: Callable[[], Awaitable[None]] | None = None

    @property
    def database(self) -> Database:
        assert self._db is not None
        return self._db

    @property
    def http_port(self) -> int | None:
        return self._web.port if self._web else None

    async def start(self) -> None:
        settings = self.settings
        quiet_secret_carrying_loggers()
        redact_secrets(settings.secrets())
        self._db = await Database.open_configured(
            settings.database_url.get_secret_value() if settings.database_url else None,
            settings.database_path,
        )
        if not self._db.shared:  # SQLite: one process; PostgreSQL: replicas kept apart by claims
            self._lease = InstanceLease(
                LeaseStore(self._db), self.clock, settings.instance_lease_seconds, self.instance_id
            )
            await self._lease.acquire()
            self._heartbeat = asyncio.create_task(self._keep_lease(), name="instance-lease")
        self._updates = UpdateStore(self._db)
        once = OnceOnly(
            UpdateClaims(self._updates, self.replica, self.clock, settings.update_claim_seconds)
        )
        # Replicas on PostgreSQL share Telegram's limits in the database; SQLite's one process
        # keeps them in memory.
        pace = self._shared_pace() if self._db.shared else None
        telegram = build_telegram(settings, pace)
        self._telegram = telegram
        self._listener = reserve(settings.http_host, settings.http_port)
        await telegram.initialize()
        # Alone on SQLite with long polling, polling starts now, as PTB's own run_polling does:
        # updates wait in the Application's queue while the rest of the bot is imported (on a
        # thread) and built, and are handled once it starts. A webhook needs the HTTP server
        # first; replicas on PostgreSQL poll once they lead.
        early = settings.database_url is None and not settings.telegram_webhook
        if early:
            await self._receive_updates(telegram, once)
        await import_on_thread("bot.assembly")
        from bot.assembly import assemble

        self._http = httpx.AsyncClient()
        built = assemble(self, telegram, once, self._http)
        self._worker = built.worker
        self._status = built.status
        await telegram.start()
        if not early and not settings.telegram_webhook:
            await self._receive_updates(telegram, once)
        await self._serve_http(built.vendors, built.health, webhook=built.webhook)
        if settings.telegram_webhook:
            await self._receive_updates(telegram, once)
        await self._publish_commands()
        # Other processes on the database wake this one's worker when they make a job due.
        self._stop_listening = await built.listen(self.wake_worker)
        await self._worker.start()
        log.info("bot @%s is running with vendor %s", telegram.bot.username, settings.vendor[0])

    def _shared_pace(self) -> SharedPace:
        """Telegram's flood budget kept in the database, for replicas that share it (loaded
        only then)."""
        from bot.services.pacing import SharedPacing
        from bot.store.pacing import PaceStore

        assert self._db is not None
        return SharedPacing(PaceStore(self._db))

    async def _serve_http(
        self,
        vendors: Mapping[str, VideoVendor],
        health: HealthCheck,
        *,
        webhook: Callable[[Any], Awaitable[bool]],
    ) -> None:
        """/healthz, vendor callbacks, hosted photos and (in webhook mode) Telegram's updates."""
        await import_on_thread("bot.web.server")  # the first long poll goes out meanwhile
        from bot.web.server import Replica, TelegramWebhook, WebServer

        settings = self.settings
        assert self._telegram is not None
        services = self._telegram.bot_data.services
        assert services is not None
        callback_vendors = {
            name: vendor for name, vendor in vendors.items() if isinstance(vendor, CallbackVendor)
        }
        replica = Replica(
            name=f"{socket.gethostname()}:{os.getpid()}",
            engine="postgresql" if settings.database_url else "sqlite",
        )
        self._web = WebServer(
            services.jobs,
            services.media,
            callback_vendors,
            health=health,
            webhook=(
                TelegramWebhook(settings.webhook_secret, webhook)
                if settings.telegram_webhook
                else None
            ),
            replica=replica,
        )
        assert self._listener is not None
        listener, self._listener = self._listener, None
        await self._web.start(listener)

    async def _close_listener(self) -> None:
        """The port taken at start, when the server never came to serve it."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def wake_worker(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    async def _keep_lease(self) -> None:
        assert self._lease is not None
        while True:
            await asyncio.sleep(self.settings.instance_lease_seconds / 3)
            try:
                await self._lease.renew()
            except Exception:
                log.exception("could not renew the instance lease")

    async def _receive_updates(self, telegram: TelegramApp, once: OnceOnly) -> None:
        """Long polling, or a webhook on our own server; pending updates are never dropped.

        On PostgreSQL in polling mode only the replica holding the leader's lease polls; the
        others check every third of the lease and take over when it lapses.
        """
        settings = self.settings
        assert self._updates is not None
        if settings.telegram_webhook:
            assert settings.public_base_url is not None
            from bot.telegram.webhook import register_webhook
            from bot.web.server import WEBHOOK_PATH

            url = str(settings.public_base_url).rstrip("/") + WEBHOOK_PATH
            await register_webhook(telegram, url, settings.webhook_secret)
        elif settings.database_url is None:
            await self._start_polling()
        else:
            self._leader = PollingLeader(
                self._updates, self.replica, self.clock, settings.leader_lease_seconds
            )
            await self._follow_the_lead()
        self._tending = asyncio.create_task(self._tend_updates(once), name="updates")

    def _updater(self) -> Updater:
        assert self._telegram is not None
        assert self._telegram.updater is not None
        return self._telegram.updater

    async def _start_polling(self) -> None:
        await self._updater().start_polling(
            timeout=self.settings.telegram_poll_timeout_seconds,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )

    @property
    def polling(self) -> bool:
        updater = self._telegram.updater if self._telegram else None
        return updater is not None and updater.running

    async def _follow_the_lead(self) -> None:
        """Poll while this replica holds the leader's lease, stop when it lost it."""
        assert self._leader is not None
        leading = await self._leader.hold()
        if leading and not self.polling:
            log.info("this replica (%s) polls Telegram now", self.replica)
            await self._start_polling()
        elif not leading and self.polling:
            log.warning("this replica (%s) lost the polling lead; stops polling", self.replica)
            await self._updater().stop()

    async def _tend_updates(self, once: OnceOnly) -> None:
        """Keep (or watch for) the polling lead; forget old update ids (and statuses shown a
        week ago) every ten minutes."""
        every = self._leader.lease_seconds / 3 if self._leader else PRUNE_SECONDS
        pruned_at = -PRUNE_SECONDS
        while True:
            try:
                if self._leader is not None:
                    await self._follow_the_lead()
                if time.monotonic() - pruned_at >= PRUNE_SECONDS:
                    pruned_at = time.monotonic()
                    await once.forget_old()
                    if self._status is not None:  # what status messages showed, long ago
                        await self._status.sweep(self.clock())
            except Exception:
                log.exception("could not tend the Telegram updates")
            await asyncio.sleep(every)

    async def _stop_receiving(self) -> None:
        """Stop polling first and give up the lead, so another replica polls at once."""
        assert self._tending is not None
        self._tending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._tending
        if self.polling:
            await self._updater().stop()
        if self._leader is not None:
            await self._leader.step_down()

    def _worker_healthy(self) -> bool:
        return self._worker is not None and self._worker.healthy

    async def _publish_commands(self) -> None:
        from bot.telegram.profile import publish_commands, publish_description

        assert self._telegram is not None
        try:
            await publish_commands(self._telegram.bot, credits=self.settings.credits_enabled)
            await publish_description(self._telegram.bot)
        except Exception:
            log.warning("could not publish the command menu or description", exc_info=True)

    async def stop(self) -> None:
        """Stop every part that started; a part that fails to stop is logged, the rest still
        stop, and the database is closed on every path (its thread would keep the process)."""
        await self._stop_parts(report=log.exception)
        log.info("bot stopped")

    async def _stop_parts(self, report: Callable[..., None]) -> None:
        telegram = self._telegram
        steps: list[tuple[str, Callable[[], Awaitable[object]] | None]] = [
            ("stop listening for due jobs", self._stop_listening),
            ("stop the worker", self._worker.stop if self._worker else None),
            ("stop the HTTP server", self._web.stop if self._web else None),
            ("close the HTTP port", self._close_listener if self._listener else None),
            ("stop broadcasts", self._stop_broadcasts if telegram else None),
            ("stop receiving updates", self._stop_receiving if self._tending else None),
            ("stop Telegram", self._stop_telegram if telegram else None),
            ("close the HTTP client", self._http.aclose if self._http else None),
            ("stop renewing the lease", self._stop_heartbeat if self._heartbeat else None),
            ("release the instance lease", self._lease.release if self._lease else None),
        ]
        try:
            for what, step in steps:
                if step is None:
                    continue
                try:
                    await step()
                except Exception:
                    report("could not %s", what)
        finally:
            db, self._db = self._db, None
            if db is not None:
                await db.close()

    async def _stop_broadcasts(self) -> None:
        """A broadcast under way ends here; it is not resumed after a restart."""
        found = self._telegram.bot_data.services if self._telegram else None
        if found is not None:
            await found.broadcasts.close()

    async def _stop_telegram(self) -> None:
        telegram = self._telegram
        assert telegram is not None
        if telegram.updater is not None and telegram.updater.running:
            await telegram.updater.stop()
        if telegram.running:
            await telegram.stop()
        await telegram.shutdown()

    async def _stop_heartbeat(self) -> None:
        assert self._heartbeat is not None
        self._heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._heartbeat

    async def __aenter__(self) -> BotRuntime:
        try:
            await self.start()
        except BaseException:
            # The start's own error is the one line the operator sees; what failed while
            # undoing a half-made start is for the debug log.
            await self._stop_parts(report=functools.partial(log.debug, exc_info=True))
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def import_on_thread(module: str) -> None:
    """Import `module` on a thread of its own (ended at once: nothing is left to keep the
    process alive), so the event loop goes on meanwhile (the first long poll, mostly)."""
    with ThreadPoolExecutor(1, thread_name_prefix="import") as thread:
        await asyncio.get_running_loop().run_in_executor(thread, importlib.import_module, module)
