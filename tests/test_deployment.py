"""Deployment: webhook mode with its secret token, /healthz, and the container files."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import httpx

from bot.config import Settings
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.credits import OLGA, dm
from tests.support.harness import ALICE, Jobs, Person, StartBot, database_url, free_port

ROOT = Path(__file__).resolve().parent.parent


def help_update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": ALICE.id, "type": "private", "first_name": ALICE.first_name},
            "from": {"id": ALICE.id, "is_bot": False, "first_name": ALICE.first_name},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def test_webhook_mode_checks_telegrams_secret_token(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    port = free_port()
    webhook = {"public_base_url": f"http://127.0.0.1:{port}", "http_port": port}
    async with start_bot(telegram_webhook=True, **webhook), httpx.AsyncClient() as client:
        [registered] = telegram.calls_to("setWebhook")
        assert registered.params["url"] == f"http://127.0.0.1:{port}/telegram/webhook"
        assert registered.params["drop_pending_updates"] is False
        secret = registered.params["secret_token"]
        url = registered.params["url"]

        no_secret = await client.post(url, json=help_update(1))
        wrong = await client.post(
            url, json=help_update(2), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        right = await client.post(
            url, json=help_update(3), headers={"X-Telegram-Bot-Api-Secret-Token": secret}
        )
        reply = await telegram.wait_for_message(ALICE.id, lambda m: True)

    assert (no_secret.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert (reply.text or "").startswith("What I can do")
    assert len(telegram.messages(ALICE.id)) == 1  # only the update with the secret counted
    assert telegram.calls_to("getUpdates") == []


async def test_healthz_reports_database_worker_and_vendor(
    start_bot: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    port = free_port()
    olga = dm(telegram, OLGA)
    settings = {"http_port": port, "admin_user_ids": (OLGA.id,)}
    async with start_bot(**settings), httpx.AsyncClient() as client:
        before = await client.get(f"http://127.0.0.1:{port}/healthz")
        uniall.fail_next_submits("auth")
        card = await alice.say("/video a failing video")
        await alice.press(card, "Create video")
        await jobs.wait(1, "failed")
        after = await client.get(f"http://127.0.0.1:{port}/healthz")
        details = (await olga.say("/health")).text

    engine = "postgresql" if database_url(jobs.database_path) else "sqlite"
    replica = {"engine": engine, "replica": f"{socket.gethostname()}:{os.getpid()}"}
    assert before.status_code == 200
    assert before.json() == {
        "database": "ok",
        "worker": "ok",
        "vendors": {"uniall": "unknown"},
        **replica,
    }
    assert after.status_code == 200
    # Public (load balancers): states only. The vendor's error text is for the admins' /health.
    assert after.json() == {
        "database": "ok",
        "worker": "ok",
        "vendors": {"uniall": "failing"},
        **replica,
    }
    assert "Invalid token" not in after.text
    assert details == (
        "🩺 Health\ndatabase: ok\nworker: ok\nvendor uniall: failing — auth: Invalid token"
    )


def test_the_container_runs_the_readme_entry_point() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    assert 'CMD ["uv", "run", "--no-sync", "python", "-m", "bot"]' in dockerfile
    assert "uv run python -m bot" in readme
    assert "USER bot" in dockerfile
    assert 'VOLUME ["/data"]' in dockerfile


def test_compose_uses_only_real_settings() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    names = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", compose, flags=re.MULTILINE))
    bot_settings = {name.upper() for name in Settings.model_fields}
    local_server = {"TELEGRAM_API_ID", "TELEGRAM_API_HASH", "TELEGRAM_LOCAL"}
    replicas = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PUBLIC_HOST"}  # db, proxy
    assert names - local_server - replicas <= bot_settings
    assert "bot-data:/data" in compose
    assert "/healthz" in compose
