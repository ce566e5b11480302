"""A fake Gemini API (Veo 3.1) server (aiohttp, loopback only) for tests.

Written from docs/vendors.md §5 (ai.google.dev/gemini-api/docs/video, 2025-11-05 and
2026-03-05 copies), the Google error envelope ``{"error": {"code", "message", "status"}}`` and
issue 9 (what the live service refuses): a photo as ``inlineData`` (400 "`inlineData` isn't
supported by this model"; Google's SDK sends ``{"bytesBase64Encoded", "mimeType"}``), video
bytes for an extension (400 "Video URI not found"), a ``seed`` (the SDK refuses it for the
Gemini API), ``personGeneration`` on a photo mode (``allow_adult`` on image-to-video refused),
and reference images or 4K on Lite.

* ``POST /v1beta/models/{model}:predictLongRunning`` with ``x-goog-api-key``: validates the
  ``instances`` / ``parameters`` against the docs' tables (see ``validate_submit``) and answers
  the operation ``{"name": "models/{model}/operations/{id}"}``;
* ``GET /v1beta/models/{model}/operations/{id}``: plays a scripted sequence of steps per
  operation (one step per poll, the last repeats): running, done with a sample, RAI-filtered,
  an ``error`` object, an undocumented ``done`` value, and every HTTP fault;
* ``GET /v1beta/files/{id}:download?alt=media``: only with the key, a 302 to a second path
  that serves the sample MP4 (as the real URI does);
* ``GET /v1beta/models/{model}``: the model's entry (the adapter's key check).

A bad key gets Google's real answer: HTTP 400 INVALID_ARGUMENT "API key not valid" with reason
``API_KEY_INVALID``; no key at all gets 403 PERMISSION_DENIED.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias
from urllib.parse import unquote

from aiohttp import web

from .contract import SLOW_SECONDS, FaultKind
from .media import sample_mp4_bytes
from .server import TELEGRAM_FILE_URL_MARKER as TELEGRAM_FILE_URL_MARKER  # re-exported
from .server import FakeServer, drop_connection, find_leak, json_response
from .steps import Delay, Disconnect, Garbage, Html, HttpError
from .steps import delay as delay  # re-exported

NAME: Final[str] = "gemini"
LITE_MODEL: Final[str] = "veo-3.1-lite-generate-preview"
MODELS: Final[frozenset[str]] = frozenset(
    {"veo-3.1-generate-preview", "veo-3.1-fast-generate-preview", LITE_MODEL}
)
ASPECT_RATIOS: Final[frozenset[str]] = frozenset({"16:9", "9:16"})
RESOLUTIONS: Final[frozenset[str]] = frozenset({"720p", "1080p", "4k"})
DURATIONS: Final[frozenset[int]] = frozenset({4, 6, 8})
IMAGE_MIME_TYPES: Final[Mapping[str, tuple[bytes, ...]]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
}
INSTANCE_FIELDS: Final[frozenset[str]] = frozenset(
    {"prompt", "image", "lastFrame", "referenceImages", "video"}
)
PARAMETER_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "aspectRatio",
        "resolution",
        "durationSeconds",
        "negativePrompt",
        "personGeneration",
        "numberOfVideos",
        "sampleCount",
    }
)
# "Only videos generated or referenced in the last 2 days can be extended" (the docs).
EXTENSION_WINDOW_SECONDS: Final[float] = 2 * 24 * 60 * 60
INLINE_DATA_REFUSED: Final[str] = "`inlineData` isn't supported by this model."
VIDEO_URI_NOT_FOUND: Final[str] = "Video URI not found."
SEED_REFUSED: Final[str] = "`seed` isn't supported by this model."
RESPONSE_TYPE: Final[str] = (
    "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"
)
DEFAULT_RAI_REASON: Final[str] = (
    "We encountered an issue with the audio for your prompt. Please try rephrasing your "
    "prompt. You have not been charged for this attempt."
)
KEY_HEADER: Final[str] = "x-goog-api-key"
_ID_ALPHABET: Final[str] = string.ascii_lowercase + string.digits

# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Running:
    """Not done yet: ``{"name"}`` (or with ``"done": false`` when ``explicit``)."""

    explicit: bool = False


@dataclass(frozen=True, slots=True)
class Done:
    """``done: true`` with one generated sample; ``video_uri`` "auto" is the fake's own file,
    ``None`` leaves ``generateVideoResponse`` empty (no sample, no RAI fields)."""

    video_uri: str | None = "auto"


@dataclass(frozen=True, slots=True)
class RaiFiltered:
    """``done: true`` with no sample, only ``raiMediaFilteredCount`` / ``…Reasons``."""

    reasons: tuple[str, ...] = (DEFAULT_RAI_REASON,)
    count: int = 1


@dataclass(frozen=True, slots=True)
class OpError:
    """``done: true`` with an ``error`` object (google.rpc.Status)."""

    message: str = "Video generation failed."
    code: int = 400


@dataclass(frozen=True, slots=True)
class RawDone:
    """An undocumented ``done`` value (e.g. ``"RUNNING"``)."""

    value: Any


Step: TypeAlias = (
    Running
    | Done
    | RaiFiltered
    | OpError
    | RawDone
    | HttpError
    | Html
    | Garbage
    | Delay
    | Disconnect
)
FAULT_STEPS: Final[tuple[type, ...]] = (HttpError, Html, Garbage, Disconnect)


def running(explicit: bool = False) -> Running:
    return Running(explicit)


def done(video_uri: str | None = "auto") -> Done:
    return Done(video_uri)


def rai_filtered(*reasons: str, count: int = 1) -> RaiFiltered:
    return RaiFiltered(tuple(reasons), count)


def op_error(message: str = "Video generation failed.", code: int = 400) -> OpError:
    return OpError(message, code)


def raw_done(value: Any) -> RawDone:
    return RawDone(value)


def http_error(
    code: int, body: Mapping[str, Any] | None = None, retry_after: float | None = None
) -> HttpError:
    return HttpError(code, body, retry_after)


def default_script() -> list[Step]:
    return [running(), running(explicit=True), done()]


# --------------------------------------------------------------------------------------------
# Google error bodies
# --------------------------------------------------------------------------------------------

_STATUS_NAMES: Final[Mapping[int, str]] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def google_error(code: int, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "status": _STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return {"error": error}


def invalid_argument(message: str) -> dict[str, Any]:
    return google_error(400, message)


BAD_KEY: Final[Mapping[str, Any]] = google_error(
    400,
    "API key not valid. Please pass a valid API key.",
    [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        }
    ],
)
NO_KEY: Final[Mapping[str, Any]] = google_error(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API.",
)
CREDITS_DEPLETED: Final[Mapping[str, Any]] = google_error(
    429,
    "Your prepayment credits are depleted. Please go to AI Studio at "
    "https://ai.studio/projects to manage your project and billing.",
)
RATE_LIMITED: Final[Mapping[str, Any]] = google_error(
    429,
    "Resource has been exhausted (e.g. check quota).",
    [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"}],
)
OVERLOADED: Final[Mapping[str, Any]] = google_error(
    503, "The model is overloaded. Please try again later."
)


def default_error_body(code: int) -> dict[str, Any]:
    if code == 400:
        return invalid_argument("Request contains an invalid argument.")
    if code == 404:
        return google_error(404, "Requested entity was not found.")
    if code == 429:
        return dict(RATE_LIMITED)
    if code == 503:
        return dict(OVERLOADED)
    if code >= 500:
        return google_error(code, "An internal error has occurred. Please retry.")
    return google_error(code, f"error {code}")


def fault_step(kind: FaultKind) -> Step:
    """The contract's fault kinds as Gemini answers them."""
    steps: dict[str, Step] = {
        "server_error": HttpError(500),
        "html": Html(502),
        "timeout": Delay(SLOW_SECONDS),
        "auth": HttpError(400, BAD_KEY),
        "balance": HttpError(429, CREDITS_DEPLETED),
        "rate_limited": HttpError(429, RATE_LIMITED),
        "rejected": HttpError(400, invalid_argument("The prompt could not be processed.")),
        "maintenance": HttpError(503, OVERLOADED),
    }
    return steps[kind]


