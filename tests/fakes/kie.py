"""A fake kie.ai server (aiohttp, loopback only): the Veo 3.1 API and the file upload API.

Written from kie's documents (seed 002 and docs/vendors.md §3), not from the adapter:

* ``POST /api/v1/veo/generate``, ``POST /api/v1/veo/extend``, ``GET /api/v1/veo/record-info``,
  ``GET /api/v1/veo/get-1080p-video``, ``POST /api/v1/veo/get-4k-video``,
  ``GET /api/v1/chat/credit``;
* the upload API on the same server: ``POST /api/file-base64-upload`` and
  ``POST /api/file-stream-upload`` (``bot_settings()`` points ``kie_upload_base_url`` here);
  every ``imageUrls`` entry must be a ``downloadUrl`` this fake issued;
* every answer is kie's envelope ``{"code", "msg", "data"}``; errors keep HTTP 200 and put the
  code in the body (``mirror_http_status = True`` also sends it as the HTTP status);
* per task, a script of steps, one per record-info poll (the last one repeats);
* the sample MP4 at ``/files/<task>.mp4`` (and ``-1080p`` / ``-4k`` versions);
* ``send_callback()`` POSTs kie's callback, signed like kie (``X-Webhook-Timestamp``,
  ``X-Webhook-Signature``), to any URL.

Usage::

    async with FakeKie(forbidden_substrings=[bot_token]) as fake:
        fake.script = [generating(), success()]
        ...  # point the bot at fake.bot_settings()
        assert fake.leaks == []
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

import aiohttp
from aiohttp import web

from .contract import SLOW_SECONDS, FaultKind
from .media import looks_like_jpeg, sample_mp4_bytes
from .server import TELEGRAM_FILE_URL_MARKER as TELEGRAM_FILE_URL_MARKER  # re-exported
from .server import FakeServer, drop_connection, is_http_url, reject_json_constant
from .steps import Delay, Disconnect, Garbage, delay, disconnect, garbage

NAME: Final[str] = "kie"

# ---- what the docs allow ---------------------------------------------------------------------

MODELS: Final[frozenset[str]] = frozenset({"veo3", "veo3_fast", "veo3_lite"})
EXTEND_MODELS: Final[frozenset[str]] = frozenset({"fast", "quality", "lite"})
GENERATION_TYPES: Final[frozenset[str]] = frozenset(
    {"TEXT_2_VIDEO", "FIRST_AND_LAST_FRAMES_2_VIDEO", "REFERENCE_2_VIDEO"}
)
ASPECT_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16", "Auto"})
REFERENCE_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16"})
RESOLUTIONS: Final[frozenset[str]] = frozenset({"720p", "1080p", "4k"})
SEED_RANGE: Final[tuple[int, int]] = (10000, 99999)
GENERATE_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "prompt",
        "imageUrls",
        "model",
        "generationType",
        "watermark",
        "aspect_ratio",
        "aspectRatio",
        "resolution",
        "seeds",
        "callBackUrl",
        "enableFallback",
        "enableTranslation",
    }
)
EXTEND_FIELDS: Final[frozenset[str]] = frozenset(
    {"taskId", "prompt", "seeds", "model", "watermark", "callBackUrl"}
)
FOUR_K_FIELDS: Final[frozenset[str]] = frozenset({"taskId", "index", "callBackUrl"})
UPLOAD_FIELDS: Final[frozenset[str]] = frozenset({"base64Data", "uploadPath", "fileName"})

NO_ACCESS: Final[str] = "You do not have access permissions"
CONTENT_POLICY: Final[str] = "Your prompt was flagged by Website as violating content policies."
PROCESSING_1080P: Final[str] = (
    "1080P is processing. It should be ready in 1-2 minutes. Please check back shortly."
)
PROCESSING_4K: Final[str] = (
    "4k is processing. It should be ready in 5-10 minutes. Please check back shortly."
)
DONE_4K: Final[str] = "The video has been generated successfully"
UNAVAILABLE_4K: Final[str] = (
    "The 4K version of this video is unavailable. Please try a different video."
)
NOT_EXTENDABLE: Final[str] = "Videos generated after 1080P generation cannot be extended"

# ---- steps -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generating:
    """record-info answers ``successFlag: 0`` with ``response: null``."""


@dataclass(frozen=True, slots=True)
class Success:
    """``successFlag: 1``. ``video_url``: "auto" is the fake's MP4, None leaves every list empty.

    ``shape``: where the URL goes: ``resultUrls`` ("result"), only ``fullResultUrls`` ("full"),
    only ``originUrls`` ("origin"). Extend tasks also get ``fullResultUrls`` in "result".
    """

    video_url: str | None = "auto"
    shape: Literal["result", "full", "origin"] = "result"


@dataclass(frozen=True, slots=True)
class Failure:
    """``successFlag`` 2 or 3 with ``errorCode`` and ``errorMessage``."""

    message: str = "Video generation failed"
    flag: int = 3
    error_code: int = 501


@dataclass(frozen=True, slots=True)
class RawFlag:
    """``successFlag`` set to an undocumented value."""

    value: Any = 7


@dataclass(frozen=True, slots=True)
class Envelope:
    """kie's error envelope ``{"code", "msg", "data": null}`` on HTTP ``http_status``."""

    code: int
    msg: str
    http_status: int = 200


