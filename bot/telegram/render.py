"""Texts and keyboards for status messages and delivered videos, from domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.capabilities import Capabilities
from bot.domain.drafts import DraftOptions
from bot.domain.errors import InvalidRequestError, Refusal
from bot.domain.jobs import Job, JobState
from bot.domain.options import Mode, Resolution
from bot.domain.request import GenerationRequest
from bot.domain.status import FailureKind, shown_failure, without_brands
from bot.services.followups import RETRIABLE, follow_ups
from bot.services.queue import QueueLine
from bot.telegram.callbacks import (
    Button,
    CancelJob,
    EditFailedPrompt,
    FollowUpButton,
    RetryFailedJob,
)
from bot.telegram.i18n import listing, ordinal, t, vendor_detail

MAX_CAPTION = 1024
_ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(_ELLIPSIS)] + _ELLIPSIS


def settings_line(lang: str, request: GenerationRequest | DraftOptions, caps: Capabilities) -> str:
    sound = ("sound.on" if request.sound else "sound.off") if caps.sound else None
    return t(
        lang,
        "settings",
        tier=t(lang, f"tier.{request.tier.value}"),
        resolution=resolution_label(request.resolution),
        ratio=request.aspect_ratio.value,
        duration=request.duration_seconds,
        sound=t(lang, sound) if sound else "",
    ).rstrip(" ·")


def resolution_label(resolution: Resolution) -> str:
    return "4K" if resolution is Resolution.K4 else resolution.value


def failure_reason(job: Job, caps: Capabilities) -> str:
    """Why a job failed, as one human sentence: never the vendor's own words or codes."""
    kind = shown_failure(job.failure_kind or FailureKind.GENERATION, job.failure_detail)
    if kind is FailureKind.INPUT:  # its detail is a message key of ours
        if job.failure_detail:
            return t(job.language, job.failure_detail, vendor=caps.display_name)
        kind = FailureKind.GENERATION
    return t(job.language, f"failure.{kind.value}", vendor=caps.display_name)


def failure_details(job: Job, caps: Capabilities) -> str | None:
    """What the vendor said about a failure, for /history: its words, never its brand."""
    detail = job.failure_detail
    if not detail or job.failure_kind is FailureKind.INPUT:
        return None
    return t(
        job.language,
        "history.details",
        detail=shorten(
            vendor_detail(job.language, without_brands(detail, caps.display_name)), 200
        ),
    )


def _summary(job: Job, caps: Capabilities) -> str:
    """The prompt and the settings, under a job's status."""
    return (
        shorten(job.request.prompt, 300) + "\n⚙️ " + settings_line(job.language, job.request, caps)
    )


def status_text(job: Job, caps: Capabilities, job_timeout_minutes: float) -> str:
    lang = job.language
    params: dict[str, object] = {
        "id": job.id,
        "summary": _summary(job, caps),
        "vendor": caps.display_name,
    }
    if job.state is JobState.RUNNING:
        params["progress"] = (
            t(lang, "status.progress", progress=job.progress) if job.progress else ""
        )
    elif job.state is JobState.FAILED:
        params["reason"] = failure_reason(job, caps)
    elif job.state is JobState.EXPIRED:
        params["minutes"] = f"{job_timeout_minutes:g}"
    if job.state in RETRIABLE:
        # Released in the same transaction that ended the job: the credits are back already.
        back = t(lang, "status.credits_back", price=job.price) if job.price > 0 else ""
        params["credits_back"] = f"\n{back}" if back else ""
    return t(lang, f"status.{job.state.value}", **params)


def status_keyboard(job: Job) -> InlineKeyboardMarkup | None:
    """✖️ Cancel while queued; ✏️ Edit prompt and 🔁 Try again once it failed or expired."""
    lang = job.language
    if job.state in RETRIABLE:
        buttons = [button(lang, "button.retry", RetryFailedJob(job.id))]
        if job.request.mode is not Mode.UPGRADE:
            buttons.insert(0, button(lang, "button.edit_prompt", EditFailedPrompt(job.id)))
        return InlineKeyboardMarkup([buttons])
    if job.state is not JobState.QUEUED:
        return None
    return InlineKeyboardMarkup([[button(lang, "button.cancel_job", CancelJob(job.id))]])


def button(lang: str, key: str, data: Button) -> InlineKeyboardButton:
    """A button labelled with the text `key`, pressing it sends `data`."""
    return InlineKeyboardButton(t(lang, key), callback_data=data.pack())


def caption(job: Job, caps: Capabilities) -> str:
    """The prompt and the settings, the prompt cut so the whole fits Telegram's 1024."""
    settings = settings_line(job.language, job.request, caps)
    if job.request.mode is Mode.UPGRADE:
        settings = t(
            job.language, "upgraded_to", resolution=resolution_label(job.request.resolution)
        )
    frame = t(job.language, "caption", prompt="", settings=settings)
    room = MAX_CAPTION - len(frame)
    return t(job.language, "caption", prompt=shorten(job.request.prompt, room), settings=settings)


def video_keyboard(job: Job, caps: Capabilities) -> InlineKeyboardMarkup | None:
    """Buttons under a delivered video: the follow-ups its vendor offers."""
    actions = follow_ups(job, caps)
    if not actions:
        return None
    buttons = [
        InlineKeyboardButton(
            t(job.language, f"button.{action.value}"),
            callback_data=FollowUpButton(job.id, action).pack(),
        )
        for action in actions
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def refusal_text(lang: str, refusal: Refusal, vendor: str = "") -> str:
    """The one way a refusal reads: its message, with times shown as a clock time."""
    if isinstance(refusal, InvalidRequestError) and refusal.vendor:
        vendor = refusal.vendor
    params: dict[str, object] = {"vendor": vendor, **refusal.params}
    for name, value in params.items():
        if isinstance(value, tuple):  # a list of values: "a, b" in English, "a、b" in Chinese
            params[name] = listing(lang, (str(item) for item in value))
    reopens_at = params.pop("reopens_at", None)
    if isinstance(reopens_at, int | float):
        params["time"] = datetime.fromtimestamp(reopens_at, UTC).strftime("%H:%M UTC")
    return t(lang, refusal.key, **params)


def queued_text(job: Job, caps: Capabilities, line: QueueLine) -> str:
    """A queued job's status with its place in line and, when recent jobs of its vendor and
    options show one, the usual wait."""
    lang = job.language
    wait = ""
    if line.typical_seconds is not None:
        minutes = max(1, round(line.typical_seconds / 60))
        wait = t(lang, "status.typical_wait", minutes=minutes)
    place = ordinal(lang, line.place)
    return t(
        lang, "status.queued_place", id=job.id, place=place, wait=wait, summary=_summary(job, caps)
    )
