"""The contract every vendor adapter fulfils; services see only this."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.domain.capabilities import Capabilities
from bot.domain.request import GenerationRequest
from bot.domain.status import VendorStatus


class VideoVendor(Protocol):
    name: str
    capabilities: Capabilities

    async def submit(self, request: GenerationRequest) -> str:
        """Start a task and return the vendor's task id."""
        ...

    async def status(self, task_id: str) -> VendorStatus:
        """Ask how a task is doing."""
        ...

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        """Stream a finished video to `destination`; return its size in bytes."""
        ...
