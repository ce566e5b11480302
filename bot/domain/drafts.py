"""Drafts: a request still being written on the card, and a person's remembered choices."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.jobs import ChatPlace
from bot.domain.options import AspectRatio, Extra, Resolution, Tier
from bot.domain.request import GenerationRequest, VideoOptions


class DraftStep(StrEnum):
    PROMPT = "prompt"  # waiting for the prompt (and, maybe, photos)
    OPTIONS = "options"  # the card is shown
    SEED = "seed"  # waiting for a seed typed as text
    NEGATIVE = "negative"  # waiting for a negative prompt typed as text


class DraftOptions(VideoOptions):
    """The card's current choices."""

    def preferences(self) -> Preferences:
        """The choices a person keeps between videos."""
        return Preferences(**{name: getattr(self, name) for name in Preferences.model_fields})


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
    return GenerationRequest.of(options, prompt)


class Cost(BaseModel):
    """What a card's video costs its person, when videos cost credits."""

    model_config = ConfigDict(frozen=True)

    price: int
    balance: int
    # When the balance is short: the cheapest options of the same kind of video, and their
    # price (None: nothing is cheaper than what the card has).
    cheaper: DraftOptions | None = None
    cheaper_price: int = 0

    @property
    def short(self) -> bool:
        return self.price > self.balance

    @property
    def cheaper_fits(self) -> bool:
        return self.cheaper is not None and self.cheaper_price <= self.balance
