"""/stats [7d|30d] (issue 14): people new and active, jobs, vendors, success, spend, Stars and
the median time to a video, then a chart of the last 30 days as a PNG photo that changes with
the data."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.uniall import FakeUniAll, failed, queued
from tests.support.credits import ADMIN_ONLY, CREDITS, create, delivered, text_of
from tests.support.harness import ALICE, DAY, Jobs, OffsetClock, Person, StartBot

pytestmark = pytest.mark.midday  # "today" is a UTC day: never straddle midnight

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def stats_text(
    period: str,
    *,
    people: str,
    jobs: str = "—",
    rate: str = "—",
    vendors: str = "—",
    spent: int = 0,
    stars: str = "⭐ 0 from 0 payment(s)",
    median: str = "—",
    failures: str = "—",
) -> str:
    return (
        f"📊 {period}\nPeople: {people}\nJobs: {jobs}\nSuccess rate: {rate}\n"
        f"Vendors: {vendors}\nCredits spent: {spent}\nStars: {stars}\n"
        f"Median time to a video: {median}\nFailures: {failures}"
    )


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, the decompressed image data) of a PNG, checking its chunks' CRCs."""
    assert data.startswith(PNG_SIGNATURE)
    at, width, height, image = len(PNG_SIGNATURE), 0, 0, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            image += body
        at += 12 + length
    return width, height, zlib.decompress(image)


async def stats_of(olga: Person, command: str) -> tuple[str, SentMessage]:
    """/stats: its text, then the chart photo sent after it."""
    telegram = olga.telegram
    before = len(telegram.messages(olga.chat.id))
    olga.send(command)
    text = await olga.next_message(before)
    photo = await telegram.wait_for_message(
        olga.chat.id, lambda m: m.kind == "photo" and m.message_id > text.message_id
    )
    return text.text or "", photo


async def test_stats_of_today_and_the_last_days_with_a_chart(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    olga: Person,
    jobs: Jobs,
    clock: OffsetClock,
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        text, empty_chart = await stats_of(olga, "/stats")
        assert text == stats_text("Today (UTC)", people="1 new, 1 active")
        assert empty_chart.caption == "📈 The last 30 days (UTC): jobs and credits spent per day."

        await delivered(alice, jobs, "a delivered one")
        uniall.script = [queued(), failed("Your prompt was flagged by the content policy")]
        await create(alice, "a failed one")
        await jobs.wait(2, "failed")
        telegram.successful_payment(
            ALICE, alice.chat, payload=f"s:{ALICE.id}", total_amount=50, charge_id="ch-1"
        )
        await telegram.wait_for(lambda: "Thank you" in (telegram.texts(ALICE.id)[-1]))

        assert await text_of(alice, "/stats") == ADMIN_ONLY
        text, chart = await stats_of(olga, "/stats")
        median = re.search(r"Median time to a video: (\d+ s)\n", text)
        assert median is not None, text
        assert text == stats_text(
            "Today (UTC)",
            people="2 new, 2 active",
            jobs="delivered 1, failed 1",
            rate="50%",
            vendors="uniall 2 (1 delivered)",
            spent=10,
            stars="⭐ 50 from 1 payment(s)",
            median=median.group(1),
            failures="generation 1",
        )

        # The chart is a whole PNG of the same size, whose pixels show the new day's bars.
        width, height, pixels = png_pixels(chart.file_bytes or b"")
        empty = png_pixels(empty_chart.file_bytes or b"")
        assert (width, height) == (1000, 500) == empty[:2]
        assert pixels != empty[2]

        # Three days later, today is empty and the last 7 days still hold the jobs.
        clock.advance(3 * DAY)
        text, _ = await stats_of(olga, "/stats")
        assert text == stats_text("Today (UTC)", people="0 new, 1 active")
        text, _ = await stats_of(olga, "/stats 7d")
        assert text.startswith(
            "📊 Last 7 days (UTC)\nPeople: 2 new, 2 active\nJobs: delivered 1, failed 1\n"
            "Success rate: 50%\nVendors: uniall 2 (1 delivered)\nCredits spent: 10\n"
            "Stars: ⭐ 50 from 1 payment(s)\n"
        ), text
        assert (await stats_of(olga, "/stats 30d"))[0].startswith("📊 Last 30 days (UTC)\n")
        assert await text_of(olga, "/stats 9d") == "Usage: /stats [7d|30d]"
