"""The wizard's rules: start a draft, set its prompt and options, confirm it into a job."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from bot.domain.capabilities import Capabilities, validate
from bot.domain.errors import NotYourPanelError, StaleButtonError
from bot.domain.jobs import ChatPlace, Draft, DraftOptions, DraftStep, Job, request_from
from bot.domain.options import AspectRatio, Mode, Option, Resolution, Tier
from bot.domain.request import SourceVideo
from bot.services.ports import Clock
from bot.store.drafts import DraftStore
from bot.store.jobs import JobStore


def default_options(capabilities: Capabilities) -> DraftOptions:
    tier = capabilities.default_tier
    caps = capabilities.tier(tier)
    return DraftOptions(
        tier=tier,
        resolution=caps.resolutions[0],
        aspect_ratio=caps.aspect_ratios[0],
        duration_seconds=max(caps.durations),
        sound=True,
    )


_T = TypeVar("_T")


def _keep(value: _T, allowed: tuple[_T, ...]) -> _T:
    return value if value in allowed else allowed[0]


def _fit_to_tier(options: DraftOptions, capabilities: Capabilities) -> DraftOptions:
    """Keep each choice the new tier allows; replace the others with its first value."""
    caps = capabilities.tier(options.tier)
    return options.model_copy(
        update={
            "resolution": _keep(options.resolution, caps.resolutions),
            "aspect_ratio": _keep(options.aspect_ratio, caps.aspect_ratios),
            "duration_seconds": _keep(options.duration_seconds, caps.durations),
            "mode": options.mode if options.mode in caps.modes else next(iter(caps.modes)),
        }
    )


class DraftService:
    def __init__(
        self,
        drafts: DraftStore,
        jobs: JobStore,
        capabilities: Mapping[str, Capabilities],
        *,
        vendor: str,
        job_timeout_seconds: float,
        clock: Clock,
        on_job_created: Callable[[], None],
    ) -> None:
        self._drafts = drafts
        self._jobs = jobs
        self._capabilities = capabilities
        self._vendor = vendor
        self._job_timeout_seconds = job_timeout_seconds
        self._clock = clock
        self._on_job_created = on_job_created

    @property
    def capabilities(self) -> Capabilities:
        """The card's vendor: the first one configured."""
        return self._capabilities[self._vendor]

    def capabilities_for(self, draft: Draft) -> Capabilities:
        return self._capabilities[self._vendor_of(draft)]

    def _vendor_of(self, draft: Draft) -> str:
        source = draft.options.source
        return source.vendor if source is not None else self._vendor

    async def start(
        self,
        *,
        user_id: int,
        place: ChatPlace,
        language: str,
        prompt: str | None,
        request_message_id: int | None,
    ) -> Draft:
        """Open a wizard; with a prompt it goes straight to the options card."""
        options = default_options(self.capabilities)
        if prompt is not None:
            self._check_prompt(prompt, options, self.capabilities)
        return await self._drafts.replace(
            user_id=user_id,
            place=place,
            language=language,
            step=DraftStep.PROMPT if prompt is None else DraftStep.OPTIONS,
            prompt=prompt.strip() if prompt is not None else None,
            options=options,
            request_message_id=request_message_id,
            now=self._clock(),
        )

    async def start_extension(
        self,
        *,
        user_id: int,
        place: ChatPlace,
        language: str,
        source: SourceVideo,
        request_message_id: int | None,
    ) -> Draft:
        """Open a wizard that continues a delivered video; it asks for the prompt first."""
        caps = self._capabilities[source.vendor]
        tier = next(t for t, c in caps.tiers.items() if Mode.EXTEND in c.modes)
        options = _fit_to_tier(
            default_options(caps).model_copy(
                update={"tier": tier, "mode": Mode.EXTEND, "source": source}
            ),
            caps,
        )
        return await self._drafts.replace(
            user_id=user_id,
            place=place,
            language=language,
            step=DraftStep.PROMPT,
            prompt=None,
            options=options,
            request_message_id=request_message_id,
            now=self._clock(),
        )

    async def current(self, chat_id: int, user_id: int) -> Draft | None:
        return await self._drafts.find(chat_id, user_id)

    async def set_prompt(self, draft: Draft, prompt: str, request_message_id: int) -> Draft:
        self._check_prompt(prompt, draft.options, self.capabilities_for(draft))
        updated = await self._drafts.update(
            draft.id,
            now=self._clock(),
            step=DraftStep.OPTIONS,
            prompt=prompt.strip(),
            request_message_id=request_message_id,
        )
        if updated is None:
            raise StaleButtonError
        return updated

    async def attach_card(self, draft_id: int, message_id: int) -> None:
        await self._drafts.update(draft_id, now=self._clock(), card_message_id=message_id)

    async def owned(self, draft_id: int, user_id: int) -> Draft:
        """The draft behind a button, if it still exists and belongs to the presser."""
        draft = await self._drafts.get(draft_id)
        if draft is None:
            raise StaleButtonError
        if draft.user_id != user_id:
            raise NotYourPanelError
        return draft

    async def choose(
        self, draft_id: int, user_id: int, option: Option, value: str
    ) -> tuple[Draft, bool]:
        """Set one option; the draft and whether anything changed."""
        draft = await self.owned(draft_id, user_id)
        if draft.step is not DraftStep.OPTIONS:
            raise StaleButtonError
        caps = self.capabilities_for(draft)
        if value not in caps.choices(option, draft.options.tier):
            raise StaleButtonError
        options = _fit_to_tier(_with_choice(draft.options, option, value), caps)
        if options == draft.options:
            return draft, False
        updated = await self._drafts.update(draft.id, now=self._clock(), options=options)
        if updated is None:
            raise StaleButtonError
        return updated, True

    async def discard(self, draft: Draft) -> None:
        await self._drafts.delete(draft.id)

    async def confirm(self, draft_id: int, user_id: int) -> Job:
        """Validate the draft and turn it into a queued job; a second confirm raises stale."""
        draft = await self.owned(draft_id, user_id)
        if draft.step is not DraftStep.OPTIONS:
            raise StaleButtonError
        request = draft.to_request()
        validate(request, self.capabilities_for(draft))
        now = self._clock()
        job = await self._jobs.create_from_draft(
            draft_id=draft.id,
            user_id=user_id,
            vendor=self._vendor_of(draft),
            request=request,
            now=now,
            deadline_at=now + self._job_timeout_seconds,
        )
        if job is None:
            raise StaleButtonError
        self._on_job_created()
        return job

    def _check_prompt(self, prompt: str, options: DraftOptions, caps: Capabilities) -> None:
        validate(request_from(options, prompt), caps)


def _with_choice(options: DraftOptions, option: Option, value: str) -> DraftOptions:
    try:
        if option is Option.TIER:
            return options.model_copy(update={"tier": Tier(value)})
        if option is Option.RESOLUTION:
            return options.model_copy(update={"resolution": Resolution(value)})
        if option is Option.ASPECT_RATIO:
            return options.model_copy(update={"aspect_ratio": AspectRatio(value)})
        if option is Option.DURATION:
            return options.model_copy(update={"duration_seconds": int(value)})
        return options.model_copy(update={"sound": value == "on"})
    except ValueError as exc:
        raise StaleButtonError from exc
