"""Admin alerts are not multiplied by the number of replicas (issue 11): the hour's cooldown of
an alert is a row in the shared PostgreSQL database, so a replica that meets the same vendor
trouble after another already told the admins stays silent."""

from __future__ import annotations

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll, http_error
from tests.support.credits import ADMIN_CHAT_ID, CREDITS, create
from tests.support.harness import Person, StartBot, settle

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

ALERT = "⚠️ Vendor uniall refuses the API key: Invalid token"


async def test_vendor_trouble_met_by_two_replicas_alerts_the_admins_once(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    database_url: str,
) -> None:
    settings = {
        **CREDITS,
        "free_credits_per_day": 30,
        "admin_chat_id": ADMIN_CHAT_ID,
        "database_url": database_url,
        "leader_lease_seconds": 1.0,
    }
    uniall.submit_faults = [http_error(401), http_error(401)]
    first, second = start_bot(**settings), start_bot(**settings)
    await first.start()
    first_running = True
    try:
        card, _ = await create(alice, "the first job")  # only the first replica is running
        await alice.showing(card, "failed")
        async with second:
            first_running = False
            await first.stop()  # from here on the second replica polls and works every job
            card, _ = await create(alice, "the second job")
            await alice.showing(card, "failed")
            await settle(telegram)
    finally:
        if first_running:
            await first.stop()

    assert uniall.submit_attempts == 2  # each replica met the vendor's refusal
    assert telegram.texts(ADMIN_CHAT_ID) == [ALERT]
