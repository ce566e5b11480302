"""kie.ai's callbacks: which task one is about, and its HMAC signature checked."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from bot.domain.errors import InvalidCallbackError
from bot.vendors.kie.wire import UPGRADE_4K, upgrade_task_id

CALLBACK_MAX_AGE_SECONDS = 300
_4K_CALLBACK_KEYS = frozenset({"imageUrls", "image_urls", "mediaIds", "media_ids"})


def callback_task_id(
    headers: Mapping[str, str], body: bytes, hmac_key: str | None, now: float
) -> str:
    """The task a kie callback is about, its signature checked when a key is configured."""
    payload = _callback_payload(body)
    task_id = _callback_raw_task_id(payload)
    if hmac_key is not None:
        _verify_signature(headers, task_id, hmac_key, now)
    return upgrade_task_id(UPGRADE_4K, task_id) if _is_4k_callback(payload) else task_id


def sign_callback(task_id: str, timestamp: str, hmac_key: str) -> str:
    """base64(HMAC-SHA256(taskId + "." + timestamp, key)), as kie signs its callbacks."""
    digest = hmac.new(
        hmac_key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def _callback_payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidCallbackError("the callback body is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidCallbackError("the callback body is not a JSON object")
    return payload


def _callback_raw_task_id(payload: dict[str, Any]) -> str:
    data = payload.get("data")
    places = [data, payload] if isinstance(data, dict) else [payload]
    for place in places:
        for key in ("taskId", "task_id"):
            value = place.get(key)
            if isinstance(value, str) and 0 < len(value) <= 256:
                return value
    raise InvalidCallbackError("the callback names no task")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _verify_signature(headers: Mapping[str, str], task_id: str, hmac_key: str, now: float) -> None:
    timestamp = _header(headers, "X-Webhook-Timestamp")
    signature = _header(headers, "X-Webhook-Signature")
    if timestamp is None or signature is None:
        raise InvalidCallbackError("the callback is not signed")
    timestamp = timestamp.strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        raise InvalidCallbackError("the callback timestamp is not a number")
    if abs(now - int(timestamp)) > CALLBACK_MAX_AGE_SECONDS:
        raise InvalidCallbackError("the callback timestamp is too old or in the future")
    expected = sign_callback(task_id, timestamp, hmac_key)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise InvalidCallbackError("the callback signature does not match")


def _is_4k_callback(payload: dict[str, Any]) -> bool:
    if re.search(r"\b4k\b", str(payload.get("msg") or ""), re.IGNORECASE):
        return True
    data = payload.get("data")
    if not isinstance(data, dict):
        return False
    info = data.get("info")
    keys = set(data) | (set(info) if isinstance(info, dict) else set())
    return bool(keys & _4K_CALLBACK_KEYS)
