"""`uv run python -m bench [--quick] [--only 1,2,...] [--rounds N] [--out FILE]`.

Runs the figures of issue 12 against the real bot (a subprocess) over loopback and prints each
with its baseline from the same run, then the table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import flood, polls, relay, wizard
from bench.config import Scale
from bench.stats import Row, median, percentile, say, spread, table
from bench.stores import PostgresUnavailable, postgres_store

FIGURES = {
    1: "CPU per wizard update ÷ echo bot",
    2: "poll gap ÷ interval (1,000 steady, while delivering, 10,000 on SQLite and PostgreSQL)",
    3: "relay memory and wall time",
    4: "latencies with 1,000 jobs in flight",
    5: "flood burst",
    6: "start → first getUpdates",
}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


async def run(scale: Scale, only: set[int], *, postgres: bool = True) -> list[Row]:
    rows: list[Row] = []
    need_template = bool(only & {2, 4})
    template: dict[str, Any] = {}
    if only & {1, 6} or need_template:
        say(f"[1, 6] wizard CPU and start time, {scale.rounds} rounds of {scale.wizards} wizards")
        w = await wizard.measure(
            dataclasses.replace(scale, rounds=scale.rounds if only & {1, 6} else 1)
        )
        template = w.template
        template_latencies["answers"] = w.answer_latencies
        template_latencies["cards"] = w.card_latencies
        if 1 in only:
            bot_med, echo_med = median(w.bot_ms), median(w.echo_ms)
            rows.append(
                Row(
                    "CPU per update, whole wizard ÷ echo bot",
                    f"{bot_med:.2f} ms ({spread(w.bot_ms, ' ms')})",
                    f"{echo_med:.2f} ms ({spread(w.echo_ms, ' ms')})",
                    ratio(bot_med, echo_med),
                    "≤ 2.6×",
                    "7.3 ÷ 1.21 ms = 5.9×",
                )
            )
            say(f"  the bot made {w.bot_calls_per_update:.2f} Bot API calls per update")
        if 6 in only:
            bot_med, echo_med = median(w.bot_start), median(w.echo_start)
            rows.append(
                Row(
                    "process start → first getUpdates ÷ bare PTB bot",
                    f"{bot_med:.2f} s ({spread(w.bot_start, ' s')})",
                    f"{echo_med:.2f} s ({spread(w.echo_start, ' s')})",
                    ratio(bot_med, echo_med),
                    "≤ 1.5×",
                    "2.2×",
                )
            )
    if only & {2, 4}:
        say(f"[2, 4] {scale.jobs} jobs in flight, interval {scale.interval:g} s")
        steady, delivering = await polls.measure(
            scale, template, scale.jobs, scale.work_dir / "polls-1k", deliver=True
        )
        say(f"  steady: {steady.line()}")
        say(f"  delivering: {delivering.line()}")
        if 2 in only:
            rows.append(
                _poll_row(f"poll gap ÷ interval p99, {scale.jobs} jobs, steady", steady, "1.23")
            )
            rows.append(
                _poll_row(
                    f"the same while {scale.jobs} videos are fetched and delivered",
                    delivering,
                    "3.34",
                )
            )
            say(f"[2] {scale.many_jobs} jobs in flight (SQLite)")
            [many] = await polls.measure(
                scale, template, scale.many_jobs, scale.work_dir / "polls-10k", deliver=False
            )
            say(f"  steady: {many.line()}")
            rows.append(
                _poll_row(
                    f"the same with {scale.many_jobs} jobs (SQLite)",
                    many,
                    "3.0 (243 of 667 polls/s, 86 % CPU, 76 MB)",
                    goal="≤ 1.2; RSS ≤ 150 MB",
                )
            )
            if postgres:
                rows.append(await _many_on_postgres(scale, template))
        if 4 in only:
            idle_answers = template_latencies["answers"]
            idle_cards = template_latencies["cards"]
            rows.append(
                _latency_row(
                    "button → answerCallbackQuery p99",
                    steady.answer_latencies,
                    idle_answers,
                    "≤ 50 ms",
                    "54 ms",
                    scale.jobs,
                )
            )
            rows.append(
                _latency_row(
                    "`/video` → card p99",
                    steady.card_latencies,
                    idle_cards,
                    "≤ 100 ms",
                    "332 ms",
                    scale.jobs,
                )
            )
    if 3 in only:
        say(f"[3] relaying one {scale.relay_mb} MB video, {scale.rounds} rounds")
        r = await relay.measure(scale)
        bot_med, copy_med = median(r.bot_growth_mb), median(r.copy_growth_mb)
        rows.append(
            Row(
                f"peak RSS growth relaying one {scale.relay_mb} MB video",
                f"{bot_med:.0f} MB ({spread(r.bot_growth_mb, ' MB', 0)})",
                f"plain copy {copy_med:.0f} MB",
                f"{bot_med - copy_med:+.0f} MB over the copy",
                "≤ 16 MB",
                "72–94 MB",
            )
        )
        wall, copy_wall = median(r.bot_wall), median(r.copy_wall)
        rows.append(
            Row(
                "relay wall time ÷ plain httpx copy",
                f"{wall:.2f} s ({spread(r.bot_wall, ' s')})",
                f"{copy_wall:.2f} s ({spread(r.copy_wall, ' s')})",
                ratio(wall, copy_wall),
                "≤ 1.2×",
                "",
            )
        )
        if not r.intact:
            say("  WARNING: the uploaded video did not have the vendor's size")
    if 5 in only:
        say(
            f"[5] flood burst: {scale.flood_dm_jobs} jobs in one DM, "
            f"{scale.flood_group_jobs} in one group"
        )
        f = await flood.measure(scale, scale.work_dir / "flood")
        rows.append(
            Row(
                "429 answers under Telegram's limits",
                str(f.refusals),
                "0 (the limits)",
                "",
                "0",
                "93",
            )
        )
        rows.append(
            Row(
                "messages lost under those limits",
                f.lost_text(),
                "",
                "",
                "none a person needs",
                "a card; 9 status edits",
            )
        )
        idle = f.bob_before
        rows.append(
            Row(
                "another person's button answer while a chat is throttled",
                f"max {ms(max(f.bob_latencies, default=float('nan')))}, "
                f"p99 {ms(percentile(f.bob_latencies, 99))} (n={len(f.bob_latencies)})",
                f"before the burst: max {ms(max(idle, default=float('nan')))}",
                "",
                "≤ 1 s",
                "up to 48 s",
            )
        )
    return rows


template_latencies: dict[str, list[float]] = {"answers": [], "cards": []}


async def _many_on_postgres(scale: Scale, template: dict[str, Any]) -> Row:
    """Figure 2's many-jobs steady window again, the jobs in a fresh PostgreSQL database; where
    no PostgreSQL can be had (or the run fails) the row says so and the bench goes on."""
    name = f"the same with {scale.many_jobs} jobs (PostgreSQL)"
    goal = "≤ 1.2; RSS ≤ 150 MB"
    say(f"[2] {scale.many_jobs} jobs in flight (PostgreSQL)")
    try:
        async with postgres_store() as store:
            [many] = await polls.measure(
                scale,
                template,
                scale.many_jobs,
                scale.work_dir / "polls-10k-pg",
                deliver=False,
                store=store,
            )
    except PostgresUnavailable as exc:
        say(f"  the PostgreSQL row was not measured: {exc}")
        return Row(name, f"not measured: {exc}", "", "", goal, "not run")
    except Exception as exc:  # one row failing must not lose the others
        say(f"  the PostgreSQL row was not measured, the run failed: {exc!r}")
        say(traceback.format_exc())
        return Row(
            name, f"not measured: the run failed ({type(exc).__name__})", "", "", goal, "not run"
        )
    say(f"  steady: {many.line()}")
    return _poll_row(name, many, "3.0 (the issue's one figure for both)", goal=goal)


def _poll_row(name: str, result: polls.PollResult, today: str, goal: str = "≤ 1.2") -> Row:
    return Row(
        name,
        f"p99 {result.p(99):.2f} (p50 {result.p(50):.2f}; {result.polls_per_second:.0f} polls/s; "
        f"CPU {result.cpu_percent:.0f} %; RSS {result.rss_mb:.0f} MB)",
        "1.10 (the bot's ±10 % jitter)",
        f"{result.p(99) / 1.1:.2f}× on-time",
        goal,
        today,
    )


def _latency_row(
    name: str, loaded: list[float], idle: list[float], goal: str, today: str, jobs: int
) -> Row:
    return Row(
        f"{name}, {jobs} jobs in flight",
        f"{ms(percentile(loaded, 99))} (p50 {ms(percentile(loaded, 50))}, n={len(loaded)})",
        f"no jobs: {ms(percentile(idle, 99))} (p50 {ms(percentile(idle, 50))})",
        ratio(percentile(loaded, 99), percentile(idle, 99)),
        goal,
        today,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller run (under ~2 minutes)")
    parser.add_argument("--only", default="1,2,3,4,5,6", help="figures to run, e.g. 1,6")
    parser.add_argument("--rounds", type=int, help="repeats of figures 1, 3 and 6")
    parser.add_argument("--jobs", type=int, help="jobs in flight for figures 2 and 4")
    parser.add_argument("--many-jobs", type=int, help="jobs in flight for figure 2's big case")
    parser.add_argument("--interval", type=float, help="POLL_INTERVAL_SECONDS for figure 2")
    parser.add_argument(
        "--no-postgres",
        action="store_true",
        help="skip figure 2's many-jobs run on PostgreSQL (run only on SQLite)",
    )
    parser.add_argument("--out", type=Path, help="also write the table (markdown) here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    scale = Scale.quick(work) if args.quick else Scale(work_dir=work)
    overrides = {
        "rounds": args.rounds,
        "jobs": args.jobs,
        "many_jobs": args.many_jobs,
        "interval": args.interval,
    }
    scale = dataclasses.replace(scale, **{k: v for k, v in overrides.items() if v is not None})
    only = {int(part) for part in args.only.split(",") if part.strip()}
    say(f"bench: {'quick' if args.quick else 'full'} run of figures {sorted(only)}")
    say(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    say(f"scale: {scale}")
    started = time.monotonic()
    try:
        rows = asyncio.run(run(scale, only, postgres=not args.no_postgres))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    say()
    say(table(rows))
    say()
    say(f"took {time.monotonic() - started:.0f} s")
    if args.out is not None:
        args.out.write_text(table(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
