"""Settings from the environment and `.env` (design §10); bad settings stop the start."""

from __future__ import annotations

import hashlib
import json
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
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.credits import DEFAULT_PACKS, PriceTable, Quotas, StarPack
from bot.vendors.base import DEFAULT_TIMEOUT_SECONDS, DEMO_VIDEO_SECONDS, VendorConfig
from bot.vendors.known import (
    DEFAULT_BASE_URLS,
    KEYLESS_VENDORS,
    KIE_UPLOAD_BASE_URL,
    KNOWN_VENDORS,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    telegram_bot_token: SecretStr
    telegram_api_url: HttpUrl = HttpUrl("https://api.telegram.org")
    telegram_local_mode: bool = False
    telegram_poll_timeout_seconds: int = Field(default=30, ge=0, le=50)
    # Telegram's flood limits, kept per chat by the bot (design §13); change them only for a
    # test server that has none.
    telegram_chat_interval_seconds: float = Field(default=1.1, ge=0)
    telegram_group_messages_per_minute: int = Field(default=20, ge=1)
    telegram_messages_per_second: int = Field(default=28, ge=1)
    telegram_webhook: bool = False
    telegram_webhook_secret: SecretStr | None = None

    vendor: Annotated[tuple[str, ...], NoDecode]
    vendor_api_key: SecretStr | None = None
    vendor_base_url: HttpUrl | None = None
    # Per-vendor key and base, used when VENDOR names several (VENDOR=kie,uniall).
    uniall_api_key: SecretStr | None = None
    uniall_base_url: HttpUrl | None = None
    globalai_api_key: SecretStr | None = None
    globalai_base_url: HttpUrl | None = None
    kie_api_key: SecretStr | None = None
    kie_base_url: HttpUrl | None = None
    gptplus5_api_key: SecretStr | None = None
    gptplus5_base_url: HttpUrl | None = None
    gemini_api_key: SecretStr | None = None
    gemini_base_url: HttpUrl | None = None
    kie_upload_base_url: HttpUrl = HttpUrl(KIE_UPLOAD_BASE_URL)
    kie_webhook_hmac_key: SecretStr | None = None
    # The name people see for the video service in every text (never the reseller's brand);
    # logs and admin commands keep the vendor id.
    vendor_display_name: str = Field(default="Veo 3.1", min_length=1, max_length=40)
    # VENDOR=demo: how long the built-in demo vendor takes to "make" its sample video.
    demo_video_seconds: float = Field(default=DEMO_VIDEO_SECONDS, gt=0, le=600)

    database_path: Path = Path("data/bot.sqlite3")
    database_url: SecretStr | None = None
    public_base_url: HttpUrl | None = None
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8080, ge=0, le=65535)

    poll_interval_seconds: float | None = Field(default=None, gt=0)
    job_timeout_minutes: float = Field(default=30.0, gt=0)
    vendor_timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0)
    shutdown_grace_seconds: float = Field(default=5.0, ge=0)
    # An upload under way when the bot stops may finish for this long: 50 MB at a slow
    # 4 Mbit/s uplink is 100 s, plus Telegram's own processing before it answers.
    shutdown_upload_grace_seconds: float = Field(default=120.0, ge=0)
    instance_lease_seconds: float = Field(default=30.0, gt=0)
    # Several replicas on PostgreSQL (issue 11): the polling leader's lease (another replica
    # polls within this time after it dies), and how long a claimed Telegram update stays
    # another replica's before a resent copy may be handled again.
    leader_lease_seconds: float = Field(default=15.0, gt=0)
    update_claim_seconds: float = Field(default=60.0, gt=0)
    # Several processes on PostgreSQL: a job step is claimed for this long and the claim is
    # renewed every third of it while the step runs; a killed process's jobs go on elsewhere
    # after at most this long.
    job_lease_seconds: float = Field(default=30.0, ge=3, le=60)
    max_concurrent_vendor_calls: int = Field(default=4, ge=1, le=64)

    credits_enabled: bool = False
    free_credits_per_day: int = Field(default=0, ge=0)
    daily_credit_cap: int | None = Field(default=None, ge=0)
    max_active_jobs_per_user: int = Field(default=3, ge=1)
    cooldown_seconds: float = Field(default=0.0, ge=0)
    # NoDecode on every list or JSON setting: the validators below read the text, so a bad
    # value is a validation error listed with the others, never a parse error that hides them.
    allowed_user_ids: Annotated[tuple[int, ...] | None, NoDecode] = None
    prices: Annotated[PriceTable, NoDecode] = PriceTable()
    star_packs: Annotated[tuple[StarPack, ...], NoDecode] = DEFAULT_PACKS
    # Who /paysupport sends people to (an @username, an email, a link). With
    # CREDITS_ENABLED=true it is required unless ADMIN_USER_IDS is set (then the admins are
    # named, as links, in the answer).
    support_contact: str | None = None
    # Credits for both the inviter and the invited when the invited person's first video is
    # delivered (0: no referral links).
    referral_credits: int = Field(default=0, ge=0)

    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    admin_chat_id: int | None = None
    log_level: str = "INFO"
    # text: one readable line per record; json: one JSON object per line, for log collectors.
    log_format: str = "text"

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

    @field_validator("vendor_display_name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("give the name people should see, e.g. Veo 3.1")
        return name

    @field_validator("admin_user_ids", "allowed_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Comma-separated ids; one id alone (the usual private bot) is a list of one."""
        if isinstance(value, str):
            listed = value.replace(" ", "").removeprefix("[").removesuffix("]")
            return tuple(int(part) for part in listed.split(",") if part)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("prices", "star_packs", mode="before")
    @classmethod
    def _parse_json(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc})") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("use a postgresql://user:password@host:port/database URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value.strip().lower() not in ("text", "json"):
            raise ValueError("use text or json")
        return value.strip().lower()

    @model_validator(mode="after")
    def _webhook_needs_a_public_url(self) -> Settings:
        if self.telegram_webhook and self.public_base_url is None:
            raise ValueError("TELEGRAM_WEBHOOK=true needs PUBLIC_BASE_URL (where Telegram posts)")
        return self

    @model_validator(mode="after")
    def _payments_need_a_contact(self) -> Settings:
        contact = (self.support_contact or "").strip()
        if self.credits_enabled and not contact and not self.admin_user_ids:
            raise ValueError(
                "SUPPORT_CONTACT is required with CREDITS_ENABLED=true: who people write to "
                "about a payment (an @username, an email or a link), or set ADMIN_USER_IDS"
            )
        return self

    @property
    def webhook_secret(self) -> str:
        """The secret token Telegram sends with each webhook update (stable across restarts)."""
        if self.telegram_webhook_secret is not None:
            return self.telegram_webhook_secret.get_secret_value()
        token = self.telegram_bot_token.get_secret_value()
        return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()[:48]

    @model_validator(mode="after")
    def _every_vendor_configured(self) -> Settings:
        for name in self.vendor:
            if name in KEYLESS_VENDORS:
                continue
            if self._api_key(name) is None:
                raise ValueError(f"{self._key_setting(name)} is required for {name}")
            if self._base_url(name) is None:
                raise ValueError(
                    f"{self._base_setting(name)} is required for {name}: its docs name no host"
                )
        return self

    @property
    def single_vendor(self) -> bool:
        return len(self.vendor) == 1

    def _key_setting(self, name: str) -> str:
        return "VENDOR_API_KEY" if self.single_vendor else f"{name.upper()}_API_KEY"

    def _base_setting(self, name: str) -> str:
        return "VENDOR_BASE_URL" if self.single_vendor else f"{name.upper()}_BASE_URL"

    def _api_key(self, name: str) -> SecretStr | None:
        if name in KEYLESS_VENDORS:
            return SecretStr("")
        own: SecretStr | None = getattr(self, f"{name}_api_key")
        return (self.vendor_api_key or own) if self.single_vendor else own

    def _base_url(self, name: str) -> str | None:
        own: HttpUrl | None = getattr(self, f"{name}_base_url", None)
        chosen = (self.vendor_base_url or own) if self.single_vendor else own
        return str(chosen).rstrip("/") if chosen else DEFAULT_BASE_URLS.get(name)

    def vendor_config(self, name: str) -> VendorConfig:
        key, base = self._api_key(name), self._base_url(name)
        if key is None or base is None:
            raise ValueError(f"{name} is not configured")
        public = str(self.public_base_url).rstrip("/") if self.public_base_url else None
        return VendorConfig(
            api_key=key.get_secret_value(),
            base_url=base,
            callback_url=f"{public}/callbacks/{name}" if public else None,
            upload_base_url=str(self.kie_upload_base_url).rstrip("/"),
            webhook_hmac_key=(
                self.kie_webhook_hmac_key.get_secret_value() if self.kie_webhook_hmac_key else None
            ),
            timeout_seconds=self.vendor_timeout_seconds,
            demo_video_seconds=self.demo_video_seconds,
        )

    def vendor_configs(self) -> dict[str, VendorConfig]:
        """Every configured vendor's config, in the order VENDOR names them."""
        return {name: self.vendor_config(name) for name in self.vendor}

    def secrets(self) -> list[str]:
        """Every secret value, for log redaction."""
        values = [self.telegram_bot_token, self.vendor_api_key, self.kie_webhook_hmac_key]
        values += [self.database_url]
        values += [getattr(self, f"{name}_api_key", None) for name in KNOWN_VENDORS]
        return [value.get_secret_value() for value in values if value is not None] + [
            self.webhook_secret
        ]

    @property
    def quotas(self) -> Quotas:
        return Quotas(
            credits=self.credits_enabled,
            free_per_day=self.free_credits_per_day,
            daily_cap=self.daily_credit_cap,
            max_active_jobs=self.max_active_jobs_per_user,
            cooldown_seconds=self.cooldown_seconds,
        )

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
    """One line naming every bad setting, for the operator."""
    problems = error.errors()
    parts = dict.fromkeys(_describe(problem) for problem in problems)
    missing = any(
        problem["type"] == "missing" and len(problem["loc"]) == 1 for problem in problems
    )
    return "configuration error: " + "; ".join(parts) + (" (see .env.example)" if missing else "")


def _describe(problem: ErrorDetails) -> str:
    loc = problem["loc"]
    if not loc:
        return problem["msg"].removeprefix("Value error, ")
    name = str(loc[0]).upper() + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:]
    )
    if problem["type"] == "missing" and len(loc) == 1:
        return f"{name} is required"
    return f"{name}: {problem['msg'].removeprefix('Value error, ')}"
