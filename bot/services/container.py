"""The services a handler may call, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.capabilities import Capabilities
from bot.services.albums import AlbumService
from bot.services.alerts import OperatorAlerts
from bot.services.broadcast import Broadcasts
from bot.services.confirmations import AdminActions
from bot.services.credits import CreditsService
from bot.services.drafts import DraftService
from bot.services.followups import FollowUpService
from bot.services.jobs import JobService
from bot.services.media import MediaLibrary
from bot.services.people import PeopleService
from bot.services.referrals import Referrals
from bot.services.stats import StatsService


@dataclass(frozen=True)
class Services:
    """Everything a handler may call, built once by the composition root (bot/compose.py)."""

    drafts: DraftService
    jobs: JobService
    follow_ups: FollowUpService
    credits: CreditsService
    people: PeopleService
    media: MediaLibrary
    capabilities: Capabilities  # the first configured vendor's: what the card and /help offer
    support_contact: str | None  # None: /paysupport names the admins
    alerts: OperatorAlerts
    albums: AlbumService
    admin_actions: AdminActions
    broadcasts: Broadcasts
    stats: StatsService
    referrals: Referrals
