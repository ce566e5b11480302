"""kie.ai's Veo 3.1 API: generate, extend, 1080p/4K upgrades, record-info, uploads, callbacks.

Sources: seed 002 (the generate page) and vendors.md §3 (the current OpenAPI, record-info,
callbacks and their signing, upgrades, extend, the file upload API, credits). The package keeps
kie's concerns apart: `wire` (task ids, bodies, the answer envelope), `upgrades` (1080p/4K),
`callbacks` (which task, HMAC), `capabilities` and `adapter`.

4K comes only from the separate 4K endpoint (POST /api/v1/veo/get-4k-video, the ⬆️ 4K
follow-up), never from `resolution: "4k"` in generate. kie's pages disagree: the current OpenAPI
lists `resolution` 720p/1080p/4k on generate, while the generate pages at old-docs.kie.ai and
dog-test.kie.ai say 4K "is requested via a separate 4K endpoint" and the seed has no
`resolution` at all. The 4K endpoint is in every version, so the card offers 720p and 1080p for
a new video and 4K only as an upgrade of a delivered one.

A video made by kie's fallback model (`fallbackFlag: true` in record-info) is 720p and cannot be
upgraded (the 1080p and 4K pages: "if a task was generated via a deprecated fallback path, this
endpoint may not apply"): its status says so (`Succeeded.upgradable`) and no upgrade is offered.
"""

from bot.vendors.kie.adapter import KieVendor
from bot.vendors.kie.callbacks import CALLBACK_MAX_AGE_SECONDS, callback_task_id, sign_callback
from bot.vendors.kie.capabilities import CAPABILITIES
from bot.vendors.kie.upgrades import parse_4k, parse_1080p
from bot.vendors.kie.wire import (
    DEFAULT_UPLOAD_BASE_URL,
    NAME,
    UPGRADE_4K,
    UPGRADE_1080P,
    UPLOAD_FOLDER,
    build_4k_body,
    build_extend_body,
    build_submit_body,
    build_upload_body,
    parse_credits,
    parse_status,
    parse_task_id,
    parse_upload_url,
    split_task_id,
    unique_file_name,
    upgrade_task_id,
)

__all__ = [
    "CALLBACK_MAX_AGE_SECONDS",
    "CAPABILITIES",
    "DEFAULT_UPLOAD_BASE_URL",
    "NAME",
    "UPGRADE_4K",
    "UPGRADE_1080P",
    "UPLOAD_FOLDER",
    "KieVendor",
    "build_4k_body",
    "build_extend_body",
    "build_submit_body",
    "build_upload_body",
    "callback_task_id",
    "parse_4k",
    "parse_1080p",
    "parse_credits",
    "parse_status",
    "parse_task_id",
    "parse_upload_url",
    "sign_callback",
    "split_task_id",
    "unique_file_name",
    "upgrade_task_id",
]
