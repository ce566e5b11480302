"""What the vendor fakes (uniall, globalai, kie, gptplus5, gemini) share.

``FakeServer`` is the aiohttp plumbing: a server on 127.0.0.1 with a random port, ``start()`` /
``stop()`` / ``async with``, ``base_url``, the sleep of scripted delays (cut short by ``stop()``),
the Bearer key check, the forbidden-substring leak check and the contract's ``bot_settings()``.
A fake subclasses it, adds its routes in ``_add_routes`` and keeps its own steps, scripting,
validation and answers. The functions below are the small helpers the fakes' handlers share.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar, Final, Generic, Self, TypeVar
from urllib.parse import unquote_plus, urlsplit

from aiohttp import web

from .contract import FaultKind
from .media import sample_mp4_bytes
from .steps import GarbleShape

# Telegram file URLs embed the bot token; sending one to a vendor is always a leak.
TELEGRAM_FILE_URL_MARKER: Final[str] = "api.telegram.org/file/bot"

StepT = TypeVar("StepT")


def forbidden_needles(substrings: Sequence[str], *, allow_empty: bool = False) -> list[str]:
    """The substrings a fake refuses to see in a request: these and Telegram file URLs."""
    if isinstance(substrings, str):
        raise TypeError("forbidden_substrings must be a sequence of strings, not a string")
    if not allow_empty and any(not s for s in substrings):
        raise ValueError("forbidden_substrings must not contain an empty string")
    return [*substrings, TELEGRAM_FILE_URL_MARKER]


def is_authorization(header: str) -> bool:
    return header == "Authorization"


def find_leak(
    request: web.Request,
    body: str,
    needles: Sequence[str],
    *,
    is_key_header: Callable[[str], bool] = is_authorization,
    unquote_path: Callable[[str], str] = unquote_plus,
) -> str | None:
    """The first needle in the body, the path (raw or unquoted) or a header (but the key's)."""
    haystacks = [body, request.raw_path, unquote_path(request.raw_path)]
    haystacks += [f"{k}: {v}" for k, v in request.headers.items() if not is_key_header(k)]
    for needle in needles:
        if any(needle in haystack for haystack in haystacks):
            return needle
    return None


def json_response(
    status: int,
    body: object,
    headers: Mapping[str, str] | None = None,
    *,
    ensure_ascii: bool = False,
) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=ensure_ascii),
        content_type="application/json",
        headers=dict(headers) if headers else None,
    )


