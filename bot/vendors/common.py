"""What the adapters share, so that each vendor module keeps only what differs (design §4).

The model is new-api's task adaptors: a vendor states its paths, bodies and parsers, and the
rest lives here once: the JSON client with the vendor's key, reading an answer or saying the
vendor is unavailable, the "finished but sent no video" failure, an unknown status logged and
still running, and the key check by a made-up task.

A key check says "ok" only when the vendor's own API answered in its own format and took the
key (issue 9): a 404 page, a JSON answer of another shape, a refused key or silence all raise.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from bot.domain.capabilities import Capabilities
from bot.domain.errors import (
    VendorUnavailableError,
    VendorUnknownOutcomeError,
    VendorUnreadableError,
)
from bot.domain.request import GenerationRequest
from bot.domain.status import Failed, FailureKind, Queued, Running, Succeeded, VendorStatus
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.http import UrlGuard, VendorHttp, error_message

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound=BaseModel)
_T = TypeVar("_T")

NO_VIDEO = "the vendor reported the video finished but sent no file"
_NO_ANSWERS: frozenset[int] = frozenset()
# The statuses a vendor answers "no such task" with; their JSON body is read, not raised.
_MISSING_TASK_STATUSES = frozenset({400, 404})
_NOT_FOUND = re.compile(r"not.?found|not.?exist|no such|不存在", re.IGNORECASE)


# ---- reading answers -----------------------------------------------------------------------


def unreadable(vendor: str, payload: Any) -> VendorUnreadableError:
    return VendorUnreadableError(vendor, f"unreadable answer: {str(payload)[:200]}")


def read_model(vendor: str, model: type[_M], payload: Any, data: Any = None) -> _M:
    """`data` (the whole `payload` when None) read as `model`; unreadable means unavailable."""
    try:
        return model.model_validate(payload if data is None else data)
    except ValidationError as exc:
        raise unreadable(vendor, payload) from exc


def submitted_task_id(vendor: str, *candidates: str | None) -> str:
    """The first task id a submit's answer holds; none means the answer is unreadable."""
    task_id = next((candidate for candidate in candidates if candidate), None)
    if task_id is None:
        raise VendorUnreadableError(vendor, "the answer to a submit holds no task id")
    return task_id


def read_created(vendor: str, read: Callable[[Any], _T], payload: Any) -> _T:
    """What `read` finds in a submit's 2xx answer (its task id).

    An accepted submit whose answer cannot be read may have made a task: its outcome is
    unknown, and it is never sent again.
    """
    try:
        return read(payload)
    except VendorUnreadableError as exc:
        raise VendorUnknownOutcomeError(vendor, exc.message) from exc


def first_http_url(*candidates: Any) -> str | None:
    return next(
        (
            url
            for url in candidates
            if isinstance(url, str) and url.startswith(("http://", "https://"))
        ),
        None,
    )


def finished(url: str | None, *, upgradable: bool = True) -> VendorStatus:
    """A task the vendor calls finished: its video, or the failure of sending none."""
    return Succeeded(url, upgradable) if url else Failed(NO_VIDEO, FailureKind.NO_VIDEO)


def still_running(vendor: str, what: str, value: object, payload: Any) -> Running:
    """A state the docs do not name: logged for the operator, and taken as still running."""
    log.warning("%s: unknown %s %r, payload %s", vendor, what, value, payload)
    return Running(None)


@dataclass(frozen=True)
class StatusWords:
    """A vendor's words for a task's state (lower case); the two terminal ones are the caller's."""

    queued: frozenset[str]
    running: frozenset[str]
    succeeded: frozenset[str]
    failed: frozenset[str]

    def pending(self, status: str, progress: int | None = None) -> VendorStatus | None:
        """Queued or Running for a waiting word; None for a terminal or unknown one."""
        if status in self.queued:
            return Queued()
        if status in self.running:
            return Running(progress if progress and 0 < progress < 100 else None)
        return None


# ---- calling the API -----------------------------------------------------------------------


