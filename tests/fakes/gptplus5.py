"""A fake gptplus5 "视频统一格式" (unified video format) server (aiohttp, loopback only).

Written from seed 004 (the gptplus5 create page) and docs/vendors.md §4 and §6, not from the
adapter:

* ``POST /v1/video/create``: Bearer key; ``Content-Type`` and ``Accept`` ``application/json``
  (both marked 必需); ``model``, ``prompt``, ``enhance_prompt``, ``enable_upsample`` and
  ``aspect_ratio`` required (必需), ``images`` optional; no other field; ``model`` from the
  documented enum; ``aspect_ratio`` "16:9" or "9:16"; ``images`` http(s) URLs, as many as the
  model takes. Answers ``{"id": "<model>:<unix>-<10 chars>", "status": "pending",
  "status_update_time": ms}`` (plus ``enhanced_prompt`` when enhancing).
* ``GET /v1/video/query?id=<id>``: the documented task object, ``detail`` block included. By
  default each task walks the documented pipeline (``pending`` → ``image_downloading`` when
  there are images → ``video_generating`` → ``video_generation_completed`` → with upsampling
  ``video_upsampling`` → ``video_upsampling_completed`` → ``completed``), one state per poll.
  Like the documented example, a completed task still carries leftover error texts in
  ``detail.error_message`` / ``detail.video_generation_error``.
* ``GET /v1/models``: the one-api/new-api model list, for the key check.
* ``GET /cdn/<date>/<hex>.mp4``: the sample MP4 (``detail.video_url`` raw and
  ``detail.upsample_video_url`` both serve it).

Errors use the new-api envelopes: ``{"error": {"message", "type", "code"}}`` from the relay
middleware (auth, quota, rate limit, no channel) and ``{"code", "message", "data": null}`` from
the task routes (bad request, unknown task).
"""

from __future__ import annotations

import json
import secrets
import string
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from aiohttp import web

from .contract import SLOW_SECONDS, FaultKind
from .media import sample_mp4_bytes
from .server import TELEGRAM_FILE_URL_MARKER as TELEGRAM_FILE_URL_MARKER  # re-exported
from .server import FakeServer, json_response
from .steps import Html, HttpError

NAME: Final[str] = "gptplus5"

# Most images each model takes, and the least (frames/components need one) [DOC seed 004,
# vendors.md §4]. The veo3.1 models adapt to text / first frame / first+last frame [CODE]; the
# -4k ones are the same models at 4K [INF].
IMAGE_LIMITS: Final[Mapping[str, tuple[int, int]]] = {
    "veo2": (0, 0),
    "veo2-fast": (0, 0),
    "veo2-fast-frames": (1, 2),
    "veo2-fast-components": (1, 3),
    "veo2-pro": (0, 0),
    "veo2-pro-components": (1, 3),
    "veo3": (0, 0),
    "veo3-fast": (0, 0),
    "veo3-fast-frames": (1, 2),
    "veo3-frames": (1, 2),
    "veo3-pro": (0, 0),
    "veo3-pro-frames": (1, 1),
    "veo3.1": (0, 2),
    "veo3.1-fast": (0, 2),
    "veo3.1-pro": (0, 2),
    "veo3.1-4k": (0, 2),
    "veo3.1-pro-4k": (0, 2),
    "veo3.1-components": (1, 3),
}
MODELS: Final[frozenset[str]] = frozenset(IMAGE_LIMITS)
ASPECT_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16"})
REQUIRED_FIELDS: Final[tuple[str, ...]] = (
    "model",
    "prompt",
    "enhance_prompt",
    "enable_upsample",
    "aspect_ratio",
)
KNOWN_FIELDS: Final[frozenset[str]] = frozenset({*REQUIRED_FIELDS, "images"})
# The leftovers of the documented completed example: error texts on a successful task.
LEFTOVER_ERROR_MESSAGE: Final[str] = (
    "[403] Request failed: reCAPTCHA evaluation failed, retrying (attempt 1/3)"
)
LEFTOVER_GENERATION_ERROR: Final[str] = (
    "your request contains unsafe prompt or images, it has been rejected by google, "
    "retrying with another account"
)

_ID_ALPHABET: Final[str] = string.ascii_letters + string.digits

# --------------------------------------------------------------------------------------------
# Steps: what one poll (or one submit fault) answers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class State:
    """A non-terminal (or undocumented) status string; ``video_url`` stays null."""

    status: str


@dataclass(frozen=True, slots=True)
class Completed:
    """``completed`` (or a synonym) with the MP4; ``video_url=None`` leaves every URL null.

    ``video_url``: ``"auto"`` serves the fake's own files; any other string is used verbatim.
    """

    video_url: str | None = "auto"
    status: str = "completed"
    leftovers: bool = True


