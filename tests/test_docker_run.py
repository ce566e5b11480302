"""`docker run` as the README shows it, without a Docker engine: the same environment, the same
file system rules, the same process.

The container's environment is the Dockerfile's `ENV` with `--env-file .env` over it (Docker's
precedence), `.env` being `.env.example` with the bot token put in. The container's file system
is a temporary folder: `/app` (the working directory, with the Dockerfile's `/app/data` link)
read-only, `/data` (the volume) the one writable place. The bot must start, make the demo's
video, answer the Dockerfile's HEALTHCHECK and stop cleanly, writing nothing outside `/data`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.vendors.demo import SAMPLE_VIDEO
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.support.harness import TOKEN, Person, free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()

pytestmark = pytest.mark.sqlite_only(reason="the container keeps its SQLite file on /data")


def logical_lines(text: str) -> Iterator[str]:
    """A Dockerfile's instructions, each on one line (continuations joined, comments gone)."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in logical_lines(DOCKERFILE):
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def healthcheck_command() -> list[str]:
    [line] = [line for line in logical_lines(DOCKERFILE) if line.startswith("HEALTHCHECK ")]
    exec_form = line[line.index("CMD ") + 4 :]
    command: list[str] = json.loads(exec_form)  # the exec form is a JSON list of strings
    return command


def env_file(text: str) -> dict[str, str]:
    """What `docker run --env-file` makes of a file: NAME=value lines taken literally (no
    quotes removed, an empty value set as empty), comments and blank lines skipped."""
    env = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value
    return env


def readme_docker_run() -> list[str]:
    """The README's first `docker run` (the next one differs only in its bind mount)."""
    commands = [
        line for line in README.splitlines() if line.startswith("docker run ") and "/data" in line
    ]
    return shlex.split(commands[0].split("#")[0])


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def tree(path: Path) -> dict[str, int]:
    return {str(p.relative_to(path)): p.lstat().st_mode for p in sorted(path.rglob("*"))}


def dot_env(database_path_line: str | None) -> str:
    """`.env` as the README makes it: `.env.example` with the token put in."""
    text = (ROOT / ".env.example").read_text()
    text = text.replace("TELEGRAM_BOT_TOKEN=\n", f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    if database_path_line is not None:  # an .env from before, which set its own path
        text += f"\n{database_path_line}\n"
    return text


async def until_video(person: Person) -> SentMessage:
    return await person.telegram.wait_for_message(person.chat.id, lambda m: m.kind == "video")


@pytest.mark.parametrize(
    "database_path_line",
    [None, "DATABASE_PATH=data/bot.sqlite3"],
    ids=["env-example", "older-env-with-a-relative-path"],
)
async def test_docker_run_from_the_readme_keeps_everything_on_data(
    tmp_path: Path, telegram: FakeTelegram, alice: Person, database_path_line: str | None
) -> None:
    args = readme_docker_run()
    assert option(args, "--env-file") == ".env"
    assert option(args, "-v").endswith(":/data")
    assert "ln -s /data /app/data" in DOCKERFILE
    container = tmp_path / "container"
    app, data = container / "app", container / "data"  # WORKDIR /app; the volume
    app.mkdir(parents=True)
    data.mkdir()
    (app / "data").symlink_to(data)  # the Dockerfile's `ln -s /data /app/data`
    app.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    app_before = tree(app)

    # Docker's precedence: the image's ENV, then --env-file over it
    container_env = {**dockerfile_env(), **env_file(dot_env(database_path_line))}
    assert container_env["VENDOR"] == "demo"
    port = free_port()
    test_machine = {  # what this machine changes: the fake Bot API, a free port, a short wait
        "TELEGRAM_API_URL": telegram.api_url,
        "HTTP_PORT": str(port),
        "HTTP_HOST": "127.0.0.1",
        "TELEGRAM_CHAT_INTERVAL_SECONDS": "0",
        "TELEGRAM_POLL_TIMEOUT_SECONDS": "1",
        "DEMO_VIDEO_SECONDS": "1",
    }
    settings = {name.upper() for name in Settings.model_fields}
    host = {k: v for k, v in os.environ.items() if k not in settings}
    env = {
        **host,
        **{k: v.replace("/data", str(data), 1) for k, v in container_env.items()},
        **test_machine,
        "PYTHONPATH": str(ROOT),  # /app/bot in the image
    }
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=app, env=env, stderr=out
        )
    try:
        greeting = await alice.say("/start")
        card = await alice.say("/video fireworks over a harbour")
        await alice.press(card, "Create video")
        video = await until_video(alice)
        health = await asyncio.to_thread(
            subprocess.run, healthcheck_command(), env=env, capture_output=True, timeout=10
        )
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        app.chmod(stat.S_IRWXU)

    assert code == 0, log.read_text()
    assert f"Your Telegram id is {alice.user.id}" in (greeting.text or "")
    assert video.video_bytes == SAMPLE_VIDEO.read_bytes()
    assert health.returncode == 0, health.stderr
    assert (data / "bot.sqlite3").is_file()
    assert tree(app) == app_before  # nothing written to /app
    assert sorted(p.name for p in container.iterdir()) == ["app", "data"]


async def test_the_healthcheck_fails_without_a_bot() -> None:
    env = {**os.environ, "HTTP_PORT": str(free_port())}
    health = await asyncio.to_thread(
        subprocess.run, healthcheck_command(), env=env, capture_output=True, timeout=10
    )
    assert health.returncode != 0
    assert re.search(rb"Connection refused|URLError", health.stderr)
