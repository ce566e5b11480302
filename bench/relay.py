"""Figure 3: peak RSS growth and wall time while relaying one big video, vs a plain copy.

The fake UniAll serves a `relay_mb` MB file; the bot fetches it and sends it with sendVideo to
the fake Bot API. Growth is VmHWM (reset just before the vendor says "completed") minus VmRSS
then; a 5 ms RSS sampler checks it. The vendor says "completed" once the chat has been quiet
for 1.5 s (the wizard's own card edits are paced a second apart before that). Wall time runs
from the vendor's first byte request to the moment the fake Bot API has the whole upload. The
floor does the same copy with plain httpx streams in its own process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import Scale
from bench.proc import MB, RssSampler, peak_rss_bytes, reset_peak, rss_bytes
from bench.rig import ROOT, TOKEN, Driver, TimedUniAll, bot, wizard
from bench.stats import say
from tests.fakes.telegram import FakeTelegram, TgChat, TgUser
from tests.fakes.uniall import completed, in_progress


@dataclass
class RelayResult:
    bot_growth_mb: list[float] = field(default_factory=list)
    bot_sampled_mb: list[float] = field(default_factory=list)
    bot_wall: list[float] = field(default_factory=list)
    copy_growth_mb: list[float] = field(default_factory=list)
    copy_wall: list[float] = field(default_factory=list)
    intact: bool = True


def _sent_videos(telegram: FakeTelegram) -> list[float]:
    return [c.at for c in telegram.calls_to("sendVideo") if c.status == 200 and c.files]


async def bot_round(scale: Scale, work: Path, result: RelayResult) -> None:
    async with FakeTelegram(TOKEN) as telegram, TimedUniAll() as uniall:
        uniall.video_size = scale.relay_mb * MB
        uniall.script = [in_progress(10)]
        settings = {"POLL_INTERVAL_SECONDS": "0.5"}
        async with bot(telegram, uniall, work, **settings) as proc:
            user = TgUser(id=3001, first_name="Relay")
            await wizard(Driver(telegram, user, TgChat.private(user)))
            await telegram.wait_for(lambda: len(uniall.polls) >= 2, 30)
            # The wizard's card edits and the first status are paced a second apart in this
            # chat: the relay is measured once the chat is quiet, as after a real wait.
            await _quiet_chat(telegram, user.id, seconds=1.5)
            before = rss_bytes(proc.pid)
            reset = reset_peak(proc.pid)
            sampler = RssSampler(proc.pid)
            sampler.start()
            for task in uniall.tasks.values():
                task.script = [*task.script[: task.position], completed()]
            await telegram.wait_for(lambda: _sent_videos(telegram), 120)
            sampled = await sampler.stop()
            peak = peak_rss_bytes(proc.pid) if reset else sampled
            result.bot_growth_mb.append((peak - before) / MB)
            result.bot_sampled_mb.append((sampled - before) / MB)
            result.bot_wall.append(_sent_videos(telegram)[0] - uniall.file_times[0])
            video = next(c for c in telegram.calls_to("sendVideo") if c.status == 200)
            sent = next(iter(video.files.values()))
            result.intact = result.intact and len(sent) == scale.relay_mb * MB
            del sent, video


async def _quiet_chat(telegram: FakeTelegram, chat_id: int, *, seconds: float) -> None:
    """Until the bot has sent nothing to this chat for `seconds`."""

    def last() -> float:
        return max(
            (c.at for c in telegram.calls if c.params.get("chat_id") == chat_id), default=0.0
        )

    while time.monotonic() - last() < seconds:  # noqa: ASYNC110 (the fake has no event for it)
        await asyncio.sleep(0.1)


async def copy_round(scale: Scale, result: RelayResult) -> None:
    async with FakeTelegram(TOKEN) as telegram, TimedUniAll() as uniall:
        uniall.video_size = scale.relay_mb * MB
        uniall.add_task("task_plaincopy", [completed()])
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.plain_copy",
            uniall.file_url("task_plaincopy"),
            telegram.api_url,
            TOKEN,
            "3002",
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(process.communicate(), 120)
        memory = json.loads(out.decode().strip().splitlines()[-1])
        result.copy_growth_mb.append((memory["peak"] - memory["before"]) / MB)
        result.copy_wall.append(_sent_videos(telegram)[0] - uniall.file_times[0])


async def measure(scale: Scale) -> RelayResult:
    result = RelayResult()
    for n in range(scale.rounds):
        started = time.monotonic()
        await copy_round(scale, result)
        await bot_round(scale, scale.work_dir / f"relay-{n}", result)
        say(
            f"  round {n + 1}: bot +{result.bot_growth_mb[-1]:.0f} MB (sampled "
            f"+{result.bot_sampled_mb[-1]:.0f} MB) in {result.bot_wall[-1]:.2f} s; plain copy "
            f"+{result.copy_growth_mb[-1]:.0f} MB in {result.copy_wall[-1]:.2f} s "
            f"({time.monotonic() - started:.0f} s)"
        )
    return result
