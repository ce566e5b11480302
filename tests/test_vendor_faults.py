"""Vendor faults over HTTP (issue 10): one vendor task per job, and only a video is delivered.

A submit is sent again only when it provably made nothing (the connection was refused before
the request left). An accepted submit whose answer arrives garbled is an unknown outcome: the
job fails with the "unclear whether it started" sentence, its credits come back and the operator
is told once. A result URL that serves a web page, answers 404, or leads to a private address
fails the job in words, without sending anything and without waiting for the deadline.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.domain.errors import VendorUrlRefusedError
from bot.vendors.http import UrlGuard
from tests.fakes.contract import VendorFake
from tests.fakes.kie import FakeKie
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.steps import GarbleShape
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll, Html, completed, http_error, redirect
from tests.support.credits import CREDITS, balance_text, create, text_of
from tests.support.harness import Jobs, Person, StartBot

pytestmark = pytest.mark.midday  # balances count per UTC day: never straddle midnight

KEY = "vendor-faults-key-0123456789"
ALERTS = -100777
FREE = 100
# Credits on (with a day's free credits to spend), and an alert chat for the operator.
WATCHED: dict[str, Any] = {**CREDITS, "free_credits_per_day": FREE, "admin_chat_id": ALERTS}
SHAPES: list[GarbleShape] = ["truncated", "html", "proxy_502"]


async def failed_and_refunded(alice: Person, jobs: Jobs, line: str) -> tuple[dict[str, Any], str]:
    """Create the default video; wait until its card says it failed with `line`.

    Returns the job's row and the card's text, once its credits are back.
    """
    card, _ = await create(alice, "a paper boat drifting down a rainy street")
    text = await alice.showing(card, "failed")
    assert text.startswith(f"❌ Job #1 failed: {line}"), text
    row = await jobs.wait(1, "failed")
    assert await text_of(alice, "/balance") == balance_text(FREE, 0, FREE)
    return row, text


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_garbled_answer_to_an_accepted_submit_is_never_sent_again(
    start_bot: StartBot,
    vendor: VendorFake,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    shape: GarbleShape,
) -> None:
    vendor.play_success()
    vendor.accept_then_garble(shape)  # type: ignore[attr-defined]
    async with start_bot(**vendor.bot_settings(), **WATCHED) as bot:
        name = bot.settings.vendor[0]
        row, text = await failed_and_refunded(alice, jobs, "")
        [alert] = await telegram.wait_for(lambda: telegram.messages(ALERTS))

    assert (vendor.submit_attempts, len(vendor.submissions)) == (1, 1)  # one task, never resent
    assert (row["vendor"], row["failure_kind"]) == (name, "unknown_outcome")
    assert telegram.calls_to("sendVideo") == []
    assert "so it is unclear whether it started. Please try again." in text
    assert (alert.text or "").startswith(f"⚠️ Job 1: {name} may have started a task at 20")
    assert " UTC (" in (alert.text or "")


async def test_the_operator_hears_of_unknown_outcomes_once_an_hour_per_vendor(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    uniall.accept_then_garble("html", times=2)
    async with start_bot(**WATCHED):
        for job_id in (1, 2):
            card, _ = await create(alice, f"a garbled answer number {job_id}")
            await alice.showing(card, "unclear whether it started")
            await jobs.wait(job_id, "failed")
        assert await text_of(alice, "/balance") == balance_text(FREE, 0, FREE)

    assert (uniall.submit_attempts, len(uniall.submissions)) == (2, 2)
    [alert] = telegram.messages(ALERTS)
    assert (alert.text or "").startswith("⚠️ Job 1: uniall may have started a task at ")


async def test_a_connection_refused_before_sending_is_sent_again(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    vendor.play_success()
    # Slower polls: the first retry waits 0.5 s, the last of five starts after 7.5 s.
    async with start_bot(**vendor.bot_settings(), poll_interval_seconds=0.5):
        await vendor.refuse_connections()  # type: ignore[attr-defined]
        await create(alice, "a lighthouse at dawn")

        def refused_once() -> dict[str, Any] | None:
            rows = jobs.rows()
            return rows[0] if rows and rows[0]["attempts"] >= 1 else None

        refused = await telegram.wait_for(refused_once)
        await vendor.accept_connections()  # type: ignore[attr-defined]
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await jobs.wait(1, "delivered")

    assert "cannot connect" in refused["failure_detail"]
    assert video.video_bytes == sample_mp4_bytes()
    assert (vendor.submit_attempts, len(vendor.submissions)) == (1, 1)


async def test_a_web_page_as_the_result_is_not_sent(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    uniall.download_faults = [Html(200) for _ in range(5)]
    async with start_bot(**WATCHED):
        row, _ = await failed_and_refunded(
            alice, jobs, "the video service sent a file that is not a video."
        )

    assert row["failure_kind"] == "not_video"
    assert uniall.download_attempts == 3
    assert telegram.calls_to("sendVideo") == []


async def test_a_web_page_once_then_the_video_is_delivered(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    uniall.download_faults = [Html(200)]
    async with start_bot(**WATCHED):
        await create(alice, "a heron taking off")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await jobs.wait(1, "delivered")

    assert video.video_bytes == sample_mp4_bytes()
    assert uniall.download_attempts == 2
    assert len(telegram.calls_to("sendVideo")) == 1


@pytest.mark.parametrize("status", [404, 410])
async def test_an_expired_result_link_fails_the_job_after_three_tries(
    start_bot: StartBot,
    uniall: FakeUniAll,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    status: int,
) -> None:
    uniall.download_faults = [http_error(status) for _ in range(5)]
    async with start_bot(**WATCHED):
        row, _ = await failed_and_refunded(
            alice, jobs, "the video service's link has expired. Please try again."
        )

    assert row["failure_kind"] == "link_expired"
    assert uniall.download_attempts == 3
    assert row["updated_at"] - row["created_at"] < 60  # the deadline is 5 minutes away
    assert telegram.calls_to("sendVideo") == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://10.0.0.1/video.mp4", "refused a link to 10.0.0.1: 10.0.0.1 is a private"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "refused a link to 169.254.169.254: 169.254.169.254 is a link-local",
        ),
        ("http://[fd00::1]/video.mp4", "fd00::1 is a private"),
        ("file:///etc/passwd", "not an http(s) link: file:"),
    ],
)
async def test_a_result_link_to_a_private_address_is_refused(
    start_bot: StartBot,
    uniall: FakeUniAll,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    location: str,
    reason: str,
) -> None:
    # UniAll's base URL is loopback, so loopback links are allowed; nothing else private is.
    # The guard refuses before connecting: the test never sends traffic to those addresses.
    uniall.download_faults = [redirect(location)]
    async with start_bot(**WATCHED):
        row, _ = await failed_and_refunded(
            alice, jobs, "the video service's link leads somewhere the bot may not go"
        )

    assert row["failure_kind"] == "unsafe_link"
    assert reason in row["failure_detail"]
    assert uniall.download_attempts == 1  # refused for good, not tried again
    assert telegram.calls_to("sendVideo") == []


async def test_a_submit_that_times_out_is_never_sent_again(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    """No answer in time: the vendor may have made the task, so it is an unknown outcome."""
    vendor.play_success()
    vendor.fail_next_submits("timeout")  # the fake holds its answer past VENDOR_TIMEOUT_SECONDS
    async with start_bot(**vendor.bot_settings(), **WATCHED, vendor_timeout_seconds=1):
        row, text = await failed_and_refunded(alice, jobs, "")
        await telegram.wait_for(lambda: telegram.messages(ALERTS))

    assert vendor.submit_attempts == 1
    assert row["failure_kind"] == "unknown_outcome"
    assert "so it is unclear whether it started. Please try again." in text
    assert telegram.calls_to("sendVideo") == []


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("label", ["1080p", "4K", "Extend"])
async def test_a_garbled_answer_to_kies_upgrade_or_extend_is_never_sent_again(
    start_bot: StartBot,
    kie: FakeKie,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    label: str,
    shape: GarbleShape,
) -> None:
    """The same rule for kie's upgrade and extend calls: one task at kie, the job fails with
    the sentence, its credits come back, the operator is told."""
    kie.play_success()
    async with start_bot(**kie.bot_settings(), **WATCHED):
        await create(alice, "a paper boat drifting down a rainy street")
        first = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await jobs.wait(1, "delivered")
        balance = await text_of(alice, "/balance")
        made = kie.created()
        kie.accept_then_garble(shape)
        if label == "Extend":
            await alice.press_for_question(first, "Extend")
            extension = await alice.say("the boat sails out to sea")
            await alice.press(extension, "Create video")
        else:
            await alice.press(first, label)
        row = await jobs.wait(2, "failed")
        said = await telegram.wait_for(
            lambda: [t for t in telegram.texts(alice.chat.id) if "Job #2 failed" in t]
        )
        [alert] = await telegram.wait_for(lambda: telegram.messages(ALERTS))
        assert await text_of(alice, "/balance") == balance

    assert kie.created() == made + 1  # one task at kie, never asked for again
    assert row["failure_kind"] == "unknown_outcome"
    assert "so it is unclear whether it started. Please try again." in said[-1]
    assert (alert.text or "").startswith("⚠️ Job 2: kie may have started a task at 20")
    assert len(telegram.calls_to("sendVideo")) == 1


async def test_a_result_link_straight_to_a_private_address_is_refused(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    """Not only redirects: the link the vendor names is checked before any connection."""
    uniall.script = [completed("http://169.254.169.254/latest/meta-data/video.mp4")]
    async with start_bot(**WATCHED):
        row, _ = await failed_and_refunded(
            alice, jobs, "the video service's link leads somewhere the bot may not go"
        )

    assert row["failure_kind"] == "unsafe_link"
    assert "169.254.169.254 is a link-local" in row["failure_detail"]
    assert uniall.download_attempts == 0
    assert telegram.calls_to("sendVideo") == []


PUBLIC_API = "https://8.8.8.8/v1"  # an IP literal: resolved without any lookup or connection


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:8080/video.mp4",
        "http://localhost/video.mp4",
        "http://[::1]/video.mp4",
        "http://192.168.1.20/video.mp4",
        "http://[::ffff:10.1.2.3]/video.mp4",
        "http://0.0.0.0/video.mp4",
        "ftp://8.8.4.4/video.mp4",
    ],
)
async def test_a_vendor_on_a_public_address_may_not_send_the_bot_to_a_local_one(
    link: str,
) -> None:
    """Loopback and private addresses only where the vendor's own API is (so local setups work)."""
    with pytest.raises(VendorUrlRefusedError):
        await UrlGuard(PUBLIC_API).check("uniall", httpx.URL(link))
    await UrlGuard(PUBLIC_API).check("uniall", httpx.URL("https://8.8.4.4/video.mp4"))
    await UrlGuard("http://127.0.0.1:9").check("uniall", httpx.URL("http://127.0.0.1:8080/v.mp4"))


WEB_PAGE = b"<!DOCTYPE html><html><head><title>Video</title></head><body>Not here.</body></html>"


@pytest.mark.parametrize("served", [WEB_PAGE, sample_mp4_bytes()[:600]], ids=["html", "no moov"])
async def test_whatever_the_vendor_the_result_must_be_an_mp4(
    start_bot: StartBot,
    vendor: VendorFake,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    served: bytes,
) -> None:
    """A web page (or a cut file) served as the finished video is never sent nor charged."""
    vendor.play_success()
    vendor.video_bytes = served  # type: ignore[attr-defined]
    async with start_bot(**vendor.bot_settings(), **WATCHED):
        row, _ = await failed_and_refunded(
            alice, jobs, "the video service sent a file that is not a video."
        )

    assert row["failure_kind"] == "not_video"
    assert telegram.calls_to("sendVideo") == []
    assert telegram.calls_to("sendDocument") == []
