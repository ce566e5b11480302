"""The DM conversation end to end on every vendor, and failover between two of them."""

from __future__ import annotations

from typing import Any

from tests.fakes.contract import VendorFake
from tests.fakes.globalai import FakeGlobalAI
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Jobs, Person, StartBot

KEY = "every-vendor-key-0123456789"


def failover(first: FakeUniAll, second: FakeGlobalAI) -> dict[str, Any]:
    """Settings overrides for UniAll with GlobalAI behind it (no single-vendor key or URL)."""
    return {
        "vendor": "uniall,globalai",
        "vendor_api_key": None,
        "vendor_base_url": None,
        "uniall_api_key": KEY,
        "uniall_base_url": first.base_url,
        "globalai_api_key": KEY,
        "globalai_base_url": second.base_url,
    }


async def test_a_dm_video_from_every_vendor(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    vendor.play_success(running_polls=2)
    async with start_bot(**vendor.bot_settings()) as bot:
        card = await alice.say("/video a paper boat drifting down a rainy street")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        done = await alice.showing(card, "done")
        name = bot.settings.vendor[0]

    assert video.video_bytes == sample_mp4_bytes()
    assert (video.caption or "").startswith("a paper boat drifting down a rainy street")
    assert len(vendor.submissions) == 1
    assert "made by" in done
    [job] = jobs.rows()
    assert (job["vendor"], job["state"]) == (name, "delivered")


async def test_a_vendor_failure_is_told_on_every_vendor(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    vendor.play_failure("the scene could not be rendered")
    async with start_bot(**vendor.bot_settings()):
        card = await alice.say("/video an impossible scene")
        await alice.press(card, "Create video")
        text = await alice.showing(card, "failed")
        history = (await alice.say("/history")).text or ""

    # A human sentence in the status; the vendor's own words only in /history's details.
    assert text.startswith("❌ Job #1 failed: Veo 3.1 could not make this video this time.")
    assert "the scene could not be rendered" not in text
    assert "🔎 The video service said: " in history
    assert "the scene could not be rendered" in history
    assert telegram.calls_to("sendVideo") == []


async def test_failover_sends_the_same_job_to_the_next_vendor(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with FakeUniAll(KEY) as first, FakeGlobalAI(KEY) as second:
        first.fail_next_submits("balance")
        second.play_success()
        async with start_bot(**failover(first, second), admin_chat_id=-100777):
            card = await alice.say("/video a lighthouse at dawn")
            await alice.press(card, "Create video")
            video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
            done = await alice.showing(card, "done")

        assert first.submit_attempts == 1
        assert first.submissions == []
        assert len(second.submissions) == 1
    assert video.video_bytes == sample_mp4_bytes()
    assert done.startswith("✅ Job #1 is done (made by Veo 3.1).")
    [job] = jobs.rows()
    assert (job["vendor"], job["state"]) == ("globalai", "delivered")
    [alert] = telegram.messages(-100777)
    assert (alert.text or "").startswith("⚠️ Vendor uniall is out of balance")


async def test_when_no_vendor_can_take_it_the_job_fails_in_words(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with FakeUniAll(KEY) as first, FakeGlobalAI(KEY) as second:
        first.fail_next_submits("balance")
        second.fail_next_submits("auth")
        async with start_bot(**failover(first, second)):
            card = await alice.say("/video nobody home")
            await alice.press(card, "Create video")
            text = await alice.showing(card, "failed")

    assert "is not available right now. The operator has been told" in text
    assert jobs.rows()[0]["failure_kind"] == "auth"
