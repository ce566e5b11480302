"""Credits: what a video costs, what can be bought, and why a job may be refused."""

from __future__ import annotations

import math
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.errors import Refusal
from bot.domain.options import Mode, Resolution, Tier
from bot.domain.request import GenerationRequest


class PriceTable(BaseModel):
    """Credits for an 8-second 720p video with sound, per tier, and the factors on top."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: dict[Tier, int] = Field(
        default_factory=lambda: {Tier.LITE: 6, Tier.FAST: 10, Tier.QUALITY: 30}
    )
    resolution: dict[Resolution, float] = Field(
        default_factory=lambda: {Resolution.P720: 1.0, Resolution.P1080: 1.5, Resolution.K4: 3.0}
    )
    silent: float = 0.8
    upgrade: dict[Resolution, int] = Field(
        default_factory=lambda: {Resolution.P1080: 2, Resolution.K4: 10}
    )

    def price(self, request: GenerationRequest) -> int:
        if request.mode is Mode.UPGRADE:
            return self.upgrade.get(request.resolution, 0)
        base = self.tier.get(request.tier, max(self.tier.values()))
        value = base * self.resolution.get(request.resolution, 1.0)
        value *= request.duration_seconds / 8
        if not request.sound:
            value *= self.silent
        return max(1, math.ceil(value))


class StarPack(BaseModel):
    """A pack of credits sold for Telegram Stars."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]{1,16}$")
    stars: int = Field(gt=0)
    credits: int = Field(gt=0)


DEFAULT_PACKS = (
    StarPack(id="s", stars=50, credits=50),
    StarPack(id="m", stars=200, credits=220),
    StarPack(id="l", stars=500, credits=600),
)


class Pool(StrEnum):
    FREE = "free"  # the daily allowance, topped up each day, never piling up
    PAID = "paid"  # bought or granted credits


class Balance(BaseModel):
    model_config = ConfigDict(frozen=True)

    free: int
    paid: int

    @property
    def total(self) -> int:
        return self.free + self.paid


DAY_SECONDS = 86400.0


def day_start(now: float) -> float:
    """The start of the UTC day `now` falls in."""
    return now - (now % DAY_SECONDS)


class QuotaReason(StrEnum):
    BANNED = "banned"
    NOT_ALLOWED = "not_allowed"
    BALANCE = "balance"
    ACTIVE_JOBS = "active"
    COOLDOWN = "cooldown"
    DAILY_CAP = "daily_cap"


class QuotaError(Refusal):
    """A job this person may not start now; `params` say why and when it will be possible."""

    def __init__(self, reason: QuotaReason, **params: object) -> None:
        super().__init__(f"refusal.{reason.value}", **params)
        self.reason = reason


class Quotas(BaseModel):
    """The limits a job must pass, checked in the transaction that creates it."""

    model_config = ConfigDict(frozen=True)

    credits: bool = False
    free_per_day: int = 0
    daily_cap: int | None = None
    max_active_jobs: int = 3
    cooldown_seconds: float = 0.0

    def charges(self, price: int) -> bool:
        """Whether a job at this price takes credits (and so tops up today's allowance)."""
        return self.credits and price > 0


class QuotaCounts(BaseModel):
    """What the store counts, in the creating transaction, for the quota decision."""

    model_config = ConfigDict(frozen=True)

    active_jobs: int  # the person's other unfinished jobs
    last_job_at: float | None  # when the person's previous job was made
    spent_today: int  # credits everyone's jobs hold or used since the UTC day began
    balance: Balance  # after today's allowance was topped up


class Hold(BaseModel):
    """What a job's reservation takes from each pool (free first)."""

    model_config = ConfigDict(frozen=True)

    free: int = 0
    paid: int = 0


def decide(counts: QuotaCounts, *, price: int, quotas: Quotas, now: float) -> Hold:
    """The reservation for a new job at `price`, or a QuotaError that says why not."""
    if counts.active_jobs >= quotas.max_active_jobs:
        raise QuotaError(
            QuotaReason.ACTIVE_JOBS, count=counts.active_jobs, limit=quotas.max_active_jobs
        )
    if quotas.cooldown_seconds > 0 and counts.last_job_at is not None:
        waited = now - counts.last_job_at
        if waited < quotas.cooldown_seconds:
            raise QuotaError(
                QuotaReason.COOLDOWN, seconds=math.ceil(quotas.cooldown_seconds - waited)
            )
    if not quotas.charges(price):
        return Hold()
    if quotas.daily_cap is not None and counts.spent_today + price > quotas.daily_cap:
        raise QuotaError(QuotaReason.DAILY_CAP, reopens_at=day_start(now) + DAY_SECONDS)
    balance = counts.balance
    if balance.total < price:
        raise QuotaError(
            QuotaReason.BALANCE,
            price=price,
            balance=balance.total,
            free_per_day=quotas.free_per_day,
        )
    from_free = min(balance.free, price)
    return Hold(free=from_free, paid=price - from_free)
