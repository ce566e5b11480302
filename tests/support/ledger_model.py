"""An independent model of the credit ledger, and a raw read of the tables it is checked against.

The model is written from the rules the issue states (a reservation when a job is created,
capture or release when it ends, a daily free allowance that tops the free pool up, purchases
credited once per charge id, refunds and revokes once), not from the bot's SQL: it keeps its
own balances and its own list of the rows the ledger should hold.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bot.domain.credits import Pool, QuotaReason
from bot.domain.jobs import TERMINAL_STATES, JobState

DAY = 86400.0

# A ledger row as the model predicts it: (user, kind, pool, amount, job id, created at).
Row = tuple[int, str, str, int, int | None, float]


def day_number(now: float) -> int:
    """The UTC day a moment falls in."""
    return int(now // DAY)


@dataclass
class ModelJob:
    id: int
    user: int
    price: int
    created_at: float
    deadline_at: float
    state: JobState = JobState.QUEUED
    reserved: dict[str, int] = field(default_factory=dict)  # pool -> credits held (> 0)
    refunded: bool = False

    @property
    def active(self) -> bool:
        return self.state not in TERMINAL_STATES


@dataclass
class Payment:
    user: int
    credits: int
    refunded: bool = False


@dataclass(frozen=True)
class Reservation:
    """What an accepted confirm does to the ledger: today's top-up, then the hold."""

    user: int
    price: int
    top_up: int | None  # None: no daily row is written (already topped today, or no allowance)
    from_free: int
    from_paid: int


@dataclass
class LedgerModel:
    free_per_day: int
    daily_cap: int | None
    max_active: int
    cooldown: float
    free: dict[int, int] = field(default_factory=dict)
    paid: dict[int, int] = field(default_factory=dict)
    topped: set[tuple[int, int]] = field(default_factory=set)  # (user, UTC day)
    jobs: dict[int, ModelJob] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    grant_keys: set[str] = field(default_factory=set)
    origin_keys: set[str] = field(default_factory=set)
    rows: list[Row] = field(default_factory=list)

    # -- balances ------------------------------------------------------------------------

    def balance(self, user: int, pool: Pool) -> int:
        book = self.free if pool is Pool.FREE else self.paid
        return book.get(user, 0)

    def _add(self, user: int, pool: Pool, amount: int) -> None:
        book = self.free if pool is Pool.FREE else self.paid
        book[user] = book.get(user, 0) + amount

    def _row(
        self, user: int, kind: str, pool: Pool, amount: int, job_id: int | None, now: float
    ) -> None:
        self.rows.append((user, kind, str(pool), amount, job_id, now))

    def shown_balance(self, user: int, now: float) -> tuple[int, int]:
        """(free, paid) as /balance shows it: today's allowance counts before first use."""
        free = self.balance(user, Pool.FREE)
        if (user, day_number(now)) not in self.topped:
            free = max(free, self.free_per_day)
        return free, self.balance(user, Pool.PAID)

    # -- money in and out ----------------------------------------------------------------

    def grant(self, user: int, amount: int, key: str, now: float) -> bool:
        if key in self.grant_keys:
            return False
        self.grant_keys.add(key)
        self._add(user, Pool.PAID, amount)
        self._row(user, "grant", Pool.PAID, amount, None, now)
        return True

    def purchase(self, user: int, charge_id: str, credits: int, now: float) -> bool:
        if charge_id in self.payments:
            return False
        self.payments[charge_id] = Payment(user, credits)
        self._add(user, Pool.PAID, credits)
        self._row(user, "purchase", Pool.PAID, credits, None, now)
        return True

    def refundable(self, charge_id: str) -> tuple[int, int] | None:
        payment = self.payments.get(charge_id)
        if payment is None or payment.refunded:
            return None
        if self.balance(payment.user, Pool.PAID) < payment.credits:
            return None
        return payment.user, payment.credits

    def revoke(self, charge_id: str, now: float) -> bool:
        if self.refundable(charge_id) is None:
            return False
        payment = self.payments[charge_id]
        payment.refunded = True
        self._add(payment.user, Pool.PAID, -payment.credits)
        self._row(payment.user, "revoke", Pool.PAID, -payment.credits, None, now)
        return True

    def refund(self, job_id: int, now: float) -> int:
        job = self.jobs.get(job_id)
        if job is None or job.state is not JobState.DELIVERED or job.refunded:
            return 0
        if not job.reserved:
            return 0
        job.refunded = True
        for pool_name, amount in job.reserved.items():
            pool = Pool(pool_name)
            self._add(job.user, pool, amount)
            self._row(job.user, "refund", pool, amount, job.id, now)
        return sum(job.reserved.values())

    # -- jobs ----------------------------------------------------------------------------

    def _spent_today(self, now: float) -> int:
        start = day_number(now) * DAY
        return -sum(
            amount
            for (_, kind, _, amount, _, created_at) in self.rows
            if kind in ("reserve", "release") and created_at >= start
        )

    def plan_confirm(self, user: int, price: int, now: float) -> QuotaReason | Reservation:
        """What confirming a job of this price does now: a refusal, or the reservation."""
        mine = [job for job in self.jobs.values() if job.user == user]
        if sum(job.active for job in mine) >= self.max_active:
            return QuotaReason.ACTIVE_JOBS
        if self.cooldown > 0 and mine and now - max(j.created_at for j in mine) < self.cooldown:
            return QuotaReason.COOLDOWN
        if price <= 0:
            return Reservation(user, price, None, 0, 0)
        free, paid = self.balance(user, Pool.FREE), self.balance(user, Pool.PAID)
        top_up = None
        if self.free_per_day > 0 and (user, day_number(now)) not in self.topped:
            top_up = max(0, self.free_per_day - free)
            free += top_up
        if self.daily_cap is not None and self._spent_today(now) + price > self.daily_cap:
            return QuotaReason.DAILY_CAP
        if free + paid < price:
            return QuotaReason.BALANCE
        from_free = min(free, price)
        return Reservation(user, price, top_up, from_free, price - from_free)

    def accept(
        self, plan: Reservation, job_id: int, *, now: float, deadline_at: float
    ) -> ModelJob:
        assert job_id not in self.jobs, f"job id {job_id} was handed out twice"
        job = ModelJob(job_id, plan.user, plan.price, now, deadline_at)
        if plan.top_up is not None:
            self.topped.add((plan.user, day_number(now)))
            self._add(plan.user, Pool.FREE, plan.top_up)
            self._row(plan.user, "daily", Pool.FREE, plan.top_up, None, now)
        for pool, amount in ((Pool.FREE, plan.from_free), (Pool.PAID, plan.from_paid)):
            if amount > 0:
                job.reserved[str(pool)] = amount
                self._add(plan.user, pool, -amount)
                self._row(plan.user, "reserve", pool, -amount, job_id, now)
        self.jobs[job_id] = job
        return job

    def move(self, job_id: int, state: JobState) -> None:
        job = self.jobs[job_id]
        assert job.active
        assert state not in TERMINAL_STATES
        job.state = state

    def end(self, job_id: int, state: JobState, now: float) -> None:
        """A job reaches a terminal state: capture when delivered, otherwise give it back."""
        job = self.jobs[job_id]
        assert job.active, f"job {job_id} ended twice"
        assert state in TERMINAL_STATES
        job.state = state
        for pool_name, amount in job.reserved.items():
            pool = Pool(pool_name)
            if state is JobState.DELIVERED:
                self._row(job.user, "capture", pool, 0, job_id, now)
            else:
                self._add(job.user, pool, amount)
                self._row(job.user, "release", pool, amount, job_id, now)

    def ids(self, *, active: bool | None = None, state: JobState | None = None) -> list[int]:
        return sorted(
            job.id
            for job in self.jobs.values()
            if (active is None or job.active == active) and (state is None or job.state is state)
        )


