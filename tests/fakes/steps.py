"""Script steps that every vendor fake plays the same way: a pause, a dropped line, a bad body.

Each fake re-exports them next to its own steps, so a test imports them from the fake it drives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from .contract import SLOW_SECONDS, FaultKind

GarbageKind: TypeAlias = Literal["text", "array", "null", "string", "truncated", "empty"]


@dataclass(frozen=True, slots=True)
class HttpError:
    """An HTTP error status with a body and an optional ``Retry-After`` header (seconds).

    ``body``: a mapping → that JSON; a string → sent verbatim; ``None`` → the vendor's usual
    error for ``code`` (each fake's ``default_error_body`` or the like says which).
    """

    code: int
    body: str | Mapping[str, Any] | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Html:
    """An HTML error page (a proxy's or Cloudflare's) with this HTTP status."""

    code: int = 502


@dataclass(frozen=True, slots=True)
class Garbage:
    """HTTP 200 with a body a JSON-object parser must refuse.

    ``kind``: ``"text"`` (plain text), ``"array"`` (JSON ``[]``), ``"null"`` (JSON ``null``),
    ``"string"`` (a JSON string), ``"truncated"`` (cut-off JSON), ``"empty"`` (no body).
    """

    kind: GarbageKind = "text"


@dataclass(frozen=True, slots=True)
class Delay:
    """Sleep ``seconds`` before answering (to trip the client's read timeout).

    Then answer ``then`` (a step of the fake's own script); when ``then`` is None, answer what
    would have been answered without the delay: the next step of the task's script for polls, a
    normal submit for submit faults (so a task IS created even if the client gave up: the
    "ghost task" case), a normal download for download faults.
    """

    seconds: float
    then: object | None = None


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close the connection without sending any response."""


@dataclass(frozen=True, slots=True)
class Redirect:
    """A 302 to ``location`` (for downloads: where a result URL may lead)."""

    location: str


GarbleShape: TypeAlias = Literal["truncated", "html", "proxy_502"]
"""How an accepted submit's answer arrives broken (``FakeServer.accept_then_garble``):
``"truncated"`` (HTTP 200, the JSON cut in half), ``"html"`` (HTTP 200, a web page),
``"proxy_502"`` (a proxy's HTTP 502 page)."""


def redirect(location: str) -> Redirect:
    return Redirect(location)


def http_error(
    code: int, body: str | Mapping[str, Any] | None = None, retry_after: float | None = None
) -> HttpError:
    return HttpError(code, body, retry_after)


def garbage(kind: GarbageKind = "text") -> Garbage:
    return Garbage(kind)


def delay(seconds: float, then: object | None = None) -> Delay:
    return Delay(seconds, then)


def disconnect() -> Disconnect:
    return Disconnect()


def new_api_fault(kind: FaultKind, rejected: HttpError | None = None) -> HttpError | Html | Delay:
    """How a new-api style vendor (UniAll; GlobalAI by assumption) answers each contract fault."""
    faults: dict[str, HttpError | Html | Delay] = {
        "server_error": HttpError(500),
        "html": Html(502),
        # no ghost task: a delay alone would answer normally (and create the task) after it
        "timeout": Delay(SLOW_SECONDS, then=HttpError(504)),
        "auth": HttpError(401),
        "balance": HttpError(402),
        "rate_limited": HttpError(429, retry_after=1),
        "rejected": rejected or HttpError(400),
        "maintenance": HttpError(503),
    }
    return faults[kind]
