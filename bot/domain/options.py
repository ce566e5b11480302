"""The vendor-neutral vocabulary of a video request: modes, tiers and the option values."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """What the video is made from."""

    TEXT = "text"
    IMAGE = "image"
    FRAMES = "frames"
    REFERENCE = "reference"
    EXTEND = "extend"
    UPGRADE = "upgrade"  # re-render a delivered video at a higher resolution (kie.ai)


class Tier(StrEnum):
    """Speed and price: Fast, Quality (vendors call it pro or standard), or Lite."""

    FAST = "fast"
    QUALITY = "quality"
    LITE = "lite"


class Resolution(StrEnum):
    """The video's height (4K is 2160 lines)."""

    P720 = "720p"
    P1080 = "1080p"
    K4 = "4k"


class AspectRatio(StrEnum):
    """The video's shape; `auto` lets the vendor follow the photo (kie.ai)."""

    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    AUTO = "auto"


class Option(StrEnum):
    """The options a person can set on the card; each vendor declares which it has."""

    MODE = "mode"
    TIER = "tier"
    RESOLUTION = "resolution"
    ASPECT_RATIO = "ratio"
    DURATION = "duration"
    SOUND = "sound"
    SEED = "seed"  # value "ask" (type one) or "clear"
    NEGATIVE = "negative"  # value "ask" (type one) or "clear"
    EXTRA = "extra"  # value: the Extra to toggle
    PHOTOS = "photos"  # value "clear"


# The options chosen from a fixed list of values (one keyboard row each).
LISTED_OPTIONS = (
    Option.TIER,
    Option.RESOLUTION,
    Option.ASPECT_RATIO,
    Option.DURATION,
    Option.SOUND,
)


class Extra(StrEnum):
    """Vendor-specific switches beyond the common options."""

    WATERMARK = "watermark"
    TRANSLATE = "translate"  # translate the prompt to English first
    ENHANCE = "enhance"  # let the vendor rewrite the prompt
    UPSAMPLE = "upsample"  # super-resolution after generation
    STABLE = "stable"  # the vendor's "stable" model channel (GlobalAI)


class ImageTransport(StrEnum):
    """How a vendor takes photos: a public URL, inline bytes, or its own upload API."""

    URL = "url"
    INLINE = "inline"
    UPLOAD = "upload"