@dataclass(frozen=True, slots=True)
class HttpError:
    """An HTTP status with a raw body (JSON when a mapping, text or HTML when a string)."""

    status: int
    body: str | Mapping[str, Any] = ""


@dataclass(frozen=True, slots=True)
class Html:
    """A proxy's HTML error page."""

    status: int = 502


Step: TypeAlias = (
    Generating
    | Success
    | Failure
    | RawFlag
    | Envelope
    | HttpError
    | Html
    | Garbage
    | Delay
    | Disconnect
)
FAULTS: Final[tuple[type, ...]] = (Envelope, HttpError, Html, Garbage, Delay, Disconnect)


def generating() -> Generating:
    return Generating()


def success(
    video_url: str | None = "auto", shape: Literal["result", "full", "origin"] = "result"
) -> Success:
    return Success(video_url, shape)


def failure(message: str = "Video generation failed", flag: int = 3, code: int = 501) -> Failure:
    return Failure(message, flag, code)


def raw_flag(value: Any = 7) -> RawFlag:
    return RawFlag(value)


def envelope(code: int, msg: str, http_status: int = 200) -> Envelope:
    return Envelope(code, msg, http_status)


def http_error(status: int, body: str | Mapping[str, Any] = "") -> HttpError:
    return HttpError(status, body)


def html(status: int = 502) -> Html:
    return Html(status)


def fault_step(kind: FaultKind) -> Step:
    """The contract's fault kinds as kie sends them (codes from the docs)."""
    steps: dict[str, Step] = {
        "server_error": HttpError(500, {"code": 500, "msg": "Server Error", "data": None}),
        "html": Html(502),
        "timeout": Delay(SLOW_SECONDS),
        "auth": Envelope(401, NO_ACCESS),
        "balance": Envelope(402, "Insufficient Credits - Account does not have enough credits"),
        "rate_limited": Envelope(429, "Rate Limited - Request limit has been exceeded"),
        "rejected": Envelope(400, CONTENT_POLICY),
        "maintenance": Envelope(455, "Service Unavailable - System is under maintenance"),
    }
    return steps[kind]


def default_script() -> list[Step]:
    return [generating(), success()]


# ---- tasks and uploads -----------------------------------------------------------------------


@dataclass
class FakeTask:
    id: str
    kind: Literal["generate", "extend"]
    body: dict[str, Any]
    script: list[Step]
    created: str
    position: int = 0
    polls: int = 0
    succeeded: bool = False  # a poll reported success (upgrades and extend need it)
    hd_calls: int = 0
    upgraded_1080p: bool = False
    fourk_requested: bool = False
    fourk_calls: int = 0

    def next_step(self) -> Step:
        step = self.script[min(self.position, len(self.script) - 1)]
        self.position += 1
        self.polls += 1
        return step

    def final_step(self) -> Step:
        return self.script[-1]


@dataclass(frozen=True)
class Upload:
    path: str
    file_name: str
    data: bytes
    mime_type: str
    url: str
    via: Literal["base64", "stream"]


@dataclass
class SentCallback:
    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int


# ---- the server ------------------------------------------------------------------------------


