"""HTTP for vendor adapters: one JSON call, one streamed download, errors classified."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx

from bot.domain.errors import (
    VendorAuthError,
    VendorBalanceError,
    VendorError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorTimeoutError,
    VendorUnavailableError,
    VideoTooLargeError,
)

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_MAX_MESSAGE = 300
_BALANCE_WORDS = re.compile(r"insufficient|balance|quota|credit|余额|额度", re.IGNORECASE)


def error_message(body: Any, fallback: str) -> str:
    """The human part of a vendor's error body, whatever envelope it uses."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return _short(error["message"])
        if isinstance(error, str) and error:
            return _short(error)
        for key in ("message", "msg", "detail", "error_message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return _short(value)
    return _short(fallback)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def classify(
    vendor: str, status_code: int, message: str, retry_after: float | None
) -> VendorError:
    """Map an HTTP status (or a body code that means one) to the error tree of design §4."""
    code = status_code
    if status_code == 402:
        return VendorBalanceError(vendor, message, status_code=code)
    if status_code in (401, 403):
        if _BALANCE_WORDS.search(message):
            return VendorBalanceError(vendor, message, status_code=code)
        return VendorAuthError(vendor, message, status_code=code)
    if status_code == 429:
        if _BALANCE_WORDS.search(message) and "rate" not in message.lower():
            return VendorBalanceError(vendor, message, status_code=code)
        return VendorRateLimitedError(vendor, message, retry_after, status_code=code)
    if status_code >= 500 or status_code in (404, 408, 409, 455):
        return VendorUnavailableError(vendor, message, status_code=code)
    return VendorRejectedError(vendor, message, status_code=code)


def _parse_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _describe_body(response: httpx.Response) -> str:
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type or response.text.lstrip().startswith("<"):
        return f"HTTP {response.status_code} with an HTML page instead of JSON"
    return f"HTTP {response.status_code}: {response.text}"


class VendorHttp:
    """The only place adapters touch the network."""

    def __init__(self, client: httpx.AsyncClient, vendor: str, *, timeout_seconds: float) -> None:
        self._client = client
        self._vendor = vendor
        self._timeout = httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds))

    async def call(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        params: dict[str, str] | None = None,
        answer_statuses: frozenset[int] = frozenset(),
    ) -> Any:
        """Send one request and return its JSON, or raise a classified VendorError.

        A read timeout raises VendorTimeoutError: the request may have arrived, so the caller
        decides whether repeating it is safe. For `answer_statuses` a JSON body is returned
        as an answer (for vendors that send results with an error status).
        """
        try:
            response = await self._client.request(
                method, url, headers=headers, json=json_body, params=params, timeout=self._timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise VendorUnavailableError(
                self._vendor, f"cannot connect: {type(exc).__name__}"
            ) from exc
        except httpx.TimeoutException as exc:
            raise VendorTimeoutError(
                self._vendor, f"no answer in time: {type(exc).__name__}"
            ) from exc
        except httpx.HTTPError as exc:
            raise VendorTimeoutError(
                self._vendor, f"connection broke: {type(exc).__name__}"
            ) from exc
        body = _parse_json(response)
        if response.status_code in answer_statuses and isinstance(body, dict):
            return body
        if response.is_success:
            if body is None:
                raise VendorUnavailableError(self._vendor, _describe_body(response)[:_MAX_MESSAGE])
            return body
        message = error_message(body, _describe_body(response))
        raise classify(self._vendor, response.status_code, message, retry_after_seconds(response))

    async def download(
        self, url: str, destination: Path, max_bytes: int, headers: dict[str, str] | None = None
    ) -> int:
        """Stream `url` into `destination`, refusing anything over `max_bytes`."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_suffix(destination.suffix + ".part")
        size = 0
        try:
            async with self._client.stream(
                "GET", url, headers=headers, timeout=DOWNLOAD_TIMEOUT, follow_redirects=True
            ) as response:
                if not response.is_success:
                    await response.aread()
                    raise classify(
                        self._vendor,
                        response.status_code,
                        f"download failed: HTTP {response.status_code}",
                        retry_after_seconds(response),
                    )
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise VideoTooLargeError(max_bytes)
                with partial.open("wb") as sink:
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise VideoTooLargeError(max_bytes)
                        sink.write(chunk)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise VendorUnavailableError(
                self._vendor, f"download broke: {type(exc).__name__}"
            ) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(destination)
        return size