def bearer(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


class JsonApi:
    """One vendor's API root and key over VendorHttp: JSON calls by path, and downloads."""

    def __init__(self, http: VendorHttp, base_url: str, headers: Mapping[str, str]) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.guard = UrlGuard(self.base_url)

    async def get(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        answer_statuses: frozenset[int] = _NO_ANSWERS,
        creates: bool = False,
    ) -> Any:
        return await self.http.call(
            "GET",
            self.base_url + path,
            headers=self.headers,
            params=params,
            answer_statuses=answer_statuses,
            creates=creates,
        )

    async def post(
        self,
        path: str,
        body: Any,
        *,
        root: str | None = None,
        answer_statuses: frozenset[int] = _NO_ANSWERS,
        creates: bool = False,
    ) -> Any:
        """POST `body` to `path` under the API root (or under `root`, another host of it).

        `creates` marks a call that makes a task: see VendorHttp.call.
        """
        return await self.http.call(
            "POST",
            (root or self.base_url) + path,
            headers=self.headers,
            json_body=body,
            answer_statuses=answer_statuses,
            creates=creates,
        )

    async def download(
        self, url: str, destination: Path, max_bytes: int, headers: dict[str, str] | None = None
    ) -> int:
        return await self.http.download(
            url, destination, max_bytes, headers=headers, guard=self.guard
        )


# ---- the usual adapter ---------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRoutes:
    """Where a vendor takes a task and answers about it."""

    submit_path: str
    status_path: str  # with "{task_id}", filled in URL-quoted


@dataclass(frozen=True)
class TaskWire:
    """How a vendor's submit body is built and its answers read."""

    build_body: Callable[[GenerationRequest, list[str]], dict[str, Any]]
    read_task_id: Callable[[Any], str]
    read_status: Callable[[Any], VendorStatus]


def says_not_found(text: str) -> bool:
    return _NOT_FOUND.search(text) is not None


def new_api_missing_task(payload: Any) -> str | None:
    """new-api's "no such task" (vendors.md §6), in either of its envelopes; None otherwise.

    ``{"error": {"message", "type", "code"}}`` on the /v1/videos routes and
    ``{"code": "task_not_exist", "message", "data": null}`` on the others.
    """
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if isinstance(error, dict):
        words = f"{error.get('code') or ''} {error.get('message') or ''}"
    elif "code" in payload and "message" in payload:
        words = f"{payload['code']} {payload['message']}"
    else:
        return None
    return error_message(payload, words) if says_not_found(words) else None


@dataclass(frozen=True)
class MadeUpTask:
    """The key check of a vendor with no account call: ask about a task that cannot exist.

    Reading one's own task is the least harmful authenticated call: it costs nothing and
    changes nothing. A refused key answers 401/403 (raised). An accepted one answers "not
    found" (404, or 400 for a malformed id) in the vendor's own format: `missing` reads that
    answer and returns its message (None when the answer is not the vendor's; it may raise a
    classified error a vendor sends in the body), said as `answered` (which may hold
    "{message}"). Anything else (an HTML page, another JSON shape, a task) is not this API.
    """

    task_id: str
    answered: str
    missing: Callable[[Any], str | None]


class UrlPhotoVendor:
    """An adapter whose vendor takes a Bearer key, JSON, and the photos as public URLs.

    A subclass states its capabilities, routes and wire, and either a made-up task for the key
    check or its own `check`.
    """

    name: str
    capabilities: Capabilities
    routes: ClassVar[TaskRoutes]
    wire: ClassVar[TaskWire]
    key_check: ClassVar[MadeUpTask | None] = None
    extra_headers: ClassVar[Mapping[str, str]] = {}

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self.name = self.capabilities.vendor
        headers = {**bearer(config.api_key), **self.extra_headers}
        self._api = JsonApi(http, config.base_url, headers)

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        image_urls = [await media.public_url(ref) for ref in request.images]
        body = self.wire.build_body(request, image_urls)
        payload = await self._api.post(self.routes.submit_path, body, creates=True)
        return read_created(self.name, self.wire.read_task_id, payload)

    async def status(self, task_id: str) -> VendorStatus:
        return self.wire.read_status(await self._api.get(self._status_path(task_id)))

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        return await self._api.download(url, destination, max_bytes)

    async def check(self) -> str:
        made_up = self.key_check
        if made_up is None:
            raise NotImplementedError(f"{self.name} names no key check")
        payload = await self._api.get(
            self._status_path(made_up.task_id), answer_statuses=_MISSING_TASK_STATUSES
        )
        message = made_up.missing(payload)
        if message is None:
            raise VendorUnavailableError(
                self.name,
                f"not this API: a made-up task id was answered with {str(payload)[:200]}",
            )
        answered = made_up.answered.format(message=message)
        return f"key accepted (a made-up task id was {answered})"

    def _status_path(self, task_id: str) -> str:
        return self.routes.status_path.format(task_id=quote(task_id, safe=""))