@dataclass
class Snapshot:
    """The tables as they are on disk, read through a separate plain sqlite3 connection."""

    rows: list[Row]
    keys: list[str]
    jobs: dict[int, tuple[int, JobState, int]]  # id -> (user, state, price)
    payments: dict[str, tuple[int, int, bool]]  # charge id -> (user, credits, refunded)

    def job_rows(self, job_id: int, *kinds: str) -> list[tuple[str, str, int]]:
        """(kind, pool, amount) of a job's rows of the given kinds, sorted."""
        return sorted(
            (kind, pool, amount)
            for (_, kind, pool, amount, row_job, _) in self.rows
            if row_job == job_id and kind in kinds
        )

    def sums(self) -> dict[tuple[int, str], int]:
        totals: dict[tuple[int, str], int] = {}
        for user, _, pool, amount, _, _ in self.rows:
            totals[(user, pool)] = totals.get((user, pool), 0) + amount
        return totals


_LEDGER = "SELECT user_id, kind, pool, amount, job_id, created_at, idempotency_key FROM ledger"
_JOBS = "SELECT id, user_id, state, price FROM jobs"
_PAYMENTS = "SELECT charge_id, user_id, credits, refunded FROM payments"


def read_snapshot(path: Path) -> Snapshot:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        ledger = conn.execute(_LEDGER).fetchall()
        jobs = conn.execute(_JOBS).fetchall()
        payments = conn.execute(_PAYMENTS).fetchall()
    return _snapshot(ledger, jobs, payments)


async def read_tables(location: Path | str, conn: Any = None) -> Snapshot:
    """The tables of an SQLite file (plain sqlite3) or a PostgreSQL database (plain asyncpg,
    on `conn` when one is given and open)."""
    if isinstance(location, Path):
        return read_snapshot(location)
    own = conn is None
    if own:
        conn = await asyncpg.connect(location)
    try:
        ledger = [tuple(row) for row in await conn.fetch(_LEDGER)]
        jobs = [tuple(row) for row in await conn.fetch(_JOBS)]
        payments = [tuple(row) for row in await conn.fetch(_PAYMENTS)]
    finally:
        if own:
            await conn.close()
    return _snapshot(ledger, jobs, payments)


def _snapshot(ledger: list[Any], jobs: list[Any], payments: list[Any]) -> Snapshot:
    return Snapshot(
        rows=[(int(u), str(k), str(p), int(a), j, float(c)) for u, k, p, a, j, c, _ in ledger],
        keys=[str(row[6]) for row in ledger],
        jobs={int(i): (int(u), JobState(s), int(p)) for i, u, s, p in jobs},
        payments={str(c): (int(u), int(n), bool(r)) for c, u, n, r in payments},
    )
