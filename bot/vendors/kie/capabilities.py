"""What kie.ai offers, and the rules its API adds."""

from __future__ import annotations

from bot.domain.capabilities import Capabilities, TierCapabilities, narrower_in_mode
from bot.domain.errors import InvalidRequestError
from bot.domain.options import AspectRatio, Extra, ImageTransport, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest
from bot.vendors.kie.wire import NAME, split_task_id

_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT, AspectRatio.AUTO)
# 4K is never asked of generate: only the separate get-4k-video endpoint is documented by every
# version of kie's pages (see the package docstring), so 4K is the ⬆️ 4K upgrade alone.
_RESOLUTIONS = (Resolution.P720, Resolution.P1080)
_DURATIONS = (8,)  # no duration field: every video is 8 s [INF]
_MODES = frozenset({Mode.TEXT, Mode.IMAGE, Mode.FRAMES, Mode.EXTEND})
_REFERENCE_RATIOS = (AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT)


def _extend_source(request: GenerationRequest) -> InvalidRequestError | None:
    """Only a video made by kie's Veo 3.1 API, and not a 1080p/4K version, can be extended."""
    if request.mode is not Mode.EXTEND:
        return None
    source = request.source
    if source is None or source.vendor != NAME or not source.task_id:
        return InvalidRequestError("invalid.source_video")
    if split_task_id(source.task_id)[0] is not None:
        return InvalidRequestError("invalid.source_video")
    return None


_REFERENCE_TIER = TierCapabilities(
    _MODES | {Mode.REFERENCE},
    _RESOLUTIONS,
    _RATIOS,
    _DURATIONS,
    min_reference_images=1,
    max_reference_images=3,
)

CAPABILITIES = Capabilities(
    vendor=NAME,
    display_name="kie.ai",
    tiers={
        # REFERENCE_2_VIDEO: veo3_fast and veo3_lite (issue 9), 1–3 images.
        Tier.FAST: _REFERENCE_TIER,
        Tier.QUALITY: TierCapabilities(_MODES, _RESOLUTIONS, _RATIOS, _DURATIONS),
        Tier.LITE: _REFERENCE_TIER,
    },
    sound=False,  # every video has audio; there is no switch
    max_prompt_chars=2000,  # undocumented; a conservative cap [INF]
    poll_interval_seconds=30.0,  # docs: 1080p every 20–30 s, 4K 30 s or more [INF for generate]
    seed_range=(10000, 99999),
    extras=(Extra.TRANSLATE,),
    image_transport=ImageTransport.UPLOAD,
    upgrades=(Resolution.P1080, Resolution.K4),
    public_result_urls=True,
    # REFERENCE_2_VIDEO takes 16:9 and 9:16 only (current OpenAPI; the seed said 16:9).
    extra_rules=(
        narrower_in_mode(Mode.REFERENCE, aspect_ratios=_REFERENCE_RATIOS),
        _extend_source,
    ),
)
