"""A new operator's first hour: the README's quick start, its names and files, and /id."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from bot.__main__ import USAGE
from bot.config import Settings
from bot.vendors.demo import SAMPLE_VIDEO
from bot.vendors.known import KNOWN_VENDORS
from tests.fakes.telegram import FakeTelegram, TgChat
from tests.support.group import BOT_USERNAME, member
from tests.support.harness import ALICE, TOKEN, Person, StartBot

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SETTINGS = {name.upper() for name in Settings.model_fields}
# Upper-case words the README uses that are not the bot's settings: compose's (the local Bot
# API server, the replicas' proxy and database), the image's, log levels, `check`'s verdict,
# kie.ai's generation types, the Stars currency and the tests' own PostgreSQL variables.
NOT_SETTINGS = {
    "TELEGRAM_API_ID",
    "TELEGRAM_API_HASH",
    "PUBLIC_HOST",
    "POSTGRES_PASSWORD",
    "HEALTHCHECK",
    "DEBUG",
    "INFO",
    "WARNING",
    "ERROR",
    "FAIL",
    "FIRST_AND_LAST_FRAMES_2_VIDEO",
    "REFERENCE_2_VIDEO",
    "XTR",
    "TEST_DATABASE_URL",
    "REQUIRE_POSTGRES",
}


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_names_only_real_settings_and_every_one() -> None:
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`", README))
    for block in code_blocks(README):
        named |= set(re.findall(r"^([A-Z][A-Z0-9_]{2,})=", block, flags=re.MULTILINE))
    assert named - NOT_SETTINGS <= SETTINGS
    per_vendor = {f"{vendor.upper()}_{part}" for vendor in KNOWN_VENDORS for part in ("API_KEY",)}
    per_vendor |= {f"{vendor.upper()}_BASE_URL" for vendor in KNOWN_VENDORS}
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", README, flags=re.MULTILINE))
    table |= set(re.findall(r"^\| `[A-Z_]+`, `([A-Z][A-Z0-9_]+)`", README, flags=re.MULTILINE))
    assert SETTINGS - per_vendor - table == set()  # each has a row in "Configuration"


def test_the_readme_names_only_files_that_exist() -> None:
    paths = set(
        re.findall(
            r"`((?:bot|tests|deploy|bench)/[\w./-]+|Dockerfile|docker-compose\.yml"
            r"|\.env\.example|\.dockerignore|\.ci/run)`",
            README,
        )
    )
    paths |= set(re.findall(r"\./(deploy/\w+)", (ROOT / "docker-compose.yml").read_text()))
    assert {"bot/vendors/demo/sample.mp4", ".dockerignore", "deploy/Caddyfile"} <= paths
    missing = [path for path in sorted(paths) if not (ROOT / path.rstrip("/")).exists()]
    assert missing == []


def test_the_readme_runs_only_real_commands() -> None:
    commands = set(re.findall(r"python -m bot ([a-z][a-z-]*)", README))
    assert commands == {"check", "migrate-to-postgres", "backup"}
    assert all(command in USAGE for command in commands)
    assert "curl -LsSf https://astral.sh/uv/install.sh | sh" in README
    quick_start = code_blocks(README.split("## Quick start", 1)[1])[1].splitlines()
    after_clone = [line.split("#")[0].strip() for line in quick_start[1:]]
    # the setup, the check, then two commands: one runs the bot, one runs the tests
    assert after_clone == [
        "cp .env.example .env",
        "uv run python -m bot check",
        "uv run python -m bot",
        "uv run pytest",
    ]
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "data/", ".venv/", ".git/", "**/__pycache__/"} <= set(dockerignore)
    compose = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"image: aiogram/telegram-bot-api:\d+\.\d+\n", compose)
    assert ":latest" not in compose
    assert "https://my.telegram.org" in README
    assert "https://my.telegram.org" in (ROOT / ".env.example").read_text()


@pytest.mark.sqlite_only(reason="the quick start's SQLite file in data/")
async def test_the_quick_start_runs_from_env_example_and_the_token(
    tmp_path: Path, telegram: FakeTelegram, alice: Person
) -> None:
    """`cp .env.example .env`, the token put in, `python -m bot` in the project's folder."""
    example = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(
        example.replace("TELEGRAM_BOT_TOKEN=\n", f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    )
    host = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env = {  # the environment wins over .env: only what this machine needs differs
        **host,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_API_URL": telegram.api_url,  # the fake standing in for api.telegram.org
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": "0",
        "TELEGRAM_CHAT_INTERVAL_SECONDS": "0",
        "TELEGRAM_POLL_TIMEOUT_SECONDS": "1",
        "DEMO_VIDEO_SECONDS": "1",
    }
    check = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE
    )
    checked, _ = await asyncio.wait_for(check.communicate(), 30)
    assert check.returncode == 0
    assert checked.decode().splitlines() == [
        "ok   telegram: bot @veo_test_bot",
        "ok   demo: the built-in demo: no key and no network; every video is the sample clip "
        "(set VENDOR to a real vendor to make real videos)",
    ]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        greeting = await alice.say("/start")
        help_text = await alice.say("/help")
        card = await alice.say("/video a snowman waves")
        card_text = card.text or ""
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert process.returncode == 0, stderr.decode()
    assert (greeting.text or "").endswith(
        f"🔑 Your Telegram id is {ALICE.id}. This bot has no admin yet: put "
        f"ADMIN_USER_IDS={ALICE.id} in its .env to become one."
    )
    assert "🧪 Demo mode" in (help_text.text or "")
    assert "🧪 Demo mode" in card_text
    assert video.video_bytes == SAMPLE_VIDEO.read_bytes()
    assert (tmp_path / "data" / "bot.sqlite3").is_file()


async def test_id_tells_a_person_their_id_and_a_groups_id(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    group = TgChat.group(-1002468, "Film club")
    in_group = member(telegram, ALICE, group)
    async with start_bot(admin_user_ids=(ALICE.id,)):
        mine = await alice.say("/id")
        greeting = await alice.say("/start")
        there = await in_group.say(f"/id@{BOT_USERNAME}")

    assert mine.text == f"🔑 Your Telegram id is {ALICE.id}."
    assert there.text == f"🔑 Your Telegram id is {ALICE.id}.\n💬 This chat's id is -1002468."
    assert "Telegram id" not in (greeting.text or "")  # the bot has its admin