def _json(status: int, body: object) -> web.Response:
    return json_response(status, body, ensure_ascii=True)


def _fault_response(step: HttpError | Html | Garbage) -> web.Response:
    if isinstance(step, HttpError):
        response = _json(step.code, dict(step.body or default_error_body(step.code)))
        if step.retry_after is not None:
            response.headers["Retry-After"] = f"{step.retry_after:g}"
        return response
    if isinstance(step, Html):
        page = f"<!DOCTYPE html><html><body><h1>Error {step.code}</h1></body></html>"
        return web.Response(status=step.code, text=page, content_type="text/html")
    texts = {
        "text": "OK",
        "array": "[]",
        "null": "null",
        "truncated": '{"name": "mod',
        "empty": "",
    }
    kind = "text/plain" if step.kind == "text" else "application/json"
    return web.Response(status=200, text=texts[step.kind], content_type=kind)


# --------------------------------------------------------------------------------------------
# Validation (the docs' tables)
# --------------------------------------------------------------------------------------------


def validate_submit(model: str, body: Any, known_videos: frozenset[str]) -> str | None:
    """What the docs forbid in this submit, or None. `known_videos`: file URIs this server
    generated (only a Veo video of this API can be extended)."""
    if model not in MODELS:
        return f"models/{model} is not found for API version v1beta"
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    unknown = sorted(set(body) - {"instances", "parameters"})
    if unknown:
        return f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.'
    instances = body.get("instances")
    if not isinstance(instances, list) or len(instances) != 1:
        return "instances must be a list with exactly one instance"
    instance = instances[0]
    if not isinstance(instance, dict):
        return "instances[0] must be an object"
    parameters = body.get("parameters", {})
    if not isinstance(parameters, dict):
        return "parameters must be an object"
    return (
        _check_instance(instance, known_videos)
        or _check_parameters(instance, parameters)
        or _check_lite(model, instance, parameters)
    )


