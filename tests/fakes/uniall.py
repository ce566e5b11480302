"""A fake UniAll Veo 3.1 server (aiohttp, loopback only) for tests.

Written from UniAll's Veo 3.1 docs (seeds 001 / 003: ``POST /v1/video/generations`` and
``GET /v1/videos/{task_id}``) and docs/vendors.md §2, §6 and §7. UniAll looks like a customised
new-api gateway, so errors use the OpenAI / new-api envelope
``{"error": {"message", "type", "code"}}``.

The fake:

* rejects, with 400, every submit the docs forbid (see ``_validate_submit``);
* plays a scripted sequence of steps for each task (one step per poll; the last step repeats);
* serves a real MP4 at ``/files/{task_id}.mp4`` (or a streamed body of ``video_size`` bytes);
* fails in the ways vendors fail: HTTP errors with new-api or custom bodies, ``Retry-After``,
  HTML error pages, non-JSON bodies, slow answers, dropped connections, truncated bodies,
  ``completed`` with no URL, ``failed`` and unknown statuses;
* records leaks of forbidden substrings (e.g. the Telegram bot token) anywhere in a request.

Usage::

    async with FakeUniAll(forbidden_substrings=[bot_token]) as fake:
        fake.script = [queued(), http_error(502), in_progress(40), completed()]
        ...  # point the bot at fake.base_url
        assert fake.leaks == []
"""

from __future__ import annotations

import contextlib
import json
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final, Literal, TypeAlias

from aiohttp import web

from .contract import FaultKind
from .server import (
    TELEGRAM_FILE_URL_MARKER,
    ScriptedTask,
    TaskFake,
    drop_connection,
    is_http_url,
    json_response,
    reject_json_constant,
)
from .steps import (
    Delay,
    Disconnect,
    Garbage,
    Html,
    HttpError,
    Redirect,
    delay,
    disconnect,
    garbage,
    http_error,
    new_api_fault,
    redirect,
)

__all__ = [
    "ASPECT_RATIOS",
    "DURATIONS",
    "FAST_MODELS",
    "MODELS",
    "MODEL_TIERS",
    "TELEGRAM_FILE_URL_MARKER",
    "Completed",
    "Delay",
    "Disconnect",
    "Failed",
    "FakeTask",
    "FakeUniAll",
    "Garbage",
    "Html",
    "HttpError",
    "InProgress",
    "Queued",
    "RawStatus",
    "Redirect",
    "Step",
    "Truncated",
    "completed",
    "delay",
    "disconnect",
    "failed",
    "garbage",
    "html",
    "http_error",
    "in_progress",
    "queued",
    "redirect",
    "status",
    "truncated",
]

# --------------------------------------------------------------------------------------------
# What the docs allow
# --------------------------------------------------------------------------------------------

MODEL_TIERS: Final[Mapping[str, str]] = {
    "veo3.1-video-720p": "720p",
    "veo3.1-video-1080p": "1080p",
    "veo3.1-video-4k": "4k",
    "veo3.1-fast-video-720p": "720p",
    "veo3.1-fast-video-1080p": "1080p",
    "veo3.1-fast-video-4k": "4k",
}
MODELS: Final[frozenset[str]] = frozenset(MODEL_TIERS)
# The create-task overview table lists no multi-image reference (`images`) for the fast models.
FAST_MODELS: Final[frozenset[str]] = frozenset(m for m in MODELS if "-fast-" in m)
ASPECT_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16"})
DURATIONS: Final[frozenset[int]] = frozenset({4, 6, 8})
KNOWN_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "model",
        "prompt",
        "image",
        "images",
        "last_image",
        "video",
        "size",
        "aspect_ratio",
        "duration",
        "extra_body",
    }
)
EXTRA_BODY_TYPES: Final[Mapping[str, str]] = {
    "generate_audio": "boolean",
    "negative_prompt": "string",
    "seed": "integer",
}
# No range is documented; Veo's seed is an unsigned 32-bit integer [INF].
SEED_MIN: Final[int] = 0
SEED_MAX: Final[int] = 2**32 - 1
SUBMIT_PATH: Final[str] = "/v1/video/generations"
POLL_PATH_PREFIX: Final[str] = "/v1/videos/"
_TASK_ID_ALPHABET: Final[str] = string.ascii_letters + string.digits
_ZERO_CHUNK: Final[bytes] = bytes(256 * 1024)
_STREAM_CHUNK: Final[int] = 64 * 1024

# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queued:
    """Poll answers ``status: "queued"``, ``progress: 0``."""


@dataclass(frozen=True, slots=True)
class InProgress:
    """Poll answers ``status: "in_progress"`` with this progress."""

    progress: int = 50


@dataclass(frozen=True, slots=True)
class Completed:
    """Poll answers ``status: "completed"``, ``progress: 100`` and the URL in the given shape.

    ``video_url``: ``"auto"`` is the fake's own ``/files/{task_id}.mp4``; ``None`` is the new-api
    bug (completed without any URL); any other string is used verbatim (``""`` included).
    """

    video_url: str | None = "auto"
    shape: Literal["top", "result", "outputs"] = "top"


@dataclass(frozen=True, slots=True)
class Failed:
    """Poll answers ``status: "failed"`` with ``error`` as ``{"message","code"}`` or a string."""

    message: str = "video generation failed: the upstream rejected the prompt"
    as_object: bool = True
    code: str = "task_failed"


@dataclass(frozen=True, slots=True)
class RawStatus:
    """Poll answers this raw status string (e.g. an undocumented ``"weird_state"``)."""

    raw: str
    progress: int = 0


@dataclass(frozen=True, slots=True)
class Truncated:
    """Send the headers with the full ``Content-Length``, then only ``at_bytes`` bytes, then drop.

    For downloads the bytes are the video; for polls and submits a JSON body is cut.
    """

    at_bytes: int = 1000


Step: TypeAlias = (
    Queued
    | InProgress
    | Completed
    | Failed
    | RawStatus
    | HttpError
    | Html
    | Garbage
    | Delay
    | Disconnect
    | Truncated
    | Redirect
)
FAULT_STEPS: Final[tuple[type, ...]] = (HttpError, Html, Garbage, Delay, Disconnect, Truncated)


def queued() -> Queued:
    return Queued()


def in_progress(progress: int = 50) -> InProgress:
    return InProgress(progress)


def completed(
    video_url: str | None = "auto", shape: Literal["top", "result", "outputs"] = "top"
) -> Completed:
    return Completed(video_url, shape)


def failed(
    message: str = "video generation failed: the upstream rejected the prompt",
    as_object: bool = True,
    code: str = "task_failed",
) -> Failed:
    return Failed(message, as_object, code)


def status(raw: str, progress: int = 0) -> RawStatus:
    return RawStatus(raw, progress)


def html(code: int = 200) -> Html:
    return Html(code)


def truncated(at_bytes: int = 1000) -> Truncated:
    return Truncated(at_bytes)


def default_script() -> list[Step]:
    return [queued(), in_progress(50), completed()]


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class FakeTask(ScriptedTask[Step]):
    last_status: str | None = None  # the last status string the fake reported for this task

    def next_step(self) -> tuple[int, Step]:
        """The step for this poll (the last one repeats) and its index; advances the position."""
        index = self.advance()
        return index, self.script[index]

    def resolve_delay(self, index: int) -> Step:
        """The step a ``delay(s)`` without ``then`` at ``index`` stands in front of."""
        for step in self.script[index + 1 :]:
            if not isinstance(step, Delay):
                return step
        for step in reversed(self.script[:index]):
            if not isinstance(step, Delay):
                return step
        return Queued()


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------


