"""Figure 2 (poll gap ÷ interval with many jobs in flight) and figure 4 (latencies under load).

The bot's own database is seeded with running jobs (the bot writes one real job first; its row
is the template), each one person's DM in the fake Bot API and one task in the fake UniAll
that answers "in progress". Gaps come from the fake's request log: for each task, the time
between one poll and the next, divided by POLL_INTERVAL_SECONDS (the bot adds ±10 % jitter, so
1.1 is on time). The first poll of each task is left out (it only shows the seeding).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.config import Scale
from bench.proc import cpu_seconds, rss_bytes
from bench.rig import TOKEN, Driver, TimedUniAll, bot, running_jobs
from bench.stats import percentile, say
from bench.stores import JobStore, sqlite_store
from tests.fakes.telegram import FakeTelegram, TgChat, TgUser
from tests.fakes.uniall import Step, completed, in_progress

OPTION_LABELS = ("Quality", "9:16", "6 s")


@dataclass
class PollResult:
    jobs: int
    interval: float
    gaps: list[float] = field(default_factory=list)  # gap ÷ interval
    polls_per_second: float = 0.0
    cpu_percent: float = 0.0
    rss_mb: float = 0.0
    card_latencies: list[float] = field(default_factory=list)
    answer_latencies: list[float] = field(default_factory=list)
    delivered: int = 0
    note: str = ""

    def p(self, q: float) -> float:
        return percentile(self.gaps, q)

    def line(self) -> str:
        needed = self.jobs / self.interval
        return (
            f"gap/interval p50 {self.p(50):.2f} p99 {self.p(99):.2f} "
            f"max {max(self.gaps, default=0):.2f} ({len(self.gaps)} gaps); "
            f"{self.polls_per_second:.0f} polls/s of {needed:.0f} needed;"
            f" CPU {self.cpu_percent:.0f} %, RSS {self.rss_mb:.0f} MB{self.note}"
        )


def _gaps(uniall: TimedUniAll, start: float, end: float, interval: float) -> list[float]:
    """Gap ÷ interval for every poll in [start, end] that answered "in progress"."""
    ratios = []
    for task_id, times in uniall.poll_times.items():
        answers = uniall.poll_answers.get(task_id, [])
        for k in range(1, len(times)):
            at = times[k]
            if start <= at <= end and k < len(answers) and answers[k] == "in_progress":
                ratios.append((at - times[k - 1]) / interval)
    return ratios


def _polls_between(uniall: TimedUniAll, start: float, end: float) -> int:
    return sum(1 for times in uniall.poll_times.values() for at in times if start <= at <= end)


# A person's pace: Telegram lets a bot put one message a second into a chat, so a person who
# acts faster waits for the chat's turn by design, whatever the load (see bench/README.md).
HUMAN_PAUSE_SECONDS = 1.2


async def _drive(telegram: FakeTelegram, stop: asyncio.Event, result: PollResult) -> None:
    """One person making cards and pressing options while the jobs run (figure 4)."""
    user = TgUser(id=1001, first_name="Alice")
    driver = Driver(telegram, user, TgChat.private(user))
    while not stop.is_set():
        card = await driver.card(timeout=60)
        for label in OPTION_LABELS:
            if stop.is_set():
                break
            await asyncio.sleep(HUMAN_PAUSE_SECONDS)
            await driver.press(card, label, timeout=60)
        await asyncio.sleep(HUMAN_PAUSE_SECONDS)
    result.card_latencies = driver.card_latencies
    result.answer_latencies = driver.answer_latencies


async def _window(proc_pid: int, seconds: float) -> tuple[float, float, float]:
    """Sleep `seconds`; (start, end, CPU seconds the bot used)."""
    start, cpu = time.monotonic(), cpu_seconds(proc_pid)
    await asyncio.sleep(seconds)
    return start, time.monotonic(), cpu_seconds(proc_pid) - cpu


async def measure(
    scale: Scale,
    template: dict[str, Any],
    jobs: int,
    work: Path,
    *,
    deliver: bool,
    store: JobStore | None = None,
) -> list[PollResult]:
    """Steady (with figure 4's person), then, if `deliver`, every video done and delivered.

    The jobs live in `store` (by default the bot's SQLite file in `work`)."""
    interval = scale.interval
    window = interval * scale.intervals
    results = []
    work.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (before anything runs)
    store = store or sqlite_store(work)
    async with FakeTelegram(TOKEN) as telegram, TimedUniAll() as uniall:
        uniall.script = [in_progress(50)]
        # The bot makes its schema, then the jobs go in while it is stopped.
        async with bot(telegram, uniall, work, **store.settings):
            pass
        started = time.monotonic()
        seeded = running_jobs(template, telegram, uniall, count=jobs, interval=interval)
        await store.write(seeded)
        tasks = seeded.task_ids
        say(f"    seeded {jobs} jobs into {store.name} in {time.monotonic() - started:.1f} s")
        settings = {
            **store.settings,
            "POLL_INTERVAL_SECONDS": str(interval),
            "JOB_TIMEOUT_MINUTES": "600",
        }
        async with bot(telegram, uniall, work, **settings) as proc:
            await asyncio.sleep(interval)  # every job polled once: the schedule is running
            steady = PollResult(jobs, interval)
            stop = asyncio.Event()
            driving = asyncio.create_task(_drive(telegram, stop, steady))
            start, end, cpu = await _window(proc.pid, window)
            stop.set()
            await asyncio.wait_for(driving, 120)
            steady.gaps = _gaps(uniall, start, end, interval)
            steady.polls_per_second = _polls_between(uniall, start, end) / (end - start)
            steady.cpu_percent = 100 * cpu / (end - start)
            steady.rss_mb = rss_bytes(proc.pid) / 2**20
            results.append(steady)
            if deliver:
                results.append(await _delivering(telegram, uniall, tasks, proc.pid, scale))
    return results


async def _delivering(
    telegram: FakeTelegram, uniall: TimedUniAll, tasks: list[str], pid: int, scale: Scale
) -> PollResult:
    """Each task completes after 1–3 more polls: videos are fetched and delivered while the
    others still poll; the gaps are those of the polls that still answered "in progress"."""
    interval = scale.interval
    rng = random.Random(12)
    for task_id in tasks:
        task = uniall.tasks[task_id]
        more = rng.randint(1, 3)
        script: list[Step] = [in_progress(50)] * (task.position + more)
        task.script = [*script, completed()]
    delivered_before = len(_videos(telegram))
    result = PollResult(len(tasks), interval)
    start, end, cpu = await _window(pid, interval * 3.5)
    result.gaps = _gaps(uniall, start, end, interval)
    result.polls_per_second = _polls_between(uniall, start, end) / (end - start)
    result.cpu_percent = 100 * cpu / (end - start)
    result.rss_mb = rss_bytes(pid) / 2**20
    result.delivered = len(_videos(telegram)) - delivered_before
    result.note = f"; {result.delivered} of {len(tasks)} videos delivered in the window"
    return result


def _videos(telegram: FakeTelegram) -> list[Any]:
    return [call for call in telegram.calls_to("sendVideo") if call.status == 200]