def _check_lite(model: str, instance: dict[str, Any], parameters: dict[str, Any]) -> str | None:
    if model != LITE_MODEL:
        return None
    if "referenceImages" in instance:
        return f"referenceImages isn't supported by {model}"
    if parameters.get("resolution") == "4k":
        return f"resolution '4k' isn't supported by {model}; use 720p or 1080p"
    return None


def _check_instance(instance: dict[str, Any], known_videos: frozenset[str]) -> str | None:
    unknown = sorted(set(instance) - INSTANCE_FIELDS)
    if unknown:
        return f"instances[0]: unknown field {unknown[0]!r}"
    prompt = instance.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return "prompt must be a non-empty string"
    has = {key: key in instance for key in ("image", "lastFrame", "referenceImages", "video")}
    if has["lastFrame"] and not has["image"]:
        return "lastFrame is only supported together with image"
    if has["referenceImages"] and (has["image"] or has["lastFrame"]):
        return "referenceImages cannot be combined with image / lastFrame"
    if has["video"] and (has["image"] or has["lastFrame"] or has["referenceImages"]):
        return "video (extension) cannot be combined with image / lastFrame / referenceImages"
    for key in ("image", "lastFrame"):
        if has[key]:
            problem = _check_image(instance[key], key)
            if problem:
                return problem
    if has["referenceImages"]:
        problem = _check_references(instance["referenceImages"])
        if problem:
            return problem
    if has["video"]:
        return _check_video(instance["video"], known_videos)
    return None


def _check_image(value: Any, field: str) -> str | None:
    if isinstance(value, dict) and "inlineData" in value:
        return INLINE_DATA_REFUSED
    if not isinstance(value, dict) or set(value) != {"bytesBase64Encoded", "mimeType"}:
        return f'{field} must be {{"bytesBase64Encoded", "mimeType"}} (inline bytes only)'
    magics = IMAGE_MIME_TYPES.get(value["mimeType"])
    if magics is None:
        return f"{field}.mimeType {value['mimeType']!r} is not a supported image type"
    data = _decode(value["bytesBase64Encoded"])
    if data is None:
        return f"{field}.bytesBase64Encoded must be non-empty base64"
    if not data.startswith(magics):
        return f"{field}.bytesBase64Encoded is not a {value['mimeType']} image"
    return None


def _check_references(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "referenceImages must be a non-empty list"
    if len(value) > 3:
        return f"referenceImages: at most 3 asset images are supported, got {len(value)}"
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"image", "referenceType"}:
            return f"referenceImages[{index}] must be {{image, referenceType}}"
        # The REST sample sends "asset", Google's SDK the enum name "ASSET".
        if str(item.get("referenceType")).lower() != "asset":
            return f"referenceImages[{index}].referenceType must be 'asset'"
        problem = _check_image(item.get("image"), f"referenceImages[{index}].image")
        if problem:
            return problem
    return None


