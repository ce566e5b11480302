"""Settings: the names of design §10, one clear line for a bad one, .env.example complete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "TELEGRAM_BOT_TOKEN": "123456:abc",
    "VENDOR": "uniall",
    "VENDOR_API_KEY": "sk-test",
    "VENDOR_BASE_URL": "https://vendor.example",
}


def settings_from(env: dict[str, str]) -> Settings:
    return Settings(_env_file=None, **{k.lower(): v for k, v in env.items()})  # type: ignore[arg-type]


def error_line(env: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        settings_from(env)
    return describe_error(caught.value)


def test_defaults_and_secrets() -> None:
    settings = settings_from(GOOD)
    assert settings.vendor == ("uniall",)
    assert settings.database_path == Path("data/bot.sqlite3")
    assert str(settings.telegram_api_url) == "https://api.telegram.org/"
    assert settings.upload_limit_bytes == 50 * 1024 * 1024
    assert "123456:abc" not in repr(settings)
    assert "sk-test" not in repr(settings)


def test_local_mode_raises_the_upload_limit() -> None:
    settings = settings_from({**GOOD, "TELEGRAM_LOCAL_MODE": "true"})
    assert settings.upload_limit_bytes == 2000 * 1024 * 1024


def test_several_vendors_take_their_own_keys_and_bases() -> None:
    settings = settings_from(
        {
            "TELEGRAM_BOT_TOKEN": "1:x",
            "VENDOR": "kie, uniall",
            "KIE_API_KEY": "kie-key",
            "UNIALL_API_KEY": "uniall-key",
            "UNIALL_BASE_URL": "https://uniall.example/",
            "PUBLIC_BASE_URL": "https://bot.example",
        }
    )
    kie = settings.vendor_config("kie")
    uniall = settings.vendor_config("uniall")
    assert settings.vendor == ("kie", "uniall")
    assert (kie.api_key, kie.base_url) == ("kie-key", "https://api.kie.ai")
    assert kie.callback_url == "https://bot.example/callbacks/kie"
    assert kie.upload_base_url == "https://kieai.redpandaai.co"
    assert (uniall.api_key, uniall.base_url) == ("uniall-key", "https://uniall.example")
    assert {"kie-key", "uniall-key", "1:x"} <= set(settings.secrets())


def test_a_single_vendor_uses_the_documented_base_by_default() -> None:
    settings = settings_from(
        {"TELEGRAM_BOT_TOKEN": "1:x", "VENDOR": "gemini", "VENDOR_API_KEY": "g"}
    )
    config = settings.vendor_config("gemini")
    assert (config.api_key, config.base_url) == ("g", "https://generativelanguage.googleapis.com")
    assert config.callback_url is None


def test_lists_are_comma_separated() -> None:
    settings = settings_from({**GOOD, "ADMIN_USER_IDS": "1, 22,333"})
    assert settings.admin_user_ids == (1, 22, 333)


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            {"TELEGRAM_BOT_TOKEN": None},
            "configuration error: TELEGRAM_BOT_TOKEN is required (see .env.example)",
        ),
        (
            {"VENDOR": "sora"},
            "configuration error: VENDOR: unknown vendor sora; "
            "choose from uniall, globalai, kie, gptplus5, gemini, demo",
        ),
        (
            {"VENDOR": "kie,uniall", "VENDOR_API_KEY": None},
            "configuration error: KIE_API_KEY is required for kie",
        ),
        (
            {"VENDOR": "kie,uniall", "KIE_API_KEY": "k1", "UNIALL_API_KEY": "k2"},
            "configuration error: UNIALL_BASE_URL is required for uniall: its docs name no host",
        ),
        (
            {"JOB_TIMEOUT_MINUTES": "-1"},
            "configuration error: JOB_TIMEOUT_MINUTES: Input should be greater than 0",
        ),
        (
            {"HTTP_PORT": "http"},
            "configuration error: HTTP_PORT: Input should be a valid integer, "
            "unable to parse string as an integer",
        ),
        (
            {"ADMIN_USER_IDS": "12,bob"},
            "configuration error: ADMIN_USER_IDS: invalid literal for int() with base 10: 'bob'",
        ),
        (
            {"VENDOR_BASE_URL": None},
            "configuration error: VENDOR_BASE_URL is required for uniall: its docs name no host",
        ),
    ],
)
def test_a_bad_setting_is_named_in_one_line(change: dict[str, str | None], line: str) -> None:
    env = {**GOOD, **change}
    assert error_line({k: v for k, v in env.items() if v is not None}) == line


def test_python_m_bot_stops_with_one_line_for_a_missing_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "VENDOR"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT), "VENDOR": "uniall", "VENDOR_API_KEY": "k"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: TELEGRAM_BOT_TOKEN is required (see .env.example)\n"
    )


def test_env_example_names_every_setting_and_loads(tmp_path: Path) -> None:
    example = (ROOT / ".env.example").read_text()
    active = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    # left commented out: DATABASE_PATH (the Docker image sets its own) and compose's own
    commented = set(re.findall(r"^# ([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    compose_only = {"TELEGRAM_API_ID", "TELEGRAM_API_HASH", "PUBLIC_HOST", "POSTGRES_PASSWORD"}
    assert compose_only <= commented
    assert active | (commented - compose_only) == {name.upper() for name in Settings.model_fields}
    # the quick start: copy it and put in the token, nothing else
    filled = example.replace("TELEGRAM_BOT_TOKEN=\n", "TELEGRAM_BOT_TOKEN=1:x\n")
    (tmp_path / ".env").write_text(filled)
    settings = Settings(_env_file=tmp_path / ".env")  # type: ignore[call-arg]
    assert settings.vendor == ("demo",)
    assert settings.poll_interval_seconds is None
