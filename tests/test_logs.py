"""The log as an operator reads it: one line per job's end, text or JSON, never a secret."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import ALICE, TOKEN, VENDOR_KEY, Jobs, Person
from tests.support.process import bot_env, fakes_env, spawn_bot
from tests.test_startup import refused_start

# A vendor that quotes our key back in its error: the reason must not carry it into the log.
LEAKY_FAILURE = f"quota exhausted for key {VENDOR_KEY}"


async def run_two_jobs(
    tmp_path: Path,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    jobs: Jobs,
    log_format: str,
) -> str:
    """`python -m bot` at DEBUG: one video delivered, one failed; the stderr it wrote."""
    env = bot_env(
        tmp_path, **fakes_env(telegram, uniall), LOG_LEVEL="DEBUG", LOG_FORMAT=log_format
    )
    log = tmp_path / "bot.log"
    process = await spawn_bot(env, tmp_path, log)
    try:
        card = await alice.say("/video a calm lake")
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")
        uniall.play_failure(LEAKY_FAILURE)
        card = await alice.say("/video a stormy sea")
        await alice.press(card, "Create video")
        await jobs.wait(2, "failed")
        process.send_signal(signal.SIGTERM)
        assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return log.read_text()


def assert_no_secret(text: str) -> None:
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert VENDOR_KEY not in text


async def test_text_logs_end_each_job_in_one_line(
    tmp_path: Path, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    text = await run_two_jobs(tmp_path, telegram, uniall, alice, jobs, "text")

    lines = text.splitlines()
    assert len(lines) > 20  # DEBUG really was on
    ends = [line.split(" bot.services.joblog: ", 1)[1] for line in lines if "joblog" in line]
    assert ends == [
        f"job 1 delivered: person {ALICE.id}, chat {ALICE.id}, vendor uniall, reason -",
        f"job 2 failed: person {ALICE.id}, chat {ALICE.id}, vendor uniall, "
        "reason generation: quota exhausted for key [redacted]",
    ]
    assert " INFO bot.services.joblog: job 1 delivered" in text
    assert " WARNING bot.services.joblog: job 2 failed" in text
    assert_no_secret(text)


async def test_json_logs_are_one_object_a_line_with_the_jobs_fields(
    tmp_path: Path, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    text = await run_two_jobs(tmp_path, telegram, uniall, alice, jobs, "json")

    records = [json.loads(line) for line in text.splitlines()]  # every line is one object
    assert len(records) > 20
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    assert {record["level"] for record in records} >= {"DEBUG", "INFO", "WARNING"}
    assert any(record["logger"].startswith("telegram") for record in records)
    ends = [record for record in records if record["logger"] == "bot.services.joblog"]
    fields = ("level", "job", "person", "chat", "vendor", "state", "reason")
    assert [{key: record[key] for key in fields} for record in ends] == [
        {
            "level": "INFO",
            "job": 1,
            "person": ALICE.id,
            "chat": ALICE.id,
            "vendor": "uniall",
            "state": "delivered",
            "reason": "-",
        },
        {
            "level": "WARNING",
            "job": 2,
            "person": ALICE.id,
            "chat": ALICE.id,
            "vendor": "uniall",
            "state": "failed",
            "reason": "generation: quota exhausted for key [redacted]",
        },
    ]
    assert ends[1]["message"].startswith("job 2 failed: person")
    assert_no_secret(text)


@pytest.mark.parametrize("value", ["xml", "yaml"])
def test_an_unknown_log_format_is_one_line(tmp_path: Path, value: str) -> None:
    code, stderr = refused_start(tmp_path, LOG_FORMAT=value)
    assert stderr == "configuration error: LOG_FORMAT: use text or json\n"
    assert code == 2