class FakeKie(FakeServer):
    """A fake kie.ai on 127.0.0.1 with a random port.

    Public state (tests read and replace it freely):

    * ``script``: steps copied to each NEW generate/extend task (default generating → success);
    * ``submit_faults`` / ``poll_faults`` / ``upload_faults``: FIFO steps answered first by the
      next generate/extend, record-info/1080p/4K, upload request (a fault creates no task, except
      a ``delay`` without ``then``, which answers normally afterwards: the "ghost task");
    * ``submissions``: accepted generate and extend bodies; ``submit_attempts``: every generate
      and extend request; ``rejected``: (code, body, reason) of refused requests;
    * ``polls``: task ids asked about (``1080p:<id>`` / ``4k:<id>`` for upgrades);
    * ``downloads``: finished MP4 downloads; ``uploads``: accepted uploads;
      ``upload_overwrites``: file names uploaded twice (kie overwrites them);
    * ``hd_ready_after`` / ``fourk_ready_after``: "processing" answers before an upgrade is ready;
      ``fourk_unavailable``: the 4K endpoint answers kie's "unavailable" failure;
      ``fourk_charges``: 4K requests that started (and cost credits);
    * ``credits``: what ``/api/v1/chat/credit`` reports; ``leaks``: forbidden substrings seen;
    * ``mirror_http_status``: send error codes as the HTTP status too (kie's docs only show
      the body code; both are accepted by careful clients).
    """

    name = NAME
    client_max_size = 64 * 1024 * 1024

    def __init__(
        self,
        api_key: str = "kie-test-key-0123456789abcdef",
        *,
        forbidden_substrings: Sequence[str] = (),
        webhook_hmac_key: str | None = None,
    ) -> None:
        super().__init__(api_key, forbidden_substrings)
        self.webhook_hmac_key = webhook_hmac_key
        self.script: list[Step] = default_script()
        self.submit_faults: list[Step] = []
        self.poll_faults: list[Step] = []
        self.upload_faults: list[Step] = []
        self.submissions: list[dict[str, Any]] = []
        self.submit_attempts = 0
        self.rejected: list[tuple[int, Any, str]] = []
        self.polls: list[str] = []
        self.downloads = 0
        self.uploads: list[Upload] = []
        self.upload_overwrites: list[str] = []
        self.tasks: dict[str, FakeTask] = {}
        self.hd_ready_after = 1
        self.fourk_ready_after = 1
        self.fourk_unavailable = False
        self.fourk_charges = 0
        self.credits: int | float = 1000
        self.mirror_http_status = False
        self.require_issued_images = True
        self.callbacks_sent: list[SentCallback] = []
        self.video_bytes: bytes = sample_mp4_bytes()
        self._files: dict[str, Upload] = {}  # "<path>/<name>" → upload

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:  # unlike the other fakes: "" until start(), and settable
        return self._root_url or ""

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._root_url = value

    @property
    def upload_base_url(self) -> str:
        return self.base_url

    def file_url(self, task_id: str, suffix: str = "") -> str:
        return f"{self.base_url}/files/{task_id}{suffix}.mp4"

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v1/veo/generate", self._handle_generate)
        router.add_post("/api/v1/veo/extend", self._handle_extend)
        router.add_get("/api/v1/veo/record-info", self._handle_record_info)
        router.add_get("/api/v1/veo/get-1080p-video", self._handle_1080p)
        router.add_post("/api/v1/veo/get-4k-video", self._handle_4k)
        router.add_get("/api/v1/chat/credit", self._handle_credit)
        router.add_post("/api/file-base64-upload", self._handle_base64_upload)
        router.add_post("/api/file-stream-upload", self._handle_stream_upload)
        router.add_get("/files/{name}", self._handle_file)
        router.add_get("/uploads/{path:.+}", self._handle_uploaded)

    # ---- the contract (tests/fakes/contract.py) ----------------------------------------------

    def bot_settings(self) -> dict[str, Any]:
        settings = super().bot_settings()
        settings["kie_upload_base_url"] = self.upload_base_url
        if self.webhook_hmac_key is not None:
            settings["kie_webhook_hmac_key"] = self.webhook_hmac_key
        return settings

    def play_success(self, *, running_polls: int = 1) -> None:
        running: list[Step] = [generating() for _ in range(running_polls)]
        self.script = [*running, success()]

    def play_failure(self, message: str) -> None:
        self.script = [generating(), failure(message)]

    def play_no_video(self) -> None:
        self.script = [generating(), success(video_url=None)]

    def play_unknown_status(self) -> None:
        self.script = [raw_flag(7), raw_flag(7), success()]

    def contract_fault(self, kind: FaultKind) -> Step:
        return fault_step(kind)

    # ---- helpers for tests -------------------------------------------------------------------

    def add_finished_task(self, body: Mapping[str, Any] | None = None) -> str:
        """A generate task that already succeeded (a delivered video), for upgrades/extend."""
        task = self._new_task("generate", dict(body or {"prompt": "done"}), [success()])
        task.succeeded = True
        return task.id

    async def send_callback(
        self,
        url: str,
        task_id: str,
        *,
        hmac_key: str | None = None,
        kind: Literal["generate", "extend", "4k"] = "generate",
        outcome: Literal["success", "failure"] = "success",
        shape: Literal["camel", "snake"] = "camel",
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> int:
        """POST kie's callback for `task_id` to `url`; return the HTTP status it got.

        Signed with ``hmac_key`` (default: the fake's ``webhook_hmac_key``; unsigned when both
        are None). ``timestamp`` / ``signature`` override the headers to test refusals.
        """
        body = self.callback_body(task_id, kind=kind, outcome=outcome, shape=shape)
        headers = {"Content-Type": "application/json"}
        key = hmac_key if hmac_key is not None else self.webhook_hmac_key
        if key is not None or signature is not None:
            stamp = str(int(time.time()) if timestamp is None else timestamp)
            headers["X-Webhook-Timestamp"] = stamp
            headers["X-Webhook-Signature"] = signature or sign(task_id, stamp, key or "")
        timeout = aiohttp.ClientTimeout(total=15)  # kie's documented callback timeout
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, data=json.dumps(body).encode(), headers=headers) as response,
        ):
            await response.read()
            status = response.status
        self.callbacks_sent.append(SentCallback(url, body, headers, status))
        return status

    def callback_body(
        self,
        task_id: str,
        *,
        kind: Literal["generate", "extend", "4k"] = "generate",
        outcome: Literal["success", "failure"] = "success",
        shape: Literal["camel", "snake"] = "camel",
    ) -> dict[str, Any]:
        """The callback kie documents for this kind, outcome and shape."""
        id_key = "taskId" if shape == "camel" else "task_id"
        if outcome == "failure":
            if kind == "4k":
                return {"code": 500, "msg": UNAVAILABLE_4K, "data": {id_key: task_id}}
            return {"code": 400, "msg": CONTENT_POLICY, "data": {id_key: task_id}}
        if kind == "4k":
            urls = [self.file_url(task_id, "-4k")]
            if shape == "snake":  # the OpenAPI callback schema
                data: dict[str, Any] = {id_key: task_id, "result_urls": urls, "media_ids": ["m1"]}
                return {"code": 200, "msg": "Success", "data": data | {"image_urls": []}}
            info: dict[str, Any] = {
                "resultUrls": urls,
                "imageUrls": [f"{self.base_url}/files/{task_id}.jpg"],
            }
            return {
                "code": 200,
                "msg": "4K Video generated successfully.",
                "data": {id_key: task_id, "info": info},
            }
        message = (
            "Veo3.1 video extension successful."
            if kind == "extend"
            else "Veo3.1 video generated successfully."
        )
        urls = [self.file_url(task_id)]
        if shape == "snake":
            data = {id_key: task_id, "result_urls": urls}
        else:
            info = {"resultUrls": urls, "resolution": "720p"}
            data = {id_key: task_id, "info": info, "fallbackFlag": False}
        return {"code": 200, "msg": message, "data": data}

    # ---- plumbing ----------------------------------------------------------------------------

    def _answer(self, code: int, msg: str, data: Any = None) -> web.Response:
        status = code if self.mirror_http_status and code != 200 else 200
        body = {"code": code, "msg": msg, "data": data}
        return web.json_response(body, status=status)

    def _refuse(self, code: int, body: Any, reason: str) -> web.Response:
        self.rejected.append((code, body, reason))
        return self._answer(code, reason)

    async def _fault(self, request: web.Request, step: Step) -> web.StreamResponse | None:
        """The answer for a fault step, or None for "answer normally"."""
        if isinstance(step, Delay):
            await self._sleep(step.seconds)
            return None if step.then is None else await self._fault(request, step.then)
        if isinstance(step, Envelope):
            body = {"code": step.code, "msg": step.msg, "data": None}
            return web.json_response(body, status=step.http_status)
        if isinstance(step, HttpError):
            if isinstance(step.body, Mapping):
                return web.json_response(dict(step.body), status=step.status)
            ctype = "text/html" if step.body.lstrip().startswith("<") else "text/plain"
            return web.Response(status=step.status, text=step.body, content_type=ctype)
        if isinstance(step, Html):
            return web.Response(
                status=step.status, text=html_page(step.status), content_type="text/html"
            )
        if isinstance(step, Garbage):
            text, ctype = _GARBAGE[step.kind]
            return web.Response(status=200, text=text, content_type=ctype)
        if isinstance(step, Disconnect):
            return drop_connection(request)
        return None

    async def _gate(
        self, request: web.Request, raw: str, faults: list[Step]
    ) -> web.StreamResponse | None:
        """Leaks, scripted faults and the key, in that order; None when the request may pass."""
        needle = self._find_leak(request, raw)
        if needle is not None:
            return self._refuse(422, _for_record(raw), f"forbidden value {needle!r} in request")
        if faults:
            answer = await self._fault(request, faults.pop(0))
            if answer is not None:
                return answer
        if not self._authorized(request):
            return self._refuse(401, _for_record(raw), NO_ACCESS)
        return None

    def _new_task(
        self, kind: Literal["generate", "extend"], body: dict[str, Any], script: list[Step]
    ) -> FakeTask:
        prefix = "veo_task_" if kind == "generate" else "veo_extend_task_"
        task_id = prefix + secrets.token_hex(12)
        created = time.strftime("%Y-%m-%d %H:%M:%S")
        task = FakeTask(task_id, kind, body, list(script) or default_script(), created)
        self.tasks[task_id] = task
        return task

    # ---- POST /api/v1/veo/generate -----------------------------------------------------------

    async def _handle_generate(self, request: web.Request) -> web.StreamResponse:
        body = await self._submitted(
            request, lambda body: validate_generate(body, self._issued_urls())
        )
        if isinstance(body, web.StreamResponse):
            return body
        return self._accept("generate", body)

    async def _submitted(
        self, request: web.Request, validate: Callable[[dict[str, Any]], str | None]
    ) -> dict[str, Any] | web.StreamResponse:
        """A submit's valid body, or the answer to it: a scripted fault or a refusal."""
        self.submit_attempts += 1
        raw = (await request.read()).decode("utf-8", errors="replace")
        refused = await self._gate(request, raw, self.submit_faults)
        if refused is not None:
            return refused
        body, problem = _json_object(request, raw)
        if body is not None:
            problem = validate(body)
        if problem is not None or body is None:
            return self._refuse(422, _for_record(raw), problem or "bad body")
        return body

    def _accept(self, kind: str, body: dict[str, Any]) -> web.StreamResponse:
        task = self._new_task(kind, body, self.script)
        self.submissions.append(body)
        return self._answer(200, "success", {"taskId": task.id})

    def _issued_urls(self) -> frozenset[str] | None:
        return (
            frozenset(u.url for u in self._files.values()) if self.require_issued_images else None
        )

    # ---- POST /api/v1/veo/extend -------------------------------------------------------------

    async def _handle_extend(self, request: web.Request) -> web.StreamResponse:
        body = await self._submitted(request, validate_extend)
        if isinstance(body, web.StreamResponse):
            return body
        source = self.tasks.get(body["taskId"])
        if source is None:
            return self._refuse(422, body, "record is null")
        if not source.succeeded:
            return self._refuse(422, body, "record status is not success")
        if source.upgraded_1080p:
            return self._refuse(422, body, NOT_EXTENDABLE)
        return self._accept("extend", body)

    # ---- GET /api/v1/veo/record-info ---------------------------------------------------------

    async def _handle_record_info(self, request: web.Request) -> web.StreamResponse:
        task_id = request.query.get("taskId", "")
        self.polls.append(task_id)
        refused = await self._gate(request, "", self.poll_faults)
        if refused is not None:
            return refused
        if not task_id:
            return self._answer(422, "taskId is required")
        task = self.tasks.get(task_id)
        if task is None:
            return self._answer(422, "record is null")
        step = task.next_step()
        while isinstance(step, Delay):
            await self._sleep(step.seconds)
            step = step.then if step.then is not None else task.final_step()
        if isinstance(step, FAULTS):
            answer = await self._fault(request, step)
            assert answer is not None
            return answer
        return self._answer(200, "success", self._record(task, step))

    def _record(self, task: FakeTask, step: Step) -> dict[str, Any]:
        record: dict[str, Any] = {
            "taskId": task.id,
            "paramJson": json.dumps(task.body, ensure_ascii=False),
            "completeTime": None,
            "response": None,
            "successFlag": 0,
            "errorCode": None,
            "errorMessage": None,
            "createTime": task.created,
            "fallbackFlag": False,
        }
        if isinstance(step, Success):
            task.succeeded = True
            record.update(successFlag=1, completeTime=time.strftime("%Y-%m-%d %H:%M:%S"))
            record["response"] = self._result(task, step)
        elif isinstance(step, Failure):
            record.update(
                successFlag=step.flag, errorCode=step.error_code, errorMessage=step.message
            )
        elif isinstance(step, RawFlag):
            record["successFlag"] = step.value
        return record

    def _result(self, task: FakeTask, step: Success) -> dict[str, Any]:
        url = self.file_url(task.id) if step.video_url == "auto" else step.video_url
        urls = [url] if url is not None else []
        ratio = task.body.get("aspect_ratio", task.body.get("aspectRatio", "16:9"))
        result: dict[str, Any] = {
            "taskId": task.id,
            "resultUrls": [],
            "originUrls": None,
            "fullResultUrls": None,
            "resolution": task.body.get("resolution", "720p"),
        }
        if step.shape == "result":
            result["resultUrls"] = urls
            if task.kind == "extend":
                # The extension alone in resultUrls, the whole video in fullResultUrls.
                segment = self.file_url(task.id, "-segment") if url else None
                result.update(resultUrls=[segment] if segment else [], fullResultUrls=urls)
            if ratio != "16:9":
                result["originUrls"] = [self.file_url(task.id, "-origin")] if url else []
        elif step.shape == "full":
            result["fullResultUrls"] = urls
        else:
            result["originUrls"] = urls
        return result

    # ---- GET /api/v1/veo/get-1080p-video -----------------------------------------------------

    async def _handle_1080p(self, request: web.Request) -> web.StreamResponse:
        task_id = request.query.get("taskId", "")
        self.polls.append(f"1080p:{task_id}")
        refused = await self._gate(request, "", self.poll_faults)
        if refused is not None:
            return refused
        index = request.query.get("index", "0")
        if not index.isdigit():
            return self._refuse(422, dict(request.query), "index must be an integer")
        task = self.tasks.get(task_id)
        if task is None:
            return self._answer(422, "record is null")
        if not task.succeeded:
            return self._answer(422, "record status is not success")
        if int(index) != 0:
            return self._refuse(422, dict(request.query), "index out of range")
        task.hd_calls += 1
        if task.hd_calls <= self.hd_ready_after:
            return self._answer(400, PROCESSING_1080P)
        task.upgraded_1080p = True
        return self._answer(200, "success", {"resultUrl": self.file_url(task.id, "-1080p")})

    # ---- POST /api/v1/veo/get-4k-video -------------------------------------------------------

    async def _handle_4k(self, request: web.Request) -> web.StreamResponse:
        raw = (await request.read()).decode("utf-8", errors="replace")
        body, problem = _json_object(request, raw)
        self.polls.append(f"4k:{body.get('taskId') if body else ''}")
        refused = await self._gate(request, raw, self.poll_faults)
        if refused is not None:
            return refused
        if body is not None:
            problem = validate_4k(body)
        if problem is not None or body is None:
            return self._refuse(422, _for_record(raw), problem or "bad body")
        task = self.tasks.get(body["taskId"])
        if task is None:
            return self._answer(422, "record is null")
        if not task.succeeded:
            return self._answer(422, "record status is not success")
        if self.fourk_unavailable:
            return self._answer(500, UNAVAILABLE_4K)
        if not task.fourk_requested:
            task.fourk_requested = True
            self.fourk_charges += 1
            return self._answer(
                200, "success", {"taskId": task.id, "resultUrls": None, "imageUrls": None}
            )
        task.fourk_calls += 1
        if task.fourk_calls <= self.fourk_ready_after:
            return self._answer(422, PROCESSING_4K)
        data = {
            "taskId": task.id,
            "resultUrls": [self.file_url(task.id, "-4k")],
            "imageUrls": [f"{self.base_url}/files/{task.id}.jpg"],
        }
        return self._answer(422, DONE_4K, data)

    # ---- GET /api/v1/chat/credit -------------------------------------------------------------

    async def _handle_credit(self, request: web.Request) -> web.StreamResponse:
        refused = await self._gate(request, "", [])
        if refused is not None:
            return refused
        return self._answer(200, "success", self.credits)

    # ---- the file upload API -----------------------------------------------------------------

    async def _handle_base64_upload(self, request: web.Request) -> web.StreamResponse:
        raw = (await request.read()).decode("utf-8", errors="replace")
        refused = await self._gate(request, raw, self.upload_faults)
        if refused is not None:
            return refused
        body, problem = _json_object(request, raw)
        decoded: tuple[bytes, str] | None = None
        if body is not None:
            problem = validate_base64_upload(body)
            if problem is None:
                decoded = decode_base64_data(body["base64Data"])
                problem = None if decoded is not None else "base64Data is not valid base64"
        if problem is not None or body is None or decoded is None:
            return self._refuse(400, _for_record(raw[:500]), problem or "bad body")
        data, mime = decoded
        return self._store(body["uploadPath"], body.get("fileName"), data, mime, "base64")

    async def _handle_stream_upload(self, request: web.Request) -> web.StreamResponse:
        refused = await self._gate(request, "", self.upload_faults)
        if refused is not None:
            return refused
        if request.content_type != "multipart/form-data":
            return self._refuse(400, None, "multipart/form-data is required")
        form = await request.post()
        file = form.get("file")
        upload_path = form.get("uploadPath")
        file_name = form.get("fileName")
        if not isinstance(file, web.FileField):
            return self._refuse(400, None, "file is required")
        if not isinstance(upload_path, str) or not upload_path.strip():
            return self._refuse(400, None, "uploadPath is required")
        if file_name is not None and not isinstance(file_name, str):
            return self._refuse(400, None, "fileName must be text")
        data = file.file.read()
        return self._store(
            upload_path, file_name or file.filename, data, file.content_type, "stream"
        )

    def _store(
        self,
        upload_path: str,
        file_name: str | None,
        data: bytes,
        mime_type: str,
        via: Literal["base64", "stream"],
    ) -> web.Response:
        if not data:
            return self._refuse(400, None, "the file is empty")
        if not (looks_like_jpeg(data) or data.startswith(b"\x89PNG")):
            return self._refuse(400, None, "the file is not a JPEG or PNG image")
        name = file_name or f"{secrets.token_hex(8)}.jpg"
        key = f"{upload_path.strip('/')}/{name}"
        if key in self._files:
            self.upload_overwrites.append(key)
        url = f"{self.base_url}/uploads/{key}"
        upload = Upload(upload_path, name, data, mime_type, url, via)
        self._files[key] = upload
        self.uploads.append(upload)
        data_out = {
            "fileName": name,
            "filePath": key,
            "downloadUrl": url,
            "fileSize": len(data),
            "mimeType": mime_type,
            "uploadedAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        body = {
            "success": True,
            "code": 200,
            "msg": "File uploaded successfully",
            "data": data_out,
        }
        return web.json_response(body)

    async def _handle_uploaded(self, request: web.Request) -> web.StreamResponse:
        upload = self._files.get(request.match_info["path"])
        if upload is None:
            return web.Response(status=404, text="404 Not Found")
        return web.Response(body=upload.data, content_type=upload.mime_type)

    # ---- GET /files/{name} -------------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        stem = name.removesuffix(".mp4")
        for suffix in ("-1080p", "-4k", "-segment", "-origin"):
            stem = stem.removesuffix(suffix)
        if not name.endswith(".mp4") or stem not in self.tasks:
            return web.Response(status=404, text="404 Not Found")
        response = web.Response(body=self.video_bytes, content_type="video/mp4")
        self.downloads += 1
        return response