@dataclass(frozen=True, slots=True)
class TaskFailed:
    """A failure status with ``message`` in one of the ``detail`` error fields."""

    message: str = "video generation failed"
    status: str = "video_generation_failed"
    field: str = "video_generation_error"


@dataclass(frozen=True, slots=True)
class Slow:
    """Sleep, then answer as if nothing happened (a submit still creates its task)."""

    seconds: float = SLOW_SECONDS


@dataclass(frozen=True, slots=True)
class BodyError:
    """HTTP 200 carrying a new-api task-route error ``{"code", "message", "data": null}``."""

    code: str
    message: str


Step: TypeAlias = State | Completed | TaskFailed | HttpError | Html | Slow | BodyError


def openai_error(message: str, code: str, type_: str = "new_api_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


def task_error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": None}


INVALID_TOKEN: Final[Mapping[str, Any]] = openai_error("无效的令牌", "invalid_api_key")


def fault_step(kind: FaultKind) -> Step:
    """The documented (or new-api's usual) answer for each contract fault kind."""
    if kind == "server_error":
        return HttpError(
            500, openai_error("upstream error: do request failed", "do_request_failed")
        )
    if kind == "html":
        return Html(502)
    if kind == "timeout":
        return Slow(SLOW_SECONDS)
    if kind == "auth":
        return HttpError(401, INVALID_TOKEN)
    if kind == "balance":
        return HttpError(
            403, openai_error("用户额度不足, 剩余额度: ＄0.000000", "insufficient_user_quota")
        )
    if kind == "rate_limited":
        return HttpError(
            429, openai_error("rate limit exceeded, please try again later", "rate_limit"), 1.0
        )
    if kind == "rejected":
        return HttpError(
            400, task_error("sensitive_words_detected", "prompt contains sensitive words: nsfw")
        )
    return HttpError(
        503, openai_error("当前分组 default 下对于模型 veo3.1-fast 无可用渠道", "model_not_found")
    )


def _running_states(count: int) -> list[Step]:
    cycle = ("pending", "video_generating", "video_generation_completed", "video_upsampling")
    return [State(cycle[i % len(cycle)]) for i in range(count)]


def pipeline(body: Mapping[str, Any]) -> list[Step]:
    """The documented state sequence for a submitted body, ending in ``completed``."""
    states = ["pending"]
    if body.get("images"):
        states.append("image_downloading")
    states += ["video_generating", "video_generation_completed"]
    if _truthy(body.get("enable_upsample")):
        states += ["video_upsampling", "video_upsampling_completed"]
    return [*(State(s) for s in states), Completed()]


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


@dataclass
class FakeTask:
    id: str
    body: dict[str, Any]
    script: list[Step]
    created_at: int
    raw_file: str
    upsampled_file: str
    position: int = 0
    polls: int = 0
    history: list[str] = field(default_factory=list)

    def next_step(self) -> Step:
        step = self.script[min(self.position, len(self.script) - 1)]
        self.position += 1
        self.polls += 1
        return step


def _truthy(value: object) -> bool:
    return value is True or value == "true"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _fault_response(step: HttpError | Html | BodyError) -> web.Response:
    if isinstance(step, Html):
        page = (
            f"<!DOCTYPE html><html><head><title>{step.code} | Cloudflare</title></head>"
            f"<body><h1>Error {step.code}</h1><p>Bad gateway</p></body></html>"
        )
        return web.Response(status=step.code, text=page, content_type="text/html")
    if isinstance(step, BodyError):
        return json_response(200, task_error(step.code, step.message))
    headers = {"Retry-After": f"{step.retry_after:g}"} if step.retry_after is not None else None
    if isinstance(step.body, str):
        return web.Response(status=step.code, text=step.body, headers=headers)
    return json_response(step.code, step.body, headers)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeGptPlus5(FakeServer):
    """The fake server. Scripting:

    * ``script``: steps for new tasks (one per poll, the last repeats); ``None`` plays the
      documented pipeline for the task's body.
    * ``submit_faults`` / ``poll_faults``: steps answered before the normal handling.
    * ``strip_response_ids``: answer polls with the id without its ``<model>:`` prefix (the
      docs warn the query id may differ from the create id).
    """

    name = NAME

    def __init__(
        self, api_key: str = "sk-gptplus5-test-key", *, forbidden_substrings: Sequence[str] = ()
    ) -> None:
        super().__init__(api_key, forbidden_substrings, allow_empty=True)
        self.script: list[Step] | None = None
        self.submit_faults: list[Step] = []
        self.poll_faults: list[Step] = []
        self.strip_response_ids = False
        self.submissions: list[dict[str, Any]] = []
        self.rejected: list[tuple[int, str]] = []  # (HTTP status, reason) of refused submits
        self.submit_attempts = 0
        self.polls: list[str] = []
        self.downloads = 0
        self.tasks: dict[str, FakeTask] = {}
        self.requests: list[tuple[str, str]] = []  # (method, raw path and query)
        self.video_bytes = sample_mp4_bytes()
        self._files: dict[str, str] = {}  # file path → task id

    # ---- lifecycle ---------------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1/video/create", self._handle_submit)
        router.add_get("/v1/video/query", self._handle_poll)
        router.add_get("/v1/models", self._handle_models)
        router.add_get("/cdn/{date}/{name}", self._handle_file)

    # ---- the contract ------------------------------------------------------------------------

    def play_success(self, *, running_polls: int = 1) -> None:
        self.script = [*_running_states(running_polls), Completed()]

    def play_failure(self, message: str) -> None:
        self.script = [State("video_generating"), TaskFailed(message)]

    def play_no_video(self) -> None:
        self.script = [State("video_generating"), Completed(video_url=None)]

    def play_unknown_status(self) -> None:
        self.script = [State("rendering_elsewhere"), State("rendering_elsewhere"), Completed()]

    def contract_fault(self, kind: FaultKind) -> Step:
        return fault_step(kind)

    # ---- helpers -----------------------------------------------------------------------------

    async def _fault(self, step: Step) -> web.Response | None:
        """The answer for a fault step, or None to carry on normally."""
        if isinstance(step, Slow):
            await self._sleep(step.seconds)
            return None
        if isinstance(step, HttpError | Html | BodyError):
            return _fault_response(step)
        return None

    def file_url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    # ---- POST /v1/video/create ---------------------------------------------------------------

    async def _handle_submit(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.raw_path))
        self.submit_attempts += 1
        raw = (await request.read()).decode("utf-8", errors="replace")
        if self._find_leak(request, raw) is not None:
            return self._refuse(400, "request contains a forbidden value (credential leak)")
        if self.submit_faults:
            answer = await self._fault(self.submit_faults.pop(0))
            if answer is not None:
                return answer
        if not self._authorized(request):
            self.rejected.append((401, "invalid token"))
            return json_response(401, INVALID_TOKEN)
        body, problem = _parse_body(request, raw)
        if problem is not None:
            return self._refuse(400, problem)
        assert body is not None
        task = self._create_task(body)
        self.submissions.append(body)
        reply: dict[str, Any] = {
            "id": task.id,
            "status": "pending",
            "status_update_time": task.created_at,
        }
        if _truthy(body["enhance_prompt"]):
            reply["enhanced_prompt"] = f"(enhanced) {body['prompt']}"
        return json_response(200, reply)

    def _refuse(self, status: int, reason: str) -> web.Response:
        self.rejected.append((status, reason))
        return json_response(status, task_error("invalid_request", reason))

    def _create_task(self, body: dict[str, Any]) -> FakeTask:
        suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
        task_id = f"{body['model']}:{int(time.time())}-{suffix}"
        day = time.strftime("%Y%m%d", time.gmtime())
        raw_file = f"/cdn/{day}/{secrets.token_hex(15)}.mp4"
        upsampled_file = f"/cdn/{day}/{secrets.token_hex(15)}.mp4"
        self._files[raw_file] = self._files[upsampled_file] = task_id
        task = FakeTask(
            id=task_id,
            body=body,
            script=list(self.script) if self.script is not None else pipeline(body),
            created_at=_now_ms(),
            raw_file=raw_file,
            upsampled_file=upsampled_file,
        )
        self.tasks[task_id] = task
        return task

    # ---- GET /v1/video/query?id= -------------------------------------------------------------

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.raw_path))
        task_id = request.query.get("id", "")
        self.polls.append(task_id)
        if self._find_leak(request, "") is not None:
            return json_response(
                400, task_error("invalid_request", "forbidden value (credential leak)")
            )
        if not _accepts_json(request):
            return json_response(
                400, task_error("invalid_request", "Accept must be application/json")
            )
        if not self._authorized(request):
            return json_response(401, INVALID_TOKEN)
        if not task_id:
            return json_response(400, task_error("invalid_request", "id is required"))
        task = self.tasks.get(task_id)
        if task is None:
            return json_response(400, task_error("task_not_exist", "task_not_exist"))
        if self.poll_faults:
            answer = await self._fault(self.poll_faults.pop(0))
            if answer is not None:
                return answer
        step = task.next_step()
        if isinstance(step, Slow):
            await self._sleep(step.seconds)
            step = task.next_step()
        if isinstance(step, HttpError | Html | BodyError):
            return _fault_response(step)
        obj = self._task_object(task, step)
        task.history.append(obj["status"])
        return json_response(200, obj)

    def _task_object(self, task: FakeTask, step: Step) -> dict[str, Any]:
        now = _now_ms()
        upsample = _truthy(task.body.get("enable_upsample"))
        status, raw_url, upsampled_url = "pending", None, None
        detail_errors: dict[str, str | None] = {"error_message": None}
        if isinstance(step, State):
            status = step.status
        elif isinstance(step, Completed):
            status = step.status
            if step.video_url == "auto":
                raw_url = self.file_url(task.raw_file)
                upsampled_url = self.file_url(task.upsampled_file) if upsample else None
            elif step.video_url is not None:
                raw_url = upsampled_url = step.video_url
            if step.leftovers:
                detail_errors = {
                    "error_message": LEFTOVER_ERROR_MESSAGE,
                    "video_generation_error": LEFTOVER_GENERATION_ERROR,
                }
        elif isinstance(step, TaskFailed):
            status = step.status
            detail_errors = {"error_message": None, step.field: step.message}
        finished = isinstance(step, Completed | TaskFailed)
        top_url = upsampled_url or raw_url
        public_id = task.id.split(":", 1)[1] if self.strip_response_ids else task.id
        obj: dict[str, Any] = {
            "id": public_id,
            "status": status,
            "video_url": top_url,
            "status_update_time": now,
            "detail": {
                "id": public_id,
                "req": task.body,
                "images": [
                    {"url": url, "status": "completed", "mediaId": secrets.token_urlsafe(24)}
                    for url in task.body.get("images") or []
                ],
                "status": status,
                "running": not finished,
                "video_url": raw_url,
                "upsample_video_url": upsampled_url,
                "video_generation_status": (
                    "MEDIA_GENERATION_STATUS_SUCCESSFUL" if raw_url else None
                ),
                "created_at": task.created_at,
                "completed_at": now if finished else None,
                "retry_count": 0,
                "max_retries": 3,
                **detail_errors,
                "status_update_time": now,
            },
        }
        if _truthy(task.body.get("enhance_prompt")):
            obj["enhanced_prompt"] = obj["detail"]["enhanced_prompt"] = "(enhanced) prompt"
        return obj

    # ---- GET /v1/models ----------------------------------------------------------------------

    async def _handle_models(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.raw_path))
        if not self._authorized(request):
            return json_response(401, INVALID_TOKEN)
        data = [
            {"id": model, "object": "model", "created": 1626777600, "owned_by": "custom"}
            for model in sorted(MODELS)
        ]
        return json_response(200, {"object": "list", "data": data, "success": True})

    # ---- GET /cdn/<date>/<hex>.mp4 -----------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.method, request.raw_path))
        if request.path not in self._files:
            return web.Response(status=404, text="404 Not Found")
        if self._find_leak(request, "") is not None or "Authorization" in request.headers:
            # The CDN needs no key: a key sent here would leak to a third party.
            return web.Response(status=400, text="unexpected credentials")
        response = web.Response(body=self.video_bytes, content_type="video/mp4")
        self.downloads += 1
        return response


