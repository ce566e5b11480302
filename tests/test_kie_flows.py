"""kie.ai through the whole bot: callbacks that wake the poller, upgrades of a delivered video."""

from __future__ import annotations

from tests.fakes.kie import FakeKie, generating, success
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.support.harness import Jobs, Person, StartBot, free_port

HMAC_KEY = "kie-webhook-secret"


async def test_a_signed_callback_makes_the_bot_poll_at_once(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    port = free_port()
    kie.play_success(running_polls=0)  # the first poll, whenever it comes, finds it done
    async with start_bot(
        **kie.bot_settings(),
        kie_webhook_hmac_key=HMAC_KEY,
        public_base_url=f"http://127.0.0.1:{port}",
        http_port=port,
        poll_interval_seconds=60,
    ):
        card = await alice.say("/video a hot air balloon over the desert")
        await alice.press(card, "Create video")
        await jobs.wait(1, "running")
        task_id = jobs.rows()[0]["vendor_task_id"]
        callback_url = kie.submissions[0]["callBackUrl"]
        assert callback_url == f"http://127.0.0.1:{port}/callbacks/kie"
        polls_before = len(kie.polls)

        forged = await kie.send_callback(callback_url, task_id, hmac_key="not-the-key")
        stale = await kie.send_callback(callback_url, task_id, hmac_key=HMAC_KEY, timestamp=1)
        assert (forged, stale) == (401, 401)
        assert len(kie.polls) == polls_before

        assert await kie.send_callback(callback_url, task_id, hmac_key=HMAC_KEY) == 200
        video = await telegram.wait_for_message(
            alice.chat.id, lambda m: m.kind == "video", timeout=5
        )

    assert video.video_bytes == sample_mp4_bytes()
    assert len(kie.polls) > polls_before


async def delivered_video(
    alice: Person, telegram: FakeTelegram, jobs: Jobs, prompt: str
) -> tuple[SentMessage, list[str]]:
    """Make one video and wait for it: the video message and the labels of its buttons."""
    card = await alice.say(f"/video {prompt}")
    await alice.press(card, "Create video")
    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await jobs.wait(1, "delivered")
    return video, [label for label, _ in alice.current(video).buttons()]


async def test_upgrade_a_delivered_kie_video_to_1080p(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    kie.play_success()
    async with start_bot(**kie.bot_settings()):
        first, labels = await delivered_video(alice, telegram, jobs, "waves on a black sand beach")
        assert labels == [
            "🔁 Again",
            "✏️ New prompt",
            "📨 Send again",
            "➕ Extend",
            "⬆️ 1080p",
            "⬆️ 4K",
        ]

        data = alice.current(first).button_data("1080p")
        answers = [await alice.press_data(first.message_id, data) for _ in range(2)]
        upgraded = await telegram.wait_for_message(
            alice.chat.id, lambda m: m.kind == "video" and m.message_id != first.message_id
        )
        await telegram.wait_for(lambda: [r["state"] for r in jobs.rows()] == ["delivered"] * 2)

    assert [a.get("text") for a in answers] == [None, "Already requested."]
    assert upgraded.reply_to_message_id == first.message_id
    assert upgraded.caption == "waves on a black sand beach\n\n⚙️ ⬆️ upgraded to 1080p"
    assert [label for label, _ in alice.current(upgraded).buttons()] == ["📨 Send again"]
    parent_task = jobs.rows()[0]["vendor_task_id"]
    assert jobs.rows()[1]["vendor_task_id"] == f"1080p:{parent_task}"
    assert f"1080p:{parent_task}" in kie.polls


async def test_a_video_from_kies_fallback_model_offers_no_upgrade(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    """fallbackFlag: true in record-info means a 720p video kie cannot upgrade (issue 9)."""
    kie.script = [generating(), success(fallback=True)]
    async with start_bot(**kie.bot_settings()):
        _, labels = await delivered_video(alice, telegram, jobs, "a lighthouse in a storm")

    assert labels == ["🔁 Again", "✏️ New prompt", "📨 Send again", "➕ Extend"]
    assert jobs.rows()[0]["upgradable"] == 0
    assert not [poll for poll in kie.polls if poll.startswith(("1080p:", "4k:"))]
