"""HTTP for vendor adapters: one JSON call, one streamed download, errors classified."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
import socket
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
    VendorUnknownOutcomeError,
    VendorUrlRefusedError,
    VideoTooLargeError,
)

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_MAX_MESSAGE = 300
_ERROR_KEYS = ("error", "code", "message", "msg", "detail", "error_message")
# Failures that happen before a request leaves: it provably reached no one.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
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


def _is_error_answer(body: Any) -> bool:
    """True for a JSON object that names an error: a vendor's own envelope, not a proxy's page."""
    return isinstance(body, dict) and any(key in body for key in _ERROR_KEYS)


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
        creates: bool = False,
    ) -> Any:
        """Send one request and return its JSON, or raise a classified VendorError.

        A read timeout raises VendorTimeoutError: the request may have arrived, so the caller
        decides whether repeating it is safe. For `answer_statuses` a JSON body is returned
        as an answer (for vendors that send results with an error status).

        `creates` marks a call that makes a task (a submit): an answer that does not prove that
        nothing was made (a 2xx that cannot be read, a 5xx that is not the vendor's own error
        answer) raises VendorUnknownOutcomeError, which is never sent again.
        """
        try:
            response = await self._client.request(
                method, url, headers=headers, json=json_body, params=params, timeout=self._timeout
            )
        except _NOT_SENT as exc:
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
                unclear = VendorUnknownOutcomeError if creates else VendorUnavailableError
                raise unclear(self._vendor, _describe_body(response)[:_MAX_MESSAGE])
            return body
        message = error_message(body, _describe_body(response))
        if creates and response.status_code >= 500 and not _is_error_answer(body):
            raise VendorUnknownOutcomeError(
                self._vendor, message, status_code=response.status_code
            )
        raise classify(self._vendor, response.status_code, message, retry_after_seconds(response))

    async def download(
        self,
        url: str,
        destination: Path,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        *,
        guard: UrlGuard,
    ) -> int:
        """Stream `url` into `destination`, refusing anything over `max_bytes`.

        Redirects are followed here, at most MAX_REDIRECTS, each checked by `guard` before any
        connection is made; `headers` (the key) go only to the first URL's origin.
        """
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_suffix(destination.suffix + ".part")
        try:
            size = await self._stream(httpx.URL(url), partial, max_bytes, headers, guard)
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

    async def _stream(
        self,
        url: httpx.URL,
        partial: Path,
        max_bytes: int,
        headers: dict[str, str] | None,
        guard: UrlGuard,
    ) -> int:
        origin = _origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            await guard.check(self._vendor, url)
            sent_headers = headers if _origin(url) == origin else None
            async with self._client.stream(
                "GET", url, headers=sent_headers, timeout=DOWNLOAD_TIMEOUT, follow_redirects=False
            ) as response:
                location = response.headers.get("Location")
                if response.is_redirect and location:
                    await response.aread()
                    url = response.url.join(location)
                    continue
                return await self._save(response, partial, max_bytes)
        raise VendorUrlRefusedError(self._vendor, f"more than {MAX_REDIRECTS} redirects")

    async def _save(self, response: httpx.Response, partial: Path, max_bytes: int) -> int:
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
        size = 0
        with partial.open("wb") as sink:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise VideoTooLargeError(max_bytes)
                sink.write(chunk)
        return size


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


# ---- where a download may go ---------------------------------------------------------------

MAX_REDIRECTS = 5
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_kind(address: _Address) -> str | None:
    """What sort of non-public address this is ("loopback", "private"…); None when public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, found in checks if found), None)


async def resolve(host: str, port: int) -> list[_Address]:
    """Every address `host` names (an IP literal is its own), without connecting anywhere."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


class UrlGuard:
    """Where a vendor's result URLs may lead: http(s) to public addresses, and to the kinds of
    non-public address (loopback, private…) the vendor's own API is on, so that a local test
    setup keeps working while a link to a cloud's metadata service or a private network does not.

    Addresses are resolved and checked before each request (and each redirect) is made.
    """

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        self._allowed: frozenset[str] | None = None

    async def check(self, vendor: str, url: httpx.URL) -> None:
        if url.scheme not in ("http", "https") or not url.host:
            raise VendorUrlRefusedError(vendor, f"not an http(s) link: {str(url)[:100]}")
        try:
            addresses = await resolve(url.host, url.port or _default_port(url))
        except OSError as exc:
            raise VendorUnavailableError(vendor, f"cannot resolve {url.host}: {exc}") from exc
        allowed = await self._allowed_kinds()
        for address in addresses:
            kind = address_kind(address)
            if kind is not None and kind not in allowed:
                raise VendorUrlRefusedError(
                    vendor, f"refused a link to {url.host}: {address} is a {kind} address"
                )

    async def _allowed_kinds(self) -> frozenset[str]:
        if self._allowed is None:
            if not self._base.host:
                return frozenset()
            try:
                addresses = await resolve(self._base.host, self._base.port or 443)
            except OSError:
                return frozenset()  # asked again next time
            self._allowed = frozenset(filter(None, map(address_kind, addresses)))
        return self._allowed


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
