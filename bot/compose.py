"""The composition root: every store built once on the database, every service from them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.config import Settings
from bot.domain.capabilities import Capabilities
from bot.services.albums import AlbumService
from bot.services.alerts import OperatorAlerts
from bot.services.broadcast import Broadcasts
from bot.services.confirmations import AdminActions
from bot.services.container import Services
from bot.services.credits import AccessPolicy, CreditsService
from bot.services.drafts import DraftService
from bot.services.followups import FollowUpService
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.services.people import PeopleService
from bot.services.ports import Clock, JobNotifier
from bot.services.referrals import Referrals
from bot.services.stats import StatsService
from bot.services.status import StatusMemory
from bot.services.steps import JobPolicy
from bot.store.admin_actions import AdminActionStore
from bot.store.albums import AlbumStore
from bot.store.alerts import AlertStore
from bot.store.database import Database
from bot.store.drafts import DraftStore
from bot.store.hosting import HostingStore
from bot.store.jobs import JobStore
from bot.store.lease import LeaseStore
from bot.store.ledger import LedgerStore
from bot.store.people import PeopleStore
from bot.store.photos import PhotoStore
from bot.store.profiles import ProfileStore
from bot.store.stats import StatsStore
from bot.store.status import StatusStore
from bot.vendors.base import VideoVendor


@dataclass(frozen=True)
class Stores:
    jobs: JobStore
    drafts: DraftStore
    people: PeopleStore
    ledger: LedgerStore
    hosting: HostingStore
    lease: LeaseStore
    photos: PhotoStore
    albums: AlbumStore
    status: StatusStore
    alerts: AlertStore
    profiles: ProfileStore
    admin_actions: AdminActionStore
    stats: StatsStore

    @classmethod
    def on(cls, db: Database) -> Stores:
        return cls(
            jobs=JobStore(db),
            drafts=DraftStore(db),
            people=PeopleStore(db),
            ledger=LedgerStore(db),
            hosting=HostingStore(db),
            lease=LeaseStore(db),
            photos=PhotoStore(db),
            albums=AlbumStore(db),
            status=StatusStore(db),
            alerts=AlertStore(db),
            profiles=ProfileStore(db),
            admin_actions=AdminActionStore(db),
            stats=StatsStore(db),
        )

    def status_memory(self) -> StatusMemory:
        """What the notifier's status-edit throttle remembers, shared by every replica."""
        return StatusMemory(self.status)


def shown_capabilities(
    settings: Settings, vendors: Mapping[str, VideoVendor]
) -> dict[str, Capabilities]:
    """Each vendor's capabilities as people see them: named VENDOR_DISPLAY_NAME, never by the
    reseller's brand (logs and admin commands name vendors by their id)."""
    return {
        name: replace(vendor.capabilities, display_name=settings.vendor_display_name)
        for name, vendor in vendors.items()
    }


def build_services(
    settings: Settings,
    stores: Stores,
    vendors: Mapping[str, VideoVendor],
    capabilities: Mapping[str, Capabilities],
    notifier: JobNotifier,
    alerts: OperatorAlerts,
    *,
    clock: Clock,
    languages: tuple[str, ...],
    wake_worker: Callable[[], None],
    instance_id: str = "this process",
) -> Services:
    """Every service, wired to the stores, the vendors (the first is the card's, each with the
    capabilities people are shown) and Telegram."""
    primary = vendors[settings.vendor[0]]
    # Another replica may ban someone or change a language: it holds here within half a minute.
    remember_seconds = 30.0 if stores.jobs.shared else math.inf
    job_timeout_seconds = settings.job_timeout_minutes * 60
    allowlist = settings.allowed_user_ids
    credits = CreditsService(
        stores.ledger,
        stores.people,
        prices=settings.prices,
        quotas=settings.quotas,
        packs=settings.star_packs,
        access=AccessPolicy(
            admins=frozenset(settings.admin_user_ids),
            allowlist=frozenset(allowlist) if allowlist is not None else None,
        ),
        clock=clock,
        remember_seconds=remember_seconds,
    )
    referrals = Referrals(
        stores.profiles, credits, credits_each=settings.referral_credits, clock=clock
    )
    media = MediaLibrary(
        settings.media_dir / "photos",
        stores.hosting,
        public_base_url=str(settings.public_base_url) if settings.public_base_url else None,
        clock=clock,
        # Replicas on PostgreSQL keep photos in the database; one process on SQLite, on disk.
        photos=stores.photos if settings.database_url else None,
    )
    jobs = JobService(
        stores.jobs,
        vendors,
        notifier,
        media,
        alerts,
        JobPolicy(
            job_timeout_seconds=job_timeout_seconds,
            upload_limit_bytes=settings.upload_limit_bytes,
            media_dir=settings.media_dir,
            poll_interval_override=settings.poll_interval_seconds,
            claim_lease_seconds=settings.job_lease_seconds,
            max_vendor_calls=settings.max_concurrent_vendor_calls,
        ),
        clock,
        instance_id=instance_id,
        on_delivered=referrals.delivered,  # a referred person's first video credits both
    )
    jobs.on_due(wake_worker)
    drafts = DraftService(
        stores.drafts,
        stores.jobs,
        stores.people,
        credits,
        capabilities,
        vendor=primary.name,
        can_host_photos=media.can_host,
        job_timeout_seconds=job_timeout_seconds,
        clock=clock,
        on_job_created=wake_worker,
    )
    follow_ups = FollowUpService(
        stores.jobs,
        credits,
        capabilities,
        job_timeout_seconds=job_timeout_seconds,
        clock=clock,
        on_job_created=wake_worker,
        primary_vendor=primary.name,
    )
    people = PeopleService(
        stores.people,
        capabilities[primary.name],
        languages,
        clock,
        profiles=stores.profiles,
        remember_seconds=remember_seconds,
    )
    admin_actions = AdminActions(stores.admin_actions, clock)
    return Services(
        drafts=drafts,
        jobs=jobs,
        follow_ups=follow_ups,
        credits=credits,
        people=people,
        media=media,
        capabilities=capabilities[primary.name],
        support_contact=settings.support_contact,
        alerts=alerts,
        albums=AlbumService(stores.albums, clock),
        admin_actions=admin_actions,
        broadcasts=Broadcasts(
            people, admin_actions, messages_per_second=settings.telegram_messages_per_second
        ),
        stats=StatsService(stores.stats, clock),
        referrals=referrals,
    )
