"""Figure 1 (CPU per wizard update ÷ the echo bot's) and figure 6 (start → first getUpdates)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.config import Scale
from bench.proc import cpu_seconds
from bench.rig import (
    PROMPT,
    TOKEN,
    Driver,
    TimedUniAll,
    bot,
    database_path,
    echo_bot,
    schema_from_a_real_job,
    wizard,
)
from bench.stats import say
from tests.fakes.telegram import FakeTelegram, TgChat, TgUser

UPDATES_PER_WIZARD = 5  # /video, three options, Create


@dataclass
class WizardResult:
    bot_ms: list[float] = field(default_factory=list)  # CPU ms per update, one per round
    echo_ms: list[float] = field(default_factory=list)
    bot_start: list[float] = field(default_factory=list)  # seconds to the first getUpdates
    echo_start: list[float] = field(default_factory=list)
    card_latencies: list[float] = field(default_factory=list)  # idle bot, for figure 4
    answer_latencies: list[float] = field(default_factory=list)
    bot_calls_per_update: float = 0.0
    template: dict[str, Any] = field(default_factory=dict)  # a job row, for seeding


async def quiet(proc_pid: int, seconds: float = 0.3) -> None:
    """Wait until the process has used no CPU for a moment (its last work is done)."""
    last = cpu_seconds(proc_pid)
    for _ in range(50):
        await asyncio.sleep(seconds)
        now = cpu_seconds(proc_pid)
        if now - last < 0.005:
            return
        last = now


async def bot_round(scale: Scale, work: Path, result: WizardResult) -> None:
    async with (
        FakeTelegram(TOKEN) as telegram,
        TimedUniAll() as uniall,
        bot(telegram, uniall, work) as proc,
    ):
        if True:
            result.bot_start.append(proc.first_poll - proc.started)
            users = [TgUser(id=10_000 + i, first_name=f"U{i}") for i in range(scale.wizards + 1)]
            warm = Driver(telegram, users[0], TgChat.private(users[0]))
            await wizard(warm)  # imports, caches and the first job's path are warm now
            await telegram.wait_for(lambda: len(uniall.submissions) == 1, 30)
            await quiet(proc.pid)
            calls_before = _bot_calls(telegram)
            cpu_before = cpu_seconds(proc.pid)
            for user in users[1:]:
                driver = Driver(telegram, user, TgChat.private(user))
                await wizard(driver)
                result.card_latencies += driver.card_latencies
                result.answer_latencies += driver.answer_latencies
            await telegram.wait_for(lambda: len(uniall.submissions) == len(users), 30)
            await quiet(proc.pid)
            used = cpu_seconds(proc.pid) - cpu_before
            updates = scale.wizards * UPDATES_PER_WIZARD
            result.bot_ms.append(used * 1000 / updates)
            result.bot_calls_per_update = (_bot_calls(telegram) - calls_before) / updates
    if not result.template:
        result.template = schema_from_a_real_job(database_path(work))


def _bot_calls(telegram: FakeTelegram) -> int:
    return sum(1 for call in telegram.calls if call.method != "getUpdates")


async def echo_round(scale: Scale, work: Path, result: WizardResult) -> None:
    async with FakeTelegram(TOKEN) as telegram, echo_bot(telegram, work) as proc:
        result.echo_start.append(proc.first_poll - proc.started)
        user = TgUser(id=20_000, first_name="Echo")
        chat = TgChat.private(user)

        async def one(i: int) -> None:
            before = len(telegram.messages(chat.id))
            telegram.send_text(user, chat, f"{PROMPT} {i}")
            await telegram.wait_for(lambda: len(telegram.messages(chat.id)) > before, 30)

        await one(-1)
        await quiet(proc.pid)
        cpu_before = cpu_seconds(proc.pid)
        updates = scale.wizards * UPDATES_PER_WIZARD
        for i in range(updates):
            await one(i)
        await quiet(proc.pid)
        result.echo_ms.append((cpu_seconds(proc.pid) - cpu_before) * 1000 / updates)


async def measure(scale: Scale) -> WizardResult:
    result = WizardResult()
    for n in range(scale.rounds):
        started = time.monotonic()
        await echo_round(scale, scale.work_dir / f"echo-{n}", result)
        await bot_round(scale, scale.work_dir / f"wizard-{n}", result)
        say(
            f"  round {n + 1}: bot {result.bot_ms[-1]:.2f} ms/update, "
            f"echo {result.echo_ms[-1]:.2f} ms/update; start {result.bot_start[-1]:.2f} s vs "
            f"{result.echo_start[-1]:.2f} s ({time.monotonic() - started:.0f} s)"
        )
    return result
