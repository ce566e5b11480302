"""SQL for credits: an append-only ledger with one idempotency key per movement.

A balance is the sum of a person's rows in a pool. Reservations and their settlement run
inside the transactions that create jobs and end them (see jobs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.credits import Balance, Pool, QuotaCounts, Quotas, decide
from bot.domain.credits import day_start as day_start
from bot.domain.jobs import UNFINISHED_STATES
from bot.store.database import Connection, Database

_UNFINISHED = sorted(UNFINISHED_STATES)


def day_key(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).date().isoformat()


# Taken by every transaction that decides on credits from what it reads (balances, today's
# spending, a person's jobs), so that concurrent ones on PostgreSQL decide one after another.
LEDGER_LOCK = "ledger"


async def _scalar(conn: Connection, query: str, *params: object) -> int:
    found = await conn.fetchval(query, *params)
    return int(found) if found is not None else 0


async def pool_balance(conn: Connection, user_id: int, pool: Pool) -> int:
    return await _scalar(
        conn,
        "SELECT SUM(amount) FROM ledger WHERE user_id = $1 AND pool = $2",
        user_id,
        pool,
    )


async def _insert(
    conn: Connection,
    *,
    user_id: int,
    kind: str,
    pool: Pool,
    amount: int,
    key: str,
    now: float,
    job_id: int | None = None,
    note: str | None = None,
) -> bool:
    inserted = await conn.execute(
        "INSERT INTO ledger (user_id, kind, pool, amount, job_id, idempotency_key, note, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (idempotency_key) DO NOTHING",
        user_id,
        kind,
        pool,
        amount,
        job_id,
        key,
        note,
        now,
    )
    return inserted > 0


async def top_up_daily(conn: Connection, user_id: int, free_per_day: int, now: float) -> None:
    """Bring the free pool up to the daily allowance, once a day (unused credits don't pile up)."""
    if free_per_day <= 0:
        return
    key = f"daily:{user_id}:{day_key(now)}"
    await conn.serialize(LEDGER_LOCK)
    if await _scalar(conn, "SELECT COUNT(*) FROM ledger WHERE idempotency_key = $1", key):
        return
    free = await pool_balance(conn, user_id, Pool.FREE)
    amount = max(0, free_per_day - free)
    await _insert(
        conn, user_id=user_id, kind="daily", pool=Pool.FREE, amount=amount, key=key, now=now
    )


async def _quota_counts(
    conn: Connection, user_id: int, job_id: int, quotas: Quotas, price: int, now: float
) -> QuotaCounts:
    """What the quota decision needs, after topping up today's allowance if the job charges."""
    others = "FROM jobs WHERE user_id = $1 AND id != $2"
    marks = ", ".join(f"${number}" for number in range(3, len(_UNFINISHED) + 3))
    active = await _scalar(
        conn, f"SELECT COUNT(*) {others} AND state IN ({marks})", user_id, job_id, *_UNFINISHED
    )
    last_job_at = await conn.fetchval(f"SELECT MAX(created_at) {others}", user_id, job_id)
    spent = 0
    if quotas.charges(price):
        await top_up_daily(conn, user_id, quotas.free_per_day, now)
        spent = -await _scalar(
            conn,
            "SELECT SUM(amount) FROM ledger WHERE kind IN ('reserve', 'release') "
            "AND created_at >= $1",
            day_start(now),
        )
    return QuotaCounts(
        active_jobs=active,
        last_job_at=float(last_job_at) if last_job_at is not None else None,
        spent_today=spent,
        balance=Balance(
            free=await pool_balance(conn, user_id, Pool.FREE),
            paid=await pool_balance(conn, user_id, Pool.PAID),
        ),
    )


async def check_and_reserve(
    conn: Connection,
    *,
    user_id: int,
    job_id: int,
    price: int,
    quotas: Quotas,
    now: float,
) -> None:
    """Refuse (QuotaError) or reserve `price` for a job just inserted in this transaction."""
    await conn.serialize(LEDGER_LOCK)
    counts = await _quota_counts(conn, user_id, job_id, quotas, price, now)
    hold = decide(counts, price=price, quotas=quotas, now=now)
    for pool, amount in ((Pool.FREE, hold.free), (Pool.PAID, hold.paid)):
        if amount > 0:
            await _insert(
                conn,
                user_id=user_id,
                kind="reserve",
                pool=pool,
                amount=-amount,
                key=f"reserve:{pool}:{job_id}",
                now=now,
                job_id=job_id,
            )


async def settle(
    conn: Connection, job_id: int, user_id: int, *, capture: bool, now: float
) -> None:
    """Capture (delivered) or release (any other end) a job's reservation, once per pool."""
    for row in await conn.fetch(
        "SELECT pool, amount FROM ledger WHERE job_id = $1 AND kind = 'reserve'", job_id
    ):
        pool = Pool(row["pool"])
        await _insert(
            conn,
            user_id=user_id,
            kind="capture" if capture else "release",
            pool=pool,
            amount=0 if capture else -int(row["amount"]),
            key=f"settle:{pool}:{job_id}",
            now=now,
            job_id=job_id,
        )


class LedgerStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def balance(self, user_id: int, free_per_day: int, now: float) -> Balance:
        """The balance as it stands, with today's allowance counted even before first use."""
        row = await self._db.one(
            "SELECT COALESCE(SUM(CASE WHEN pool = $2 THEN amount END), 0), "
            "COALESCE(SUM(CASE WHEN pool = $3 THEN amount END), 0), "
            "COUNT(CASE WHEN idempotency_key = $4 THEN 1 END) "
            "FROM ledger WHERE user_id = $1",
            (user_id, Pool.FREE.value, Pool.PAID.value, f"daily:{user_id}:{day_key(now)}"),
        )
        assert row is not None  # an aggregate always answers one row
        free, paid, topped = int(row[0]), int(row[1]), int(row[2])
        if not topped:
            free = max(free, free_per_day)
        return Balance(free=free, paid=paid)

    async def sums(self) -> dict[tuple[int, str], int]:
        """Every (person, pool) balance straight from the rows."""
        rows = await self._db.all(
            "SELECT user_id, pool, SUM(amount) FROM ledger GROUP BY user_id, pool"
        )
        return {(int(r[0]), str(r[1])): int(r[2]) for r in rows}

    async def grant(self, user_id: int, amount: int, key: str, note: str, now: float) -> int:
        """Add credits (or take them back, never below zero); the amount actually moved."""
        async with self._db.transaction() as conn:
            await conn.serialize(LEDGER_LOCK)
            if amount < 0:
                amount = -min(-amount, max(0, await pool_balance(conn, user_id, Pool.PAID)))
            if amount == 0:
                return 0
            moved = await _insert(
                conn,
                user_id=user_id,
                kind="grant",
                pool=Pool.PAID,
                amount=amount,
                key=key,
                now=now,
                note=note,
            )
        return amount if moved else 0

    async def purchase(
        self, *, charge_id: str, user_id: int, pack: str, stars: int, credits: int, now: float
    ) -> bool:
        """Credit a Stars payment once per charge id; False when it was already credited."""
        async with self._db.transaction() as conn:
            inserted = await conn.execute(
                "INSERT INTO payments (charge_id, user_id, pack, stars, credits, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (charge_id) DO NOTHING",
                charge_id,
                user_id,
                pack,
                stars,
                credits,
                now,
            )
            if inserted == 0:
                return False
            await _insert(
                conn,
                user_id=user_id,
                kind="purchase",
                pool=Pool.PAID,
                amount=credits,
                key=f"purchase:{charge_id}",
                now=now,
                note=f"pack {pack}, {stars} stars",
            )
        return True

    async def payment(self, charge_id: str) -> tuple[int, int, bool] | None:
        """(user id, credits, refunded) of a payment."""
        row = await self._db.one(
            "SELECT user_id, credits, refunded FROM payments WHERE charge_id = $1", (charge_id,)
        )
        return (int(row[0]), int(row[1]), bool(row[2])) if row else None

    async def revoke_purchase(self, charge_id: str, now: float) -> bool:
        """Take back a refunded payment's credits, once; False if already done or spent."""
        async with self._db.transaction() as conn:
            await conn.serialize(LEDGER_LOCK)
            row = await conn.fetchrow(
                "SELECT user_id, credits FROM payments WHERE charge_id = $1 AND refunded = 0",
                charge_id,
            )
            if row is None:
                return False
            user_id, credits = int(row[0]), int(row[1])
            if await pool_balance(conn, user_id, Pool.PAID) < credits:
                return False
            await conn.execute("UPDATE payments SET refunded = 1 WHERE charge_id = $1", charge_id)
            await _insert(
                conn,
                user_id=user_id,
                kind="revoke",
                pool=Pool.PAID,
                amount=-credits,
                key=f"revoke:{charge_id}",
                now=now,
            )
        return True

    async def refund_job(self, job_id: int, now: float) -> int:
        """Give back what a delivered job cost, once; the credits returned (0 if none)."""
        async with self._db.transaction() as conn:
            rows = await conn.fetch(
                "SELECT r.user_id, r.pool, r.amount FROM ledger r JOIN ledger c "
                "ON c.job_id = r.job_id AND c.pool = r.pool AND c.kind = 'capture' "
                "WHERE r.job_id = $1 AND r.kind = 'reserve'",
                job_id,
            )
            returned = 0
            for row in rows:
                pool = Pool(row["pool"])
                if await _insert(
                    conn,
                    user_id=int(row["user_id"]),
                    kind="refund",
                    pool=pool,
                    amount=-int(row["amount"]),
                    key=f"refund:{pool}:{job_id}",
                    now=now,
                    job_id=job_id,
                ):
                    returned += -int(row["amount"])
        return returned

    async def refunded_jobs(self, job_ids: list[int]) -> set[int]:
        if not job_ids:
            return set()
        marks = ", ".join(f"${number}" for number in range(1, len(job_ids) + 1))
        rows = await self._db.all(
            f"SELECT DISTINCT job_id FROM ledger WHERE kind = 'refund' AND job_id IN ({marks})",
            job_ids,
        )
        return {int(r[0]) for r in rows}
