"""What a vendor can do, and the one check every request passes before credits or calls."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.errors import InvalidRequestError
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Option, Resolution, Tier
from bot.domain.request import GenerationRequest

ExtraRule = Callable[[GenerationRequest], InvalidRequestError | None]
# The modes a card's photos decide, best first (no photo, one, two, references).
PHOTO_MODES = (Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.REFERENCE)


@dataclass(frozen=True)
class TierCapabilities:
    """What one model tier of a vendor accepts."""

    modes: frozenset[Mode]
    resolutions: tuple[Resolution, ...]
    aspect_ratios: tuple[AspectRatio, ...]
    durations: tuple[int, ...]
    min_reference_images: int = 1
    max_reference_images: int = 3


@dataclass(frozen=True)
class Capabilities:
    vendor: str
    display_name: str
    tiers: Mapping[Tier, TierCapabilities]
    sound: bool
    max_prompt_chars: int
    poll_interval_seconds: float
    negative_prompt: bool = False
    seed_range: tuple[int, int] | None = None
    extras: tuple[Extra, ...] = ()
    image_transport: ImageTransport = ImageTransport.URL
    upgrades: tuple[Resolution, ...] = ()
    # False when the result URL only works with our key (Gemini): never shown to a person.
    public_result_urls: bool = True
    # How long after it was asked for a video can still be extended (Gemini: 2 days).
    extension_window_seconds: float | None = None
    extra_rules: tuple[ExtraRule, ...] = field(default=())
    # The built-in demo vendor: /help and the card say that no real video is made.
    demo: bool = False

    @property
    def default_tier(self) -> Tier:
        return next(iter(self.tiers))

    def tier(self, tier: Tier) -> TierCapabilities:
        return self.tiers[tier]

    def modes(self) -> frozenset[Mode]:
        """Every mode some tier offers."""
        return frozenset().union(*(caps.modes for caps in self.tiers.values()))

    def choices(self, option: Option, tier: Tier) -> tuple[str, ...]:
        """The values the card offers for one option under the chosen tier."""
        caps = self.tiers[tier]
        if option is Option.TIER:
            return tuple(self.tiers)
        if option is Option.RESOLUTION:
            return tuple(caps.resolutions)
        if option is Option.ASPECT_RATIO:
            return tuple(caps.aspect_ratios)
        if option is Option.DURATION:
            return tuple(str(d) for d in caps.durations)
        if option is Option.SOUND:
            return ("on", "off") if self.sound else ()
        return ()

    def max_photos(self) -> int:
        """The most photos any mode of any tier takes."""
        return max(
            image_count_for(mode, caps)[1] for caps in self.tiers.values() for mode in caps.modes
        )

    def modes_for_photos(self, tier: Tier, count: int) -> tuple[Mode, ...]:
        """The photo-driven modes a tier offers for this many photos, best first."""
        caps = self.tiers[tier]
        return tuple(
            mode
            for mode in PHOTO_MODES
            if mode in caps.modes
            and image_count_for(mode, caps)[0] <= count <= image_count_for(mode, caps)[1]
        )


def is_blank(text: str) -> bool:
    """Nothing a person can see: only whitespace and format characters (zero-width space...)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def image_count_for(mode: Mode, caps: TierCapabilities) -> tuple[int, int]:
    """How many images a mode takes, as (least, most)."""
    if mode is Mode.IMAGE:
        return (1, 1)
    if mode is Mode.FRAMES:
        return (2, 2)
    if mode is Mode.REFERENCE:
        return (caps.min_reference_images, caps.max_reference_images)
    return (0, 0)


def validate(
    request: GenerationRequest, capabilities: Capabilities, *, now: float | None = None
) -> None:
    """Raise InvalidRequestError naming what is allowed when the vendor cannot do `request`.

    `now` (the bot's clock) also checks that the video to extend is still within its window.
    """
    try:
        _validate(request, capabilities)
        if now is not None:
            _check_source_age(request, capabilities, now)
    except InvalidRequestError as error:
        error.vendor = error.vendor or capabilities.display_name
        raise


