"""kie.ai's Veo 3.1 API: generate, extend, 1080p/4K upgrades, record-info, uploads, callbacks.

Sources: seed 002 (the generate page) and vendors.md §3 (the current OpenAPI, record-info,
callbacks and their signing, upgrades, extend, the file upload API, credits). The package keeps
kie's concerns apart: `wire` (task ids, bodies, the answer envelope), `upgrades` (1080p/4K),
`callbacks` (which task, HMAC), `capabilities` and `adapter`.
"""

from bot.vendors.kie.adapter import KieVendor
from bot.vendors.kie.callbacks import CALLBACK_MAX_AGE_SECONDS, callback_task_id, sign_callback
from bot.vendors.kie.capabilities import CAPABILITIES
from bot.vendors.kie.upgrades import parse_4k, parse_1080p
from bot.vendors.kie.wire import (
    DEFAULT_BASE_URL,
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
    "DEFAULT_BASE_URL",
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
