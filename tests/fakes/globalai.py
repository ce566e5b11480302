"""A fake GlobalAI OPC Veo 3.1 server (aiohttp, loopback only) for tests.

Written from GlobalAI's docs (seed 000: the zh "VEO 创建视频任务" page) and docs/vendors.md §1
(the en create/query pages and the docs.xingchaoyiqing.com mirror), not from the adapter:

* ``POST {base}/v1/veo/videos`` with ``Authorization: Bearer <key>`` and a JSON object of
  ``model`` (``veo_3_1_fast``, ``veo_3_1_pro``, ``veo_3_1_fast_stable``,
  ``veo_3_1_pro_stable``), ``prompt``, optional ``resolution`` (720p/1080p/4K, any case; no 4K
  on the stable models), optional ``aspect_ratio`` (16:9 or 9:16, no ``-1080p`` suffix), and
  either reference images (``input_reference`` OR ``image_urls``, at most 3 URLs; not on
  ``veo_3_1_fast_stable``) or frames (``first_image`` and optional ``last_image``), never both.
  It answers ``{"id": "vgen_…", "object": "video", "created", "model", "status": "queued"}``.
* ``GET {base}/v1/result/{id}``: ``{"id", "object": "video", "created", "model", "status",
  "video_url", "actualDuration", "error"}`` with status queued → processing → completed|failed
  (``cancelled`` from the generic async-tasks guide is playable too).

Where the docs say nothing the fake chooses, marked [INF]: the base URL carries the
``/kyyReactApiServer`` prefix; unknown request fields are refused (the docs list every field
and say there is no duration); ``veo_3_1_fast_stable`` needs ``first_image`` ("仅支持首尾帧");
error bodies are ``{"message": …}`` (the one GlobalAI error body seen in public code); a task
that does not exist answers 404.

Usage::

    async with FakeGlobalAI(forbidden_substrings=[bot_token]) as fake:
        fake.script = [queued(), processing(), completed()]
        ...  # point the bot at fake.base_url
        assert fake.leaks == []
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias
from urllib.parse import unquote

from aiohttp import web

from .contract import SLOW_SECONDS, FaultKind
from .server import TELEGRAM_FILE_URL_MARKER as TELEGRAM_FILE_URL_MARKER  # re-exported
from .server import ScriptedTask, TaskFake, is_http_url, json_response
from .steps import Delay, Html, HttpError, http_error, new_api_fault

NAME: Final[str] = "globalai"
PREFIX: Final[str] = "/kyyReactApiServer"
SUBMIT_PATH: Final[str] = PREFIX + "/v1/veo/videos"
RESULT_PREFIX: Final[str] = PREFIX + "/v1/result/"

MODELS: Final[frozenset[str]] = frozenset(
    {"veo_3_1_fast", "veo_3_1_pro", "veo_3_1_fast_stable", "veo_3_1_pro_stable"}
)
STABLE_MODELS: Final[frozenset[str]] = frozenset({"veo_3_1_fast_stable", "veo_3_1_pro_stable"})
FRAMES_ONLY_MODELS: Final[frozenset[str]] = frozenset({"veo_3_1_fast_stable"})
RESOLUTIONS: Final[frozenset[str]] = frozenset({"720p", "1080p", "4k"})  # compared lower-cased
ASPECT_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16"})
MAX_REFERENCE_IMAGES: Final[int] = 3
KNOWN_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "model",
        "prompt",
        "resolution",
        "aspect_ratio",
        "input_reference",
        "image_urls",
        "first_image",
        "last_image",
    }
)
_ID_ALPHABET: Final[str] = string.ascii_lowercase + string.digits

# --------------------------------------------------------------------------------------------
# Steps: one per poll (the last repeats); fault steps also script submits and downloads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queued:
    pass


@dataclass(frozen=True, slots=True)
class Processing:
    pass


@dataclass(frozen=True, slots=True)
class Completed:
    """``video_url``: ``"auto"`` is the fake's own file; ``None`` is completed-without-URL."""

    video_url: str | None = "auto"
    actual_duration: float = 8


@dataclass(frozen=True, slots=True)
class Failed:
    message: str = "video generation failed"
    status: str = "failed"  # or "cancelled"


@dataclass(frozen=True, slots=True)
class RawStatus:
    raw: str


@dataclass(frozen=True, slots=True)
class BodyCode:
    """HTTP 200 carrying ``{"code": code, "message": message}`` [INF: undocumented shape]."""

    code: int
    message: str


Step: TypeAlias = (
    Queued | Processing | Completed | Failed | RawStatus | HttpError | BodyCode | Html | Delay
)
FAULT_STEPS: Final[tuple[type, ...]] = (HttpError, BodyCode, Html, Delay)


def queued() -> Queued:
    return Queued()


def processing() -> Processing:
    return Processing()


def completed(video_url: str | None = "auto", actual_duration: float = 8) -> Completed:
    return Completed(video_url, actual_duration)


def failed(message: str = "video generation failed") -> Failed:
    return Failed(message)


def cancelled(message: str = "task cancelled") -> Failed:
    return Failed(message, "cancelled")


