"""The wizard's rules: start a draft, collect its prompt, photos and options, confirm it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping, Sequence

from bot.domain.capabilities import Capabilities, is_blank, validate
from bot.domain.choices import (
    affordable_start,
    card_cost,
    cheapest,
    default_options,
    fit,
    tier_for_photos,
    with_choice,
)
from bot.domain.drafts import Cost, Draft, DraftOptions, DraftStep, request_from
from bot.domain.errors import InvalidRequestError, NotYourPanelError, StaleButtonError
from bot.domain.jobs import ChatPlace, Job
from bot.domain.options import ImageTransport, Mode, Option
from bot.domain.request import MediaRef, SourceVideo
from bot.services.credits import CreditsService
from bot.services.ports import Clock
from bot.store.drafts import DraftStore
from bot.store.jobs import JobStore
from bot.store.people import PeopleStore

_TEXT_STEPS = {
    Option.SEED: DraftStep.SEED,
    Option.NEGATIVE: DraftStep.NEGATIVE,
}


class DraftService:
    def __init__(
        self,
        drafts: DraftStore,
        jobs: JobStore,
        people: PeopleStore,
        credits: CreditsService,
        capabilities: Mapping[str, Capabilities],
        *,
        vendor: str,
        can_host_photos: bool,
        job_timeout_seconds: float,
        clock: Clock,
        on_job_created: Callable[[], None],
    ) -> None:
        self._drafts = drafts
        self._jobs = jobs
        self._people = people
        self._credits = credits
        self._capabilities = capabilities
        self._vendor = vendor
        self._can_host_photos = can_host_photos
        self._job_timeout_seconds = job_timeout_seconds
        self._clock = clock
        self._on_job_created = on_job_created
        # Album photos arrive as concurrent updates: one draft changes under one lock at a time.
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    @property
    def capabilities(self) -> Capabilities:
        """The card's vendor: the first one configured."""
        return self._capabilities[self._vendor]

    def capabilities_for(self, draft: Draft) -> Capabilities:
        return self._capabilities[self._vendor_of(draft)]

    def capabilities_for_vendor(self, vendor: str) -> Capabilities:
        return self._capabilities.get(vendor, self.capabilities)

    def _vendor_of(self, draft: Draft) -> str:
        return draft.options.vendor_or(self._vendor)

    def photos_enabled(self, caps: Capabilities | None = None) -> bool:
        """Photos can reach the vendor: its upload API, inline bytes, or our hosted URLs."""
        transport = (caps or self.capabilities).image_transport
        return transport is not ImageTransport.URL or self._can_host_photos

    def _lock(self, chat_id: int, user_id: int) -> asyncio.Lock:
        return self._locks.setdefault((chat_id, user_id), asyncio.Lock())

    # -- starting ---------------------------------------------------------------------------

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
        await self._credits.check_access(user_id)
        options = default_options(self.capabilities, await self._people.preferences(user_id))
        options = await self._affordable(user_id, options)
        if prompt is not None:
            validate(request_from(options, prompt), self.capabilities)
        return await self._replace(user_id, place, language, options, prompt, request_message_id)

    async def _affordable(self, user_id: int, options: DraftOptions) -> DraftOptions:
        """Where a new card starts: never the last expensive choice its person cannot pay."""
        if not self._credits.enabled:
            return options
        balance = (await self._credits.balance(user_id)).total
        return affordable_start(options, self.capabilities, self._price, balance)

    def _price(self, options: DraftOptions) -> int:
        return self._credits.price(request_from(options, ""))

    async def cost(self, draft: Draft) -> Cost | None:
        """What the card's video costs its person; None when videos are free."""
        if not self._credits.enabled:
            return None
        balance = (await self._credits.balance(draft.user_id)).total
        return card_cost(draft.options, self.capabilities_for(draft), self._price, balance)

    async def start_extension(
        self,
        *,
        user_id: int,
        place: ChatPlace,
        language: str,
        source: SourceVideo,
        request_message_id: int | None,
    ) -> Draft:
        """Open a wizard that continues a delivered video: it asks for the prompt first."""
        caps = self._capabilities[source.vendor]
        tier = next(t for t, c in caps.tiers.items() if Mode.EXTEND in c.modes)
        options = default_options(caps, await self._people.preferences(user_id))
        options = fit(
            options.model_copy(update={"tier": tier, "mode": Mode.EXTEND, "source": source}),
            caps,
        )
        return await self._replace(user_id, place, language, options, None, request_message_id)

    async def start_from_job(
        self, parent: Job, *, keep_prompt: bool, request_message_id: int | None
    ) -> Draft:
        """A new card with a finished job's settings: regenerate (new seed) or a new prompt.

        The card is the first vendor's (where a failed-over job began), or the one that has
        the video a continuation extends."""
        request = parent.request
        caps = self.capabilities_for_vendor(request.vendor_or(self._vendor))
        seed = None
        if caps.seed_range is not None and request.seed is not None:
            seed = random.randint(*caps.seed_range)
        options = fit(
            DraftOptions(
                mode=request.mode if request.mode is not Mode.UPGRADE else Mode.TEXT,
                tier=request.tier,
                resolution=request.resolution,
                aspect_ratio=request.aspect_ratio,
                duration_seconds=request.duration_seconds,
                sound=request.sound,
                seed=seed,
                negative_prompt=request.negative_prompt,
                extras=request.extras,
                images=request.images,
                source=request.source,
            ),
            caps,
        )
        prompt = request.prompt if keep_prompt else None
        return await self._replace(
            parent.user_id, parent.place, parent.language, options, prompt, request_message_id
        )

    async def _replace(
        self,
        user_id: int,
        place: ChatPlace,
        language: str,
        options: DraftOptions,
        prompt: str | None,
        request_message_id: int | None,
    ) -> Draft:
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

    # -- input ------------------------------------------------------------------------------

    async def current(self, chat_id: int, user_id: int) -> Draft | None:
        return await self._drafts.find(chat_id, user_id)

    async def receive_text(self, draft: Draft, text: str, message_id: int) -> Draft | None:
        """Text for whatever the draft waits for: the prompt, a seed or a negative prompt.

        None when the draft ended in the meantime: there is nothing to answer then.
        """
        try:
            return await self._receive_text(draft, text, message_id)
        except StaleButtonError:
            return None

    async def _receive_text(self, draft: Draft, text: str, message_id: int) -> Draft:
        if draft.step is DraftStep.SEED:
            return await self._set_seed(draft, text)
        if draft.step is DraftStep.NEGATIVE:
            return await self._set_negative(draft, text)
        caps = self.capabilities_for(draft)
        validate(request_from(draft.options, text), caps, now=self._clock())
        return await self._update(
            draft, step=DraftStep.OPTIONS, prompt=text.strip(), request_message_id=message_id
        )

    async def _set_seed(self, draft: Draft, text: str) -> Draft:
        caps = self.capabilities_for(draft)
        if caps.seed_range is None:
            raise StaleButtonError
        low, high = caps.seed_range
        value = text.strip()
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidRequestError("invalid.seed", low=low, high=high)
        options = draft.options.model_copy(update={"seed": int(value)})
        return await self._update(draft, step=DraftStep.OPTIONS, options=options)

    async def _set_negative(self, draft: Draft, text: str) -> Draft:
        caps = self.capabilities_for(draft)
        negative = text.strip()
        if is_blank(negative) or len(negative) > caps.max_prompt_chars:
            raise InvalidRequestError(
                "invalid.prompt_too_long", length=len(negative), limit=caps.max_prompt_chars
            )
        options = draft.options.model_copy(update={"negative_prompt": negative})
        return await self._update(draft, step=DraftStep.OPTIONS, options=options)

    async def add_photos(
        self,
        *,
        user_id: int,
        place: ChatPlace,
        language: str,
        photos: Sequence[MediaRef],
        caption: str | None,
        request_message_id: int,
    ) -> tuple[Draft | None, int]:
        """Add photos to this person's draft here (opening one if needed): as many as a video
        takes, the first ones. The draft (None when none fitted: it stays as it was) and how
        many photos were left out. Refuses them all when the vendor cannot receive photos."""
        caps = self.capabilities
        if not self.photos_enabled(caps):
            raise InvalidRequestError("invalid.photos_disabled")
        async with self._lock(place.chat_id, user_id):
            draft = await self.current(place.chat_id, user_id)
            # A card that extends a video takes no photos: they start a new one.
            held = (
                0
                if draft is None or draft.options.source is not None
                else len(draft.options.images)
            )
            kept = photos[: max(caps.max_photos() - held, 0)]
            if not kept:
                return None, len(photos)
            if draft is None or draft.options.source is not None:
                draft = await self.start(
                    user_id=user_id,
                    place=place,
                    language=language,
                    prompt=None,
                    request_message_id=request_message_id,
                )
            images = (*draft.options.images, *kept)
            options = fit(
                draft.options.model_copy(
                    update={
                        "images": images,
                        "tier": tier_for_photos(caps, draft.options, len(images)),
                    }
                ),
                caps,
            )
            draft = await self._update(draft, options=options)
            if caption and not is_blank(caption):
                draft = await self._receive_text(draft, caption, request_message_id)
            return draft, len(photos) - len(kept)

    # -- buttons ----------------------------------------------------------------------------

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
        """Apply one button of the card; the draft and whether anything changed."""
        draft = await self.owned(draft_id, user_id)
        if draft.step not in (DraftStep.OPTIONS, DraftStep.SEED, DraftStep.NEGATIVE):
            raise StaleButtonError
        caps = self.capabilities_for(draft)
        if option in _TEXT_STEPS:
            return await self._text_option(draft, option, value, caps), True
        if option is Option.PHOTOS:
            if value != "clear" or not draft.options.images:
                raise StaleButtonError
            options = fit(draft.options.model_copy(update={"images": ()}), caps)
        else:
            options = with_choice(draft.options, option, value, caps)
        if options == draft.options and draft.step is DraftStep.OPTIONS:
            return draft, False
        return await self._update(draft, step=DraftStep.OPTIONS, options=options), True

    async def choose_cheapest(self, draft_id: int, user_id: int) -> tuple[Draft, bool]:
        """💡 on a card its person cannot afford: the cheapest options of the same kind."""
        draft = await self.owned(draft_id, user_id)
        if draft.step is not DraftStep.OPTIONS:
            raise StaleButtonError
        options = cheapest(draft.options, self.capabilities_for(draft), self._price)
        if options == draft.options:
            return draft, False
        return await self._update(draft, options=options), True

    async def _text_option(
        self, draft: Draft, option: Option, value: str, caps: Capabilities
    ) -> Draft:
        offered = caps.seed_range is not None if option is Option.SEED else caps.negative_prompt
        if not offered or value not in ("ask", "clear"):
            raise StaleButtonError
        if value == "ask":
            return await self._update(draft, step=_TEXT_STEPS[option])
        field = "seed" if option is Option.SEED else "negative_prompt"
        options = draft.options.model_copy(update={field: None})
        return await self._update(draft, step=DraftStep.OPTIONS, options=options)

    async def attach_card(self, draft_id: int, message_id: int) -> None:
        await self._drafts.update(draft_id, now=self._clock(), card_message_id=message_id)

    async def discard(self, draft: Draft) -> None:
        await self._drafts.delete(draft.id)

    async def confirm(self, draft_id: int, user_id: int) -> Job:
        """Validate the draft and turn it into a queued job; a second confirm raises stale."""
        draft = await self.owned(draft_id, user_id)
        if draft.step is not DraftStep.OPTIONS:
            raise StaleButtonError
        request = draft.to_request()
        validate(request, self.capabilities_for(draft), now=self._clock())
        await self._credits.check_access(user_id)
        now = self._clock()
        job = await self._jobs.create_from_draft(
            draft_id=draft.id,
            user_id=user_id,
            vendor=self._vendor_of(draft),
            request=request,
            price=self._credits.price(request),
            quotas=self._credits.quotas,
            now=now,
            deadline_at=now + self._job_timeout_seconds,
        )
        if job is None:
            raise StaleButtonError
        self._on_job_created()
        if draft.options.source is None:
            await self._people.set_preferences(user_id, draft.options.preferences(), now)
        return job

    async def _update(
        self,
        draft: Draft,
        *,
        step: DraftStep | None = None,
        prompt: str | None = None,
        options: DraftOptions | None = None,
        request_message_id: int | None = None,
    ) -> Draft:
        updated = await self._drafts.update(
            draft.id,
            now=self._clock(),
            step=step,
            prompt=prompt,
            options=options,
            request_message_id=request_message_id,
        )
        if updated is None:
            raise StaleButtonError
        return updated