def drop_connection(request: web.Request) -> web.Response:
    """Close the connection without an answer (the returned response never reaches anyone)."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=499)


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    return bool(urlsplit(value).netloc) and not any(c.isspace() for c in value)


def reject_json_constant(name: str) -> Any:
    """``json.loads(parse_constant=...)``: refuse ``NaN`` and ``Infinity``."""
    raise ValueError(f"invalid JSON constant {name}")


class FakeServer:
    """An aiohttp server on 127.0.0.1 with a random port; subclasses add the routes."""

    name: str  # the VENDOR value
    shutdown_timeout: ClassVar[float] = 0.5
    client_max_size: ClassVar[int] = 1024**2  # aiohttp's default

    def __init__(
        self,
        api_key: str,
        forbidden_substrings: Sequence[str],
        *,
        allow_empty: bool = False,
        unquote_path: Callable[[str], str] = unquote_plus,
    ) -> None:
        self.api_key = api_key
        self.in_flight = 0
        self.busiest = 0
        self.forbidden_substrings: list[str] = forbidden_needles(
            forbidden_substrings, allow_empty=allow_empty
        )
        self.leaks: list[str] = []
        self._unquote_path = unquote_path
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._root_url: str | None = None
        self._port: int | None = None
        self.garbled_submits: list[GarbleShape] = []

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    # ---- lifecycle ---------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        if self._root_url is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._root_url

    @property
    def base_url(self) -> str:
        return self.root_url

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError(f"{type(self).__name__} is already started")
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=self.client_max_size, middlewares=[self._garble])
        self._add_routes(app.router)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, shutdown_timeout=self.shutdown_timeout)
        await site.start()
        host, port = runner.addresses[0][:2]
        self._runner = runner
        self._port = port
        self._root_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()  # wake every handler sleeping in a delay
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def refuse_connections(self) -> None:
        """Stop listening, so that a connection is refused, and drop the open ones."""
        assert self._runner is not None
        for site in list(self._runner.sites):
            await site.stop()
        if self._runner.server is not None:
            for connection in self._runner.server.connections:
                connection.force_close()

    async def accept_connections(self) -> None:
        """Listen again on the same port after ``refuse_connections``."""
        assert self._runner is not None
        site = web.TCPSite(
            self._runner, "127.0.0.1", self._port, shutdown_timeout=self.shutdown_timeout
        )
        await site.start()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- the contract (tests/fakes/contract.py) ----------------------------------------------

    submissions: list[dict[str, Any]]  # accepted submit bodies
    submit_faults: list[Any]  # steps played, one a request, before normal submits
    poll_faults: list[Any]  # the same for polls

    def contract_fault(self, kind: FaultKind) -> Any:
        """This vendor's answer to a contract fault kind, as a step of its own script."""
        raise NotImplementedError

    def fail_next_submits(self, kind: FaultKind, times: int = 1) -> None:
        self.submit_faults.extend(self.contract_fault(kind) for _ in range(times))

    def accept_then_garble(self, shape: GarbleShape, times: int = 1) -> None:
        """The next accepted submits make their task, then their answer arrives broken."""
        self.garbled_submits.extend(shape for _ in range(times))

    def created(self) -> int:
        """How many tasks requests have made so far (what `accept_then_garble` watches)."""
        return len(self.submissions)

    @web.middleware
    async def _garble(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        before = self.created()
        self.in_flight += 1  # requests under way at once: what MAX_CONCURRENT_VENDOR_CALLS caps
        self.busiest = max(self.busiest, self.in_flight)
        try:
            response: web.StreamResponse = await handler(request)
        finally:
            self.in_flight -= 1
        accepted = self.created() > before and 200 <= response.status < 300
        if not (accepted and self.garbled_submits):
            return response
        shape = self.garbled_submits.pop(0)
        if shape == "truncated":
            body = response.body if isinstance(response, web.Response) else None
            whole = body if isinstance(body, bytes) else b'{"id": "task_0123456789"}'
            cut = whole[: len(whole) // 2]
            return web.Response(status=200, body=cut, content_type="application/json")
        if shape == "html":
            page = "<!DOCTYPE html><html><body><h1>Welcome</h1><p>It works.</p></body></html>"
            return web.Response(status=200, text=page, content_type="text/html")
        page = (
            "<html><head><title>502 Bad Gateway</title></head><body><center>"
            "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
        )
        return web.Response(status=502, text=page, content_type="text/html")

    def fail_next_polls(self, kind: FaultKind, times: int = 1) -> None:
        self.poll_faults.extend(self.contract_fault(kind) for _ in range(times))

    def bot_settings(self) -> dict[str, Any]:
        return {
            "vendor": self.name,
            "vendor_api_key": self.api_key,
            "vendor_base_url": self.base_url,
        }

    # ---- for the handlers --------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        """Sleep for a scripted delay; ``stop()`` wakes every sleeper at once."""
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=max(seconds, 0.0))

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    def _find_leak(self, request: web.Request, body: str) -> str | None:
        """The forbidden substring in this request, recorded in ``leaks``; None when clean."""
        needle = find_leak(
            request, body, self.forbidden_substrings, unquote_path=self._unquote_path
        )
        if needle is not None:
            self.leaks.append(needle)
        return needle


@dataclass(kw_only=True)
class ScriptedTask(Generic[StepT]):
    """A task a fake made from an accepted body: its polls answer the steps of ``script`` in
    turn, the last one again and again."""

    id: str
    body: dict[str, Any]
    script: list[StepT]
    created_at: int = field(default_factory=lambda: int(time.time()))
    position: int = 0  # index of the step the next poll answers (may run past the end)
    polls: int = 0

    @property
    def model(self) -> Any:
        return self.body["model"]

    def advance(self) -> int:
        """The index of the step this poll answers; moves on to the next."""
        index = min(self.position, len(self.script) - 1)
        self.position += 1
        self.polls += 1
        return index


class TaskFake(FakeServer, Generic[StepT]):
    """A fake whose API is a submit (POST), a poll with the task id in the path (GET) and the
    video under ``/files/{task_id}.mp4``: UniAll's and GlobalAI's shape.

    The routes, and the state their handlers keep: ``script`` (steps copied to each new task),
    ``submit_faults`` / ``poll_faults`` / ``download_faults`` (FIFO; each request pops one),
    ``submissions`` (accepted bodies), ``submit_attempts``, ``polls`` (task ids asked about),
    ``downloads`` (completed MP4 downloads) and ``video_bytes`` (what a file serves).
    """

    submit_path: ClassVar[str]
    poll_prefix: ClassVar[str]

    def __init__(
        self,
        api_key: str,
        forbidden_substrings: Sequence[str],
        script: list[StepT],
        *,
        unquote_path: Callable[[str], str] = unquote_plus,
    ) -> None:
        super().__init__(api_key, forbidden_substrings, unquote_path=unquote_path)
        self.script: list[StepT] = script
        self.submit_faults: list[StepT] = []
        self.poll_faults: list[StepT] = []
        self.download_faults: list[StepT] = []
        self.submissions: list[dict[str, Any]] = []
        self.submit_attempts = 0
        self.polls: list[str] = []
        self.downloads = 0
        self.video_bytes: bytes = sample_mp4_bytes()

    def file_url(self, task_id: str) -> str:
        return f"{self.root_url}/files/{task_id}.mp4"

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post(self.submit_path, self._handle_submit)
        router.add_get(self.poll_prefix + "{task_id}", self._handle_poll)
        router.add_get("/files/{name}", self._handle_file)

    async def _handle_submit(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    async def _handle_poll(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError
