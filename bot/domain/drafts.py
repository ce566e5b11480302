"""Drafts: a request still being written on the card, and a person's remembered choices."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.jobs import ChatPlace
from bot.domain.options import AspectRatio, Extra, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo


class DraftStep(StrEnum):
    PROMPT = "prompt"  # waiting for the prompt (and, maybe, photos)
    OPTIONS = "options"  # the card is shown
    SEED = "seed"  # waiting for a seed typed as text
    NEGATIVE = "negative"  # waiting for a negative prompt typed as text


class DraftOptions(BaseModel):
    """The card's current choices."""

    model_config = ConfigDict(frozen=True)

    mode: Mode = Mode.TEXT
    tier: Tier = Tier.FAST
    resolution: Resolution = Resolution.P720
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    duration_seconds: int = 8
    sound: bool = True
    seed: int | None = None
    negative_prompt: str | None = None
    extras: dict[Extra, bool] = Field(default_factory=dict)
    images: tuple[MediaRef, ...] = ()
    source: SourceVideo | None = None  # the video an extension continues

    def preferences(self) -> Preferences:
        """The choices a person keeps between videos."""
        return Preferences(
            tier=self.tier,
            resolution=self.resolution,
            aspect_ratio=self.aspect_ratio,
            duration_seconds=self.duration_seconds,
            sound=self.sound,
            extras=self.extras,
        )


class Preferences(BaseModel):
    """A person's remembered defaults for the card (changed by use and in /settings)."""

    model_config = ConfigDict(frozen=True)

    tier: Tier | None = None
    resolution: Resolution | None = None
    aspect_ratio: AspectRatio | None = None
    duration_seconds: int | None = None
    sound: bool = True
    extras: dict[Extra, bool] = Field(default_factory=dict)


class Draft(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    place: ChatPlace
    language: str
    step: DraftStep
    prompt: str | None
    options: DraftOptions
    card_message_id: int | None
    request_message_id: int | None
    updated_at: float

    def to_request(self) -> GenerationRequest:
        return request_from(self.options, self.prompt or "")


def request_from(options: DraftOptions, prompt: str) -> GenerationRequest:
    return GenerationRequest(
        mode=options.mode,
        prompt=prompt.strip(),
        tier=options.tier,
        resolution=options.resolution,
        aspect_ratio=options.aspect_ratio,
        duration_seconds=options.duration_seconds,
        sound=options.sound,
        seed=options.seed,
        negative_prompt=options.negative_prompt,
        extras=options.extras,
        images=options.images,
        source=options.source,
    )
