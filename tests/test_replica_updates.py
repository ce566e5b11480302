"""Telegram updates across replicas (issue 11): each update takes effect once, the webhook
answers after handling, and in polling mode on PostgreSQL one replica polls at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from bot.app import BotRuntime
from bot.store.updates import Claim, UpdateStore
from tests.fakes.telegram import FakeTelegram
from tests.support.credits import CREDITS, thanks
from tests.support.harness import ALICE, Person, StartBot, free_port, settle
from tests.support.postgres import PostgresEngine, SharedDatabase

CARD = "Create video"


def said(alice: Person, text: str) -> dict[str, Any]:
    """The update Telegram posts (in webhook mode) for what Alice sent."""
    alice.send(text)
    return alice.telegram.all_updates[-1]


def webhook_settings(**more: Any) -> dict[str, Any]:
    port = free_port()
    return {
        "telegram_webhook": True,
        "public_base_url": f"http://127.0.0.1:{port}",
        "http_port": port,
        **more,
    }


def cards(telegram: FakeTelegram) -> int:
    return sum(
        1
        for m in telegram.messages(ALICE.id)
        if any(CARD in str(row) for row in (m.reply_markup or {}).get("inline_keyboard", []))
    )


def sent_to_alice(telegram: FakeTelegram) -> tuple[int, int]:
    """How many cards, and how many messages in all, the bot has sent Alice."""
    return cards(telegram), len(telegram.messages(ALICE.id))


async def post(client: httpx.AsyncClient, runtime: BotRuntime, update: dict[str, object]) -> int:
    url = f"http://127.0.0.1:{runtime.http_port}/telegram/webhook"
    secret = runtime.settings.webhook_secret
    answer = await client.post(
        url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
    )
    return answer.status_code


@pytest.fixture
async def postgres_database(postgres_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for replicas of the bot to share."""
    engine = PostgresEngine(postgres_url)
    location = await engine.create()
    yield str(location)
    await engine.drop(location)


# -- one replica (SQLite, the default) ----------------------------------------------------------


async def test_an_update_delivered_twice_takes_effect_once_when_polling(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person
) -> None:
    alice.send("/video a cat on a skateboard")
    repeated = telegram.repeat_update()
    await telegram.wait_for(lambda: cards(telegram) or None)
    await settle(telegram, 1.0)

    assert [u["update_id"] for u in telegram.all_updates] == [repeated["update_id"]]
    assert sent_to_alice(telegram) == (1, 1)  # one card, and nothing else


async def test_the_webhook_answers_after_the_update_was_handled_and_only_once(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**webhook_settings()) as runtime, httpx.AsyncClient() as client:
        update = said(alice, "/video a dog")
        first = await post(client, runtime, update)
        shown_when_answered = cards(telegram)
        again = await post(client, runtime, update)
        await asyncio.sleep(0.3)

    assert (first, again) == (200, 200)
    assert shown_when_answered == 1  # the card was sent before Telegram got its 200
    assert sent_to_alice(telegram) == (1, 1)  # one card, and nothing else


async def test_a_webhook_handler_failure_still_answers_200(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**webhook_settings()) as runtime, httpx.AsyncClient() as client:
        telegram.fail_next("sendMessage", error_code=400, description="Bad Request: odd")
        status = await post(client, runtime, said(alice, "/help"))

    assert status == 200  # the error handler had it; resending would only fail again


# -- replicas on one PostgreSQL database --------------------------------------------------------


async def test_the_same_webhook_update_to_two_replicas_takes_effect_once(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, postgres_database: str
) -> None:
    one = start_bot(**webhook_settings(database_url=postgres_database))
    two = start_bot(**webhook_settings(database_url=postgres_database))
    async with one, two, httpx.AsyncClient() as client:
        update = said(alice, "/video two replicas, one card")
        together = await asyncio.gather(post(client, one, update), post(client, two, update))
        later = await asyncio.gather(post(client, one, update), post(client, two, update))
        await asyncio.sleep(0.3)

    # One replica handled it; the other answered 200 if it was done by then, or 503 ("send it
    # again later") while the first was still on it. Once done, every copy answers 200.
    assert sorted(together) in ([200, 200], [200, 503])
    assert later == [200, 200]
    assert sent_to_alice(telegram) == (1, 1)  # one card, and nothing else


