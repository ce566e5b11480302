"""Everything the bot is made of beyond Telegram's Application and the database: the vendors,
the notifier, the services, the worker and the handlers. Imported (on a thread) only once long
polling has started, so the first `getUpdates` does not wait for all of it to load."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from bot.compose import Stores, build_services, shown_capabilities
from bot.services.alerts import OperatorAlerts
from bot.services.health import HealthCheck
from bot.services.queue import QueueReads
from bot.services.status import StatusMemory
from bot.store.queue import QueueStore
from bot.telegram.admin_notices import AdminAlertSink
from bot.telegram.admin_notices import attach as attach_admin_notices
from bot.telegram.build import TelegramApp
from bot.telegram.handlers import register
from bot.telegram.i18n import CATALOGS
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.updates import OnceOnly
from bot.telegram.webhook import update_feeder
from bot.vendors.base import VideoVendor
from bot.vendors.registry import build_vendors
from bot.worker import Worker

if TYPE_CHECKING:
    from bot.app import BotRuntime


@dataclass(frozen=True)
class Assembled:
    vendors: Mapping[str, VideoVendor]
    worker: Worker
    health: HealthCheck
    webhook: Callable[[Any], Awaitable[bool]]  # the webhook's handler of each posted update
    listen: Callable[[Callable[[], None]], Awaitable[Callable[[], Awaitable[None]]]]
    status: StatusMemory  # what each status message last showed (swept a week on)


def assemble(
    runtime: BotRuntime, telegram: TelegramApp, once: OnceOnly, http: httpx.AsyncClient
) -> Assembled:
    """Build the bot's parts on `runtime`'s database and attach them to `telegram`."""
    settings = runtime.settings
    db = runtime.database
    stores = Stores.on(db)
    status = stores.status_memory()
    vendors = build_vendors(settings.vendor_configs(), http)
    capabilities = shown_capabilities(settings, vendors)
    notifier = TelegramNotifier(
        telegram.bot,
        capabilities,
        job_timeout_minutes=settings.job_timeout_minutes,
        clock=runtime.clock,
        shown=status,
        queue=QueueReads(QueueStore(db), runtime.clock),
    )
    # Alerts go to ADMIN_CHAT_ID, or to each admin of ADMIN_USER_IDS when it is unset.
    admins = AdminAlertSink(telegram.bot, settings.admin_chat_id, settings.admin_user_ids)
    found = build_services(
        settings,
        stores,
        vendors,
        capabilities,
        notifier,
        # Several processes share alert cooldowns in the database; SQLite's one process keeps
        # them in memory.
        OperatorAlerts(
            admins,
            runtime.clock,
            stores.alerts if db.shared else None,
            to_each_admin=settings.admin_chat_id is None,
        ),
        clock=runtime.clock,
        languages=tuple(CATALOGS),
        wake_worker=runtime.wake_worker,
        instance_id=runtime.instance_id,
    )
    telegram.bot_data.services = found
    attach_admin_notices(admins, found)
    worker = Worker(
        found.jobs,
        concurrency=settings.max_concurrent_vendor_calls,
        clock=runtime.clock,
        grace_seconds=settings.shutdown_grace_seconds,
        upload_grace_seconds=settings.shutdown_upload_grace_seconds,
    )
    health = HealthCheck(
        found.jobs.vendor_health,
        worker_healthy=lambda: worker.healthy,
        database_healthy=db.healthy,
    )
    telegram.bot_data.health = health
    register(telegram, once)
    return Assembled(
        vendors=vendors,
        worker=worker,
        health=health,
        webhook=update_feeder(telegram, once),
        listen=stores.jobs.listen,
        status=status,
    )
