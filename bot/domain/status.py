"""VendorStatus: one vendor answer about a task, folded into four cases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    """Why a job ended without a video; each kind has its own message and handling."""

    REJECTED = (
        "rejected"  # the vendor refused the request or the content: final, the person is told why
    )
    AUTH = "auth"  # the vendor refused our key: final, the operator is alerted
    BALANCE = "balance"  # the vendor account is out of money: final, the operator is alerted
    RATE_LIMITED = "rate_limited"  # transient
    UNAVAILABLE = "unavailable"  # transient: 5xx, maintenance, timeouts, garbage answers
    GENERATION = "generation"  # the vendor accepted the task but reports it failed
    NO_VIDEO = "no_video"  # reported complete without a usable video
    INTERRUPTED = "interrupted"  # a restart caught the job mid-submit: never submitted twice
    # a submit timed out or its answer was unreadable: it may or may not have been accepted
    UNKNOWN_OUTCOME = "unknown_outcome"
    TOO_LARGE = "too_large"  # the finished file is bigger than the bot may download
    DELIVERY = "delivery"  # Telegram refused the finished video
    INPUT = "input"  # a photo could not be handed over; the detail is a message key
    NOT_VIDEO = "not_video"  # the result URL kept serving something that is not an MP4
    LINK_EXPIRED = "link_expired"  # the result URL answered 404 or 410
    UNSAFE_LINK = "unsafe_link"  # the result URL leads to an address the bot may not fetch


# Words vendors use when their content rules stopped a video (English and Chinese resellers).
_CONTENT_RULES = re.compile(
    r"content.?polic|safety|unsafe|nsfw|violat|prohibited|inappropriate|sensitive|moderation|"
    r"flagged|filtered|blocked|guideline|celebrit|public figure|"
    r"审核|违规|敏感|违禁|不安全|安全策略|内容政策|色情",
    re.IGNORECASE,
)
# The resellers' names, which a person never reads (VENDOR_DISPLAY_NAME stands for them).
_BRANDS = re.compile(
    r"google gemini|\bgemini\b|uniall|globalai(?: opc)?|\bkie(?:\.ai)?\b|gptplus5|"
    r"\bunified\b|yunwu|vectorengine",
    re.IGNORECASE,
)


def shown_failure(kind: FailureKind, detail: str | None) -> FailureKind:
    """The kind a person is told about: a failure whose words say the content rules stopped it
    is a refusal, whatever kind the vendor's answer had."""
    if kind is FailureKind.GENERATION and detail and _CONTENT_RULES.search(detail):
        return FailureKind.REJECTED
    return kind


def without_brands(text: str, name: str) -> str:
    """`text` (a vendor's own words) with every reseller's name replaced by `name`."""
    return _BRANDS.sub(name, text)


@dataclass(frozen=True)
class Queued:
    pass


@dataclass(frozen=True)
class Running:
    progress: int | None = None


@dataclass(frozen=True)
class Succeeded:
    video_url: str
    # False when the vendor says this video can never be upgraded to 1080p/4K (kie's fallback
    # model makes 720p videos its upgrade endpoints refuse).
    upgradable: bool = True


@dataclass(frozen=True)
class Failed:
    reason: str
    kind: FailureKind = FailureKind.GENERATION


VendorStatus = Queued | Running | Succeeded | Failed