async def test_one_replica_polls_and_another_takes_over_when_it_stops(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, postgres_database: str
) -> None:
    lease = 1.0
    settings = {"database_url": postgres_database, "leader_lease_seconds": lease}
    leader, follower = start_bot(**settings), start_bot(**settings)
    await leader.start()
    leader_running = True
    try:
        async with follower:
            await asyncio.sleep(lease)  # a few renewals
            polling = [leader.polling, follower.polling]
            first = await alice.say("/help")
            leader_running = False
            await leader.stop()
            stopped_at = time.monotonic()
            await telegram.wait_for(lambda: follower.polling or None, timeout=lease + 2)
            took_over_after = time.monotonic() - stopped_at
            second = await alice.say("/help")
    finally:
        if leader_running:
            await leader.stop()

    assert polling == [True, False]  # the first to start polls, the other only works jobs
    assert took_over_after <= lease
    assert (first.text or "").startswith("What I can do")
    assert (second.text or "").startswith("What I can do")
    assert len(telegram.messages(ALICE.id)) == 2


async def test_a_payment_posted_to_two_replicas_credits_once(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, postgres_database: str
) -> None:
    one = start_bot(**webhook_settings(database_url=postgres_database, **CREDITS))
    two = start_bot(**webhook_settings(database_url=postgres_database, **CREDITS))
    async with one, two, httpx.AsyncClient() as client:
        telegram.successful_payment(
            alice.user, alice.chat, payload=f"m:{ALICE.id}", total_amount=200, charge_id="ch-2"
        )
        update = telegram.all_updates[-1]
        together = await asyncio.gather(post(client, one, update), post(client, two, update))
        later = await asyncio.gather(post(client, one, update), post(client, two, update))
        await asyncio.sleep(0.3)

    assert sorted(together) in ([200, 200], [200, 503])
    assert later == [200, 200]
    assert telegram.texts(ALICE.id) == [thanks(220, 220)]
    conn = await asyncpg.connect(postgres_database)
    try:
        rows = await conn.fetch(
            "SELECT kind, pool, amount FROM ledger WHERE user_id = $1", ALICE.id
        )
        payments = await conn.fetchval("SELECT count(*) FROM payments")
    finally:
        await conn.close()
    assert [tuple(row) for row in rows] == [("purchase", "paid", 220)]
    assert payments == 1


# -- the store, on both engines -----------------------------------------------------------------


async def test_update_claims_and_the_leader_row(shared_database: SharedDatabase) -> None:
    first, second = (UpdateStore(db) for db in await shared_database.open_many(2))
    now, lease = 1000.0, 60.0

    assert await first.claim(5, "a", now, lease) is Claim.TAKEN
    assert await second.claim(5, "b", now + 1, lease) is Claim.BUSY
    assert await second.claim(5, "b", now + lease + 1, lease) is Claim.TAKEN  # a died
    assert await second.claim(5, "b", now + lease + 1, lease, from_others=True) is Claim.BUSY
    await first.finish(5, "a", now + lease + 2)  # too late: b holds it now
    assert await first.claim(5, "a", now + 2 * lease + 2, lease) is Claim.TAKEN
    await first.finish(5, "a", now + 2 * lease + 3)
    assert await second.claim(5, "b", now + 10 * lease, lease, from_others=True) is Claim.DONE
    assert await second.claim(6, "b", now, lease) is Claim.TAKEN
    assert await first.claim(6, "a", now + 1, lease, from_others=True) is Claim.TAKEN  # polling
    assert await first.forget_before(now + 10 * lease) == 2
    assert await second.claim(5, "b", now + 10 * lease, lease) is Claim.TAKEN

    assert await first.lead("a", now, 10) is True
    assert await second.lead("b", now + 5, 10) is False
    assert await first.lead("a", now + 9, 10) is True  # renewed until now + 19
    assert await second.lead("b", now + 18, 10) is False
    assert await second.lead("b", now + 20, 10) is True  # a stopped renewing
    assert await first.lead("a", now + 21, 10) is False
    await second.step_down("b")
    assert await first.lead("a", now + 22, 10) is True