# ---- validation (from the docs) --------------------------------------------------------------


def validate_generate(body: dict[str, Any], issued: frozenset[str] | None) -> str | None:
    """What is wrong with a generate body, or None. ``issued``: the URLs imageUrls may use."""
    unknown = sorted(set(body) - GENERATE_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt is required"
    model = body.get("model", "veo3_fast")
    if model not in MODELS:
        return f"model must be one of {', '.join(sorted(MODELS))}"
    ratio, problem = _ratio(body)
    if problem is not None:
        return problem
    if "resolution" in body and body["resolution"] not in RESOLUTIONS:
        return "resolution must be 720p, 1080p or 4k"
    for name in ("watermark",):
        if name in body and not isinstance(body[name], str):
            return f"{name} must be a string"
    for name in ("enableTranslation", "enableFallback"):
        if name in body and not isinstance(body[name], bool):
            return f"{name} must be a boolean"
    if "callBackUrl" in body and not is_http_url(body["callBackUrl"]):
        return "callBackUrl must be an http(s) URL"
    problem = _seed(body)
    if problem is not None:
        return problem
    images = body.get("imageUrls", [])
    if not isinstance(images, list) or not all(is_http_url(u) for u in images):
        return "imageUrls must be a list of http(s) URLs"
    if issued is not None:
        foreign = [u for u in images if u not in issued]
        if foreign:
            return f"Failed to fetch the image: {foreign[0]} was not uploaded here"
    kind = body.get("generationType")
    if kind is None:  # "decided by whether imageUrls are given"
        kind = "FIRST_AND_LAST_FRAMES_2_VIDEO" if images else "TEXT_2_VIDEO"
    if kind not in GENERATION_TYPES:
        return f"generationType must be one of {', '.join(sorted(GENERATION_TYPES))}"
    return _images_for(kind, images, model, ratio)


def _ratio(body: dict[str, Any]) -> tuple[str, str | None]:
    values = [body[k] for k in ("aspect_ratio", "aspectRatio") if k in body]
    if any(v not in ASPECT_RATIOS for v in values):
        return "", "aspect_ratio must be 16:9, 9:16 or Auto"
    if len(set(values)) > 1:
        return "", "aspect_ratio and aspectRatio disagree"
    return (values[0] if values else "16:9"), None


def _seed(body: dict[str, Any]) -> str | None:
    if "seeds" not in body:
        return None
    seed = body["seeds"]
    low, high = SEED_RANGE
    if isinstance(seed, bool) or not isinstance(seed, int) or not low <= seed <= high:
        return f"seeds must be an integer from {low} to {high}"
    return None


def _images_for(kind: str, images: list[Any], model: str, ratio: str) -> str | None:
    if kind == "TEXT_2_VIDEO":
        return "TEXT_2_VIDEO takes no imageUrls" if images else None
    if kind == "FIRST_AND_LAST_FRAMES_2_VIDEO":
        return None if 1 <= len(images) <= 2 else "FIRST_AND_LAST_FRAMES_2_VIDEO takes 1-2 images"
    if model != "veo3_fast":
        return "REFERENCE_2_VIDEO supports the veo3_fast model only"
    if ratio not in REFERENCE_RATIOS:
        return "REFERENCE_2_VIDEO supports 16:9 and 9:16 only"
    return None if 1 <= len(images) <= 3 else "REFERENCE_2_VIDEO takes 1-3 images"


def validate_extend(body: dict[str, Any]) -> str | None:
    unknown = sorted(set(body) - EXTEND_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    if not isinstance(body.get("taskId"), str) or not body["taskId"]:
        return "taskId is required"
    if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
        return "prompt is required"
    if "model" in body and body["model"] not in EXTEND_MODELS:
        return "model must be fast, quality or lite"
    if "watermark" in body and not isinstance(body["watermark"], str):
        return "watermark must be a string"
    if "callBackUrl" in body and not is_http_url(body["callBackUrl"]):
        return "callBackUrl must be an http(s) URL"
    return _seed(body)


def validate_4k(body: dict[str, Any]) -> str | None:
    unknown = sorted(set(body) - FOUR_K_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    if not isinstance(body.get("taskId"), str) or not body["taskId"]:
        return "taskId is required"
    index = body.get("index", 0)
    if isinstance(index, bool) or not isinstance(index, int) or index != 0:
        return "index must be 0"
    if "callBackUrl" in body and not is_http_url(body["callBackUrl"]):
        return "callBackUrl must be an http(s) URL"
    return None


def validate_base64_upload(body: dict[str, Any]) -> str | None:
    unknown = sorted(set(body) - UPLOAD_FIELDS)
    if unknown:
        return f"unknown field: {', '.join(unknown)}"
    if not isinstance(body.get("base64Data"), str) or not body["base64Data"]:
        return "base64Data is required"
    if not isinstance(body.get("uploadPath"), str) or not body["uploadPath"].strip():
        return "uploadPath is required"
    if "fileName" in body and (not isinstance(body["fileName"], str) or not body["fileName"]):
        return "fileName must be a non-empty string"
    return None


def decode_base64_data(value: str) -> tuple[bytes, str] | None:
    """(bytes, mime type) of a data URL or raw base64, or None when it does not decode."""
    mime = "application/octet-stream"
    if value.startswith("data:"):
        header, sep, value = value.partition(",")
        if not sep or not header.endswith(";base64"):
            return None
        mime = header.removeprefix("data:").removesuffix(";base64") or mime
    try:
        return base64.b64decode(value, validate=True), mime
    except (binascii.Error, ValueError):
        return None


def sign(task_id: str, timestamp: str, key: str) -> str:
    """kie's signature: base64(HMAC-SHA256(taskId + "." + timestamp, webhookHmacKey))."""
    digest = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def html_page(status: int) -> str:
    return (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{status} Bad Gateway | kie.ai | Cloudflare</title></head>"
        f"<body><h1>Error {status}</h1><p>Ray ID: 8c0ffee0deadbeef</p></body></html>\n"
    )


_GARBAGE: Final[Mapping[str, tuple[str, str]]] = {
    "text": ("upstream returned: OK", "text/plain"),
    "array": ("[]", "application/json"),
    "null": ("null", "application/json"),
    "truncated": ('{"code": 200, "data": {"taskId', "application/json"),
    "empty": ("", "application/json"),
}


def _json_object(request: web.Request, raw: str) -> tuple[dict[str, Any] | None, str | None]:
    if request.content_type != "application/json":
        return None, f"Content-Type must be application/json, got {request.content_type!r}"
    try:
        value = json.loads(raw, parse_constant=reject_json_constant)
    except ValueError as exc:
        return None, f"invalid JSON body: {exc}"
    if not isinstance(value, dict):
        return None, "the body must be a JSON object"
    return value, None


def _for_record(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


__all__ = [
    "NAME",
    "Delay",
    "Envelope",
    "Failure",
    "FakeKie",
    "FakeTask",
    "Garbage",
    "Generating",
    "Html",
    "HttpError",
    "RawFlag",
    "Step",
    "Success",
    "decode_base64_data",
    "delay",
    "disconnect",
    "envelope",
    "failure",
    "fault_step",
    "garbage",
    "generating",
    "html",
    "http_error",
    "raw_flag",
    "sign",
    "success",
    "validate_4k",
    "validate_base64_upload",
    "validate_extend",
    "validate_generate",
]
