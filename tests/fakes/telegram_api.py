"""The simulated Bot API behind the fake Telegram server (see ``telegram.py``).

:class:`BotApi` keeps Telegram's side of the world -- chats, messages, files, the update queue,
pending queries -- and implements the Bot API methods on it. It knows nothing about HTTP:
:class:`tests.fakes.telegram.FakeTelegram` serves it over aiohttp and adds the test-facing API.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.telegram_models import (
    DOWNLOAD_LIMIT,
    LOCAL_UPLOAD_LIMIT,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    UPLOAD_LIMIT,
    ApiError,
    JsonDict,
    SentMessage,
    StoredFile,
    TgChat,
    TgUser,
    bad_request,
    html_error,
    visible_text,
)

UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")
TOO_LARGE = ApiError(413, "Request Entity Too Large")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# kind -> (file_id prefix, folder in file_path, default extension)
FILE_KINDS = {
    "video": ("BAACAgvid", "videos", "mp4"),
    "document": ("BQACAgdoc", "documents", "bin"),
    "photo": ("AgACAgpho", "photos", "jpg"),
    "sticker": ("CAACAgstk", "stickers", "webp"),
    "voice": ("AwACAgvoi", "voice", "oga"),
}


@dataclass
class ApiRequest:
    """One decoded request: params (form / JSON values decoded) and uploaded files by part."""

    params: JsonDict
    files: dict[str, bytes]
    file_meta: dict[str, tuple[str | None, str | None]]  # part name -> (filename, content type)


@dataclass
class _Input:
    """A file parameter resolved to bytes (upload / known file_id) or a URL."""

    data: bytes | None = None
    stored: StoredFile | None = None
    url: str | None = None
    filename: str | None = None
    mime_type: str | None = None


@dataclass
class ChatState:
    """One chat as Telegram sees it. User and bot messages share the message_id counter."""

    chat: TgChat
    next_message_id: int = 1
    user_messages: dict[int, JsonDict] = field(default_factory=dict)
    bot_messages: dict[int, SentMessage] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    topics_closed: bool = False

    def take_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def exists(self, message_id: int) -> bool:
        known = message_id in self.user_messages or message_id in self.bot_messages
        return known and message_id not in self.deleted


class BotApi:
    """Telegram's state and the Bot API methods; ``execute`` runs one decoded request."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int,
        bot_username: str,
        bot_name: str,
        privacy_mode: bool,
        local_mode: bool,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.privacy_mode = privacy_mode
        self.local_mode = local_mode

        self.all_updates: list[JsonDict] = []  # every update ever queued, with update_id
        self.refunds: list[JsonDict] = []  # params of successful refundStarPayment calls
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}  # (scope json, lang) -> list
        self.menu_buttons: dict[int | None, JsonDict] = {}
        # language_code ("" for the default) -> the bot's description / short description
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        # people who never opened a private chat with the bot: a message to them is refused
        # with 403, as Telegram does (opt in with `never_started`)
        self.unstarted: set[int] = set()
        self.inline_answers: dict[str, JsonDict | None] = {}  # inline query id -> answer

        self._queue: list[JsonDict] = []
        self._next_update_id = 100_001
        self._wakeup = asyncio.Event()
        self._poll_generation = 0
        self._stopping = False  # set by FakeTelegram.stop(): long polls answer [] at once
        self._chats: dict[int, ChatState] = {}
        self._users: dict[int, TgUser] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(4_200_000_000_000_001)
        self._callback_answers: dict[str, JsonDict | None] = {}
        self._pre_checkout_answers: dict[str, JsonDict | None] = {}
        self._charges: dict[str, bool] = {}  # telegram_payment_charge_id -> refunded
        self._failures: dict[str, list[tuple[ApiError, int]]] = {}  # lower-case method -> queue
        self.blocked: set[int] = set()  # users who blocked the bot: sends to them answer 403
        self._handlers: dict[str, Callable[[ApiRequest], Any]] = {
            "getMe": lambda r: self.bot_user(full=True),
            "logOut": lambda r: True,
            "close": lambda r: True,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "sendVideo": lambda r: self._send_media(r, "video"),
            "sendDocument": lambda r: self._send_media(r, "document"),
            "sendPhoto": lambda r: self._send_media(r, "photo"),
            "copyMessage": self._copy_message,
            "getFile": self._get_file,
            "sendInvoice": self._send_invoice,
            "answerPreCheckoutQuery": self._answer_pre_checkout_query,
            "refundStarPayment": self._refund_star_payment,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getMyDescription": lambda r: {"description": self._described(r, self.descriptions)},
            "setMyDescription": lambda r: self._describe(r, self.descriptions, "description"),
            "getMyShortDescription": lambda r: {
                "short_description": self._described(r, self.short_descriptions)
            },
            "setMyShortDescription": lambda r: self._describe(
                r, self.short_descriptions, "short_description"
            ),
            "answerInlineQuery": self._answer_inline_query,
        }
        self._by_lower = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    def bot_user(self, *, full: bool = False) -> JsonDict:
        user: JsonDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }
        if full:  # getMe
            user |= {
                "can_join_groups": True,
                "can_read_all_group_messages": not self.privacy_mode,
                "supports_inline_queries": True,
            }
        return user

    # --- dispatch & updates ---------------------------------------------------------------------

    async def execute(self, name: str, request: ApiRequest) -> Any:
        failures = self._failures.get(name.lower())
        if failures:
            error, times = failures[0]
            if times <= 1:
                failures.pop(0)
            else:
                failures[0] = (error, times - 1)
            raise error
        limit = LOCAL_UPLOAD_LIMIT if self.local_mode else UPLOAD_LIMIT
        if any(len(data) > limit for data in request.files.values()):
            raise TOO_LARGE
        if name == "getUpdates":
            return await self._get_updates(request.params)
        handler = self._handlers.get(name)
        if handler is None:
            raise NOT_FOUND
        return handler(request)

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _enqueue(self, update: JsonDict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        full = {"update_id": update_id, **update}
        self._queue.append(full)
        self.all_updates.append(full)
        self._wake()
        return update_id

    def repeat_update(self, update_id: int | None = None) -> JsonDict:
        """Queue an update again with its own id (the last one queued by default), as
        Telegram resends one; queued before the bot confirms the first, both reach it."""
        original = next(
            u for u in reversed(self.all_updates) if update_id in (None, u["update_id"])
        )
        self._queue.append(dict(original))
        self._wake()
        return original

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
        # Like Telegram, a newer getUpdates request terminates an older one still waiting.
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()
        while not self._queue and not self._stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
        return [] if self._stopping else self._queue[:limit]

    # --- chats & messages -----------------------------------------------------------------------

    def _state(self, chat_id: int) -> ChatState:
        state = self._chats.get(chat_id)
        if state is None:
            chat = TgChat(id=chat_id, type="private") if chat_id > 0 else TgChat.group(chat_id)
            state = self._chats[chat_id] = ChatState(chat)
        return state

    def _message_dict(self, state: ChatState, message_id: int) -> JsonDict:
        """A minimal copy of any message (no nested reply), e.g. for reply_to_message."""
        sent = state.bot_messages.get(message_id)
        if sent is not None:
            return self._bot_message_dict(sent, with_reply=False)
        message = dict(state.user_messages[message_id])
        message.pop("reply_to_message", None)
        return message

    def _bot_message_dict(self, sent: SentMessage, *, with_reply: bool = True) -> JsonDict:
        state = self._state(sent.chat_id)
        message: JsonDict = {
            "message_id": sent.message_id,
            "date": sent.date,
            "chat": state.chat.to_dict(),
            "from": self.bot_user(),
        }
        if sent.message_thread_id is not None:
            message |= {"message_thread_id": sent.message_thread_id, "is_topic_message": True}
        if sent.text is not None:
            message["text"] = sent.text
        if sent.media is not None:
            message[sent.kind] = sent.media
        if sent.caption is not None:
            message["caption"] = sent.caption
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        if sent.edit_date is not None:
            message["edit_date"] = sent.edit_date
        reply_id = sent.reply_to_message_id
        if with_reply and reply_id is not None and state.exists(reply_id):
            message["reply_to_message"] = self._message_dict(state, reply_id)
        return message

    def _chat_id(self, params: JsonDict, key: str = "chat_id") -> int:
        value = params.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None or value == "":
            raise bad_request(f"{key} is empty")
        raise bad_request("chat not found")

    def _new_bot_message(self, params: JsonDict, kind: str, **fields: Any) -> SentMessage:
        """Validate thread / reply parameters and record a new bot message."""
        chat_id = self._chat_id(params)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        state = self._state(chat_id)
        thread_id = params.get("message_thread_id")
        if thread_id is not None and state.topics_closed:
            raise bad_request("message thread not found")
        reply_to = _reply_target(state, params)
        sent = SentMessage(
            chat_id=chat_id,
            message_id=state.take_id(),
            reply_markup=_reply_markup(params),
            reply_to_message_id=reply_to,
            message_thread_id=thread_id if state.chat.is_forum else None,
            kind=kind,
            params=params,
            date=int(time.time()),
            **fields,
        )
        state.bot_messages[sent.message_id] = sent
        return sent

    def _editable(self, params: JsonDict) -> SentMessage:
        if "inline_message_id" in params:
            raise bad_request("message to edit not found")
        state = self._state(self._chat_id(params))
        message_id = params.get("message_id")
        sent = state.bot_messages.get(message_id) if isinstance(message_id, int) else None
        if sent is None or sent.deleted:
            if isinstance(message_id, int) and state.exists(message_id):
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return sent

    def _apply_edit(self, sent: SentMessage, params: JsonDict) -> JsonDict:
        sent.edits.append(params)
        sent.edit_date = int(time.time())
        return self._bot_message_dict(sent)

    # --- files ----------------------------------------------------------------------------------

    def _store_file(
        self, kind: str, data: bytes, *, ext: str | None = None, size: int | None = None
    ) -> StoredFile:
        prefix, folder, default_ext = FILE_KINDS[kind]
        n = next(self._file_counter)
        stored = StoredFile(
            file_id=f"{prefix}{n}",
            file_unique_id=f"AQADuniq{n}",
            data=data,
            size=len(data) if size is None else size,
            file_path=f"{folder}/file_{n}.{ext or default_ext}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, jpeg: bytes) -> list[JsonDict]:
        sizes = []
        for width, height in ((90, 68), (320, 240)):
            stored = self._store_file("photo", jpeg)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": stored.size,
                }
            )
        return sizes

    def _input_file(self, request: ApiRequest, name: str) -> _Input:
        value = request.params.get(name)
        part = name
        if isinstance(value, str) and value.startswith("attach://"):
            part, value = value.removeprefix("attach://"), None
        if value is None:
            if part not in request.files:
                raise bad_request(f"there is no {name} in the request")
            filename, mime_type = request.file_meta.get(part, (None, None))
            return _Input(data=request.files[part], filename=filename, mime_type=mime_type)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return _Input(url=value)
        stored = self._files.get(str(value))
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return _Input(data=stored.data, stored=stored)

    # --- Bot API methods ------------------------------------------------------------------------

    def _delete_webhook(self, request: ApiRequest) -> bool:
        self.webhook_url = ""
        if request.params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _set_webhook(self, request: ApiRequest) -> bool:
        self.webhook_url = str(request.params.get("url") or "")
        if request.params.get("drop_pending_updates"):
            self._queue.clear()
        self._wake()
        return True

    def _get_webhook_info(self, request: ApiRequest) -> JsonDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _set_my_commands(self, request: ApiRequest) -> bool:
        params = request.params
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self.commands[key] = commands
        return True

    def _get_my_commands(self, request: ApiRequest) -> list[JsonDict]:
        params = request.params
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return self.commands.get(key, [])

    def _delete_my_commands(self, request: ApiRequest) -> bool:
        params = request.params
        self.commands.pop(
            self._commands_key(params.get("scope"), params.get("language_code")), None
        )
        return True

    def _set_chat_menu_button(self, request: ApiRequest) -> bool:
        chat_id = request.params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = request.params.get(
            "menu_button"
        ) or {"type": "default"}
        return True

    def _check_started(self, params: JsonDict) -> None:
        if params.get("chat_id") in self.unstarted:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    @staticmethod
    def _described(request: ApiRequest, held: dict[str, str]) -> str:
        return held.get(str(request.params.get("language_code") or ""), "")

    @staticmethod
    def _describe(request: ApiRequest, held: dict[str, str], name: str) -> bool:
        text = str(request.params.get(name) or "")
        limit = 512 if name == "description" else 120
        if len(text) > limit:
            raise bad_request(f"{name} is too long")
        held[str(request.params.get("language_code") or "")] = text
        return True

    def _answer_inline_query(self, request: ApiRequest) -> bool:
        params = request.params
        query_id = str(params.get("inline_query_id"))
        if query_id not in self.inline_answers or self.inline_answers[query_id] is not None:
            raise ApiError(400, QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH" if isinstance(results, list) else "results empty")
        for result in results:
            file_id = result.get("video_file_id")
            if result.get("type") == "video" and file_id not in self._files:
                raise bad_request("wrong file identifier/HTTP URL specified")
        self.inline_answers[query_id] = params
        return True

    def _send_message(self, request: ApiRequest) -> JsonDict:
        self._check_started(request.params)
        text = _checked_text(request.params)
        return self._bot_message_dict(self._new_bot_message(request.params, "text", text=text))

    def _send_media(self, request: ApiRequest, kind: str) -> JsonDict:
        params = request.params
        self._chat_id(params)
        caption = _checked_caption(params)
        source = self._input_file(request, kind)
        data = source.data if source.data is not None else b""
        media: Any
        if kind == "photo":
            media = self._photo_sizes(data)
            file_id = str(media[-1]["file_id"])
        else:
            stored = source.stored
            if stored is None:
                name = source.filename or ""
                stored = self._store_file(kind, data, ext=name.rpartition(".")[2] or None)
            file_id = stored.file_id
            media = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
            if kind == "video":
                media |= {
                    "width": int(params.get("width") or 0),
                    "height": int(params.get("height") or 0),
                    "duration": int(params.get("duration") or 0),
                    "mime_type": "video/mp4",
                }
            else:
                media |= {
                    "file_name": source.filename or "document",
                    "mime_type": source.mime_type or "application/octet-stream",
                }
            media["file_size"] = stored.size
        sent = self._new_bot_message(
            params,
            kind,
            caption=caption,
            media=media,
            video_bytes=source.data,
            file_id=file_id,
        )
        return self._bot_message_dict(sent)

    def _copy_message(self, request: ApiRequest) -> JsonDict:
        params = request.params
        source_state = self._state(self._chat_id(params, "from_chat_id"))
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or not source_state.exists(message_id):
            raise bad_request("message to copy not found")
        original = self._message_dict(source_state, message_id)
        kind = next((k for k in ("video", "document", "photo") if k in original), "text")
        caption = params.get("caption", original.get("caption"))
        sent = self._new_bot_message(
            params,
            kind,
            text=original.get("text"),
            caption=caption,
            media=original.get(kind),
        )
        return {"message_id": sent.message_id}

    def _edit_message_text(self, request: ApiRequest) -> JsonDict:
        return self._edit_words(request, "text", _checked_text, lambda sent: sent.text is not None)

    def _edit_message_caption(self, request: ApiRequest) -> JsonDict:
        return self._edit_words(
            request, "caption", _checked_caption, lambda sent: sent.kind not in ("text", "invoice")
        )

    def _edit_words(
        self,
        request: ApiRequest,
        part: Literal["text", "caption"],
        checked: Callable[[JsonDict], str | None],
        has_field: Callable[[SentMessage], bool],
    ) -> JsonDict:
        """editMessageText / editMessageCaption: the new `part` and keyboard, if they change."""
        params = request.params
        sent = self._editable(params)
        value = checked(params)
        markup = _reply_markup(params)
        if not has_field(sent):
            raise bad_request(f"there is no {part} in the message to edit")
        if value == getattr(sent, part) and markup == sent.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        setattr(sent, part, value)
        sent.reply_markup = markup
        return self._apply_edit(sent, params)

    def _edit_message_reply_markup(self, request: ApiRequest) -> JsonDict:
        params = request.params
        sent = self._editable(params)
        markup = _reply_markup(params)
        if markup == sent.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        sent.reply_markup = markup
        return self._apply_edit(sent, params)

    def _delete_one(self, state: ChatState, message_id: Any) -> bool:
        if not isinstance(message_id, int) or not state.exists(message_id):
            return False
        state.deleted.add(message_id)
        if message_id in state.bot_messages:
            state.bot_messages[message_id].deleted = True
        return True

    def _delete_message(self, request: ApiRequest) -> bool:
        state = self._state(self._chat_id(request.params))
        if not self._delete_one(state, request.params.get("message_id")):
            raise bad_request("message to delete not found")
        return True

    def _delete_messages(self, request: ApiRequest) -> bool:
        state = self._state(self._chat_id(request.params))
        for message_id in request.params.get("message_ids") or []:
            self._delete_one(state, message_id)
        return True

    def _answer_callback_query(self, request: ApiRequest) -> bool:
        query_id = str(request.params.get("callback_query_id"))
        if query_id not in self._callback_answers or self._callback_answers[query_id] is not None:
            raise ApiError(400, QUERY_TOO_OLD)
        self._callback_answers[query_id] = request.params
        return True

    def _send_chat_action(self, request: ApiRequest) -> bool:
        self._state(self._chat_id(request.params))
        if request.params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _get_file(self, request: ApiRequest) -> JsonDict:
        stored = self._files.get(str(request.params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_LIMIT and not self.local_mode:
            raise bad_request("file is too big")
        return stored.to_api()

    def _send_invoice(self, request: ApiRequest) -> JsonDict:
        params = request.params
        prices = params.get("prices")
        if not isinstance(prices, list) or not prices:
            raise bad_request("prices must be non-empty")
        for key in ("title", "description", "payload", "currency"):
            if not params.get(key):
                raise bad_request(f"{key} is empty")
        invoice = {
            "title": params["title"],
            "description": params["description"],
            "start_parameter": str(params.get("start_parameter") or ""),
            "currency": params["currency"],
            "total_amount": sum(int(price["amount"]) for price in prices),
        }
        sent = self._new_bot_message(params, "invoice", media=invoice)
        return self._bot_message_dict(sent)

    def _answer_pre_checkout_query(self, request: ApiRequest) -> bool:
        query_id = str(request.params.get("pre_checkout_query_id"))
        answers = self._pre_checkout_answers
        if query_id not in answers or answers[query_id] is not None:
            raise bad_request("QUERY_ID_INVALID")
        answers[query_id] = request.params
        return True

    def _refund_star_payment(self, request: ApiRequest) -> bool:
        charge_id = str(request.params.get("telegram_payment_charge_id"))
        if self._charges.get(charge_id):
            raise bad_request("CHARGE_ALREADY_REFUNDED")
        self._charges[charge_id] = True
        self.refunds.append(request.params)
        return True

    def _get_chat(self, request: ApiRequest) -> JsonDict:
        chat = self._state(self._chat_id(request.params)).chat.to_dict()
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return chat | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys([*gifts, "gifts_from_channels"], False),
        }

    def _get_chat_member(self, request: ApiRequest) -> JsonDict:
        self._state(self._chat_id(request.params))
        user_id = request.params.get("user_id")
        if user_id == self.bot_id:
            return {"status": "member", "user": self.bot_user()}
        user = self._users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            return {
                "status": "member",
                "user": {"id": user_id, "is_bot": False, "first_name": "?"},
            }
        return {"status": "member", "user": user.to_dict()}


# --- validation helpers --------------------------------------------------------------------------


def _check_entities(text: str, params: JsonDict) -> None:
    if str(params.get("parse_mode") or "").lower() == "html" and (error := html_error(text)):
        raise bad_request(error)


def _checked_text(params: JsonDict) -> str:
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    return _checked_words(text, params, MAX_TEXT, "message is too long")


def _checked_caption(params: JsonDict) -> str | None:
    caption = params.get("caption")
    if caption is None or caption == "":
        return None
    return _checked_words(str(caption), params, MAX_CAPTION, "message caption is too long")


def _checked_words(words: str, params: JsonDict, limit: int, too_long: str) -> str:
    """`words` with valid entities and at most `limit` characters once formatting is parsed."""
    _check_entities(words, params)
    if len(visible_text(words, params.get("parse_mode"))) > limit:
        raise bad_request(too_long)
    return words


def _reply_markup(params: JsonDict) -> JsonDict | None:
    """The decoded reply_markup (None when absent or an empty inline keyboard)."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be Object"
        )
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup if any(rows) else None


def _reply_target(state: ChatState, params: JsonDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        if reply.get("chat_id") not in (None, state.chat.id):
            return None  # a reply to another chat; not modelled
        target, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
    else:
        target = params.get("reply_to_message_id")
        allow = params.get("allow_sending_without_reply")
    if target is None:
        return None
    if isinstance(target, int) and state.exists(target):
        return target
    if allow:
        return None
    raise bad_request("message to be replied not found")
