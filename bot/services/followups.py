"""What a person can do with a delivered video: upgrade it (kie.ai) or extend it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

from bot.domain.capabilities import Capabilities, validate
from bot.domain.errors import InvalidRequestError, NotYourPanelError, Refusal, StaleButtonError
from bot.domain.jobs import ENDED_WITHOUT_VIDEO, Job, JobState
from bot.domain.options import Mode, Resolution
from bot.domain.request import GenerationRequest, SourceVideo
from bot.services.credits import CreditsService
from bot.services.ports import Clock
from bot.store.jobs import JobStore


class FollowUp(StrEnum):
    REGENERATE = "regen"  # the same card again, with a new seed where the vendor takes one
    NEW_PROMPT = "prompt"  # the same settings, a new prompt
    EXTEND = "extend"
    UPGRADE_1080P = "up1080p"
    UPGRADE_4K = "up4k"
    SEND_AGAIN = "again"  # the delivered file again, by its file_id


_UPGRADES = {Resolution.P1080: FollowUp.UPGRADE_1080P, Resolution.K4: FollowUp.UPGRADE_4K}
UPGRADE_TARGET = {action: resolution for resolution, action in _UPGRADES.items()}
# Ends a person may try again from: failed, or stopped by the deadline (not cancelled).
RETRIABLE = ENDED_WITHOUT_VIDEO - {JobState.CANCELLED}


def follow_ups(job: Job, caps: Capabilities) -> list[FollowUp]:
    """The follow-ups a finished job offers under its vendor's capabilities."""
    if job.vendor_task_id is None:
        return []
    actions = [FollowUp.SEND_AGAIN]
    if job.request.mode is Mode.UPGRADE:
        return actions
    actions = [FollowUp.REGENERATE, FollowUp.NEW_PROMPT, *actions]
    if Mode.EXTEND in caps.modes():
        actions.append(FollowUp.EXTEND)
    if job.upgradable:
        actions += [
            _UPGRADES[target]
            for target in caps.upgrades
            if target in _UPGRADES and target != job.request.resolution
        ]
    return actions


def source_of(job: Job) -> SourceVideo:
    return SourceVideo(
        vendor=job.vendor,
        task_id=job.vendor_task_id,
        video_url=job.video_url,
        made_at=job.created_at,
    )


class FollowUpService:
    def __init__(
        self,
        store: JobStore,
        credits: CreditsService,
        capabilities: Mapping[str, Capabilities],
        *,
        job_timeout_seconds: float,
        clock: Clock,
        on_job_created: Callable[[], None],
        primary_vendor: str,
    ) -> None:
        self._primary_vendor = primary_vendor  # the card's vendor, where a new job starts
        self._store = store
        self._credits = credits
        self._capabilities = capabilities
        self._job_timeout_seconds = job_timeout_seconds
        self._clock = clock
        self._on_job_created = on_job_created

    async def delivered(self, job_id: int, user_id: int, action: FollowUp) -> Job:
        """The job behind a follow-up button, if it is delivered, offers it and is theirs."""
        job = await self._store.get(job_id)
        if job is None or job.state is not JobState.DELIVERED:
            raise StaleButtonError
        if job.user_id != user_id:
            raise NotYourPanelError
        if action not in follow_ups(job, self._capabilities[job.vendor]):
            raise StaleButtonError
        return job

    async def extendable(self, parent: Job | None, user_id: int) -> Job:
        """The delivered video `/extend` replied to, if this person may continue it."""
        if parent is None or parent.user_id != user_id:
            raise InvalidRequestError("extend.how")
        try:
            return await self.delivered(parent.id, user_id, FollowUp.EXTEND)
        except Refusal as refusal:
            raise InvalidRequestError("extend.cannot") from refusal

    async def upgrade(
        self, parent: Job, action: FollowUp, *, status_message_id: int | None
    ) -> Job | None:
        """Queue the upgrade of a delivered video; None when this button already made one."""
        request = GenerationRequest(
            mode=Mode.UPGRADE,
            prompt=parent.request.prompt,
            tier=parent.request.tier,
            resolution=UPGRADE_TARGET[action],
            aspect_ratio=parent.request.aspect_ratio,
            duration_seconds=parent.request.duration_seconds,
            sound=parent.request.sound,
            source=source_of(parent),
        )
        validate(request, self._capabilities[parent.vendor])
        await self._credits.check_access(parent.user_id)
        return await self._create(
            parent, f"{parent.id}:{action.value}", parent.vendor, request, status_message_id
        )

    async def _create(
        self,
        parent: Job,
        origin_key: str,
        vendor: str,
        request: GenerationRequest,
        status_message_id: int | None,
    ) -> Job | None:
        """The new job (once per `origin_key`: None when it was made already)."""
        now = self._clock()
        job = await self._store.create_follow_up(
            origin_key=origin_key,
            parent=parent,
            vendor=vendor,
            request=request,
            status_message_id=status_message_id,
            price=self._credits.price(request),
            quotas=self._credits.quotas,
            now=now,
            deadline_at=now + self._job_timeout_seconds,
        )
        if job is not None:
            self._on_job_created()
        return job

    async def ended(self, job_id: int, user_id: int) -> Job:
        """The job behind a button under a failed (or expired) job, if it is theirs."""
        job = await self._store.get(job_id)
        if job is None or job.state not in RETRIABLE:
            raise StaleButtonError
        if job.user_id != user_id:
            raise NotYourPanelError
        return job

    async def editable(self, job_id: int, user_id: int) -> Job:
        """A failed job whose prompt may be edited (an upgrade has none of its own)."""
        job = await self.ended(job_id, user_id)
        if job.request.mode is Mode.UPGRADE:
            raise StaleButtonError
        return job

    async def retry(self, job_id: int, user_id: int) -> Job | None:
        """🔁 Try again: a new job with a failed job's request, through the same checks and
        credits; None when this job was already tried again (a double press)."""
        parent = await self.ended(job_id, user_id)
        request = parent.request
        # A continuation or an upgrade stays with the vendor that has the video; anything
        # else starts again at the first vendor (and fails over from there).
        vendor = request.vendor_or(self._primary_vendor)
        validate(request, self._capabilities[vendor], now=self._clock())
        await self._credits.check_access(user_id)
        return await self._create(parent, f"{parent.id}:retry", vendor, request, None)