def error_envelope(message: str, type_: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


def invalid_parameter(message: str) -> dict[str, Any]:
    return error_envelope(message, "invalid_request_error", "invalid_parameter")


INVALID_TOKEN: Final[Mapping[str, Any]] = error_envelope(
    "Invalid token", "new_api_error", "invalid_api_key"
)
TASK_NOT_FOUND: Final[Mapping[str, Any]] = error_envelope(
    "task not found", "invalid_request_error", "task_not_exist"
)
LEAK_REFUSED: Final[Mapping[str, Any]] = invalid_parameter(
    "request contains a forbidden value (credential leak)"
)


def default_error_body(code: int) -> dict[str, Any]:
    """A new-api style error body for an HTTP status."""
    if code == 400:
        return invalid_parameter("bad request")
    if code == 401:
        return dict(INVALID_TOKEN)
    if code == 402:
        return error_envelope(
            "insufficient user quota", "new_api_error", "insufficient_user_quota"
        )
    if code == 403:
        return error_envelope("access denied", "new_api_error", "access_denied")
    if code == 404:
        return dict(TASK_NOT_FOUND)
    if code == 429:
        return error_envelope(
            "rate limit exceeded, please try again later", "new_api_error", "rate_limit_exceeded"
        )
    if code >= 500:
        return error_envelope(
            f"upstream error: status code {code}", "new_api_error", "bad_response_status_code"
        )
    return error_envelope(f"error {code}", "new_api_error", "unknown_error")


def html_page(code: int) -> str:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en-US"><head><title>{code}: {phrase} | uniall.ai | Cloudflare</title>'
        '<meta charset="UTF-8" /></head>\n'
        f'<body><div id="cf-error-details"><h1>Error {code}</h1><h2>{phrase}</h2>'
        "<p>The web server reported an error. Ray ID: 8c0ffee0deadbeef</p></div></body></html>\n"
    )


def _fault_body_response(step: HttpError | Html | Garbage) -> web.Response:
    if isinstance(step, HttpError):
        headers: dict[str, str] = {}
        if step.retry_after is not None:
            ra = step.retry_after
            headers["Retry-After"] = str(int(ra)) if float(ra).is_integer() else str(ra)
        if step.body is None or isinstance(step.body, Mapping):
            body = default_error_body(step.code) if step.body is None else dict(step.body)
            return json_response(step.code, body, headers)
        ctype = "text/html" if step.body.lstrip().startswith("<") else "text/plain"
        return web.Response(status=step.code, text=step.body, content_type=ctype, headers=headers)
    if isinstance(step, Html):
        return web.Response(status=step.code, text=html_page(step.code), content_type="text/html")
    text_bodies: dict[str, tuple[str, str]] = {
        "text": ("upstream returned: OK", "text/plain"),
        "array": ("[]", "application/json"),
        "null": ("null", "application/json"),
        "string": ('"ok"', "application/json"),
        "truncated": ('{"id": "task_', "application/json"),
        "empty": ("", "application/json"),
    }
    text, ctype = text_bodies[step.kind]
    return web.Response(status=200, text=text, content_type=ctype)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def contract_fault(kind: FaultKind) -> Step:
    """The UniAll (new-api) answer for each vendor-neutral fault kind."""
    return new_api_fault(kind)


