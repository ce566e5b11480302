"""Self-tests of the fake Telegram Bot API server (tests/fakes/telegram.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.telegram import FakeTelegram, TgChat, TgUser

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
ALICE = TgUser(id=111, first_name="Alice", username="alice")
BOB = TgUser(id=222, first_name="Bob", language_code="de")
ALICE_CHAT = TgChat.private(ALICE)
GROUP = TgChat.group(id=-100123, title="Group")
FORUM = TgChat.group(id=-100777, title="Forum", is_forum=True)
JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Go ▶", callback_data="go:1")],
        [InlineKeyboardButton("Docs", url="https://example.com")],
    ]
)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        yield fake


def make_bot(fake: FakeTelegram, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{fake.api_url}/bot", base_file_url=f"{fake.api_url}/file/bot")


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(tg) as b:
        yield b


async def raw_post(fake: FakeTelegram, method: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=40) as client:
        return await client.post(f"{fake.api_url}/bot{TOKEN}/{method}", **kwargs)


# --- the HTTP surface ----------------------------------------------------------------------------


async def test_get_me_and_wrong_token(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7_000_000_001, "veo_test_bot", True)
    assert me.can_read_all_group_messages is False  # privacy mode on

    async with httpx.AsyncClient() as client:
        response = await client.post(f"{tg.api_url}/bot123:wrong/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with make_bot(tg, "123:wrong"):
            pass


async def test_unknown_method_is_404_and_recorded(tg: FakeTelegram) -> None:
    response = await raw_post(tg, "sendTeleportation", data={"chat_id": "1"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert tg.calls[-1].method == "sendTeleportation"
    assert tg.calls[-1].status == 404


async def test_form_json_and_multipart_params_are_decoded(tg: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    form = {"chat_id": "-100123", "text": "123", "reply_markup": json.dumps(markup)}
    assert (await raw_post(tg, "sendMessage", data=form)).json()["ok"] is True
    assert tg.calls[-1].params == {"chat_id": -100123, "text": "123", "reply_markup": markup}

    assert (await raw_post(tg, "sendMessage", json={"chat_id": 5, "text": "[1]"})).json()["ok"]
    assert tg.calls[-1].params == {"chat_id": 5, "text": "[1]"}

    response = await raw_post(
        tg,
        "sendVideo",
        data={"chat_id": "5", "width": "640", "caption": "42", "supports_streaming": "true"},
        files={"video": ("clip.mp4", b"abc", "video/mp4")},
    )
    assert response.json()["result"]["video"]["width"] == 640
    call = tg.calls[-1]
    assert call.params == {"chat_id": 5, "width": 640, "caption": "42", "supports_streaming": True}
    assert call.files == {"video": b"abc"}


async def test_stop_releases_pending_long_poll() -> None:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    poll = asyncio.create_task(raw_post(fake, "getUpdates", data={"timeout": "30"}))
    await fake.wait_for(lambda: fake.calls_to("getUpdates"))
    started = time.monotonic()
    await fake.stop()
    response = await asyncio.wait_for(poll, 5)
    assert response.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 3


async def test_newer_long_poll_terminates_older(tg: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(raw_post(tg, "getUpdates", data={"timeout": "10"}))
    await tg.wait_for(lambda: tg.calls_to("getUpdates"))
    second = asyncio.create_task(bot.get_updates(timeout=10))
    response = await asyncio.wait_for(first, 5)
    assert response.status_code == 409
    assert "terminated by other getUpdates" in response.json()["description"]
    tg.send_text(ALICE, ALICE_CHAT, "hi")
    assert len(await asyncio.wait_for(second, 5)) == 1
    tg.webhook_url = "https://example.com/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)


# --- getUpdates ----------------------------------------------------------------------------------


async def test_long_poll_receives_injected_update(tg: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    message_id = tg.send_text(ALICE, ALICE_CHAT, "/start@veo_test_bot hello")
    updates = await asyncio.wait_for(poll, 2)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert (message.message_id, message.text, message.from_user) == (
        message_id,
        "/start@veo_test_bot hello",
        message.from_user,
    )
    assert message.from_user is not None
    assert message.from_user.id == ALICE.id
    assert message.chat.type == "private"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start@veo_test_bot")

    # not confirmed yet: a restarted bot sees it again
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert tg.pending_updates == 1
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert tg.pending_updates == 0


async def test_limit_and_raw_updates(tg: FakeTelegram, bot: Bot) -> None:
    ids = [tg.send_text(BOB, TgChat.private(BOB), f"m{i}") for i in range(3)]
    assert ids == [1, 2, 3]  # per-chat message ids
    raw_id = tg.push_raw_update({"message": tg.all_updates[0]["message"] | {"text": "raw"}})
    updates = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in updates if u.message] == ["m0", "m1"]
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.update_id for u in updates][-1] == raw_id
    assert updates[-1].message is not None
    assert updates[-1].message.text == "raw"


# --- sending and editing -------------------------------------------------------------------------


async def test_send_edit_and_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    user_msg = tg.send_text(ALICE, ALICE_CHAT, "make a video")
    sent = await bot.send_message(
        ALICE.id,
        "<b>Working</b> on it",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
        reply_parameters=ReplyParameters(user_msg),
    )
    assert sent.message_id == user_msg + 1
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "make a video"
    record = tg.last_message(ALICE.id)
    assert record.text == "<b>Working</b> on it"
    assert record.reply_to_message_id == user_msg
    assert record.buttons() == [("Go ▶", "go:1"), ("Docs", "https://example.com")]
    assert record.button_data("Go") == "go:1"
    with pytest.raises(AssertionError, match="Go ▶"):
        record.button_data("Stop")

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>Working</b> on it",
            chat_id=ALICE.id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=KEYBOARD,
        )
    edited = await bot.edit_message_text("Done", chat_id=ALICE.id, message_id=sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.text == "Done"
    assert (record.text, record.reply_markup, len(record.edits)) == ("Done", None, 1)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=ALICE.id, message_id=999)
    await bot.edit_message_reply_markup(ALICE.id, sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(ALICE.id, sent.message_id, reply_markup=KEYBOARD)
    assert record.buttons()[0] == ("Go ▶", "go:1")

    assert await bot.delete_message(ALICE.id, sent.message_id) is True
    assert record.deleted is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ALICE.id, sent.message_id)


async def test_send_message_validation(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ALICE.id, "hi", reply_parameters=ReplyParameters(42))
    ok = await bot.send_message(
        ALICE.id, "hi", reply_parameters=ReplyParameters(42, allow_sending_without_reply=True)
    )
    assert ok.reply_to_message is None
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALICE.id, "x" * 4097)
    assert await bot.send_message(ALICE.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ALICE.id, "")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ALICE.id, "a <prompt> b", parse_mode="HTML")
    bad_button = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ALICE.id, "hi", reply_markup=bad_button)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@nobody", "hi")


async def test_send_video_upload_file_id_and_url(tg: FakeTelegram, bot: Bot) -> None:
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 10
    message = await bot.send_video(
        ALICE.id,
        data,
        caption="Your video",
        width=1280,
        height=720,
        duration=8,
        supports_streaming=True,
        reply_markup=KEYBOARD,
    )
    assert message.video is not None
    assert message.video.file_id.startswith("BAACAgvid")
    assert (message.video.width, message.video.height) == (1280, 720)
    assert message.video.file_size == len(data)
    assert message.caption == "Your video"
    record = tg.last_message(ALICE.id)
    assert (record.kind, record.video_bytes, record.file_id) == (
        "video",
        data,
        message.video.file_id,
    )
    assert record.params["supports_streaming"] is True
    assert tg.calls_to("sendVideo")[-1].files == {"video": data}

    again = await bot.send_video(ALICE.id, message.video.file_id)
    assert again.video is not None
    assert again.video.file_id == message.video.file_id
    assert tg.last_message(ALICE.id).video_bytes == data

    await bot.send_video(ALICE.id, "https://cdn.example.com/v.mp4")
    assert tg.last_message(ALICE.id).params["video"] == "https://cdn.example.com/v.mp4"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_video(ALICE.id, "no-such-file-id")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_video(ALICE.id, data, caption="c" * 1025)

    doc = await bot.send_document(ALICE.id, data, filename="clip.mp4", caption="file")
    assert doc.document is not None
    assert doc.document.file_name == "clip.mp4"
    assert tg.last_message(ALICE.id).kind == "document"
    assert tg.last_message(ALICE.id).file_bytes == data
    photo = await bot.send_photo(ALICE.id, JPEG)
    assert photo.photo[-1].file_id == tg.last_message(ALICE.id).file_id

    edited = await bot.edit_message_caption(ALICE.id, message.message_id, caption="Done ✅")
    assert isinstance(edited, Message)
    assert edited.caption == "Done ✅"
    assert tg.message(ALICE.id, message.message_id).caption == "Done ✅"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_caption(ALICE.id, message.message_id, caption="Done ✅")
    copy = await bot.copy_message(BOB.id, ALICE.id, message.message_id)
    copied = tg.message(BOB.id, copy.message_id)
    assert (copied.kind, copied.caption) == ("video", "Done ✅")
    assert await bot.delete_messages(ALICE.id, [message.message_id, photo.message_id])
    assert tg.message(ALICE.id, photo.message_id).deleted


async def test_upload_limit(tg: FakeTelegram, bot: Bot) -> None:
    big = b"\x00" * (50 * 1024 * 1024 + 1)
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await bot.send_video(ALICE.id, big, write_timeout=60)
    assert tg.calls_to("sendVideo")[-1].status == 413
    assert tg.messages(ALICE.id) == []

    async with FakeTelegram(TOKEN, local_mode=True) as local, make_bot(local) as local_bot:
        message = await local_bot.send_video(ALICE.id, big, write_timeout=60)
        assert message.video is not None
        assert message.video.file_size == len(big)


async def test_fail_next(tg: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, PTB 22 warns (PTBDeprecationWarning) whenever it builds RetryAfter,
    # which pytest's filterwarnings=error turns into a failure.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    tg.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=3)
    tg.fail_next("sendVideo", error_code=502, description="Bad Gateway", times=2)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE.id, "hi")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    assert tg.calls_to("sendMessage")[-1].status == 429
    assert (await bot.send_message(ALICE.id, "hi")).text == "hi"
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_video(ALICE.id, b"v")
    assert await bot.send_video(ALICE.id, b"v")


async def test_chat_helpers_and_commands(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_chat_action(ALICE.id, "upload_video")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(ALICE.id, "dancing")
    assert await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c["command"] for c in tg.my_commands()] == ["start", "help"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    tg.add_chat(GROUP)
    chat = await bot.get_chat(GROUP.id)
    assert (chat.type, chat.title) == ("supergroup", "Group")
    tg.send_text(BOB, GROUP, "hello")
    member = await bot.get_chat_member(GROUP.id, BOB.id)
    assert (member.status, member.user.first_name) == ("member", "Bob")
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


# --- users acting --------------------------------------------------------------------------------


async def test_callback_query_carries_current_message(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(ALICE.id, "Pick one", reply_markup=KEYBOARD)
    query_id = tg.press_button(ALICE, ALICE_CHAT, sent.message_id, "go:1")
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "go:1"
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == KEYBOARD
    assert await bot.answer_callback_query(query_id, text="ok", show_alert=True)
    assert tg.callback_answer(query_id) == {
        "callback_query_id": query_id,
        "text": "ok",
        "show_alert": True,
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")
    with pytest.raises(AssertionError):
        tg.press_button(ALICE, ALICE_CHAT, 999, "go:1")


async def test_privacy_mode_in_groups(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(BOB, GROUP, "just chatting")
    tg.send_text(BOB, GROUP, "/start")  # the bot never spoke here
    tg.send_text(BOB, GROUP, "/start@other_bot")
    assert tg.pending_updates == 0
    assert len(tg.dropped) == 3
    tg.send_text(BOB, GROUP, "/start@VEO_test_bot")
    assert tg.pending_updates == 1

    sent = await bot.send_message(GROUP.id, "Hi group")
    tg.send_text(BOB, GROUP, "/help")
    tg.send_text(BOB, GROUP, "nice", reply_to=sent.message_id)
    tg.send_text(BOB, GROUP, "unrelated")
    updates = await bot.get_updates(timeout=0)
    texts = [u.message.text for u in updates if u.message]
    assert texts == ["/start@VEO_test_bot", "/help", "nice"]
    reply = updates[-1].message
    assert reply is not None
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.from_user is not None
    assert reply.reply_to_message.from_user.id == tg.bot_id
    assert reply.chat.type == "supergroup"
    assert reply.chat.title == "Group"
    tg.send_sticker(ALICE, ALICE_CHAT)
    tg.send_voice(ALICE, ALICE_CHAT)
    assert tg.pending_updates == 5  # private chats always deliver


async def test_forum_threads_and_closed_topics(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(ALICE, FORUM, "/start@veo_test_bot", thread_id=7)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert (update.message.message_thread_id, update.message.is_topic_message) == (7, True)
    assert update.message.chat.is_forum is True
    sent = await update.message.reply_text("In topic")
    assert sent.message_thread_id == 7
    assert tg.last_message(FORUM.id).message_thread_id == 7

    await bot.send_message(GROUP.id, "ignored thread", message_thread_id=3)
    assert tg.last_message(GROUP.id).message_thread_id is None
    tg.close_topics(FORUM.id)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM.id, "x", message_thread_id=7)


async def test_files_get_file_and_download(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_photo(ALICE, ALICE_CHAT, JPEG, caption="make it move", media_group_id="g1")
    tg.send_document(
        ALICE, ALICE_CHAT, b"%PDF-1", file_name="brief.pdf", mime_type="application/pdf"
    )
    tg.send_document(
        ALICE,
        ALICE_CHAT,
        b"tiny",
        file_name="huge.mp4",
        mime_type="video/mp4",
        declared_size=21 * 1024 * 1024,
    )
    photo_update, doc_update, huge_update = await bot.get_updates(timeout=0)
    photo_message = photo_update.message
    assert photo_message is not None
    assert (photo_message.caption, photo_message.media_group_id) == ("make it move", "g1")
    assert len(photo_message.photo) == 2
    for size in photo_message.photo:
        file = await size.get_file()
        assert file.file_path is not None
        assert "photos/file_" in file.file_path
        assert bytes(await file.download_as_bytearray()) == JPEG
    assert len(tg.file_downloads) == 2
    assert tg.file_downloads[0].startswith("photos/")

    assert doc_update.message is not None
    assert doc_update.message.document is not None
    file = await doc_update.message.document.get_file()
    assert file.file_path is not None
    assert file.file_path.endswith(".pdf")
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1"

    assert huge_update.message is not None
    assert huge_update.message.document is not None
    assert huge_update.message.document.file_size == 21 * 1024 * 1024
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await huge_update.message.document.get_file()


async def test_payments(tg: FakeTelegram, bot: Bot) -> None:
    invoice = await bot.send_invoice(
        ALICE.id,
        title="100 credits",
        description="Credits for videos",
        payload="credits:100",
        currency="XTR",
        prices=[LabeledPrice("100 credits", 250)],
        provider_token="",
    )
    assert invoice.invoice is not None
    assert invoice.invoice.total_amount == 250
    record = tg.last_message(ALICE.id)
    assert record.kind == "invoice"
    assert record.params["prices"] == [{"label": "100 credits", "amount": 250}]

    query_id = tg.pre_checkout(ALICE, payload="credits:100", total_amount=250)
    (update,) = await bot.get_updates(timeout=0)
    assert update.pre_checkout_query is not None
    assert update.pre_checkout_query.invoice_payload == "credits:100"
    assert await bot.answer_pre_checkout_query(query_id, ok=True)
    assert tg.pre_checkout_answer(query_id) == {"pre_checkout_query_id": query_id, "ok": True}

    tg.successful_payment(
        ALICE, ALICE_CHAT, payload="credits:100", total_amount=250, charge_id="ch1"
    )
    (update,) = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert update.message is not None
    assert update.message.successful_payment is not None
    assert update.message.successful_payment.telegram_payment_charge_id == "ch1"
    assert await bot.refund_star_payment(ALICE.id, "ch1")
    assert tg.refunds == [{"user_id": ALICE.id, "telegram_payment_charge_id": "ch1"}]
    with pytest.raises(BadRequest, match=r"(?i)charge_already_refunded"):
        await bot.refund_star_payment(ALICE.id, "ch1")


async def test_wait_for_timeout_dumps_recent_calls(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(ALICE.id, "hello there")
    with pytest.raises(AssertionError, match=r"sendMessage\(chat_id=111, text=hello there\)"):
        await tg.wait_for(lambda: False, timeout=0.1)
    with pytest.raises(AssertionError, match="the bot sent nothing"):
        tg.last_message(BOB.id)


# --- a real Application, long polling ------------------------------------------------------------


async def test_real_application_round_trip(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Choose", reply_markup=KEYBOARD)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Starting…")
        await query.edit_message_text(f"Chosen: {query.data}")
        assert query.message is not None
        await context.bot.send_video(query.message.chat.id, b"mp4-bytes", width=720, height=1280)

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{tg.api_url}/bot")
        .base_file_url(f"{tg.api_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    assert app.updater is not None
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=5))
        await tg.wait_for_call("getUpdates")  # long poll in flight before the user acts

        command_id = tg.send_text(ALICE, ALICE_CHAT, "/start")
        menu = await tg.wait_for_message(ALICE.id, lambda m: m.text == "Choose")
        assert menu.reply_to_message_id in (None, command_id)

        mark = len(tg.calls)
        query_id = tg.press_button(ALICE, ALICE_CHAT, menu.message_id, menu.button_data("Go"))
        await tg.wait_for_call("answerCallbackQuery", after=mark)
        assert tg.callback_answer(query_id) == {"callback_query_id": query_id, "text": "Starting…"}
        video_call = await tg.wait_for_call("sendVideo", after=mark)
        assert video_call.files == {"video": b"mp4-bytes"}
        assert menu.text == "Chosen: go:1"
        assert menu.reply_markup is None
        assert tg.last_message(ALICE.id).video_bytes == b"mp4-bytes"

        await app.updater.stop()
        await app.stop()
    assert tg.pending_updates == 0  # the updater confirmed what it handled
    assert "deleteWebhook" in [c.method for c in tg.calls]
