"""kie.ai's 1080p and 4K upgrades: asking again is how kie reports their progress."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.domain.errors import VendorError, VendorUnknownOutcomeError
from bot.domain.status import Failed, FailureKind, Running, Succeeded, VendorStatus
from bot.vendors.common import JsonApi, finished, read_created
from bot.vendors.http import classify
from bot.vendors.kie.wire import (
    NAME,
    UPGRADE_4K,
    UPGRADE_1080P,
    _Upgrade,
    as_int,
    build_4k_body,
    code_of,
    data_as,
    envelope_of,
    first_url,
    message_of,
)

_PROCESSING = re.compile(r"is processing|not ready|ready in|check back", re.IGNORECASE)
_4K_DONE = re.compile(r"generated successfully", re.IGNORECASE)
_4K_UNAVAILABLE = re.compile(r"4k version of this video is unavailable", re.IGNORECASE)


def parse_1080p(payload: Any) -> VendorStatus:
    """A get-1080p-video answer: code 200 with the URL, or a non-200 code while processing."""
    envelope = envelope_of(payload)
    code = as_int(envelope.code)
    if code == 200:
        upgrade = data_as(_Upgrade, envelope.data, payload)
        url = first_url([upgrade.resultUrl], upgrade.resultUrls, upgrade.result_urls)
        return finished(url)
    code = code_of(envelope, payload)
    if _PROCESSING.search(envelope.msg or ""):
        return Running(None)
    raise classify(NAME, code, message_of(envelope, code), None)


# kie may send an upgrade's "processing" and "generated successfully" (with the URLs) under an
# error status; the envelope's own code and message decide.
_UPGRADE_ANSWER_STATUSES = frozenset({400, 422})


def parse_4k(payload: Any) -> VendorStatus:
    """A get-4k-video answer: 200 when accepted, 422 "processing", 422 "generated" + URLs."""
    envelope = envelope_of(payload)
    code = code_of(envelope, payload)
    message = message_of(envelope, code)
    done = code == 200 or _4K_DONE.search(message) is not None
    if done:
        upgrade = data_as(_Upgrade, envelope.data or {}, payload)
        url = first_url(upgrade.resultUrls, upgrade.result_urls, [upgrade.resultUrl])
        if url:
            return Succeeded(url)
        # 200 without URLs is the "accepted" answer; "generated" without URLs is broken.
        return Running(None) if code == 200 else finished(None)
    if _PROCESSING.search(message):
        return Running(None)
    if _4K_UNAVAILABLE.search(message):
        return Failed(message, FailureKind.GENERATION)
    raise classify(NAME, code, message, None)


async def ask_upgrade(
    api: JsonApi,
    kind: str,
    source_task_id: str,
    *,
    callback_url: str | None,
    creates: bool = False,
) -> VendorStatus:
    """Ask an upgrade endpoint; asking again is how kie reports progress.

    `creates` when this asks for the upgrade (a submit): an answer that cannot be read is then
    an unknown outcome, never asked again.
    """
    try:
        if kind == UPGRADE_1080P:
            payload = await api.get(
                "/api/v1/veo/get-1080p-video",
                params={"taskId": source_task_id, "index": "0"},
                answer_statuses=_UPGRADE_ANSWER_STATUSES,
                creates=creates,
            )
            return _read(parse_1080p, payload, creates=creates)
        payload = await api.post(
            "/api/v1/veo/get-4k-video",
            build_4k_body(source_task_id, callback_url),
            answer_statuses=_UPGRADE_ANSWER_STATUSES,
            creates=creates,
        )
        return _read(parse_4k, payload, creates=creates)
    except VendorUnknownOutcomeError:
        raise
    except VendorError as exc:
        # The same answers sent with a non-2xx HTTP status: only the message survives.
        if exc.kind not in (FailureKind.REJECTED, FailureKind.UNAVAILABLE):
            raise
        if _PROCESSING.search(exc.message):
            return Running(None)
        if kind == UPGRADE_4K and _4K_DONE.search(exc.message):
            return finished(None)
        raise


def _read(parse: Callable[[Any], VendorStatus], payload: Any, *, creates: bool) -> VendorStatus:
    return read_created(NAME, parse, payload) if creates else parse(payload)
