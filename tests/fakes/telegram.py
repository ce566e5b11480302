"""A fake Telegram Bot API HTTP server for tests.

The real python-telegram-bot ``Application`` talks to it over loopback HTTP, built with
``base_url(f"{tg.api_url}/bot")`` and ``base_file_url(f"{tg.api_url}/file/bot")``.

Tests act as users with ``send_text`` / ``press_button`` / ..., which queue updates that the bot
receives through (real, long-polling) ``getUpdates``; they inspect what the bot did through
``calls`` and the ``SentMessage`` records (``messages`` / ``last_message`` / ``wait_for_*``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any, TypedDict, TypeVar, Unpack
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from tests.fakes.telegram_api import NOT_FOUND, UNAUTHORIZED, ApiRequest, BotApi, ChatState
from tests.fakes.telegram_flood import FloodControl, FloodLimits
from tests.fakes.telegram_models import (
    LOCAL_UPLOAD_LIMIT,
    MB,
    UPLOAD_LIMIT,
    ApiError,
    Call,
    JsonDict,
    SentMessage,
    TgChat,
    TgUser,
    bad_request,
    normalize_params,
    utf16_len,
)

__all__ = ["ApiError", "Call", "FakeTelegram", "FloodLimits", "SentMessage", "TgChat", "TgUser"]

T = TypeVar("T")


class Where(TypedDict, total=False):
    """Where a user's message goes: as a reply to a message, in a forum topic."""

    reply_to: int | None
    thread_id: int | None


STICKER_FIELDS: JsonDict = {
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "emoji": "👍",
}


