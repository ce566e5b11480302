"""What a vendor can do, and the one check every request passes before credits or calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.errors import InvalidRequestError
from bot.domain.options import AspectRatio, Mode, Option, Resolution, Tier
from bot.domain.request import GenerationRequest

ExtraRule = Callable[[GenerationRequest], InvalidRequestError | None]


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
    extra_rules: tuple[ExtraRule, ...] = field(default=())

    @property
    def default_tier(self) -> Tier:
        return next(iter(self.tiers))

    def tier(self, tier: Tier) -> TierCapabilities:
        return self.tiers[tier]

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
        return ("on", "off") if self.sound else ()


def image_count_for(mode: Mode, caps: TierCapabilities) -> tuple[int, int]:
    """How many images a mode takes, as (least, most)."""
    if mode is Mode.IMAGE:
        return (1, 1)
    if mode is Mode.FRAMES:
        return (2, 2)
    if mode is Mode.REFERENCE:
        return (caps.min_reference_images, caps.max_reference_images)
    return (0, 0)


def validate(request: GenerationRequest, capabilities: Capabilities) -> None:
    """Raise InvalidRequestError naming what is allowed when the vendor cannot do `request`."""
    prompt = request.prompt.strip()
    if not prompt:
        raise InvalidRequestError("invalid.prompt_empty")
    if len(prompt) > capabilities.max_prompt_chars:
        raise InvalidRequestError(
            "invalid.prompt_too_long", length=len(prompt), limit=capabilities.max_prompt_chars
        )
    if request.tier not in capabilities.tiers:
        raise InvalidRequestError("invalid.tier", allowed=_join(capabilities.tiers))
    caps = capabilities.tiers[request.tier]
    if request.mode not in caps.modes:
        raise InvalidRequestError("invalid.mode", mode=request.mode, tier=request.tier)
    _check_choice("invalid.resolution", request.resolution, caps.resolutions)
    _check_choice("invalid.aspect_ratio", request.aspect_ratio, caps.aspect_ratios)
    _check_choice("invalid.duration", request.duration_seconds, caps.durations)
    least, most = image_count_for(request.mode, caps)
    if not least <= len(request.image_urls) <= most:
        raise InvalidRequestError("invalid.image_count", least=least, most=most)
    if (request.mode is Mode.EXTEND) != (request.source_video_url is not None):
        raise InvalidRequestError("invalid.source_video")
    for rule in capabilities.extra_rules:
        problem = rule(request)
        if problem is not None:
            raise problem


def _check_choice(key: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise InvalidRequestError(key, value=value, allowed=_join(allowed))


def _join(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)
