"""Who may make videos, what they cost, and the credit movements a person or admin causes."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.domain.credits import (
    Balance,
    PriceTable,
    QuotaError,
    QuotaReason,
    Quotas,
    StarPack,
)
from bot.domain.request import GenerationRequest
from bot.services.memo import Remembered
from bot.services.ports import Clock
from bot.store.ledger import LedgerStore
from bot.store.people import PeopleStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccessPolicy:
    admins: frozenset[int]
    allowlist: frozenset[int] | None  # None: open to everyone


class CreditsService:
    def __init__(
        self,
        ledger: LedgerStore,
        people: PeopleStore,
        *,
        prices: PriceTable,
        quotas: Quotas,
        packs: Iterable[StarPack],
        access: AccessPolicy,
        clock: Clock,
        remember_seconds: float = math.inf,
    ) -> None:
        """`remember_seconds`: how long a person's access is kept in memory (every update
        checks it); forever when this process is the only one that can change it."""
        self._ledger = ledger
        self._people = people
        self.prices = prices
        self.quotas = quotas
        self.packs = {pack.id: pack for pack in packs}
        self._access = access
        self._clock = clock
        self._on_stranger: Callable[[int], Awaitable[None]] | None = None
        self._access_of: Remembered[int, tuple[bool, bool]] = Remembered(clock, remember_seconds)

    def on_stranger(self, knock: Callable[[int], Awaitable[None]]) -> None:
        """Call `knock(user_id)` when the allowlist refuses someone (it tells the admins)."""
        self._on_stranger = knock

    @property
    def enabled(self) -> bool:
        return self.quotas.credits

    def now(self) -> float:
        return self._clock()

    async def set_access(
        self, user_id: int, *, allowed: bool | None = None, banned: bool | None = None
    ) -> None:
        await self._people.set_access(user_id, self._clock(), allowed=allowed, banned=banned)
        self._access_of.forget(user_id)

    async def access(self, user_id: int) -> tuple[bool, bool]:
        """(allowed by an admin, banned)."""
        return await self._access_of.get(user_id, lambda: self._people.access(user_id))

    @property
    def admins(self) -> frozenset[int]:
        return self._access.admins

    def is_admin(self, user_id: int) -> bool:
        return user_id in self._access.admins

    async def check_access(self, user_id: int) -> None:
        """Raise QuotaError when this person may not use the bot."""
        if self.is_admin(user_id):
            return
        allowed, banned = await self.access(user_id)
        if banned:
            raise QuotaError(QuotaReason.BANNED)
        if self._access.allowlist is not None and not (
            allowed or user_id in self._access.allowlist
        ):
            if self._on_stranger is not None:
                try:
                    await self._on_stranger(user_id)
                except Exception:
                    log.exception("could not tell the admins that %s asked for access", user_id)
            raise QuotaError(QuotaReason.NOT_ALLOWED, user_id=user_id)

    async def is_banned(self, user_id: int) -> bool:
        """Shut out by an admin's /ban (an admin never is)."""
        if self.is_admin(user_id):
            return False
        return (await self.access(user_id))[1]

    def price(self, request: GenerationRequest) -> int:
        return self.prices.price(request) if self.enabled else 0

    async def balance(self, user_id: int) -> Balance:
        return await self._ledger.balance(user_id, self.quotas.free_per_day, self._clock())

    async def grant(self, user_id: int, amount: int, key: str, note: str) -> int:
        return await self._ledger.grant(user_id, amount, key, note, self._clock())

    async def credit_purchase(self, user_id: int, pack: StarPack, charge_id: str) -> bool:
        return await self._ledger.purchase(
            charge_id=charge_id,
            user_id=user_id,
            pack=pack.id,
            stars=pack.stars,
            credits=pack.credits,
            now=self._clock(),
        )

    async def refundable_payment(self, charge_id: str) -> tuple[int, int] | None:
        """(user id, credits) of a payment whose credits are still unspent; None otherwise."""
        payment = await self._ledger.payment(charge_id)
        if payment is None or payment[2]:
            return None
        user_id, credits, _ = payment
        if (await self.balance(user_id)).paid < credits:
            return None
        return user_id, credits

    async def revoke_purchase(self, charge_id: str) -> bool:
        return await self._ledger.revoke_purchase(charge_id, self._clock())

    async def refund_job(self, job_id: int) -> int:
        return await self._ledger.refund_job(job_id, self._clock())

    async def refunded(self, job_ids: list[int]) -> set[int]:
        return await self._ledger.refunded_jobs(job_ids)