class FakeTelegram(BotApi):
    """The fake Bot API server plus the helpers tests use to act as users and to inspect the bot.

    Acting (each call queues an update for getUpdates and returns the new message id / query id):
    ``send_text``, ``edit_text``, ``send_photo``, ``send_document``, ``send_sticker``,
    ``send_voice``, ``press_button``, ``pre_checkout``, ``successful_payment``,
    ``push_raw_update``.

    Inspecting: ``calls`` / ``calls_to``, ``messages`` / ``last_message`` / ``message`` (the bot's
    messages as :class:`SentMessage`, edits applied), ``callback_answer``, ``pre_checkout_answer``,
    ``refunds``, ``file_downloads``, ``dropped`` (kept back by privacy mode), ``all_updates``,
    ``pending_updates`` and the ``wait_for*`` coroutines; ``take_updates`` for a test that
    delivers the updates to webhooks itself.

    Steering: ``fail_next`` (scripted errors), ``close_topics``, ``add_chat``; slow uploads: a
    sendVideo takes ``upload_seconds`` before the video is accepted (posted in the chat) and
    ``answer_seconds`` more before the answer goes out, like Telegram receiving and then
    processing a big file; a bot that hangs up meanwhile gets no answer (see ``Call``);
    ``flood`` (off unless given) answers 429 with ``retry_after`` past Telegram's limits, the
    refusals listed in ``flood_refusals`` (see :mod:`tests.fakes.telegram_flood`).
    """

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 7_000_000_001,
        bot_username: str = "veo_test_bot",
        bot_name: str = "Veo Test Bot",
        privacy_mode: bool = True,
        local_mode: bool = False,
        flood: FloodLimits | None = None,
    ) -> None:
        super().__init__(
            token,
            bot_id=bot_id,
            bot_username=bot_username,
            bot_name=bot_name,
            privacy_mode=privacy_mode,
            local_mode=local_mode,
        )
        self.api_url = ""  # "http://127.0.0.1:PORT" once started
        self.calls: list[Call] = []
        self.dropped: list[JsonDict] = []  # user updates privacy mode kept from the bot
        self.file_downloads: list[str] = []  # file_path of every GET /file/bot<token>/...
        self.upload_seconds = 0.0
        self.answer_seconds = 0.0
        self._runner: web.AppRunner | None = None
        self._flood = FloodControl(flood) if flood is not None else None

    @property
    def flood_refusals(self) -> list[tuple[float, str, int, int]]:
        """(monotonic time, method, chat_id, retry_after) of every 429 the flood mode answered."""
        return self._flood.refused if self._flood is not None else []

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        limit = LOCAL_UPLOAD_LIMIT if self.local_mode else UPLOAD_LIMIT
        app = web.Application(client_max_size=limit + 16 * MB)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            handler_cancellation=True,  # a client that hangs up ends its long poll
            access_log=None,
            shutdown_timeout=2.0,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.api_url = f"http://127.0.0.1:{port}"
        self._stopping = False

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._stopping = True
        self._wake()  # pending long polls answer [] right away
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- users acting ---------------------------------------------------------------------------

    def add_chat(self, chat: TgChat) -> None:
        """Make a chat known (with its title / forum flag) before anyone writes in it."""
        self._state(chat.id).chat = chat

    def close_topics(self, chat_id: int) -> None:
        """Later sends with a message_thread_id to this chat fail: "message thread not found"."""
        self._state(chat_id).topics_closed = True

    def send_text(
        self,
        user: TgUser,
        chat: TgChat,
        text: str,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        content: JsonDict = {"text": text}
        if entity := self._command_entity(text):
            content["entities"] = [entity]
        return self._user_message(user, chat, content, reply_to=reply_to, thread_id=thread_id)

    def send_photo(
        self,
        user: TgUser,
        chat: TgChat,
        jpeg: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        content: JsonDict = {"photo": self._photo_sizes(jpeg)}
        self._add_caption(content, caption, media_group_id)
        return self._user_message(user, chat, content, reply_to=reply_to, thread_id=thread_id)

    def send_document(
        self,
        user: TgUser,
        chat: TgChat,
        data: bytes,
        *,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        declared_size: int | None = None,
        media_group_id: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        fields = {"file_name": file_name, "mime_type": mime_type}
        content = self._file_content("document", data, ext, fields, size=declared_size)
        self._add_caption(content, caption, media_group_id)
        return self._user_message(user, chat, content, reply_to=reply_to, thread_id=thread_id)

    def send_sticker(self, user: TgUser, chat: TgChat, **where: Unpack[Where]) -> int:
        content = self._file_content("sticker", b"RIFF-fake-webp", "webp", STICKER_FIELDS)
        return self._user_message(user, chat, content, **where)

    def send_voice(self, user: TgUser, chat: TgChat, **where: Unpack[Where]) -> int:
        voice = {"duration": 3, "mime_type": "audio/ogg"}
        content = self._file_content("voice", b"OggS-fake-voice", "oga", voice)
        return self._user_message(user, chat, content, **where)

    def edit_text(self, user: TgUser, chat: TgChat, message_id: int, text: str) -> int:
        """`user` edits their text message `message_id` to `text`: an edited_message update."""
        state = self._state(chat.id)
        message = state.user_messages.get(message_id)
        if message is None or message.get("from", {}).get("id") != user.id:
            raise AssertionError(f"{user.id} sent no message {message_id} to chat {chat.id}")
        edited = {k: v for k, v in message.items() if k not in ("text", "entities")}
        edited |= {"text": text, "edit_date": int(time.time())}
        if entity := self._command_entity(text):
            edited["entities"] = [entity]
        state.user_messages[message_id] = edited
        return self._enqueue({"edited_message": edited})

    def press_button(self, user: TgUser, chat: TgChat, message_id: int, callback_data: str) -> str:
        state = self._state(chat.id)
        sent = state.bot_messages.get(message_id)
        if sent is None:
            raise AssertionError(f"chat {chat.id} has no bot message {message_id} to press")
        self._users[user.id] = user
        query_id = str(next(self._query_counter))
        self._callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "chat_instance": f"ci{chat.id}",
            "data": callback_data,
            "message": self._bot_message_dict(sent),
        }
        self._enqueue({"callback_query": query})
        return query_id

    def never_started(self, user: TgUser) -> None:
        """`user` never opened a private chat with the bot: messages to them are refused (403)
        until they write to it there."""
        self.unstarted.add(user.id)

    def inline_query(self, user: TgUser, query: str = "") -> str:
        """`user` types `@bot query` in some chat: an inline_query update; its query id."""
        self._users[user.id] = user
        query_id = str(next(self._query_counter))
        self.inline_answers[query_id] = None
        update = {"id": query_id, "from": user.to_dict(), "query": query, "offset": ""}
        self._enqueue({"inline_query": update})
        return query_id

    def inline_answer(self, query_id: str) -> JsonDict | None:
        return self.inline_answers.get(query_id)

    def pre_checkout(
        self, user: TgUser, *, payload: str, total_amount: int, currency: str = "XTR"
    ) -> str:
        self._users[user.id] = user
        query_id = str(next(self._query_counter))
        self._pre_checkout_answers[query_id] = None
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "currency": currency,
            "total_amount": total_amount,
            "invoice_payload": payload,
        }
        self._enqueue({"pre_checkout_query": query})
        return query_id

    def successful_payment(
        self,
        user: TgUser,
        chat: TgChat,
        *,
        payload: str,
        total_amount: int,
        charge_id: str,
        currency: str = "XTR",
    ) -> int:
        payment = {
            "currency": currency,
            "total_amount": total_amount,
            "invoice_payload": payload,
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": "",
        }
        self._charges.setdefault(charge_id, False)
        content: JsonDict = {"successful_payment": payment}
        return self._user_message(user, chat, content, reply_to=None, thread_id=None, service=True)

    def push_raw_update(self, update: dict[str, Any]) -> int:
        payment = (update.get("message") or {}).get("successful_payment") or {}
        if "telegram_payment_charge_id" in payment:
            self._charges.setdefault(payment["telegram_payment_charge_id"], False)
        return self._enqueue({k: v for k, v in update.items() if k != "update_id"})

    # --- inspecting what the bot did ------------------------------------------------------------

    @property
    def pending_updates(self) -> int:
        return len(self._queue)

    async def take_updates(self, wait: float = 0.2) -> list[JsonDict]:
        """Remove the queued updates and return them, waiting up to `wait` seconds for one: a
        test delivering them to webhooks, as Telegram does, takes them from here."""
        if not self._queue:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), wait)
        taken, self._queue = self._queue, []
        return taken

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def messages(self, chat_id: int) -> list[SentMessage]:
        state = self._chats.get(chat_id)
        return list(state.bot_messages.values()) if state else []

    def texts(self, chat_id: int) -> list[str]:
        """Text (or caption) of every bot message in the chat, in order."""
        return [m.text or m.caption or "" for m in self.messages(chat_id)]

    def last_message(self, chat_id: int) -> SentMessage:
        messages = self.messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}\n{self._dump_calls()}")
        return messages[-1]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        for sent in self.messages(chat_id):
            if sent.message_id == message_id:
                return sent
        raise AssertionError(f"the bot sent no message {message_id} to chat {chat_id}")

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        return self._callback_answers.get(query_id)

    def pre_checkout_answer(self, query_id: str) -> dict[str, Any] | None:
        return self._pre_checkout_answers.get(query_id)

    def my_commands(
        self, scope: JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        return self.commands.get(self._commands_key(scope, language_code), [])

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 10.0) -> T:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout}s "
                    f"({self.pending_updates} updates pending)\n{self._dump_calls()}"
                )
            await asyncio.sleep(0.02)

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> Call:
        def find() -> Call | None:
            return next((c for c in self.calls[after:] if c.method == method and where(c)), None)

        return await self.wait_for(find, timeout)

    async def wait_for_message(
        self,
        chat_id: int,
        where: Callable[[SentMessage], bool] = lambda m: True,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> SentMessage:
        def find() -> SentMessage | None:
            return next((m for m in self.messages(chat_id) if where(m)), None)

        return await self.wait_for(find, timeout)

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        self._failures.setdefault(method.lower(), []).append((error, times))

    def _dump_calls(self, last: int = 15) -> str:
        lines = [f"  #{i} {c.short()}" for i, c in enumerate(self.calls)][-last:]
        return "last calls:\n" + ("\n".join(lines) if lines else "  (none)")

    # --- HTTP -----------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return self._serve_file(path.removeprefix("/file/bot"))
        if not path.startswith("/bot"):
            return _error_response(NOT_FOUND)
        token, _, method = path.removeprefix("/bot").partition("/")
        if token != self.token:
            return _error_response(UNAUTHORIZED)
        try:
            parsed = await _parse_request(request)
        except ApiError as error:
            return _error_response(error)
        name = self._by_lower.get(method.lower(), method)
        call = Call(name, parsed.params, parsed.files, time.monotonic())
        self.calls.append(call)
        uploading = name == "sendVideo"
        if uploading and self.upload_seconds:
            await asyncio.sleep(self.upload_seconds)
        try:
            self._check_flood(name, parsed.params, call.at)
            result = await self.execute(name, parsed)
        except ApiError as error:
            call.status, call.error = error.error_code, error.description
            return _error_response(error)
        except Exception as exc:  # a bug in the fake: make it visible in the call dump
            crash = ApiError(500, f"Internal Server Error: fake crashed: {exc!r}")
            call.status, call.error = crash.error_code, crash.description
            return _error_response(crash)
        call.accepted_at = time.monotonic()
        if uploading and self.answer_seconds:
            await asyncio.sleep(self.answer_seconds)
        call.answered_at = time.monotonic()
        return web.json_response({"ok": True, "result": result})

    def _check_flood(self, name: str, params: JsonDict, now: float) -> None:
        if self._flood is None:
            return
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            self._flood.check(name, None, False, now)
            return
        known = self._chats.get(chat_id)
        is_group = known.chat.is_group if known is not None else chat_id < 0
        self._flood.check(name, chat_id, is_group, now)

    def _serve_file(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _error_response(UNAUTHORIZED)
        self.file_downloads.append(file_path)
        stored = self._files_by_path.get(file_path)
        if stored is None:
            return _error_response(NOT_FOUND)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # --- user messages --------------------------------------------------------------------------

    def _command_entity(self, text: str | None) -> JsonDict | None:
        if not text or not text.startswith("/") or len(text) < 2 or text[1].isspace():
            return None
        token = text.split(maxsplit=1)[0]
        return {"type": "bot_command", "offset": 0, "length": utf16_len(token)}

    def _file_content(
        self, kind: str, data: bytes, ext: str, fields: JsonDict, *, size: int | None = None
    ) -> JsonDict:
        """A user message's `kind` part (document, sticker, voice), its file stored."""
        stored = self._store_file(kind, data, ext=ext, size=size)
        media = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            **fields,
            "file_size": stored.size,
        }
        return {kind: media}

    def _add_caption(
        self, content: JsonDict, caption: str | None, media_group_id: str | None
    ) -> None:
        if caption is not None:
            content["caption"] = caption
            if entity := self._command_entity(caption):
                content["caption_entities"] = [entity]
        if media_group_id is not None:
            content["media_group_id"] = media_group_id

    def _user_message(
        self,
        user: TgUser,
        chat: TgChat,
        content: JsonDict,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
        service: bool = False,
    ) -> int:
        self._users[user.id] = user
        if chat.type == "private":
            self.unstarted.discard(user.id)
        state = self._state(chat.id)
        state.chat = chat
        message_id = state.take_id()
        message: JsonDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.to_dict(),
            "from": user.to_dict(),
        }
        if thread_id is not None and chat.is_forum:
            message |= {"message_thread_id": thread_id, "is_topic_message": True}
        message |= content
        if reply_to is not None:
            if not state.exists(reply_to):
                raise AssertionError(f"chat {chat.id} has no message {reply_to} to reply to")
            message["reply_to_message"] = self._message_dict(state, reply_to)
        state.user_messages[message_id] = message
        if service or self._delivers(state, message):
            self._enqueue({"message": message})
        else:
            self.dropped.append({"message": message})
        return message_id

    def _delivers(self, state: ChatState, message: JsonDict) -> bool:
        """Privacy mode (simplified): what a group bot gets to see."""
        if not self.privacy_mode or not state.chat.is_group:
            return True
        text = message.get("text") or message.get("caption") or ""
        if self._command_entity(text):
            _, at, target = text.split(maxsplit=1)[0].partition("@")
            if at and target.lower() == self.bot_username.lower():
                return True
            if not at and state.bot_messages:
                return True
        replied = message.get("reply_to_message") or {}
        return bool(replied.get("from", {}).get("id") == self.bot_id)


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.to_dict(), status=error.error_code)


async def _parse_request(request: web.Request) -> ApiRequest:
    """Form, multipart or JSON body (plus query string) -> decoded params and uploaded files."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    meta: dict[str, tuple[str | None, str | None]] = {}
    content_type = request.content_type
    if content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                files[part.name] = bytes(await part.read())
                meta[part.name] = (part.filename, part.headers.get("Content-Type"))
            else:
                raw[part.name] = await part.text()
    elif request.can_read_body:
        body = await request.text()
        if content_type == "application/json" and body.strip():
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON request body") from exc
            if not isinstance(decoded, dict):
                raise bad_request("request body must be a JSON object")
            raw.update(decoded)
        else:
            raw.update(parse_qsl(body, keep_blank_values=True))
    return ApiRequest(normalize_params(raw), files, meta)