# --------------------------------------------------------------------------------------------
# Validation, from the documents
# --------------------------------------------------------------------------------------------


def _accepts_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _is_http_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _parse_body(request: web.Request, raw: str) -> tuple[dict[str, Any] | None, str | None]:
    if request.content_type != "application/json":
        return None, f"Content-Type must be application/json, got {request.content_type!r}"
    if not _accepts_json(request):
        return None, "Accept must be application/json"
    try:
        body = json.loads(raw)
    except ValueError as exc:
        return None, f"invalid JSON body: {exc}"
    if not isinstance(body, dict):
        return None, "the body must be a JSON object"
    return body, validate_submit(body)


def validate_submit(body: Mapping[str, Any]) -> str | None:
    """What the docs forbid in a create body, or None when it is valid."""
    unknown = sorted(set(body) - KNOWN_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    missing = [name for name in REQUIRED_FIELDS if name not in body]
    if missing:
        return f"missing required field: {', '.join(missing)}"
    model = body["model"]
    if not isinstance(model, str) or model not in MODELS:
        return f"model {model!r} is not one of the documented models"
    prompt = body["prompt"]
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt must be a non-empty string"
    for switch in ("enhance_prompt", "enable_upsample"):
        # The seed's table types enable_upsample as string while its example sends true:
        # both spellings are accepted.
        value = body[switch]
        if not isinstance(value, bool) and value not in ("true", "false"):
            return f"{switch} must be a boolean"
    if body["aspect_ratio"] not in ASPECT_RATIOS:
        return f"aspect_ratio {body['aspect_ratio']!r} must be 16:9 or 9:16"
    return _validate_images(model, body.get("images", []))


def _validate_images(model: str, images: object) -> str | None:
    if not isinstance(images, list):
        return "images must be an array of image URLs"
    if not all(_is_http_url(url) for url in images):
        return "images must be http(s) URLs"
    least, most = IMAGE_LIMITS[model]
    if not least <= len(images) <= most:
        return f"{model} takes {least} to {most} images, got {len(images)}"
    return None
