"""docker-compose.yml's `replicas` profile and its Caddyfile, checked as far as they can be
without Docker: PostgreSQL, two bot replicas in webhook mode on it, and Caddy in front of them
doing TLS for PUBLIC_HOST and sending each request to the next healthy replica (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "replicas"
DOTENV = {"PUBLIC_HOST": "bot.example.com", "POSTGRES_PASSWORD": "s3cret"}  # the README's .env
REPLICAS = ("bot-1", "bot-2")


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def services() -> dict[str, dict[str, Any]]:
    return dict(compose()["services"])


def filled(value: str) -> str:
    """`${NAME:-default}` as Compose fills it in from .env."""

    def one(found: re.Match[str]) -> str:
        return DOTENV.get(found.group(1), found.group(2) or "")

    return re.sub(r"\$\{([A-Z_]+)(?::-([^}]*))?\}", one, value)


def environment(service: dict[str, Any]) -> dict[str, str]:
    return {name: filled(str(value)) for name, value in service.get("environment", {}).items()}


def caddy_site() -> tuple[str, dict[str, list[str]]]:
    """The Caddyfile's one site: its address and its reverse_proxy's lines by directive."""
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "deploy" / "Caddyfile").read_text().splitlines()
    ]
    lines = [line for line in lines if line]
    assert lines[0].endswith("{")
    assert lines[-1] == "}"
    address = lines[0].removesuffix("{").strip()
    directives: dict[str, list[str]] = {}
    for line in lines[1:-1]:
        if line == "}":
            continue
        name, *args = line.removesuffix("{").split()
        directives.setdefault(name, []).extend(args)
    return address, directives


def test_the_profile_has_postgresql_two_replicas_and_a_proxy() -> None:
    found = services()
    in_profile = {name for name, s in found.items() if PROFILE in s.get("profiles", [])}
    assert in_profile == {"postgres", *REPLICAS, "proxy"}
    assert found["postgres"]["image"].startswith("postgres:")
    assert found["proxy"]["image"].startswith("caddy:")
    assert PROFILE not in found["bot"].get("profiles", [])  # the quick start is unchanged
    assert found["proxy"]["depends_on"] == list(REPLICAS)


def test_each_replica_is_a_valid_webhook_bot_on_the_shared_postgresql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = services()
    database = environment(found["postgres"])
    names = {name.upper() for name in Settings.model_fields}
    urls: set[str] = set()
    for name in REPLICAS:
        replica = found[name]
        env = environment(replica)
        assert set(env) <= names, set(env) - names
        assert env["DATABASE_URL"] == (
            f"postgresql://{database['POSTGRES_USER']}:{DOTENV['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{database['POSTGRES_DB']}"
        )
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert replica["volumes"] == [f"{name}-data:/data"]  # its own disk for its videos
        assert f":{env['HTTP_PORT']}/healthz" in str(replica["healthcheck"]["test"])
        for setting in names:
            monkeypatch.delenv(setting, raising=False)
        for key, value in {"TELEGRAM_BOT_TOKEN": "123:abc", "VENDOR": "demo", **env}.items():
            monkeypatch.setenv(key, value)
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        assert settings.telegram_webhook
        assert settings.database_url is not None
        urls.add(str(settings.public_base_url))
    assert urls == {f"https://{DOTENV['PUBLIC_HOST']}/"}  # the same PUBLIC_BASE_URL for both


def test_caddy_terminates_tls_and_balances_each_request_over_the_healthy_replicas() -> None:
    found = services()
    proxy = found["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert set(environment(proxy)) == {"PUBLIC_HOST"}

    address, directives = caddy_site()
    # A bare host name: Caddy gets and renews its certificate and redirects HTTP to HTTPS.
    assert address == "{$PUBLIC_HOST}"
    assert not {"tls", "auto_https"} & set(directives)
    upstreams = directives["reverse_proxy"]
    ports = {name: environment(found[name])["HTTP_PORT"] for name in REPLICAS}
    assert upstreams == [f"{name}:{port}" for name, port in ports.items()]
    assert directives["lb_policy"] == ["round_robin"]  # per request, not per client
    assert directives["health_uri"] == ["/healthz"]
    assert directives["health_status"] == ["200"]
    assert not {"handle", "route"} & set(directives)  # every path goes to the replicas
