"""Settings from the environment and `.env` (design §10); bad settings stop the start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

KNOWN_VENDORS = ("uniall",)
VENDORS_WITHOUT_DEFAULT_BASE = frozenset({"uniall"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    telegram_bot_token: SecretStr
    telegram_api_url: HttpUrl = HttpUrl("https://api.telegram.org")
    telegram_local_mode: bool = False
    telegram_poll_timeout_seconds: int = Field(default=30, ge=0, le=50)

    vendor: Annotated[tuple[str, ...], NoDecode]
    vendor_api_key: SecretStr
    vendor_base_url: HttpUrl | None = None

    database_path: Path = Path("data/bot.sqlite3")
    public_base_url: HttpUrl | None = None
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8080, ge=1, le=65535)

    poll_interval_seconds: float | None = Field(default=None, gt=0)
    job_timeout_minutes: float = Field(default=30.0, gt=0)
    vendor_timeout_seconds: float = Field(default=60.0, gt=0)
    shutdown_grace_seconds: float = Field(default=5.0, ge=0)
    max_concurrent_vendor_calls: int = Field(default=4, ge=1, le=64)

    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    admin_chat_id: int | None = None
    log_level: str = "INFO"

    @field_validator("vendor", mode="before")
    @classmethod
    def _split_vendors(cls, value: object) -> object:
        if isinstance(value, str):
            names = tuple(part.strip().lower() for part in value.split(",") if part.strip())
            unknown = [name for name in names if name not in KNOWN_VENDORS]
            if unknown:
                raise ValueError(
                    f"unknown vendor {', '.join(unknown)}; choose from {', '.join(KNOWN_VENDORS)}"
                )
            if not names:
                raise ValueError("name at least one vendor")
            return names
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @model_validator(mode="after")
    def _base_url_where_needed(self) -> Settings:
        if self.vendor_base_url is None and self.vendor[0] in VENDORS_WITHOUT_DEFAULT_BASE:
            raise ValueError(
                f"VENDOR_BASE_URL is required for {self.vendor[0]}: its docs name no host"
            )
        return self

    def secrets(self) -> list[str]:
        """Every secret value, for log redaction."""
        return [
            self.telegram_bot_token.get_secret_value(),
            self.vendor_api_key.get_secret_value(),
        ]

    @property
    def telegram_api_root(self) -> str:
        return str(self.telegram_api_url).rstrip("/")

    @property
    def upload_limit_bytes(self) -> int:
        """What one sendVideo may carry: 50 MB on the public Bot API, 2000 MB on a local one."""
        return (2000 if self.telegram_local_mode else 50) * 1024 * 1024

    @property
    def media_dir(self) -> Path:
        return self.database_path.parent / "videos"


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting, for the operator."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    if first["type"] == "missing":
        return f"configuration error: {name} is required (see .env.example)"
    message = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:
        return f"configuration error: {message}"
    return f"configuration error: {name}: {message}"
