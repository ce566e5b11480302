"""A vendor's callback may reach any replica (issue 11): kie.ai calls back to the replica the
load balancer picks, not to the one that submitted the job, and the video comes at once."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from tests.fakes.kie import FakeKie
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.support.harness import Person, StartBot, free_port

HMAC_KEY = "kie-webhook-secret"


async def running_job(url: str) -> dict[str, Any]:
    """The one job, once the vendor has it (running), as its row."""
    conn = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(10):
            while True:
                row = await conn.fetchrow("SELECT * FROM jobs ORDER BY id LIMIT 1")
                if row is not None and row["state"] == "running":
                    return dict(row)
                await asyncio.sleep(0.05)
    finally:
        await conn.close()


async def test_a_callback_to_another_replica_finishes_the_job_at_once(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person, database_url: str
) -> None:
    kie.play_success(running_polls=0)  # the first poll, whenever it comes, finds it done
    other = free_port()
    settings = {
        **kie.bot_settings(),
        "kie_webhook_hmac_key": HMAC_KEY,
        "public_base_url": f"http://127.0.0.1:{other}",  # the balancer sends callbacks there
        "poll_interval_seconds": 60,  # left alone, the job would be polled a minute on
        "database_url": database_url,
    }
    submitting = start_bot(**settings, http_port=free_port())
    async with submitting:
        card = await alice.say("/video a hot air balloon over the desert")
        await alice.press(card, "Create video")
        row = await running_job(database_url)
        async with start_bot(**settings, http_port=other):
            callback_url = kie.submissions[0]["callBackUrl"]
            assert callback_url == f"http://127.0.0.1:{other}/callbacks/kie"
            polls_before = len(kie.polls)

            status = await kie.send_callback(
                callback_url, row["vendor_task_id"], hmac_key=HMAC_KEY
            )
            video = await telegram.wait_for_message(
                alice.chat.id, lambda m: m.kind == "video", timeout=5
            )

    assert status == 200
    assert video.video_bytes == sample_mp4_bytes()
    assert len(kie.polls) > polls_before
    assert len(kie.submissions) == 1
    assert [m.kind for m in telegram.messages(alice.chat.id)].count("video") == 1
