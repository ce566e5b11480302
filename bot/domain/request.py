"""GenerationRequest: what a person asked for, independent of any vendor."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.options import AspectRatio, Mode, Resolution, Tier


class GenerationRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = Mode.TEXT
    prompt: str
    image_urls: tuple[str, ...] = ()
    source_video_url: str | None = None
    tier: Tier = Tier.FAST
    resolution: Resolution = Resolution.P720
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    duration_seconds: int = 8
    sound: bool = True
    seed: int | None = None
    negative_prompt: str | None = None
    extras: dict[str, bool] = Field(default_factory=dict)
