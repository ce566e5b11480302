"""Everything the worker says in Telegram: status edits, the video, the link, operator alerts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.domain.capabilities import Capabilities
from bot.domain.errors import DeliveryRefusedError, DeliveryRetryableError, DeliveryTooLargeError
from bot.domain.jobs import DeliveredVideo, Job, JobState
from bot.services.ports import Clock, VideoMeta
from bot.services.queue import QueueReads
from bot.services.status import ShownStatus, StatusMemory
from bot.telegram.i18n import t
from bot.telegram.limits import SKIPPED, ChatRateLimiter, retry_after_seconds
from bot.telegram.render import (
    caption,
    queued_text,
    status_keyboard,
    status_text,
    video_keyboard,
)

log = logging.getLogger(__name__)

PROGRESS_EDIT_INTERVAL_PRIVATE = 3.0
PROGRESS_EDIT_INTERVAL_GROUP = 12.0
UPLOAD_TIMEOUT_SECONDS = 600.0


class _Overtaken(Exception):
    """The rate limiter skipped an edit: a newer one of the same message overtook it."""


class TelegramNotifier:
    def __init__(
        self,
        bot: ExtBot[Any],
        capabilities: Mapping[str, Capabilities],
        *,
        job_timeout_minutes: float,
        clock: Clock,
        shown: StatusMemory,
        queue: QueueReads | None = None,
    ) -> None:
        self._bot = bot
        self._clock = clock
        self._capabilities = capabilities
        self._job_timeout_minutes = job_timeout_minutes
        self._shown = shown  # in the database: any replica may show a job's next state
        self._queue = queue  # a queued job's place in line and the typical wait

    async def job_changed(self, job: Job) -> int | None:
        text = await self._text(job)
        shown = await self._shown.last(job.id)
        if shown is not None:
            if shown.text == text or (shown.ended and not job.state.is_terminal):
                return None  # the same, or progress after another replica showed the end
            interval = (
                PROGRESS_EDIT_INTERVAL_PRIVATE
                if job.place.chat_id > 0
                else PROGRESS_EDIT_INTERVAL_GROUP
            )
            if shown.state == job.state and self._clock() - shown.shown_at < interval:
                return None
        try:
            sent = await self._show(job, text, status_keyboard(job))
        except _Overtaken:
            return None  # a newer state of this job is on its way: this one was not shown
        if job.state.is_terminal:
            await self._shown.finished(job.id, job.state, self._clock())
        else:
            await self._shown.shown(job.id, ShownStatus(text, self._clock(), job.state))
        return sent

    async def _text(self, job: Job) -> str:
        caps = self._capabilities[job.vendor]
        if job.state is JobState.QUEUED and self._queue is not None:
            line = await self._queue.line(job)
            if line is not None:
                return queued_text(job, caps, line)
        return status_text(job, caps, self._job_timeout_minutes)

    async def _show(
        self, job: Job, text: str, keyboard: InlineKeyboardMarkup | None
    ) -> int | None:
        """Edit the status message; the id of a new one when there was none to edit."""
        if job.status_message_id is None:
            return (await self._send_text(job, text, keyboard)).message_id
        try:
            answer = await self._bot.edit_message_text(
                text,
                chat_id=job.place.chat_id,
                message_id=job.status_message_id,
                reply_markup=keyboard,
                # A chat out of budget sends only the newest state of this status message
                # (limits.py); the end of a job goes before other progress, and progress that
                # waited for its turn while another replica showed the end is not sent.
                rate_limit_args=self._edit_args(job),
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return None
            if "not found" in exc.message:
                return (await self._send_text(job, text, keyboard)).message_id
            raise
        if answer is SKIPPED:
            raise _Overtaken
        return None

    def _edit_args(self, job: Job) -> dict[str, Any]:
        if job.state.is_terminal:
            return {"priority": "high"}
        if not self._shown.shared:  # one process: its own feed keeps a job's states in order
            return {"priority": "low"}
        return {"priority": "low", "still_wanted": lambda: self._not_ended(job.id)}

    async def _not_ended(self, job_id: int) -> bool:
        shown = await self._shown.last(job_id)
        return shown is None or not shown.ended

    def outdated(self, job: Job) -> None:
        """A newer state of this job is coming: its status edit still waiting need not go."""
        limiter = self._bot.rate_limiter
        if isinstance(limiter, ChatRateLimiter) and job.status_message_id is not None:
            limiter.supersede(job.place.chat_id, job.status_message_id)

    async def _send_text(
        self, job: Job, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> Message:
        try:
            return await self._bot.send_message(
                job.place.chat_id,
                text,
                message_thread_id=job.place.thread_id,
                reply_markup=keyboard,
                reply_parameters=self._reply_to(job),
            )
        except BadRequest as exc:
            if job.place.thread_id is None or "thread not found" not in exc.message:
                raise
            return await self._bot.send_message(
                job.place.chat_id,
                text,
                reply_markup=keyboard,
                reply_parameters=self._reply_to(job),
            )

    async def send_video(self, job: Job, video: Path, meta: VideoMeta) -> DeliveredVideo:
        try:
            message = await self._upload(job, video, meta, job.place.thread_id)
        except BadRequest as exc:
            if job.place.thread_id is None or "thread not found" not in exc.message:
                raise _delivery_error(exc) from exc
            try:
                message = await self._upload(job, video, meta, None)
            except TelegramError as retry_exc:
                raise _delivery_error(retry_exc) from retry_exc
        except TelegramError as exc:
            raise _delivery_error(exc) from exc
        # "Sending you the video" still waiting behind the upload would now be stale.
        self.outdated(job)
        if message.video is None:
            raise DeliveryRefusedError("Telegram answered without a video")
        return DeliveredVideo(file_id=message.video.file_id, message_id=message.message_id)

    async def _upload(
        self, job: Job, video: Path, meta: VideoMeta, thread_id: int | None
    ) -> Message:
        with video.open("rb") as source:
            # read_file_handle=False: httpx streams the file in chunks instead of PTB reading
            # the whole video into memory (and copying it into the multipart body).
            upload = InputFile(source, filename=f"veo-{job.id}.mp4", read_file_handle=False)
            return await self._bot.send_video(
                job.place.chat_id,
                upload,
                caption=caption(job, self._capabilities[job.vendor]),
                reply_markup=video_keyboard(job, self._capabilities[job.vendor]),
                supports_streaming=True,
                width=meta.width,
                height=meta.height,
                duration=meta.duration_seconds,
                message_thread_id=thread_id,
                reply_parameters=self._reply_to(job),
                read_timeout=UPLOAD_TIMEOUT_SECONDS,
                write_timeout=UPLOAD_TIMEOUT_SECONDS,
            )

    async def send_link(self, job: Job, limit_bytes: int) -> None:
        text = t(
            job.language,
            "too_large",
            id=job.id,
            limit=limit_bytes // (1024 * 1024),
            url=job.video_url or "",
        )
        try:
            await self._send_text(job, text)
        except TelegramError as exc:
            raise _delivery_error(exc) from exc

    @staticmethod
    def _reply_to(job: Job) -> ReplyParameters | None:
        if job.request_message_id is None:
            return None
        return ReplyParameters(job.request_message_id, allow_sending_without_reply=True)


def _delivery_error(exc: TelegramError) -> Exception:
    if isinstance(exc, RetryAfter):
        return DeliveryRetryableError(exc.message, retry_after_seconds(exc))
    if isinstance(exc, Forbidden):
        return DeliveryRefusedError(exc.message)
    if isinstance(exc, BadRequest):
        if "too large" in exc.message.lower() or "too big" in exc.message.lower():
            return DeliveryTooLargeError(exc.message)
        return DeliveryRefusedError(exc.message)
    if isinstance(exc, NetworkError) and "too large" in exc.message.lower():
        return DeliveryTooLargeError(exc.message)
    return DeliveryRetryableError(exc.message)
