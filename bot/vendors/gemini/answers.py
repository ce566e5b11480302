"""Reading Gemini's answers: the operation, its result, and Google's error envelope."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import (
    VendorAuthError,
    VendorBalanceError,
    VendorError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorUnreadableError,
)
from bot.domain.status import Failed, FailureKind, Running, Succeeded, VendorStatus
from bot.vendors.common import finished, read_model, still_running
from bot.vendors.gemini.wire import NAME, http_url
from bot.vendors.http import classify, error_message


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Video(_Lenient):
    uri: str | None = None


class _Sample(_Lenient):
    video: _Video | None = None


class _GenerateVideoResponse(_Lenient):
    generatedSamples: list[_Sample] | None = None
    raiMediaFilteredCount: int | None = None
    raiMediaFilteredReasons: list[str] | None = None


class _Response(_Lenient):
    generateVideoResponse: _GenerateVideoResponse | None = None


class _Status(_Lenient):
    code: int | str | None = None
    message: str | None = None
    status: str | None = None


class _Operation(_Lenient):
    name: str | None = None
    done: Any = None
    response: _Response | None = None
    error: _Status | None = None


OPERATION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")
_CONTENT_POLICY = re.compile(
    r"safety|polic|blocked|filtered|responsible ai|\brai\b|prohibited|sensitive|violat|guideline",
    re.IGNORECASE,
)
_KEY_REFUSED = re.compile(r"api[ _]?key", re.IGNORECASE)
_PREPAID_GONE = re.compile(r"prepay|depleted", re.IGNORECASE)
_QUOTA_RATE = re.compile(r"exhausted|exceeded|\brate\b", re.IGNORECASE)
# google.rpc.Code names → the HTTP status Google maps each to.
STATUS_HTTP: dict[str, int] = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ABORTED": 409,
    "ALREADY_EXISTS": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INTERNAL": 500,
    "DATA_LOSS": 500,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}
_FILTERED = "Google's safety filters blocked this video"


def parse_task_id(payload: Any) -> str:
    """The operation name (`models/…/operations/…`): the task id, slashes and all."""
    operation = _parse_operation(payload)
    name = operation.name
    if not name or not OPERATION_NAME.fullmatch(name):
        raise VendorUnreadableError(
            NAME, f"the answer to a submit holds no operation name: {name!r}"
        )
    return name


def parse_status(payload: Any) -> VendorStatus:
    operation = _parse_operation(payload)
    if operation.error is not None:
        return _failure(operation.error)
    if operation.done is None or operation.done is False:
        return Running(None)
    if operation.done is not True:
        return still_running(NAME, "operation state done", operation.done, payload)
    return _finished(operation.response)


def _parse_operation(payload: Any) -> _Operation:
    raise_for_error_envelope(payload)
    return read_model(NAME, _Operation, payload)


def raise_for_error_envelope(payload: Any) -> None:
    """Raise the classified error of a Google envelope `{"error": {code, message, status}}`
    that arrived with HTTP 200; an operation's own `error` (next to its name) is a task failure.
    """
    if not isinstance(payload, dict) or "name" in payload or "done" in payload:
        return
    error = payload.get("error")
    if error is None:
        return
    message = error_message(payload, "the vendor answered with an error")
    code = _http_code(error)
    raise reclassify(classify(NAME, code, message, None))


def _http_code(error: Any) -> int:
    if isinstance(error, dict):
        code = error.get("code")
        if isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 599:
            return code
        status = error.get("status")
        if isinstance(status, str) and status in STATUS_HTTP:
            return STATUS_HTTP[status]
    return 400


def reclassify(error: VendorError) -> VendorError:
    """Correct the generic classification where Google's answers differ from other vendors.

    A refused key is HTTP 400 INVALID_ARGUMENT ("API key not valid"), not 401. A 429
    RESOURCE_EXHAUSTED naming a quota is a rate or daily limit; only "prepayment credits are
    depleted" means the account is out of money.
    """
    if isinstance(error, VendorRejectedError) and _KEY_REFUSED.search(error.message):
        return VendorAuthError(error.vendor, error.message)
    if (
        isinstance(error, VendorBalanceError)
        and _QUOTA_RATE.search(error.message)
        and not _PREPAID_GONE.search(error.message)
    ):
        return VendorRateLimitedError(error.vendor, error.message)
    return error


def _failure(error: _Status) -> Failed:
    message = error.message or "the vendor reported a failure"
    kind = FailureKind.REJECTED if _CONTENT_POLICY.search(message) else FailureKind.GENERATION
    return Failed(message, kind)


def _finished(response: _Response | None) -> VendorStatus:
    result = response.generateVideoResponse if response is not None else None
    if result is None:
        return finished(None)
    for sample in result.generatedSamples or []:
        uri = http_url(sample.video.uri if sample.video is not None else None)
        if uri is not None:
            return Succeeded(uri)
    reasons = [reason for reason in result.raiMediaFilteredReasons or [] if reason.strip()]
    if reasons:
        return Failed(reasons[0], FailureKind.REJECTED)
    if result.raiMediaFilteredCount:
        return Failed(_FILTERED, FailureKind.REJECTED)
    return finished(None)
