"""The card's option rules, as pure functions: defaults, choices and keeping them consistent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from bot.domain.capabilities import PHOTO_MODES, Capabilities, validate
from bot.domain.drafts import Cost, DraftOptions, Preferences, request_from
from bot.domain.errors import InvalidRequestError, StaleButtonError
from bot.domain.options import AspectRatio, Extra, Mode, Option, Resolution, Tier

_T = TypeVar("_T")


def _keep(value: _T, allowed: tuple[_T, ...]) -> _T:
    return value if value in allowed else allowed[0]


def default_options(caps: Capabilities, preferences: Preferences | None = None) -> DraftOptions:
    """The first choice of everything, overridden by what this person chose before."""
    preferred = preferences.tier if preferences else None
    tier = preferred if preferred is not None and preferred in caps.tiers else caps.default_tier
    options = DraftOptions(
        tier=tier,
        resolution=caps.tier(tier).resolutions[0],
        aspect_ratio=caps.tier(tier).aspect_ratios[0],
        duration_seconds=max(caps.tier(tier).durations),
    )
    if preferences is not None:
        options = options.model_copy(
            update={
                "resolution": preferences.resolution or options.resolution,
                "aspect_ratio": preferences.aspect_ratio or options.aspect_ratio,
                "duration_seconds": preferences.duration_seconds or options.duration_seconds,
                "sound": preferences.sound,
                "extras": {k: v for k, v in preferences.extras.items() if k in caps.extras},
            }
        )
    return fit(options, caps)


def fit(options: DraftOptions, caps: Capabilities) -> DraftOptions:
    """Keep each choice the tier allows; replace the others with its first value.

    The mode follows the photos: it stays when it fits their number, otherwise it becomes the
    first mode that does (extension drafts keep their mode).
    """
    tier_caps = caps.tier(options.tier)
    mode = options.mode
    if mode is not Mode.EXTEND:
        fitting = caps.modes_for_photos(options.tier, len(options.images))
        mode = mode if mode in fitting else (fitting[0] if fitting else mode)
    return options.model_copy(
        update={
            "mode": mode,
            "resolution": _keep(options.resolution, tier_caps.resolutions),
            "aspect_ratio": _keep(options.aspect_ratio, tier_caps.aspect_ratios),
            "duration_seconds": _keep(options.duration_seconds, tier_caps.durations),
        }
    )


def mode_choices(options: DraftOptions, caps: Capabilities) -> tuple[Mode, ...]:
    """Every mode some tier can do with this many photos, in the usual order.

    A mode the chosen tier lacks is offered too: choosing it switches to a tier that has it
    (UniAll's Fast takes no reference photos, its Quality does).
    """
    if options.mode is Mode.EXTEND:
        return ()
    count = len(options.images)
    offered = {mode for tier in caps.tiers for mode in caps.modes_for_photos(tier, count)}
    return tuple(mode for mode in PHOTO_MODES if mode in offered)


def tier_for_photos(caps: Capabilities, options: DraftOptions, photos: int) -> Tier:
    """The chosen tier when it can use this many photos, else the first one that can."""
    return _first_tier(options, caps, lambda tier: bool(caps.modes_for_photos(tier, photos)))


def tier_for_mode(options: DraftOptions, mode: Mode, caps: Capabilities) -> Tier:
    """The chosen tier when it can do `mode` with the draft's photos, else the first that can."""
    count = len(options.images)
    return _first_tier(options, caps, lambda tier: mode in caps.modes_for_photos(tier, count))


def _first_tier(options: DraftOptions, caps: Capabilities, can: Callable[[Tier], bool]) -> Tier:
    """The chosen tier when it `can`, else the first of the vendor's that can (else the
    chosen one)."""
    return next((tier for tier in (options.tier, *caps.tiers) if can(tier)), options.tier)


def with_choice(
    options: DraftOptions, option: Option, value: str, caps: Capabilities
) -> DraftOptions:
    """The options after one listed choice, or StaleButtonError for a value not on offer."""
    if option is Option.MODE:
        if value not in mode_choices(options, caps):
            raise StaleButtonError
        mode = Mode(value)
        tier = tier_for_mode(options, mode, caps)
        return fit(options.model_copy(update={"mode": mode, "tier": tier}), caps)
    if option is Option.EXTRA:
        if value not in caps.extras:
            raise StaleButtonError
        extra = Extra(value)
        extras = {**options.extras, extra: not options.extras.get(extra, False)}
        return options.model_copy(update={"extras": extras})
    if value not in caps.choices(option, options.tier):
        raise StaleButtonError
    changed = _listed(options, option, value)
    return fit(changed, caps)


def _listed(options: DraftOptions, option: Option, value: str) -> DraftOptions:
    if option is Option.TIER:
        return options.model_copy(update={"tier": Tier(value)})
    if option is Option.RESOLUTION:
        return options.model_copy(update={"resolution": Resolution(value)})
    if option is Option.ASPECT_RATIO:
        return options.model_copy(update={"aspect_ratio": AspectRatio(value)})
    if option is Option.DURATION:
        return options.model_copy(update={"duration_seconds": int(value)})
    if option is Option.SOUND:
        return options.model_copy(update={"sound": value == "on"})
    raise StaleButtonError


def current_value(options: DraftOptions, option: Option) -> str:
    if option is Option.MODE:
        return options.mode.value
    if option is Option.TIER:
        return options.tier.value
    if option is Option.RESOLUTION:
        return options.resolution.value
    if option is Option.ASPECT_RATIO:
        return options.aspect_ratio.value
    if option is Option.DURATION:
        return str(options.duration_seconds)
    return "on" if options.sound else "off"


Price = Callable[[DraftOptions], int]  # credits for a video with these options
# The listed choices, each with its field, in the card's order; what changing to a cheaper
# option set may change (the mode, photos and switches stay).
_LISTED_FIELDS = {
    Option.TIER: "tier",
    Option.RESOLUTION: "resolution",
    Option.ASPECT_RATIO: "aspect_ratio",
    Option.DURATION: "duration_seconds",
    Option.SOUND: "sound",
}


def cheapest(options: DraftOptions, caps: Capabilities, price: Price) -> DraftOptions:
    """The cheapest option set that keeps the draft's kind of video (its mode and photos),
    as a card its person cannot afford offers it; of equally cheap ones, the fewest changes."""
    return _cheapest(options, list(_variants(options, caps)), price)


def _cheapest(options: DraftOptions, variants: list[DraftOptions], price: Price) -> DraftOptions:
    return min(
        variants, key=lambda variant: (price(variant), _changes(options, variant)), default=options
    )


def affordable_start(
    options: DraftOptions, caps: Capabilities, price: Price, budget: int
) -> DraftOptions:
    """Where a new card starts for a person with `budget` credits: `options` when they fit,
    else the nearest options that do, else the cheapest (never a choice they cannot pay)."""
    if price(options) <= budget:
        return options
    variants = list(_variants(options, caps))  # made once: each is fitted and validated
    return _nearest(options, variants, price, budget) or _cheapest(options, variants, price)


def card_cost(options: DraftOptions, caps: Capabilities, price: Price, budget: int) -> Cost:
    """The card's price and balance; when short, the cheapest options of the same kind."""
    cost = Cost(price=price(options), balance=budget)
    if not cost.short:
        return cost
    cheaper = cheapest(options, caps, price)
    if cheaper == options:
        return cost
    return cost.model_copy(update={"cheaper": cheaper, "cheaper_price": price(cheaper)})


def _nearest(
    options: DraftOptions, variants: list[DraftOptions], price: Price, budget: int
) -> DraftOptions | None:
    """The variant closest to `options` that costs at most `budget` (fewest changed choices;
    of those, the one that keeps the tier and then the dearest), or None."""
    fitting = [variant for variant in variants if price(variant) <= budget]
    if not fitting:
        return None
    return min(
        fitting,
        key=lambda variant: (
            _changes(options, variant),
            variant.tier != options.tier,
            -price(variant),
        ),
    )


def _variants(options: DraftOptions, caps: Capabilities) -> Iterator[DraftOptions]:
    count = len(options.images)
    sounds = (options.sound, not options.sound) if caps.sound else (options.sound,)
    for tier, tier_caps in caps.tiers.items():
        if options.mode is Mode.EXTEND:
            if Mode.EXTEND not in tier_caps.modes:
                continue
        elif options.mode not in caps.modes_for_photos(tier, count):
            continue
        for resolution in tier_caps.resolutions:
            for duration in tier_caps.durations:
                for sound in sounds:
                    changed = {
                        "tier": tier,
                        "resolution": resolution,
                        "duration_seconds": duration,
                        "sound": sound,
                    }
                    variant = fit(options.model_copy(update=changed), caps)
                    if _allowed(variant, caps):
                        yield variant


def _allowed(options: DraftOptions, caps: Capabilities) -> bool:
    """Whether the vendor's own rules take these options (GlobalAI's stable Fast model...)."""
    try:
        validate(request_from(options, "-"), caps)
    except InvalidRequestError:
        return False
    return True


def _changes(before: DraftOptions, after: DraftOptions) -> int:
    return sum(getattr(before, name) != getattr(after, name) for name in _LISTED_FIELDS.values())


def changed_choices(before: DraftOptions, after: DraftOptions) -> list[tuple[Option, str]]:
    """The listed choices `after` makes differently from `before`, in the card's order."""
    return [
        (option, current_value(after, option))
        for option, name in _LISTED_FIELDS.items()
        if getattr(before, name) != getattr(after, name)
    ]
