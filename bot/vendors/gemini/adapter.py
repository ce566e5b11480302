"""The Gemini adapter: submit, poll the operation, download with the key, check the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

from bot.domain.errors import VendorError, VendorRejectedError, VendorUnavailableError
from bot.domain.options import Tier
from bot.domain.request import GenerationRequest
from bot.domain.status import VendorStatus
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.common import JsonApi, read_created
from bot.vendors.gemini.answers import (
    OPERATION_NAME,
    parse_status,
    parse_task_id,
    raise_for_error_envelope,
    reclassify,
)
from bot.vendors.gemini.capabilities import CAPABILITIES
from bot.vendors.gemini.wire import API_VERSION, KEY_HEADER, MODELS, NAME, build_submit_body
from bot.vendors.http import VendorHttp


class GeminiVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._api = JsonApi(http, config.base_url, {KEY_HEADER: config.api_key})
        self._base_url = self._api.base_url

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        images = [await media.read(ref) for ref in request.images]
        body = build_submit_body(request, images)
        url = f"/{API_VERSION}/models/{quote(MODELS[request.tier], safe='')}"
        payload = await self._call(f"{url}:predictLongRunning", body, creates=True)
        return read_created(NAME, parse_task_id, payload)

    async def status(self, task_id: str) -> VendorStatus:
        if not OPERATION_NAME.fullmatch(task_id):
            raise VendorRejectedError(NAME, f"not an operation name: {task_id!r}")
        path = "/".join(quote(part, safe="") for part in task_id.split("/"))
        payload = await self._call(f"/{API_VERSION}/{path}")
        return parse_status(payload)

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        # The key goes only to the API's own host; the 302 it answers is followed.
        headers = self._api.headers if _origin(url) == _origin(self._base_url) else None
        try:
            return await self._api.download(url, destination, max_bytes, headers=headers)
        except VendorError as exc:
            _raise_reclassified(exc)

    async def check(self) -> str:
        """Read the model's own entry (models.get): a harmless call that needs a valid key.

        "ok" only when Google's API answered in its own format: a JSON Model whose `name` is
        the model asked for. A refused key, a missing route or another server's answer raise.
        """
        model = MODELS[Tier.QUALITY]
        payload = await self._call(f"/{API_VERSION}/models/{model}")
        raise_for_error_envelope(payload)
        name = payload.get("name") if isinstance(payload, dict) else None
        if name != f"models/{model}":
            raise VendorUnavailableError(
                NAME, f"not Google's Gemini API: models/{model} answered {str(payload)[:200]}"
            )
        return f"key accepted; {name} is available"

    async def _call(
        self, path: str, body: dict[str, Any] | None = None, *, creates: bool = False
    ) -> Any:
        """GET `path`, or POST `body` to it; Google's own error meanings applied."""
        try:
            if body is None:
                return await self._api.get(path)
            return await self._api.post(path, body, creates=creates)
        except VendorError as exc:
            _raise_reclassified(exc)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _raise_reclassified(error: VendorError) -> NoReturn:
    better = reclassify(error)
    if better is error:
        raise error
    raise better from error
