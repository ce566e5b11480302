"""Value types and request-decoding helpers for the fake Telegram Bot API (see ``telegram.py``).

Nothing here talks to the network; the server itself lives in :mod:`tests.fakes.telegram`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

MB = 1024 * 1024
UPLOAD_LIMIT = 50 * MB  # public Bot API: bots may upload files up to 50 MB
LOCAL_UPLOAD_LIMIT = 2000 * MB  # local Bot API server
DOWNLOAD_LIMIT = 20 * MB  # public Bot API: getFile refuses files over 20 MB
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(
        self, error_code: int, description: str, parameters: JsonDict | None = None
    ) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_dict(self) -> JsonDict:
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class TgUser:
    """A (human) Telegram user that acts in tests."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None

    def to_dict(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True)
class TgChat:
    """A chat: ``type`` is "private", "group" or "supergroup".

    ``first_name`` is only used for private chats (filled in by :meth:`private`).
    """

    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    first_name: str | None = None

    @classmethod
    def private(cls, user: TgUser) -> TgChat:
        return cls(id=user.id, type="private", first_name=user.first_name)

    @classmethod
    def group(cls, id: int = -100123, title: str = "Group", is_forum: bool = False) -> TgChat:
        return cls(id=id, type="supergroup", title=title, is_forum=is_forum)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_dict(self) -> JsonDict:
        if self.type == "private":
            return {"id": self.id, "type": "private", "first_name": self.first_name or "User"}
        chat: JsonDict = {"id": self.id, "type": self.type, "title": self.title or "Group"}
        if self.is_forum:
            chat["is_forum"] = True
        return chat


@dataclass
class Call:
    """One request the bot made. ``at`` is ``time.monotonic()`` when it arrived.

    ``status`` is the HTTP status the fake answered with (200 on success) and ``error`` the error
    description, if any. ``accepted_at`` is when the fake carried the call out (a sendVideo's
    video is in the chat from then on) and ``answered_at`` when it sent its success answer; both
    stay ``None`` for a call the bot hung up on first.
    """

    method: str
    params: JsonDict
    files: dict[str, bytes]
    at: float
    status: int = 200
    error: str | None = None
    accepted_at: float | None = None
    answered_at: float | None = None

    def short(self, width: int = 60) -> str:
        parts = []
        for key, value in self.params.items():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            if len(text) > width:
                text = text[: width - 1] + "…"
            parts.append(f"{key}={text}")
        parts.extend(f"{name}=<{len(data)} bytes>" for name, data in self.files.items())
        outcome = "" if self.error is None else f"  -> {self.status} {self.error}"
        return f"{self.method}({', '.join(parts)}){outcome}"


@dataclass
class SentMessage:
    """A message the BOT sent, in its current state (edits applied).

    ``video_bytes`` holds the uploaded bytes for sendVideo / sendDocument / sendPhoto (also when
    the bot re-sent a file_id this fake knows). ``media`` is the Bot API object the fake returned
    for the media part (the ``video`` / ``document`` dict, the ``photo`` size list, the
    ``invoice`` dict).
    """

    chat_id: int
    message_id: int
    text: str | None = None
    caption: str | None = None
    reply_markup: JsonDict | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    kind: str = "text"
    video_bytes: bytes | None = None
    file_id: str | None = None
    params: JsonDict = field(default_factory=dict)
    edits: list[JsonDict] = field(default_factory=list)
    deleted: bool = False
    date: int = 0
    edit_date: int | None = None
    media: Any = None

    @property
    def file_bytes(self) -> bytes | None:
        return self.video_bytes

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data or url or other target) of every inline button, row by row."""
        result = []
        for row in self.inline_keyboard:
            for button in row:
                result.append((str(button.get("text", "")), button_target(button)))
        return result

    def button_data(self, text_contains: str) -> str:
        for text, target in self.buttons():
            if text_contains in text:
                return target
        raise AssertionError(
            f"no button containing {text_contains!r} in message {self.message_id} "
            f"(chat {self.chat_id}); buttons: {self.buttons()!r}"
        )


def button_target(button: Mapping[str, Any]) -> str:
    for key in ("callback_data", "url"):
        if isinstance(button.get(key), str):
            return str(button[key])
    if button.get("pay"):
        return "pay"
    for key in ("web_app", "login_url"):
        if isinstance(button.get(key), dict):
            return str(button[key].get("url", ""))
    for key in ("switch_inline_query", "switch_inline_query_current_chat"):
        if key in button:
            return str(button[key])
    return ""


@dataclass
class StoredFile:
    """A file the fake knows: sent by a user, or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    data: bytes
    size: int
    file_path: str

    def to_api(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


# --- request decoding --------------------------------------------------------------------------

# Values that are always plain strings, even when they look like a number or JSON.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "title",
        "description",
        "payload",
        "start_parameter",
        "callback_query_id",
        "pre_checkout_query_id",
        "shipping_query_id",
        "inline_query_id",
        "inline_message_id",
        "telegram_payment_charge_id",
        "file_id",
        "url",
        "parse_mode",
        "currency",
        "provider_token",
        "provider_data",
        "error_message",
        "action",
        "emoji",
        "question",
        "secret_token",
        "business_connection_id",
        "message_effect_id",
        "language_code",
        "name",
        "short_name",
        "photo",
        "video",
        "document",
        "audio",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "cover",
    }
)
# Values that are JSON-serialised objects / arrays.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "prices",
        "link_preview_options",
        "media",
        "scope",
        "menu_button",
        "suggested_tip_amounts",
        "message_ids",
        "results",
        "options",
        "explanation_entities",
        "reaction",
        "permissions",
        "rights",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "user_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "timeout",
        "limit",
        "duration",
        "width",
        "height",
        "length",
        "cache_time",
        "total_amount",
        "max_tip_amount",
        "star_count",
        "subscription_period",
        "until_date",
        "max_connections",
        "video_start_timestamp",
    }
)
_INT_RE = re.compile(r"-?\d+")


def decode_value(key: str, value: str) -> Any:
    """Turn one form value (always a string on the wire) into what the bot meant."""
    if key in STRING_FIELDS:
        return value
    if key in JSON_FIELDS or value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in INT_FIELDS and _INT_RE.fullmatch(value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


def normalize_params(raw: Mapping[str, Any]) -> JsonDict:
    return {
        key: decode_value(key, value) if isinstance(value, str) else value
        for key, value in raw.items()
    }


# --- text helpers ------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?\s*>")


def html_error(text: str) -> str | None:
    """Why Telegram would refuse ``text`` with parse_mode=HTML (simplified), or None."""
    stack: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) != -1:
        offset = len(text[:start].encode())
        match = _TAG_RE.match(text, start)
        if match is None:
            return f"can't parse entities: Unsupported start tag at byte offset {offset}"
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in _HTML_TAGS:
            return f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}'
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            expected = f'"</{stack[-1]}>"' if stack else "no end tag"
            return (
                f"can't parse entities: Unmatched end tag at byte offset {offset}, "
                f'expected {expected}, found "</{name}>"'
            )
        else:
            stack.pop()
        pos = match.end()
    if stack:
        return (
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return None


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text as the user would see it (used for the length limits)."""
    if (parse_mode or "").lower() == "html":
        return html.unescape(_TAG_RE.sub("", text))
    return text


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
