"""Jobs over HTTP when vendors misbehave, when the bot restarts, and when time runs out."""

from __future__ import annotations

from bot.app import BotRuntime
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import (
    FakeUniAll,
    completed,
    delay,
    failed,
    garbage,
    html,
    http_error,
    in_progress,
    queued,
    status,
)
from tests.support.harness import Jobs, OffsetClock, Person, StartBot

PROMPT = "A lighthouse in a storm, waves crashing"


async def start_job(alice: Person) -> SentMessage:
    """Open a card with the prompt and press Create; return the card (now the status)."""
    card = await alice.say(f"/video {PROMPT}")
    await alice.press(card, "Create video")
    return card


async def test_vendor_failure_reaches_the_person_in_words(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.script = [queued(), failed("Your prompt was flagged by the content policy")]
    card = await start_job(alice)

    text = await alice.showing(card, "failed")

    assert text.startswith(
        "❌ Job #1 failed: Veo 3.1 would not make this video: the prompt or a photo seems to "
        "break its content rules. Change the prompt and try again."
    )
    assert telegram.calls_to("sendVideo") == []
    assert jobs.rows()[0]["state"] == "failed"


async def test_transient_vendor_errors_are_retried_then_delivered(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    # The vendor's own 500 proves nothing was made: resent. (A proxy's 502 page is an unknown
    # outcome, never resent: tests/test_vendor_faults.py.)
    uniall.submit_faults = [http_error(500)]
    uniall.script = [
        queued(),
        http_error(500),
        html(502),
        delay(5.0),  # longer than VENDOR_TIMEOUT_SECONDS: the status call times out
        garbage(),
        http_error(429, retry_after=0.1),
        in_progress(60),
        completed(),
    ]
    await start_job(alice)

    video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video", timeout=20)

    assert video.video_bytes == sample_mp4_bytes()
    assert uniall.submit_attempts == 2
    assert len(uniall.submissions) == 1
    await jobs.wait(1, "delivered")
    assert len(telegram.calls_to("sendVideo")) == 1


async def test_a_vendor_that_never_recovers_fails_the_job_cleanly(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [http_error(503) for _ in range(10)]
    card = await start_job(alice)

    text = await alice.showing(card, "failed")

    assert "Veo 3.1 is not responding. Please try again later." in text
    assert uniall.submit_attempts == 5
    assert uniall.submissions == []
    [job] = jobs.rows()
    assert (job["state"], job["failure_kind"]) == ("failed", "unavailable")
    assert await alice.say("/help")  # still answering


async def test_a_final_vendor_refusal_is_not_retried(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [http_error(402)]
    card = await start_job(alice)

    text = await alice.showing(card, "failed")

    assert "Veo 3.1 is not available right now. The operator has been told" in text
    assert uniall.submit_attempts == 1
    assert jobs.rows()[0]["failure_kind"] == "balance"


async def test_completed_without_a_video_is_a_failure(
    bot: BotRuntime, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.script = [queued(), completed(video_url=None)]
    card = await start_job(alice)

    text = await alice.showing(card, "failed")

    assert "Veo 3.1 said the video was finished but sent no video." in text
    assert jobs.rows()[0]["failure_kind"] == "no_video"


async def test_an_unknown_status_keeps_the_job_running_and_is_logged(
    bot: BotRuntime, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person, caplog: object
) -> None:
    uniall.script = [status("thinking_hard"), status("thinking_hard"), completed()]
    await start_job(alice)

    await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    assert "unknown task status 'thinking_hard'" in caplog.text  # type: ignore[attr-defined]


async def test_job_past_its_deadline_expires(
    bot: BotRuntime, uniall: FakeUniAll, alice: Person, clock: OffsetClock, jobs: Jobs
) -> None:
    uniall.script = [queued(), in_progress(10)]
    card = await start_job(alice)
    await alice.telegram.wait_for(lambda: len(uniall.polls) >= 2)

    clock.advance(6 * 60)

    text = await alice.showing(card, "took longer")
    assert text.startswith("⌛ Job #1 took longer than 5 minutes and was stopped.")
    assert jobs.rows()[0]["state"] == "expired"


async def test_restart_while_running_delivers_exactly_once(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.script = [queued(), *[in_progress(20) for _ in range(3)], completed()]
    async with start_bot(poll_interval_seconds=0.3):
        await start_job(alice)
        await telegram.wait_for(lambda: len(uniall.polls) >= 1)
        assert jobs.rows()[0]["state"] == "running"

    assert telegram.calls_to("sendVideo") == []
    async with start_bot():
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        assert video.video_bytes == sample_mp4_bytes()
        await jobs.wait(1, "delivered")

    assert len(telegram.calls_to("sendVideo")) == 1
    assert len(uniall.submissions) == 1


async def test_restart_with_a_job_in_submitting_fails_it_without_resubmitting(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [delay(30.0)]
    async with start_bot(vendor_timeout_seconds=60):
        card = await start_job(alice)
        await telegram.wait_for(lambda: uniall.submit_attempts == 1)
        assert jobs.rows()[0]["state"] == "submitting"

    async with start_bot():
        text = await alice.showing(card, "failed")

    assert "the bot restarted while sending your request" in text
    assert uniall.submit_attempts == 1
    [job] = jobs.rows()
    assert (job["state"], job["failure_kind"]) == ("failed", "interrupted")


async def test_a_new_job_wakes_the_worker_at_once(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person
) -> None:
    async with start_bot(poll_interval_seconds=60):
        await alice.say("/start")  # the worker has gone idle by now
        card = await alice.say("/video wake up")
        await alice.press(card, "Create video")
        await alice.telegram.wait_for(lambda: uniall.submit_attempts == 1, timeout=2)


async def test_vendor_key_trouble_alerts_the_operator_once(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    admin_chat = -100999
    uniall.submit_faults = [http_error(401), http_error(401)]
    async with start_bot(admin_chat_id=admin_chat):
        for prompt in ("first", "second"):
            card = await alice.say(f"/video {prompt}")
            await alice.press(card, "Create video")
            await alice.showing(card, "failed")

    alerts = [m.text for m in telegram.messages(admin_chat)]
    assert alerts == ["⚠️ Vendor uniall refuses the API key: Invalid token"]


async def test_vendor_calls_at_once_stay_within_the_setting_downloads_included(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, jobs: Jobs
) -> None:
    people = [
        Person(
            telegram,
            TgUser(id=5000 + n, first_name=f"P{n}"),
            TgChat.private(TgUser(id=5000 + n, first_name=f"P{n}")),
        )
        for n in range(5)
    ]
    for person in people:
        telegram.add_chat(person.chat)
    uniall.script = [in_progress(50), completed()]
    slow = [delay(0.3)] * 40  # every call the bot makes takes a while: they overlap
    uniall.poll_faults, uniall.download_faults = list(slow), list(slow)
    async with start_bot(max_concurrent_vendor_calls=2):
        for person in people:
            await start_job(person)
        for job_id in range(1, len(people) + 1):
            await jobs.wait(job_id, "delivered")

    assert uniall.busiest == 2  # submits, polls and downloads together: never more than two