class FakeUniAll(TaskFake[Step]):
    """A fake UniAll (new-api) server on 127.0.0.1 with a random port.

    Public state (tests read and replace these freely):

    * ``script``: steps given (copied) to each NEW task; default queued → in_progress(50) →
      completed.
    * ``submit_faults`` / ``poll_faults`` / ``download_faults``: FIFO lists; each request of that
      kind first pops one step and answers it (a fault submit does not create a task). Non-fault
      steps in these lists mean "answer normally". ``poll_faults`` hit a known task without
      advancing its script.
    * ``submissions``: accepted request bodies; ``rejected``: (status, body, reason) of refused
      submits (leaks, auth, validation); ``submit_attempts``: every submit request, faults too.
    * ``polls``: task ids of every GET ``/v1/videos/{id}``; ``downloads``: completed MP4 downloads
      (``download_attempts``: GETs of a known file; ``downloads_aborted``: client hung up early);
      ``leaks``: forbidden substrings seen in any request; ``tasks``: task_id → FakeTask.
    * ``video_bytes`` / ``video_size``: what ``/files/{task_id}.mp4`` serves.
    """

    name = "uniall"
    shutdown_timeout = 2.0
    submit_path = SUBMIT_PATH
    poll_prefix = POLL_PATH_PREFIX

    def __init__(
        self, api_key: str = "sk-uniall-test-key", *, forbidden_substrings: Sequence[str] = ()
    ) -> None:
        super().__init__(api_key, forbidden_substrings, default_script())
        self.rejected: list[tuple[int, dict[str, Any] | str, str]] = []
        self.download_attempts = 0
        self.downloads_aborted = 0
        self.tasks: dict[str, FakeTask] = {}
        self.video_size: int | None = None
        self.requests: list[tuple[str, str]] = []  # (method, path_qs) of every request

    # ---- the vendor-neutral contract (tests/fakes/contract.py) --------------------------------

    def play_success(self, *, running_polls: int = 1) -> None:
        self.script = [queued(), *[in_progress(50)] * max(running_polls - 1, 0), completed()]

    def play_failure(self, message: str) -> None:
        self.script = [in_progress(30), failed(message)]

    def play_no_video(self) -> None:
        self.script = [queued(), completed(video_url=None)]

    def play_unknown_status(self) -> None:
        self.script = [status("mystery_state"), status("mystery_state"), completed()]

    def contract_fault(self, kind: FaultKind) -> Step:
        return contract_fault(kind)

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def submit_url(self) -> str:
        return f"{self.base_url}{SUBMIT_PATH}"

    def poll_url(self, task_id: str) -> str:
        return f"{self.base_url}{POLL_PATH_PREFIX}{task_id}"

    # ---- helpers -----------------------------------------------------------------------------

    async def _truncated(
        self, request: web.Request, full: bytes, at: int, content_type: str
    ) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": content_type})
        resp.content_length = len(full)
        await resp.prepare(request)
        with contextlib.suppress(ConnectionError):
            await resp.write(full[: max(0, min(at, len(full) - 1))])
        if request.transport is not None:
            request.transport.close()
        return resp

    async def _answer_fault(
        self, request: web.Request, step: Step, json_like: bytes
    ) -> web.StreamResponse | None:
        """The response for a fault step, or None for "answer normally"."""
        if isinstance(step, Delay):
            await self._sleep(step.seconds)
            if step.then is None:
                return None
            return await self._answer_fault(request, step.then, json_like)
        if isinstance(step, HttpError | Html | Garbage):
            return _fault_body_response(step)
        if isinstance(step, Disconnect):
            return drop_connection(request)
        if isinstance(step, Truncated):
            return await self._truncated(request, json_like, step.at_bytes, "application/json")
        if isinstance(step, Redirect):
            return web.Response(status=302, headers={"Location": step.location})
        return None

    # ---- POST /v1/video/generations ----------------------------------------------------------

    async def _handle_submit(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        self.submit_attempts += 1
        raw_bytes = await request.read()
        raw = raw_bytes.decode("utf-8", errors="replace")

        needle = self._find_leak(request, raw)
        if needle is not None:
            self.rejected.append((400, _parse_for_record(raw), f"forbidden substring {needle!r}"))
            return json_response(400, LEAK_REFUSED)

        if self.submit_faults:
            step = self.submit_faults.pop(0)
            fake_ok = json.dumps({"id": "task_" + "x" * 32, "status": "queued"}).encode()
            answer = await self._answer_fault(request, step, fake_ok)
            if answer is not None:
                return answer

        if not self._authorized(request):
            self.rejected.append((401, _parse_for_record(raw), "invalid token"))
            return json_response(401, INVALID_TOKEN)

        body, problem = _parse_json_object(request, raw_bytes)
        if problem is None:
            assert body is not None
            problem = _validate_submit(body)
        if problem is not None:
            self.rejected.append((400, _parse_for_record(raw), problem))
            return json_response(400, invalid_parameter(problem))
        assert body is not None

        task_id = "task_" + "".join(secrets.choice(_TASK_ID_ALPHABET) for _ in range(32))
        task = FakeTask(id=task_id, body=body, script=list(self.script) or default_script())
        self.tasks[task_id] = task
        self.submissions.append(body)
        task.last_status = "queued"
        return json_response(
            200,
            {
                "id": task_id,
                "task_id": task_id,
                "object": "video",
                "model": task.model,
                "status": "queued",
                "progress": 0,
                "created_at": task.created_at,
            },
        )

    # ---- GET /v1/videos/{task_id} ------------------------------------------------------------

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        task_id = request.match_info["task_id"]
        self.polls.append(task_id)
        needle = self._find_leak(request, "")
        if needle is not None:
            return json_response(400, LEAK_REFUSED)
        if not self._authorized(request):
            return json_response(401, INVALID_TOKEN)
        task = self.tasks.get(task_id)
        if task is None:
            return json_response(404, TASK_NOT_FOUND)

        if self.poll_faults:
            step = self.poll_faults.pop(0)
            answer = await self._answer_fault(request, step, self._status_json(task, Queued()))
            if answer is not None:
                return answer

        index, step = task.next_step()
        while isinstance(step, Delay):
            await self._sleep(step.seconds)
            step = step.then if step.then is not None else task.resolve_delay(index)
        if isinstance(step, FAULT_STEPS):
            answer = await self._answer_fault(request, step, self._status_json(task, Queued()))
            assert answer is not None
            return answer
        obj = self._status_object(task, step)
        task.last_status = obj["status"]
        return json_response(200, obj)

    def _status_object(self, task: FakeTask, step: Step) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": task.id,
            "task_id": task.id,
            "object": "video.generation.job",
            "model": task.model,
            "status": "queued",
            "progress": 0,
            "video_url": None,
            "created_at": task.created_at,
            "error": None,
            "result": None,
        }
        if isinstance(step, InProgress):
            obj.update(status="in_progress", progress=step.progress)
        elif isinstance(step, Completed):
            url = self.file_url(task.id) if step.video_url == "auto" else step.video_url
            obj.update(status="completed", progress=100)
            if url is not None:
                if step.shape == "top":
                    obj.update(video_url=url, result={"video_url": url})
                elif step.shape == "result":
                    obj.update(result={"video_url": url})
                else:
                    obj.update(result={"outputs": [url]})
        elif isinstance(step, Failed):
            error: dict[str, str] | str = (
                {"message": step.message, "code": step.code} if step.as_object else step.message
            )
            obj.update(status="failed", progress=100, error=error)
        elif isinstance(step, RawStatus):
            obj.update(status=step.raw, progress=step.progress)
        return obj

    def _status_json(self, task: FakeTask, step: Step) -> bytes:
        return json.dumps(self._status_object(task, step)).encode()

    # ---- GET /files/{task_id}.mp4 ------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        needle = self._find_leak(request, "")
        if needle is not None:
            return json_response(400, LEAK_REFUSED)
        name = request.match_info["name"]
        task_id = name.removesuffix(".mp4")
        if not name.endswith(".mp4") or task_id not in self.tasks:
            return web.Response(status=404, text="404 Not Found", content_type="text/plain")
        head = request.method == "HEAD"
        if not head:
            self.download_attempts += 1
            if self.download_faults:
                step = self.download_faults.pop(0)
                if isinstance(step, Truncated):
                    return await self._truncated(
                        request, self.video_bytes, step.at_bytes, "video/mp4"
                    )
                answer = await self._answer_fault(request, step, b"")
                if answer is not None:
                    return answer

        size = self.video_size if self.video_size is not None else len(self.video_bytes)
        resp = web.StreamResponse(status=200, headers={"Content-Type": "video/mp4"})
        resp.content_length = size
        await resp.prepare(request)
        if head:
            await resp.write_eof()
            return resp
        try:
            prefix = self.video_bytes[:size]
            for start in range(0, len(prefix), _STREAM_CHUNK):
                await resp.write(prefix[start : start + _STREAM_CHUNK])
            remaining = size - len(prefix)
            while remaining > 0:
                chunk = _ZERO_CHUNK if remaining >= len(_ZERO_CHUNK) else bytes(remaining)
                await resp.write(chunk)
                remaining -= len(chunk)
            await resp.write_eof()
        except ConnectionError:
            self.downloads_aborted += 1  # the client gave up (e.g. a size cap): not completed
            return resp
        self.downloads += 1
        return resp


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _parse_for_record(raw: str) -> dict[str, Any] | str:
    try:
        value = json.loads(raw, parse_constant=reject_json_constant)
    except ValueError:
        return raw
    return value if isinstance(value, dict) else raw


