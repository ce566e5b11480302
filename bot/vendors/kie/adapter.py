"""The kie.ai adapter: generate, extend, upgrades, record-info, uploads and callbacks."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.domain.errors import VendorRejectedError
from bot.domain.options import Mode, Resolution
from bot.domain.request import GenerationRequest, MediaRef
from bot.domain.status import Failed, VendorStatus
from bot.vendors.base import MediaSource, VendorConfig
from bot.vendors.common import JsonApi, bearer, read_created
from bot.vendors.http import VendorHttp
from bot.vendors.kie import wire
from bot.vendors.kie.callbacks import callback_task_id
from bot.vendors.kie.capabilities import CAPABILITIES
from bot.vendors.kie.upgrades import ask_upgrade
from bot.vendors.kie.wire import NAME

_UPGRADE_KINDS = {Resolution.P1080: wire.UPGRADE_1080P, Resolution.K4: wire.UPGRADE_4K}


class KieVendor:
    name = NAME
    capabilities = CAPABILITIES

    def __init__(self, http: VendorHttp, config: VendorConfig) -> None:
        self._api = JsonApi(http, config.base_url, bearer(config.api_key))
        upload_base_url = config.upload_base_url or wire.DEFAULT_UPLOAD_BASE_URL
        self._upload_base_url = upload_base_url.rstrip("/")
        self._callback_url = config.callback_url
        self._hmac_key = config.webhook_hmac_key

    async def submit(self, request: GenerationRequest, media: MediaSource) -> str:
        if request.mode is Mode.UPGRADE:
            return await self._submit_upgrade(request)
        if request.mode is Mode.EXTEND:
            body = wire.build_extend_body(request, _source_task_id(request), self._callback_url)
            return await self._create("/api/v1/veo/extend", body)
        image_urls = [await self._upload(ref, media) for ref in request.images]
        body = wire.build_submit_body(request, image_urls, self._callback_url)
        return await self._create("/api/v1/veo/generate", body)

    async def status(self, task_id: str) -> VendorStatus:
        kind, source_task_id = wire.split_task_id(task_id)
        if kind is not None:
            return await ask_upgrade(self._api, kind, source_task_id, callback_url=None)
        payload = await self._api.get("/api/v1/veo/record-info", params={"taskId": source_task_id})
        return wire.parse_status(payload)

    async def download(self, url: str, destination: Path, max_bytes: int) -> int:
        return await self._api.download(url, destination, max_bytes)

    async def check(self) -> str:
        """kie documents GET /api/v1/chat/credit: free, and it proves the key."""
        return wire.parse_credits(await self._api.get("/api/v1/chat/credit"))

    def task_id_from_callback(self, headers: Mapping[str, str], body: bytes) -> str:
        return callback_task_id(headers, body, self._hmac_key, time.time())

    async def _create(self, path: str, body: dict[str, Any]) -> str:
        """POST a generate or extend task: an unreadable answer is an unknown outcome."""
        payload = await self._api.post(path, body, creates=True)
        return read_created(NAME, wire.parse_task_id, payload)

    async def _submit_upgrade(self, request: GenerationRequest) -> str:
        kind = _UPGRADE_KINDS.get(request.resolution)
        if kind is None:
            raise VendorRejectedError(NAME, f"no {request.resolution} upgrade")
        source_task_id = wire.split_task_id(_source_task_id(request))[1]
        answer = await ask_upgrade(
            self._api, kind, source_task_id, callback_url=self._callback_url, creates=True
        )
        if isinstance(answer, Failed):
            raise VendorRejectedError(NAME, answer.reason)
        return wire.upgrade_task_id(kind, source_task_id)

    async def _upload(self, ref: MediaRef, media: MediaSource) -> str:
        photo = await media.read(ref)
        file_name = wire.unique_file_name(photo.mime_type)
        body = wire.build_upload_body(photo.data, photo.mime_type, file_name)
        payload = await self._api.post("/api/file-base64-upload", body, root=self._upload_base_url)
        return wire.parse_upload_url(payload)


def _source_task_id(request: GenerationRequest) -> str:
    source = request.source
    if source is None or not source.task_id:
        raise VendorRejectedError(NAME, "no source video task")
    if source.vendor != NAME:
        raise VendorRejectedError(NAME, "only videos made through kie.ai can be used here")
    return source.task_id
