"""The contract every vendor adapter fulfils; services see only this."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from bot.domain.capabilities import Capabilities
from bot.domain.request import GenerationRequest, MediaRef
from bot.domain.status import VendorStatus


@dataclass(frozen=True)
class MediaBytes:
    data: bytes
    mime_type: str
    file_name: str


class MediaSource(Protocol):
    """Where an adapter gets the photos of a request, in the form it needs."""

    async def public_url(self, ref: MediaRef) -> str:
        """A URL the vendor can fetch without any secret (the bot's own media server)."""
        ...

    async def read(self, ref: MediaRef) -> MediaBytes:
        """The bytes, for inline upload or the vendor's own upload API."""
        ...


DEFAULT_TIMEOUT_SECONDS = 60.0
DEMO_VIDEO_SECONDS = 20.0  # how long the built-in demo vendor takes to "make" a video


@dataclass(frozen=True)
class VendorConfig:
    """What an adapter is built with; `callback_url` and the kie fields only where used."""

    api_key: str
    base_url: str
    callback_url: str | None = None
    upload_base_url: str | None = None
    webhook_hmac_key: str | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    demo_video_seconds: float = DEMO_VIDEO_SECONDS


class VideoVendor(Protocol):
    name: str
    capabilities: Capabilities

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        """Start a task and return the vendor's task id."""
        ...

    async def status(self, task_id: str) -> VendorStatus:
        """Ask how a task is doing."""
        ...

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        """Stream a finished video to `destination`; return its size in bytes."""
        ...

    async def check(self) -> str:
        """Ask a harmless question that proves the key works; return what was learned."""
        ...


@runtime_checkable
class CallbackVendor(Protocol):
    """A vendor that can push "your task changed" to the bot's HTTP server (kie.ai)."""

    def task_id_from_callback(self, headers: Mapping[str, str], body: bytes) -> str:
        """The task a verified callback is about; raise InvalidCallbackError otherwise.

        A callback only wakes the poller: the status endpoint stays the source of truth.
        """
        ...
