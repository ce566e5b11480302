"""docker-compose.yml and its `replicas` profile, read as data (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
REPLICAS = {"postgres", "bot-1", "bot-2", "proxy"}
BOTS = ("bot-1", "bot-2")

# The services that start without a profile (the two-command quick start), as they were
# before the replicas profile: the profile must not change them.
DEFAULT_BOT: dict[str, Any] = {
    "build": ".",
    "env_file": ".env",
    "environment": {
        "DATABASE_PATH": "/data/bot.sqlite3",
        "HTTP_HOST": "0.0.0.0",
        "HTTP_PORT": "8080",
    },
    "volumes": ["bot-data:/data", "bot-api-data:/var/lib/telegram-bot-api:ro"],
    "ports": ["8080:8080"],
    "restart": "unless-stopped",
    "stop_grace_period": "150s",
    "healthcheck": {
        "test": [
            "CMD",
            "python",
            "-c",
            "import urllib.request; "
            "urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=5)",
        ],
        "interval": "30s",
        "timeout": "10s",
        "retries": 3,
    },
}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def in_profile(services: dict[str, dict[str, Any]], profile: str | None) -> set[str]:
    """The services `docker compose --profile <profile> up` starts on their own (None: none)."""
    return {
        name
        for name, service in services.items()
        if (profile in service.get("profiles", [])) or not service.get("profiles")
    }


def test_the_default_services_are_unchanged(services: dict[str, dict[str, Any]]) -> None:
    assert in_profile(services, None) == {"bot"}
    assert services["bot"] == DEFAULT_BOT
    assert services["telegram-bot-api"]["profiles"] == ["local-api"]


def test_the_replicas_profile_has_postgres_two_bots_and_a_proxy(
    services: dict[str, dict[str, Any]],
) -> None:
    assert {n for n, s in services.items() if "replicas" in s.get("profiles", [])} == REPLICAS
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:1[56]", postgres["image"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert services["proxy"]["image"].startswith("caddy:2")


def test_both_bots_share_the_database_and_the_public_url_in_webhook_mode(
    services: dict[str, dict[str, Any]],
) -> None:
    environments = [services[name]["environment"] for name in BOTS]
    urls = {env["DATABASE_URL"] for env in environments}
    assert len(urls) == 1
    assert urls.pop().startswith("postgresql://")
    assert len({env["PUBLIC_BASE_URL"] for env in environments}) == 1
    assert {env["TELEGRAM_WEBHOOK"] for env in environments} == {"true"}
    settings = {name.upper() for name in Settings.model_fields}
    assert all(set(env) <= settings for env in environments)  # only the bot's own settings
    for name in BOTS:
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert "ports" not in services[name]  # reached only through the proxy
    volumes = [services[name]["volumes"] for name in BOTS]
    assert volumes[0] != volumes[1]  # each its own disk for the videos it fetches


def test_the_proxy_balances_every_request_over_both_bots(
    services: dict[str, dict[str, Any]],
) -> None:
    proxy = services["proxy"]
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    mounted = [v.split(":")[:2] for v in proxy["volumes"] if v.startswith("./")]
    assert ["./deploy/Caddyfile", "/etc/caddy/Caddyfile"] in mounted
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    lines = [line.split("#")[0].split() for line in caddyfile.splitlines()]
    lines = [words for words in lines if words]
    ports = {services[name]["environment"]["HTTP_PORT"] for name in BOTS}
    upstreams = [f"{name}:{port}" for name in BOTS for port in ports]
    assert ["{$PUBLIC_HOST}", "{"] in lines  # the site: TLS for the public host
    assert ["reverse_proxy", *upstreams, "{"] in lines
    assert ["lb_policy", "round_robin"] in lines
    assert ["health_uri", "/healthz"] in lines
    assert services["bot-1"]["environment"]["PUBLIC_BASE_URL"] == "https://${PUBLIC_HOST:-}"
    assert proxy["environment"]["PUBLIC_HOST"] == "${PUBLIC_HOST:-}"