def _check_video(value: Any, known_videos: frozenset[str]) -> str | None:
    """Only `{"uri"}` of a video this API made; bytes in any form are refused as the live
    service refuses them."""
    if not isinstance(value, dict) or "uri" not in value:
        return VIDEO_URI_NOT_FOUND
    if set(value) - {"uri", "encoding"}:
        return VIDEO_URI_NOT_FOUND
    if value["uri"] not in known_videos:
        return "video must be a Veo video generated by this API in the last 2 days"
    return None


def _decode(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _mode(instance: dict[str, Any]) -> str:
    if "video" in instance:
        return "extension"
    if "referenceImages" in instance:
        return "reference"
    if "lastFrame" in instance:
        return "interpolation"
    if "image" in instance:
        return "image"
    return "text"


def _check_parameters(instance: dict[str, Any], parameters: dict[str, Any]) -> str | None:
    if "generateAudio" in parameters:
        return "generateAudio parameter is not supported in Gemini API."
    if "seed" in parameters:
        return SEED_REFUSED
    unknown = sorted(set(parameters) - PARAMETER_FIELDS)
    if unknown:
        return f"parameters: unknown field {unknown[0]!r}"
    mode = _mode(instance)
    ratio = parameters.get("aspectRatio", "16:9")
    if ratio not in ASPECT_RATIOS:
        return f"aspectRatio {ratio!r} is not supported; use 16:9 or 9:16"
    resolution = parameters.get("resolution", "720p")
    if resolution not in RESOLUTIONS:
        return f"resolution {resolution!r} is not supported; use 720p, 1080p or 4k"
    if mode == "extension" and resolution != "720p":
        return "video extension supports only 720p"
    duration = _duration(parameters.get("durationSeconds", 8))
    if duration is None:
        return f"durationSeconds {parameters['durationSeconds']!r} must be 4, 6 or 8"
    if duration != 8 and (mode in ("extension", "reference", "interpolation")):
        return f"durationSeconds must be 8 for {mode}"
    if duration != 8 and resolution in ("1080p", "4k"):
        return f"durationSeconds must be 8 for {resolution}"
    if "personGeneration" in parameters:
        person = parameters["personGeneration"]
        if mode not in ("text", "extension"):
            return f"personGeneration {person!r} is not supported for {mode}"
        if person != "allow_all":
            return f"personGeneration {person!r} is not supported for {mode}; use 'allow_all'"
    return _check_switches(parameters)


def _duration(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and value in DURATIONS else None


def _check_switches(parameters: dict[str, Any]) -> str | None:
    if "negativePrompt" in parameters and not isinstance(parameters["negativePrompt"], str):
        return "negativePrompt must be a string"
    for key in ("numberOfVideos", "sampleCount"):
        if key in parameters and parameters[key] != 1:
            return f"{key}: only 1 video per request is supported"
    return None


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


@dataclass
class FakeOperation:
    name: str
    model: str
    body: dict[str, Any]
    script: list[Step]
    file_id: str
    position: int = 0

    def next_step(self) -> Step:
        step = self.script[min(self.position, len(self.script) - 1)]
        self.position += 1
        return step


class FakeGemini(FakeServer):
    """The fake; ``script`` is what new operations play, the ``*_faults`` lists are consumed
    first by the next submits / polls / downloads."""

    name = NAME

    def __init__(
        self, api_key: str = "gemini-test-key", *, forbidden_substrings: Sequence[str] = ()
    ) -> None:
        super().__init__(api_key, forbidden_substrings, allow_empty=True)
        self.script: list[Step] = default_script()
        self.submit_faults: list[Step] = []
        self.poll_faults: list[Step] = []
        self.download_faults: list[Step] = []
        self.submissions: list[dict[str, Any]] = []
        self.submit_attempts = 0
        self.polls: list[str] = []
        self.downloads = 0
        self.download_attempts = 0
        self.rejected: list[tuple[int, str]] = []
        self.operations: dict[str, FakeOperation] = {}
        self.generated: set[str] = set()  # file URIs reported in a done answer
        # When each of those was made (by `clock`): the API extends a video only within 2 days.
        self.made_at: dict[str, float] = {}
        self.clock: Callable[[], float] = time.time
        self.video_bytes = sample_mp4_bytes()
        self._redirects: dict[str, str] = {}  # token → file id

    # ---- contract ----------------------------------------------------------------------------

    def play_success(self, *, running_polls: int = 1) -> None:
        self.script = [*([running()] * running_polls), done()]

    def play_failure(self, message: str) -> None:
        self.script = [running(), op_error(message)]

    def play_rai_filtered(self, reason: str = DEFAULT_RAI_REASON) -> None:
        self.script = [running(), rai_filtered(reason)]

    def play_no_video(self) -> None:
        self.script = [running(), done(None)]

    def play_unknown_status(self) -> None:
        self.script = [raw_done("RUNNING"), raw_done("RUNNING"), done()]

    def contract_fault(self, kind: FaultKind) -> Step:
        return fault_step(kind)

    def file_uri(self, file_id: str) -> str:
        return f"{self.base_url}/v1beta/files/{file_id}:download?alt=media"

    # ---- lifecycle ---------------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v1beta/models/{target}", self._handle_submit)
        router.add_get("/v1beta/models/{model}", self._handle_model)
        router.add_get("/v1beta/models/{model}/operations/{op}", self._handle_poll)
        router.add_get("/v1beta/files/{target}", self._handle_file)
        router.add_get("/download/{token}/video.mp4", self._handle_redirected)

    # ---- helpers -----------------------------------------------------------------------------

    def _key_problem(self, request: web.Request) -> web.Response | None:
        key = request.headers.get(KEY_HEADER)
        if key is None:
            return _json(403, NO_KEY)
        if key != self.api_key:
            return _json(400, BAD_KEY)
        return None

    def _leak(self, request: web.Request, raw: str) -> web.Response | None:
        """A forbidden substring anywhere, or our key anywhere but its header."""
        needle = find_leak(
            request,
            raw,
            [*self.forbidden_substrings, self.api_key],
            is_key_header=lambda name: name.lower() == KEY_HEADER,
            unquote_path=unquote,
        )
        if needle is None:
            return None
        self.leaks.append(needle)
        return _json(400, invalid_argument("request contains a forbidden value (leak)"))

    async def _fault(self, request: web.Request, step: Step) -> web.StreamResponse | None:
        """The answer for a fault step, or None for "answer normally"."""
        if isinstance(step, Delay):
            await self._sleep(step.seconds)
            return None if step.then is None else await self._fault(request, step.then)
        if isinstance(step, HttpError | Html | Garbage):
            return _fault_response(step)
        if isinstance(step, Disconnect):
            return drop_connection(request)
        return None

    def _extendable(self) -> frozenset[str]:
        """The videos this API made within the last 2 days (the only ones it extends)."""
        now = self.clock()
        return frozenset(
            uri
            for uri in self.generated
            if now - self.made_at.get(uri, now) <= EXTENSION_WINDOW_SECONDS
        )

    # ---- POST /v1beta/models/{model}:predictLongRunning -------------------------------------

    async def _handle_submit(self, request: web.Request) -> web.StreamResponse:
        self.submit_attempts += 1
        raw = (await request.read()).decode("utf-8", errors="replace")
        leak = self._leak(request, raw)
        if leak is not None:
            return leak
        if self.submit_faults:
            answer = await self._fault(request, self.submit_faults.pop(0))
            if answer is not None:
                return answer
        refused = self._key_problem(request)
        if refused is not None:
            self.rejected.append((refused.status, "key"))
            return refused
        model, _, method = request.match_info["target"].partition(":")
        if method != "predictLongRunning":
            return _json(404, google_error(404, f"method {method!r} is not found"))
        if model not in MODELS:
            return _json(404, google_error(404, f"models/{model} is not found for v1beta"))
        problem = None
        body: Any = None
        if request.content_type != "application/json":
            problem = "Content-Type must be application/json"
        else:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                problem = f"Invalid JSON payload received. {exc}"
        problem = problem or validate_submit(model, body, self._extendable())
        if problem is not None:
            self.rejected.append((400, problem))
            return _json(400, invalid_argument(problem))
        op_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))
        name = f"models/{model}/operations/{op_id}"
        self.operations[name] = FakeOperation(
            name=name,
            model=model,
            body=body,
            script=list(self.script) or default_script(),
            file_id="".join(secrets.choice(_ID_ALPHABET) for _ in range(12)),
        )
        self.submissions.append(body)
        return _json(200, {"name": name})

    # ---- GET /v1beta/models/{model}/operations/{op} ------------------------------------------

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        name = f"models/{request.match_info['model']}/operations/{request.match_info['op']}"
        self.polls.append(name)
        leak = self._leak(request, "")
        if leak is not None:
            return leak
        if self.poll_faults:
            answer = await self._fault(request, self.poll_faults.pop(0))
            if answer is not None:
                return answer
        refused = self._key_problem(request)
        if refused is not None:
            return refused
        operation = self.operations.get(name)
        if operation is None:
            return _json(404, google_error(404, f"Operation {name} not found."))
        step = operation.next_step()
        while isinstance(step, Delay):
            await self._sleep(step.seconds)
            step = step.then if step.then is not None else operation.next_step()
        if isinstance(step, FAULT_STEPS):
            answer = await self._fault(request, step)
            assert answer is not None
            return answer
        return _json(200, self._operation_json(operation, step))

    def _operation_json(self, operation: FakeOperation, step: Step) -> dict[str, Any]:
        answer: dict[str, Any] = {"name": operation.name}
        if isinstance(step, Running):
            if step.explicit:
                answer["done"] = False
        elif isinstance(step, Done):
            answer["done"] = True
            result: dict[str, Any] = {}
            if step.video_uri is not None:
                uri = step.video_uri
                if uri == "auto":
                    uri = self.file_uri(operation.file_id)
                    self.generated.add(uri)
                    self.made_at.setdefault(uri, self.clock())
                result["generatedSamples"] = [{"video": {"uri": uri}}]
            answer["response"] = {"@type": RESPONSE_TYPE, "generateVideoResponse": result}
        elif isinstance(step, RaiFiltered):
            answer["done"] = True
            filtered: dict[str, Any] = {"raiMediaFilteredCount": step.count}
            if step.reasons:
                filtered["raiMediaFilteredReasons"] = list(step.reasons)
            answer["response"] = {"@type": RESPONSE_TYPE, "generateVideoResponse": filtered}
        elif isinstance(step, OpError):
            answer.update(done=True, error={"code": step.code, "message": step.message})
        elif isinstance(step, RawDone):
            answer["done"] = step.value
        return answer

    # ---- GET /v1beta/models/{model} ----------------------------------------------------------

    async def _handle_model(self, request: web.Request) -> web.StreamResponse:
        leak = self._leak(request, "")
        if leak is not None:
            return leak
        refused = self._key_problem(request)
        if refused is not None:
            return refused
        model = request.match_info["model"]
        if model not in MODELS:
            return _json(404, google_error(404, f"models/{model} is not found for v1beta"))
        return _json(
            200,
            {
                "name": f"models/{model}",
                "version": "3.1",
                "displayName": "Veo 3.1",
                "inputTokenLimit": 1024,
                "supportedGenerationMethods": ["predictLongRunning"],
            },
        )

    # ---- GET /v1beta/files/{id}:download?alt=media → 302 → /download/{token}/video.mp4 -----

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        leak = self._leak(request, "")
        if leak is not None:
            return leak
        file_id, _, method = request.match_info["target"].partition(":")
        known = {operation.file_id for operation in self.operations.values()}
        if method != "download" or request.query.get("alt") != "media" or file_id not in known:
            return _json(404, google_error(404, "File not found."))
        self.download_attempts += 1
        if self.download_faults:
            answer = await self._fault(request, self.download_faults.pop(0))
            if answer is not None:
                return answer
        refused = self._key_problem(request)
        if refused is not None:
            return refused
        token = secrets.token_urlsafe(16)
        self._redirects[token] = file_id
        raise web.HTTPFound(f"{self.base_url}/download/{token}/video.mp4")

    async def _handle_redirected(self, request: web.Request) -> web.StreamResponse:
        if self._redirects.pop(request.match_info["token"], None) is None:
            return web.Response(status=403, text="Forbidden")
        response = web.StreamResponse(status=200, headers={"Content-Type": "video/mp4"})
        response.content_length = len(self.video_bytes)
        await response.prepare(request)
        try:
            await response.write(self.video_bytes)
            await response.write_eof()
        except ConnectionError:
            return response
        self.downloads += 1
        return response
