"""Figure 5: a burst against a fake Bot API that enforces Telegram's limits.

`flood_dm_jobs` jobs in one DM and `flood_group_jobs` in one group, all made at once, each
polled every second through "queued → 30 % → 60 % → 90 % → completed", while another person
(Bob, his own DM) presses option buttons on his card. Counted: every 429 the fake answered;
what a person lost: a /video that never got its card, a job that never got its video, a status
message whose last refused edit was never followed by one that went through; and Bob's answer
latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import Scale
from bench.rig import TOKEN, Driver, TimedUniAll, bot
from bench.stats import say
from tests.fakes.telegram import FakeTelegram, FloodLimits, TgChat, TgUser
from tests.fakes.uniall import completed, in_progress, queued

CHANGING = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")


@dataclass
class FloodResult:
    refusals: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    cards_missing: int = 0
    videos_missing: int = 0
    edits_given_up: int = 0
    bob_latencies: list[float] = field(default_factory=list)  # during the burst
    bob_before: list[float] = field(default_factory=list)  # before it: the baseline
    jobs: int = 0
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return self.cards_missing + self.videos_missing + self.edits_given_up

    def lost_text(self) -> str:
        return (
            f"{self.cards_missing} cards never sent, {self.videos_missing} videos never sent, "
            f"{self.edits_given_up} status edits given up"
        )


async def _make_job(driver: Driver, result: FloodResult, n: int, timeout: float) -> None:  # noqa: ASYNC109
    try:
        card = await driver.card(f"burst video number {n}", timeout=timeout)
    except AssertionError:
        result.cards_missing += 1
        return
    with contextlib.suppress(AssertionError):
        await driver.press(card, "Create video", timeout=timeout)


async def _bob(
    telegram: FakeTelegram, burst: asyncio.Event, stop: asyncio.Event, result: FloodResult
) -> None:
    user = TgUser(id=4002, first_name="Bob")
    driver = Driver(telegram, user, TgChat.private(user))
    card = await driver.card(timeout=60)
    labels = ("Quality", "Fast")
    n = 0
    while not stop.is_set():
        before = len(driver.answer_latencies)
        with contextlib.suppress(AssertionError):
            await driver.press(card, labels[n % 2], timeout=60)
        if not burst.is_set():
            result.bob_before += driver.answer_latencies[before:]
        else:
            result.bob_latencies += driver.answer_latencies[before:]
        n += 1
        await asyncio.sleep(0.5)


def _edits_given_up(telegram: FakeTelegram) -> int:
    """Messages whose last edit attempt was refused with 429 (the person sees a stale state)."""
    last: dict[tuple[object, object], int] = {}
    for call in telegram.calls:
        if call.method in CHANGING and "message_id" in call.params:
            last[(call.params.get("chat_id"), call.params["message_id"])] = call.status
    return sum(1 for status in last.values() if status == 429)


async def measure(scale: Scale, work: Path) -> FloodResult:
    result = FloodResult()
    alice = TgUser(id=4001, first_name="Alice")
    group = TgChat.group(id=-100_4000, title="Burst group")
    members = [TgUser(id=4100 + i, first_name=f"G{i}") for i in range(scale.flood_group_jobs)]
    async with (
        FakeTelegram(TOKEN, flood=FloodLimits()) as telegram,
        TimedUniAll() as uniall,
    ):
        uniall.script = [queued(), in_progress(30), in_progress(60), in_progress(90), completed()]
        telegram.add_chat(group)
        settings = {"POLL_INTERVAL_SECONDS": "1"}
        async with bot(telegram, uniall, work, **settings):
            stop, burst = asyncio.Event(), asyncio.Event()
            bob = asyncio.create_task(_bob(telegram, burst, stop, result))
            await asyncio.sleep(3.0)
            burst.set()
            started = time.monotonic()
            timeout = scale.flood_timeout / 3
            alice_driver = Driver(telegram, alice, TgChat.private(alice))

            async def alice_jobs() -> None:  # one draft per person and chat: one card at a time
                for n in range(scale.flood_dm_jobs):
                    await _make_job(alice_driver, result, n, timeout)

            makers = [alice_jobs()]
            makers += [
                _make_job(
                    Driver(telegram, member, group, mention="@veo_test_bot"), result, n, timeout
                )
                for n, member in enumerate(members)
            ]
            await asyncio.gather(*makers)
            await asyncio.sleep(1.0)
            result.jobs = len(uniall.submissions)

            def all_sent() -> bool:
                return len(_videos(telegram)) >= result.jobs

            with contextlib.suppress(AssertionError):
                await telegram.wait_for(all_sent, scale.flood_timeout)
            result.seconds = time.monotonic() - started
            await asyncio.sleep(2.0)  # late edits settle
            stop.set()
            await asyncio.wait_for(bob, 120)
        result.videos_missing = len(uniall.submissions) - len(_videos(telegram))
        result.edits_given_up = _edits_given_up(telegram)
        result.refusals = len(telegram.flood_refusals)
        for _, method, _, _ in telegram.flood_refusals:
            result.by_method[method] = result.by_method.get(method, 0) + 1
    say(
        f"  {result.refusals} answers of 429 {result.by_method}; lost: {result.lost_text()}; "
        f"{result.jobs} jobs made; all done in {result.seconds:.0f} s"
    )
    return result


def _videos(telegram: FakeTelegram) -> list[object]:
    return [c for c in telegram.calls_to("sendVideo") if c.status == 200]