def status(raw: str) -> RawStatus:
    return RawStatus(raw)


def body_code(code: int, message: str) -> BodyCode:
    return BodyCode(code, message)


def html(code: int = 502) -> Html:
    return Html(code)


def delay(seconds: float = SLOW_SECONDS, then: Step | None = None) -> Delay:
    return Delay(seconds, then)


def default_script() -> list[Step]:
    return [queued(), processing(), completed()]


DEFAULT_MESSAGES: Final[Mapping[int, str]] = {
    400: "Bad Request",
    401: "Invalid API key",
    402: "Insufficient balance",
    403: "Forbidden",
    404: "task not found",
    429: "Too many requests, please try again later",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service under maintenance",
}


REJECTED: Final[Mapping[str, Any]] = {"message": "prompt violates the content policy"}


def fault_step(kind: FaultKind) -> Step:
    """The contract's fault kinds in GlobalAI's (assumed) error style: new-api's."""
    return new_api_fault(kind, rejected=http_error(400, REJECTED))


# --------------------------------------------------------------------------------------------
# Tasks and validation
# --------------------------------------------------------------------------------------------


class FakeTask(ScriptedTask[Step]):
    def next_step(self) -> Step:
        return self.script[self.advance()]


def validate_submit(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a create body per the docs, or None. An explicit null is refused."""
    unknown = sorted(set(body) - KNOWN_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    model = body.get("model")
    if not isinstance(model, str) or model not in MODELS:
        return f"model {model!r} is not supported; use one of {', '.join(sorted(MODELS))}"
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt is required"
    return (
        _resolution_problem(body, model)
        or _ratio_problem(body)
        or _reference_problem(body, model)
        or _frames_problem(body, model)
    )


def _resolution_problem(body: Mapping[str, Any], model: str) -> str | None:
    if "resolution" not in body:
        return None
    value = body["resolution"]
    if not isinstance(value, str) or value.lower() not in RESOLUTIONS:
        return f"resolution {value!r} must be one of 720p, 1080p, 4K"
    if value.lower() == "4k" and model in STABLE_MODELS:
        return f"{model} does not support 4K"
    return None


def _ratio_problem(body: Mapping[str, Any]) -> str | None:
    if "aspect_ratio" not in body:
        return None
    value = body["aspect_ratio"]
    if value not in ASPECT_RATIOS:
        return f"aspect_ratio {value!r} must be 16:9 or 9:16 (no resolution suffix)"
    return None


def _reference_problem(body: Mapping[str, Any], model: str) -> str | None:
    fields = [name for name in ("input_reference", "image_urls") if name in body]
    if not fields:
        return None
    if len(fields) == 2:
        return "use input_reference or image_urls, not both"
    if "first_image" in body or "last_image" in body:
        return "reference images cannot be combined with first_image / last_image"
    if model in FRAMES_ONLY_MODELS:
        return f"{model} only supports first/last frame mode"
    images = body[fields[0]]
    if not isinstance(images, list) or not images:  # an empty list [INF]
        return f"{fields[0]} must be a non-empty array of image URLs"
    if len(images) > MAX_REFERENCE_IMAGES:
        return f"{fields[0]}: at most {MAX_REFERENCE_IMAGES} images, got {len(images)}"
    if not all(is_http_url(url) for url in images):
        return f"{fields[0]} must contain only http(s) URLs"
    return None


def _frames_problem(body: Mapping[str, Any], model: str) -> str | None:
    if "last_image" in body and "first_image" not in body:
        return "last_image must be used with first_image"
    for name in ("first_image", "last_image"):
        if name in body and not is_http_url(body[name]):
            return f"{name} must be an http(s) URL"
    if model in FRAMES_ONLY_MODELS and "first_image" not in body:
        return f"{model} only supports first/last frame mode: first_image is required"
    return None


def _html_page(code: int) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{code} Bad Gateway</title></head>"
        f"<body><center><h1>{code} Bad Gateway</h1></center><hr><center>nginx</center>"
        "</body></html>"
    )


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeGlobalAI(TaskFake[Step]):
    """A fake GlobalAI server on 127.0.0.1 with a random port.

    Public state: ``script`` (steps copied to each NEW task), ``submit_faults`` /
    ``poll_faults`` / ``download_faults`` (FIFO; each request pops one), ``submissions``
    (accepted bodies), ``rejected`` ((status, body, reason) of refused submits),
    ``submit_attempts``, ``polls`` (task ids asked about), ``downloads`` (completed MP4
    downloads), ``leaks`` (forbidden substrings seen), ``tasks``.
    """

    name = NAME
    submit_path = SUBMIT_PATH
    poll_prefix = RESULT_PREFIX

    def __init__(
        self, api_key: str = "sk-globalai-test-key", *, forbidden_substrings: Sequence[str] = ()
    ) -> None:
        super().__init__(api_key, forbidden_substrings, default_script(), unquote_path=unquote)
        self.rejected: list[tuple[int, object, str]] = []
        self.tasks: dict[str, FakeTask] = {}

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.root_url + PREFIX

    # ---- the contract (tests/fakes/contract.py) ----------------------------------------------

    def play_success(self, *, running_polls: int = 1) -> None:
        steps: list[Step] = [processing() for _ in range(running_polls)]
        self.script = [*steps, completed()]

    def play_failure(self, message: str) -> None:
        self.script = [processing(), failed(message)]

    def play_no_video(self) -> None:
        self.script = [processing(), completed(None)]

    def play_unknown_status(self) -> None:
        self.script = [status("mystery_state"), status("mystery_state"), completed()]

    def contract_fault(self, kind: FaultKind) -> Step:
        return fault_step(kind)

    # ---- helpers -----------------------------------------------------------------------------

    async def _fault(self, step: Step) -> web.Response | None:
        """The answer of a fault step, or None for "answer normally"."""
        if isinstance(step, Delay):
            await self._sleep(step.seconds)
            return None if step.then is None else await self._fault(step.then)
        if isinstance(step, HttpError):
            headers = {}
            if step.retry_after is not None:
                headers["Retry-After"] = f"{step.retry_after:g}"
            if isinstance(step.body, str):
                return web.Response(status=step.code, text=step.body, headers=headers)
            body = step.body or {"message": DEFAULT_MESSAGES.get(step.code, "error")}
            return json_response(step.code, body, headers)
        if isinstance(step, BodyCode):
            return json_response(200, {"code": step.code, "message": step.message})
        if isinstance(step, Html):
            return web.Response(
                status=step.code, text=_html_page(step.code), content_type="text/html"
            )
        return None

    # ---- POST /v1/veo/videos -----------------------------------------------------------------

    async def _handle_submit(self, request: web.Request) -> web.StreamResponse:
        self.submit_attempts += 1
        raw_bytes = await request.read()
        raw = raw_bytes.decode("utf-8", errors="replace")
        if self._find_leak(request, raw) is not None:
            self.rejected.append((400, raw, "forbidden substring"))
            return json_response(400, {"message": "request contains a forbidden value"})
        if self.submit_faults:
            answer = await self._fault(self.submit_faults.pop(0))
            if answer is not None:
                return answer
        if not self._authorized(request):
            self.rejected.append((401, raw, "bad key"))
            return json_response(401, {"message": DEFAULT_MESSAGES[401]})
        body, problem = _parse_object(request, raw_bytes)
        if body is not None:
            problem = validate_submit(body)
        if problem is not None or body is None:
            self.rejected.append((400, raw, problem or "bad body"))
            return json_response(400, {"message": problem})
        task = FakeTask(
            id="vgen_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12)),
            body=body,
            script=list(self.script) or default_script(),
        )
        self.tasks[task.id] = task
        self.submissions.append(body)
        return json_response(
            200,
            {
                "id": task.id,
                "object": "video",
                "created": task.created_at,
                "model": task.model,
                "status": "queued",
            },
        )

    # ---- GET /v1/result/{id} -----------------------------------------------------------------

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        task_id = request.match_info["task_id"]
        self.polls.append(task_id)
        if self._find_leak(request, "") is not None:
            return json_response(400, {"message": "request contains a forbidden value"})
        if not self._authorized(request):
            return json_response(401, {"message": DEFAULT_MESSAGES[401]})
        if self.poll_faults:
            answer = await self._fault(self.poll_faults.pop(0))
            if answer is not None:
                return answer
        task = self.tasks.get(task_id)
        if task is None:
            return json_response(404, {"message": DEFAULT_MESSAGES[404]})
        step = task.next_step()
        while isinstance(step, Delay):
            await self._sleep(step.seconds)
            step = step.then if step.then is not None else task.next_step()
        answer = await self._fault(step)
        if answer is not None:
            return answer
        return json_response(200, self._result(task, step))

    def _result(self, task: FakeTask, step: Step) -> dict[str, Any]:
        result: dict[str, Any] = {
            "id": task.id,
            "object": "video",
            "created": task.created_at,
            "model": task.model,
            "status": "queued",
            "video_url": None,
            "error": None,
        }
        if isinstance(step, Processing):
            result["status"] = "processing"
        elif isinstance(step, Completed):
            url = self.file_url(task.id) if step.video_url == "auto" else step.video_url
            result.update(status="completed", video_url=url, actualDuration=step.actual_duration)
        elif isinstance(step, Failed):
            result.update(status=step.status, error=step.message)
        elif isinstance(step, RawStatus):
            result["status"] = step.raw
        return result

    # ---- GET /files/{id}.mp4 -----------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if self._find_leak(request, "") is not None:
            return web.Response(status=400, text="forbidden")
        task_id = request.match_info["name"].removesuffix(".mp4")
        if task_id not in self.tasks:
            return web.Response(status=404, text="404 Not Found")
        if self.download_faults:
            answer = await self._fault(self.download_faults.pop(0))
            if answer is not None:
                return answer
        self.downloads += 1
        return web.Response(body=self.video_bytes, content_type="video/mp4")


def _parse_object(request: web.Request, raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if request.content_type != "application/json":
        return None, f"Content-Type must be application/json, got {request.content_type!r}"
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"invalid JSON body: {exc}"
    if not isinstance(value, dict):
        return None, "the body must be a JSON object"
    return value, None
