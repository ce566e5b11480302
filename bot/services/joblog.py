"""One log line for every job's end, with who, where, which vendor, how and why."""

from __future__ import annotations

import logging

from bot.domain.jobs import Job, JobState

log = logging.getLogger(__name__)

_REASONS = {
    JobState.DELIVERED: "-",
    JobState.EXPIRED: "past its deadline",
    JobState.CANCELLED: "cancelled by the person",
}


def reason_of(job: Job) -> str:
    """Why a job ended: a failure's kind and detail, or what ended it."""
    if job.state is JobState.FAILED:
        kind = job.failure_kind.value if job.failure_kind else "unknown"
        return f"{kind}: {job.failure_detail}" if job.failure_detail else kind
    return _REASONS.get(job.state, "-")


def log_job_end(job: Job) -> None:
    """`job 12 failed: person 1001, chat 1001, vendor kie, reason …`; the same as fields
    (job, person, chat, vendor, state, reason) in LOG_FORMAT=json. A failure or expiry is a
    warning, a delivery or cancellation information."""
    reason = reason_of(job)
    fields = {
        "job": job.id,
        "person": job.user_id,
        "chat": job.place.chat_id,
        "vendor": job.vendor,
        "state": job.state.value,
        "reason": reason,
    }
    level = logging.WARNING if job.state in (JobState.FAILED, JobState.EXPIRED) else logging.INFO
    log.log(
        level,
        "job %s %s: person %s, chat %s, vendor %s, reason %s",
        job.id,
        job.state.value,
        job.user_id,
        job.place.chat_id,
        job.vendor,
        reason,
        extra=fields,
    )