def _parse_json_object(
    request: web.Request, raw: bytes
) -> tuple[dict[str, Any] | None, str | None]:
    if request.content_type != "application/json":
        return None, f"Content-Type must be application/json, got {request.content_type!r}"
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=reject_json_constant)
    except (UnicodeDecodeError, ValueError) as e:
        return None, f"invalid JSON body: {e}"
    if not isinstance(value, dict):
        return None, f"request body must be a JSON object, got {type(value).__name__}"
    return value, None


def _validate_submit(body: dict[str, Any]) -> str | None:
    """What is wrong with a submit body per the UniAll Veo 3.1 docs, or None when it is valid.

    Optional fields, when present, must have the documented type: an explicit null is refused.
    """
    unknown = sorted(set(body) - KNOWN_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"

    model = body.get("model")
    if model is None:
        return "model is required"
    if not isinstance(model, str) or model not in MODELS:
        return f"model {model!r} is not supported; use one of {', '.join(sorted(MODELS))}"

    prompt = body.get("prompt")
    if prompt is None:
        return "prompt is required"
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt must be a non-empty string"

    if "size" in body:
        tier = MODEL_TIERS[model]
        if body["size"] != tier:
            return f"size {body['size']!r} does not match the model tier {tier!r} of {model}"

    if "aspect_ratio" in body and body["aspect_ratio"] not in ASPECT_RATIOS:
        return f"aspect_ratio {body['aspect_ratio']!r} must be one of 16:9, 9:16"

    has_image, has_last, has_images, has_video = (
        k in body for k in ("image", "last_image", "images", "video")
    )
    if "duration" in body and not has_video:
        d = body["duration"]
        ok = (isinstance(d, int) and not isinstance(d, bool) and d in DURATIONS) or (
            isinstance(d, str) and d.isascii() and d.isdigit() and int(d) in DURATIONS
        )
        if not ok:
            return f"duration {d!r} is not allowed; use 4, 6 or 8"

    if has_image and not is_http_url(body["image"]):
        return "image must be a single http(s) URL string"
    if has_last:
        if not has_image:
            return "last_image requires image (the first frame)"
        if not is_http_url(body["last_image"]):
            return "last_image must be an http(s) URL string"
    if has_images:
        images = body["images"]
        if has_image or has_last:
            return "images cannot be combined with image / last_image"
        if model in FAST_MODELS:
            return f"images (multi-image reference) is not supported by {model}"
        if not isinstance(images, list):
            return "images must be a list of 2 to 3 http(s) URLs"
        if len(images) > 3:
            return f"images: at most 3 reference images are allowed, got {len(images)}"
        if len(images) < 2:
            return f"images: multi-image reference needs 2 to 3 images, got {len(images)}"
        if not all(is_http_url(u) for u in images):
            return "images must contain only http(s) URL strings"
    if has_video:
        if has_image or has_last or has_images:
            return "video (extension) cannot be combined with image / last_image / images"
        if not is_http_url(body["video"]):
            return "video must be an http(s) URL string"

    if "extra_body" in body:
        extra = body["extra_body"]
        if not isinstance(extra, dict):
            return "extra_body must be an object"
        unknown_extra = sorted(set(extra) - set(EXTRA_BODY_TYPES))
        if unknown_extra:
            return f"extra_body: unknown field: {', '.join(unknown_extra)}"
        if "generate_audio" in extra and not isinstance(extra["generate_audio"], bool):
            return "extra_body.generate_audio must be a boolean"
        if "negative_prompt" in extra and not isinstance(extra["negative_prompt"], str):
            return "extra_body.negative_prompt must be a string"
        if "seed" in extra and (
            not isinstance(extra["seed"], int) or isinstance(extra["seed"], bool)
        ):
            return "extra_body.seed must be an integer"
        if "seed" in extra and not SEED_MIN <= extra["seed"] <= SEED_MAX:
            return f"extra_body.seed must be from {SEED_MIN} to {SEED_MAX}"
    return None
