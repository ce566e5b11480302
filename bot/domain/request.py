"""GenerationRequest: what a person asked for, independent of any vendor."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.options import AspectRatio, Extra, Mode, Resolution, Tier


class MediaRef(BaseModel):
    """A photo (or video) the bot holds; the media service turns it into bytes or a URL."""

    model_config = ConfigDict(frozen=True)

    key: str
    mime_type: str = "image/jpeg"


class SourceVideo(BaseModel):
    """A video this bot made earlier, for extension and upgrades."""

    model_config = ConfigDict(frozen=True)

    vendor: str
    task_id: str | None = None
    video_url: str | None = None
    media: MediaRef | None = None
    # When the bot asked for it (seconds since the epoch): the vendor made it no earlier.
    made_at: float | None = None


class VideoOptions(BaseModel):
    """Every choice of a request except its prompt: what the card edits."""

    model_config = ConfigDict(frozen=True)

    mode: Mode = Mode.TEXT
    images: tuple[MediaRef, ...] = ()
    source: SourceVideo | None = None  # the video an extension or upgrade continues
    tier: Tier = Tier.FAST
    resolution: Resolution = Resolution.P720
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    duration_seconds: int = 8
    sound: bool = True
    seed: int | None = None
    negative_prompt: str | None = None
    extras: dict[Extra, bool] = Field(default_factory=dict)

    def vendor_or(self, primary: str) -> str:
        """The vendor this belongs with: the one that has the video it continues or upgrades,
        else `primary` (the card's vendor, where anything else starts)."""
        return self.source.vendor if self.source is not None else primary


class GenerationRequest(VideoOptions):
    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str

    @classmethod
    def of(cls, options: VideoOptions, prompt: str) -> GenerationRequest:
        """The request a card's options make with this prompt."""
        fields = {name: getattr(options, name) for name in VideoOptions.model_fields}
        return cls(prompt=prompt.strip(), **fields)

    def extra(self, name: Extra, default: bool = False) -> bool:
        return self.extras.get(name, default)