def _validate(request: GenerationRequest, capabilities: Capabilities) -> None:
    prompt = request.prompt.strip()
    if is_blank(prompt) and request.mode is not Mode.UPGRADE:
        raise InvalidRequestError("invalid.prompt_empty")
    if len(prompt) > capabilities.max_prompt_chars:
        raise InvalidRequestError(
            "invalid.prompt_too_long", length=len(prompt), limit=capabilities.max_prompt_chars
        )
    if request.mode is Mode.UPGRADE:
        _check_upgrade(request, capabilities)
        return
    if request.tier not in capabilities.tiers:
        raise InvalidRequestError(
            "invalid.tier", value=request.tier, allowed=_join(capabilities.tiers)
        )
    caps = capabilities.tiers[request.tier]
    if request.mode not in caps.modes:
        raise InvalidRequestError("invalid.mode", mode=request.mode, tier=request.tier)
    _check_choice("invalid.resolution", request.resolution, caps.resolutions)
    _check_choice("invalid.aspect_ratio", request.aspect_ratio, caps.aspect_ratios)
    _check_choice("invalid.duration", request.duration_seconds, caps.durations)
    least, most = image_count_for(request.mode, caps)
    if not least <= len(request.images) <= most:
        raise InvalidRequestError("invalid.image_count", least=least, most=most)
    if (request.mode is Mode.EXTEND) != (request.source is not None):
        raise InvalidRequestError("invalid.source_video")
    if request.source is not None and request.source.vendor != capabilities.vendor:
        raise InvalidRequestError("invalid.source_video")
    _check_switches(request, capabilities)
    for rule in capabilities.extra_rules:
        problem = rule(request)
        if problem is not None:
            raise problem


def _check_source_age(request: GenerationRequest, capabilities: Capabilities, now: float) -> None:
    window = capabilities.extension_window_seconds
    source = request.source
    if window is None or request.mode is not Mode.EXTEND or source is None:
        return
    if source.made_at is not None and now - source.made_at > window:
        raise InvalidRequestError("invalid.source_too_old", days=round(window / 86400))


def _check_upgrade(request: GenerationRequest, capabilities: Capabilities) -> None:
    source = request.source
    if source is None or source.task_id is None or source.vendor != capabilities.vendor:
        raise InvalidRequestError("invalid.source_video")
    _check_choice("invalid.upgrade", request.resolution, capabilities.upgrades)


def _check_switches(request: GenerationRequest, capabilities: Capabilities) -> None:
    if request.seed is not None:
        if capabilities.seed_range is None:
            raise InvalidRequestError("invalid.seed_unsupported")
        low, high = capabilities.seed_range
        if not low <= request.seed <= high:
            raise InvalidRequestError("invalid.seed", low=low, high=high)
    if request.negative_prompt and not capabilities.negative_prompt:
        raise InvalidRequestError("invalid.negative_prompt")
    unknown = [extra for extra in request.extras if extra not in capabilities.extras]
    if unknown:
        raise InvalidRequestError("invalid.extra", value=_join(unknown))


def narrower_in_mode(
    mode: Mode,
    *,
    resolutions: tuple[Resolution, ...] | None = None,
    aspect_ratios: tuple[AspectRatio, ...] | None = None,
) -> ExtraRule:
    """A vendor rule: in `mode`, only these resolutions and shapes (fewer than its tier has)."""

    def rule(request: GenerationRequest) -> InvalidRequestError | None:
        if request.mode is not mode:
            return None
        try:
            if resolutions is not None:
                _check_choice("invalid.resolution", request.resolution, resolutions)
            if aspect_ratios is not None:
                _check_choice("invalid.aspect_ratio", request.aspect_ratio, aspect_ratios)
        except InvalidRequestError as error:
            return error
        return None

    return rule


def _check_choice(key: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise InvalidRequestError(key, value=value, allowed=_join(allowed))


def _join(values: Iterable[object]) -> tuple[str, ...]:
    """A list for a refusal's message: the renderer joins it the person's language's way."""
    return tuple(str(v) for v in values)
