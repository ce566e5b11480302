"""The fake Bot API's opt-in flood mode: 429 with retry_after past Telegram's limits."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from tests.fakes.telegram import FakeTelegram, FloodLimits, TgChat, TgUser
from tests.fakes.telegram_flood import FloodControl
from tests.fakes.telegram_models import ApiError

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
ALICE = TgUser(id=111, first_name="Alice")
BOB = TgUser(id=222, first_name="Bob")
GROUP = TgChat.group(id=-100123)


async def send(client: httpx.AsyncClient, fake: FakeTelegram, chat_id: int) -> httpx.Response:
    url = f"{fake.api_url}/bot{TOKEN}/sendMessage"
    return await client.post(url, json={"chat_id": chat_id, "text": "hi"})


async def test_off_by_default_a_burst_is_answered() -> None:
    async with FakeTelegram(TOKEN) as fake, httpx.AsyncClient() as client:
        answers = [await send(client, fake, ALICE.id) for _ in range(40)]
    assert {answer.status_code for answer in answers} == {200}
    assert fake.flood_refusals == []


async def test_a_second_message_in_one_chat_within_a_second_gets_429_like_telegram() -> None:
    async with FakeTelegram(TOKEN, flood=FloodLimits()) as fake, httpx.AsyncClient() as client:
        first = await send(client, fake, ALICE.id)
        second = await send(client, fake, ALICE.id)
        other_chat = await send(client, fake, BOB.id)
        answer = await client.post(
            f"{fake.api_url}/bot{TOKEN}/answerCallbackQuery", json={"callback_query_id": "1"}
        )

    assert (first.status_code, second.status_code, other_chat.status_code) == (200, 429, 200)
    assert second.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert answer.status_code != 429  # only messages count
    [(_, method, chat_id, retry_after)] = fake.flood_refusals
    assert (method, chat_id, retry_after) == ("sendMessage", ALICE.id, 1)
    assert [call.status for call in fake.calls_to("sendMessage")] == [200, 429, 200]


async def test_python_telegram_bot_sees_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns when it builds RetryAfter without
    async with FakeTelegram(TOKEN, flood=FloodLimits()) as fake:
        bot = Bot(TOKEN, base_url=f"{fake.api_url}/bot")
        async with bot:
            await bot.send_message(ALICE.id, "one")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(ALICE.id, "two")
    assert caught.value.retry_after == dt.timedelta(seconds=1)


def test_the_windows_per_chat_per_group_and_overall() -> None:
    flood = FloodControl(FloodLimits())
    for second in range(20):  # one a second in a group: 20 fit in its minute
        flood.check("sendMessage", GROUP.id, True, float(second))
    with pytest.raises(ApiError, match="retry after 40"):
        flood.check("editMessageText", GROUP.id, True, 20.0)
    with pytest.raises(ApiError, match="retry after 1"):
        flood.check("editMessageText", GROUP.id, True, 59.5)
    flood.check("editMessageText", GROUP.id, True, 60.0)  # the first left the window

    overall = FloodControl(FloodLimits())
    for chat in range(30):
        overall.check("sendMessage", chat + 1, False, 100.0)
    with pytest.raises(ApiError, match="retry after 1"):  # the 31st within a second
        overall.check("sendVideo", 99, False, 100.5)
    overall.check("sendChatAction", 99, False, 100.5)  # not counted
    overall.check("sendMessage", 99, False, 101.0)
