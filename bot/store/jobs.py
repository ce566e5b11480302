"""SQL for jobs: the durable queue that the worker moves forward with guarded updates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypedDict, Unpack

from bot.domain.credits import Quotas
from bot.domain.jobs import (
    TERMINAL_STATES,
    WAITING_STATES,
    IllegalMoveError,
    Job,
    JobState,
    can_move,
)
from bot.domain.request import GenerationRequest
from bot.domain.status import FailureKind
from bot.store.database import Connection, Database, Row, placed
from bot.store.ledger import LEDGER_LOCK, check_and_reserve, settle

_COLUMNS = (
    "id, chat_id, thread_id, user_id, language, request_message_id, status_message_id, state, "
    "vendor, request_json, vendor_task_id, video_url, video_path, file_id, result_message_id, "
    "progress, price, upgradable, "
    "failure_kind, failure_detail, attempts, next_action_at, deadline_at, created_at, updated_at"
)


class JobChanges(TypedDict, total=False):
    """The columns a move may set besides the state: a key left out keeps its value."""

    vendor: str
    vendor_task_id: str
    video_url: str
    upgradable: bool
    video_path: str | None
    file_id: str | None
    result_message_id: int | None
    progress: int | None
    failure_kind: FailureKind
    failure_detail: str | None
    attempts: int
    next_action_at: float
    status_message_id: int


_UPDATABLE = frozenset(JobChanges.__annotations__)
# Processes working on a shared database LISTEN here; a job that becomes due NOTIFYs it.
JOBS_CHANNEL = "veo_jobs"
_WAITING = sorted(WAITING_STATES)


def _job(row: Row) -> Job:
    request = GenerationRequest.model_validate_json(row["request_json"])
    return Job.model_validate({**placed(row), "request": request})


def _placeholders(values: Iterable[object], start: int = 1) -> str:
    """`$start, $start+1, …`, one for each value."""
    return ", ".join(f"${number}" for number, _ in enumerate(values, start))


def _waiting(exclude: Iterable[int]) -> tuple[str, list[object]]:
    """A WHERE clause for the waiting jobs, but those in `exclude` (the steps under way)."""
    skip = list(exclude)
    where = f"WHERE state IN ({_placeholders(_WAITING)})"
    if skip:
        where += f" AND id NOT IN ({_placeholders(skip, len(_WAITING) + 1)})"
    return where, [*_WAITING, *skip]


def _insert_queued(key_column: str, source: str) -> str:
    """Insert a queued job unless its idempotency key made one; `source` gives the values.

    The values are the key, chat, thread, person, language, request and status messages, then
    the seven of `_queued`.
    """
    return (
        f"INSERT INTO jobs (id, {key_column}, chat_id, thread_id, user_id, language, "
        "request_message_id, status_message_id, state, vendor, request_json, price, "
        f"next_action_at, deadline_at, created_at, updated_at) {source} "
        f"ON CONFLICT ({key_column}) DO NOTHING RETURNING {_COLUMNS}"
    )


# The seven values of `_queued`, typed so that PostgreSQL knows them in a SELECT list too.
_QUEUED_VALUES = (
    "'queued', CAST({} AS TEXT), CAST({} AS TEXT), CAST({} AS BIGINT), "
    "CAST({} AS DOUBLE PRECISION), CAST({} AS DOUBLE PRECISION), "
    "CAST({} AS DOUBLE PRECISION), CAST({} AS DOUBLE PRECISION)"
)
# The next job number, taken under LEDGER_LOCK: numbers without gaps on both engines, where a
# PostgreSQL sequence would skip one for each refused or repeated create (as SQLite's
# AUTOINCREMENT does not; jobs are never deleted).
_NEXT_ID = "(SELECT COALESCE(MAX(id), 0) + 1 FROM jobs)"
_FROM_DRAFT = _insert_queued(
    "draft_id",
    f"SELECT {_NEXT_ID}, id, chat_id, thread_id, user_id, language, request_message_id, "
    "card_message_id, "
    + _QUEUED_VALUES.format(*(f"${n}" for n in range(1, 8)))
    + " FROM drafts WHERE id = $8 AND user_id = $9",
)
_FOLLOW_UP = _insert_queued(
    "origin_key",
    f"VALUES ({_NEXT_ID}, {_placeholders(range(7))}, "
    + _QUEUED_VALUES.format(*(f"${n}" for n in range(8, 15)))
    + ")",
)


def _queued(
    vendor: str, request: GenerationRequest, price: int, now: float, deadline_at: float
) -> tuple[object, ...]:
    return (vendor, request.model_dump_json(), price, now, deadline_at, now, now)


def _check(changes: JobChanges) -> None:
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not an updatable job column: {sorted(unknown)}")


async def _queue(
    conn: Connection,
    insert: str,
    values: tuple[object, ...],
    price: int,
    quotas: Quotas,
    now: float,
) -> Row | None:
    """Insert a queued job and reserve its price (or refuse it); None when the key made one."""
    await conn.serialize(LEDGER_LOCK)  # before the insert: it takes the next job number
    row = await conn.fetchrow(insert, *values)
    if row is not None:
        await check_and_reserve(
            conn, user_id=row["user_id"], job_id=row["id"], price=price, quotas=quotas, now=now
        )
    return row


async def _move(
    conn: Connection,
    job_id: int,
    expected: JobState | Iterable[JobState],
    new_state: JobState,
    now: float,
    changes: JobChanges,
    claimant: str | None,
) -> Row | None:
    """Move a job from an expected state, checked against the move table; None if not there.

    With a `claimant`, only while that process still holds the job's claim (fencing: a process
    whose claim another took over cannot write).
    """
    found = await conn.fetchrow("SELECT state, claimed_by FROM jobs WHERE id = $1", job_id)
    if found is not None and claimant is not None and found["claimed_by"] != claimant:
        return None
    expected_states = {expected} if isinstance(expected, JobState) else set(expected)
    if found is None or found["state"] not in expected_states:
        return None
    current = JobState(found["state"])
    if not can_move(current, new_state):
        raise IllegalMoveError(current, new_state)
    columns: dict[str, object] = {"state": new_state, "updated_at": now, **changes}
    if new_state in TERMINAL_STATES:
        columns["finished_at"] = now
    # Flags are 0/1 integers on both engines.
    values = [int(value) if isinstance(value, bool) else value for value in columns.values()]
    assignments = ", ".join(f"{column} = ${number}" for number, column in enumerate(columns, 1))
    count = len(values)
    fence = ""
    if claimant is not None:
        fence = f" AND claimed_by = ${count + 3}"
        values.append(claimant)
    return await conn.fetchrow(
        f"UPDATE jobs SET {assignments} "
        f"WHERE id = ${count + 1} AND state = ${count + 2}{fence} RETURNING {_COLUMNS}",
        *values[:count],
        job_id,
        current,
        *values[count:],
    )


class JobStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, job_id: int) -> Job | None:
        return await self._one("WHERE id = $1", (job_id,))

    async def create_from_draft(
        self,
        *,
        draft_id: int,
        user_id: int,
        vendor: str,
        request: GenerationRequest,
        price: int,
        quotas: Quotas,
        now: float,
        deadline_at: float,
    ) -> Job | None:
        """Turn a draft into a queued job and reserve its price, in one transaction.

        None when the draft is gone: the draft id is the job's idempotency key, so a second
        confirm finds no draft and the UNIQUE column stops any race. A QuotaError rolls
        everything back.
        """
        values = (*_queued(vendor, request, price, now, deadline_at), draft_id, user_id)
        async with self._db.transaction() as conn:
            row = await _queue(conn, _FROM_DRAFT, values, price, quotas, now)
            if row is not None:
                await conn.execute("DELETE FROM drafts WHERE id = $1", draft_id)
                await conn.notify(JOBS_CHANNEL)
        return _job(row) if row else None

    async def create_follow_up(
        self,
        *,
        origin_key: str,
        parent: Job,
        vendor: str,
        request: GenerationRequest,
        status_message_id: int | None,
        price: int,
        quotas: Quotas,
        now: float,
        deadline_at: float,
    ) -> Job | None:
        """A job made straight from a delivered one, its price reserved in the same transaction.

        None when `origin_key` already made one.
        """
        values = (
            origin_key,
            parent.place.chat_id,
            parent.place.thread_id,
            parent.user_id,
            parent.language,
            parent.result_message_id or parent.request_message_id,
            status_message_id,
            *_queued(vendor, request, price, now, deadline_at),
        )
        async with self._db.transaction() as conn:
            row = await _queue(conn, _FOLLOW_UP, values, price, quotas, now)
            if row is not None:
                await conn.notify(JOBS_CHANNEL)
        return _job(row) if row else None

    async def recent(self, chat_id: int, user_id: int, limit: int) -> list[Job]:
        return await self._all(
            "WHERE chat_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3",
            (chat_id, user_id, limit),
        )

    async def by_result_message(self, chat_id: int, message_id: int) -> Job | None:
        return await self._one(
            "WHERE chat_id = $1 AND result_message_id = $2", (chat_id, message_id)
        )

    async def counts_since(self, since: float) -> tuple[dict[str, int], dict[str, int]]:
        """Jobs created since `since` by state, and failures by kind."""
        states = await self._db.all(
            "SELECT state, COUNT(*) FROM jobs WHERE created_at >= $1 GROUP BY state", (since,)
        )
        kinds = await self._db.all(
            "SELECT failure_kind, COUNT(*) FROM jobs WHERE created_at >= $1 "
            "AND failure_kind IS NOT NULL GROUP BY failure_kind",
            (since,),
        )
        return {str(r[0]): int(r[1]) for r in states}, {str(r[0]): int(r[1]) for r in kinds}

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET status_message_id = $1 "
                "WHERE id = $2 AND status_message_id IS NULL",
                message_id,
                job_id,
            )

    async def due(self, now: float, *, limit: int, exclude: Iterable[int] = ()) -> list[Job]:
        """Waiting jobs whose next action is due, oldest first."""
        where, values = _waiting(exclude)
        count = len(values)
        return await self._all(
            f"{where} AND next_action_at <= ${count + 1} ORDER BY next_action_at "
            f"LIMIT ${count + 2}",
            (*values, now, limit),
        )

    async def claim_due(
        self,
        claimant: str,
        now: float,
        *,
        lease_seconds: float,
        limit: int,
        exclude: Iterable[int] = (),
    ) -> list[Job]:
        """Claim the waiting jobs whose next action is due, oldest first, for `lease_seconds`.

        A job is free to claim when nobody holds it, when `claimant` already does, or when its
        holder's lease lapsed. On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so
        processes claiming at once never take the same job.
        """
        where, values = _waiting(exclude)
        count = len(values)
        rows = await self._claim(
            f"{where} AND next_action_at <= ${count + 3}",
            "ORDER BY next_action_at",
            values,
            claimant,
            now,
            lease_seconds,
            limit,
            mine=True,
        )
        return sorted((_job(row) for row in rows), key=lambda job: (job.next_action_at, job.id))

    async def claim_lapsed(
        self, claimant: str, state: JobState, now: float, *, lease_seconds: float
    ) -> list[Job]:
        """Take over the jobs in `state` that nobody holds or whose holder's lease lapsed."""
        rows = await self._claim(
            "WHERE state = $1", "ORDER BY id", [state], claimant, now, lease_seconds, None
        )
        return sorted((_job(row) for row in rows), key=lambda job: job.id)

    async def _claim(
        self,
        where: str,
        order: str,
        values: list[object],
        claimant: str,
        now: float,
        lease_seconds: float,
        limit: int | None,
        *,
        mine: bool = False,
    ) -> list[Row]:
        """Claim the jobs `where` picks (its parameters: `values`, then claimant, lease end,
        now and the limit) that are free: held by nobody, by a lapsed lease, or (`mine`)
        already by `claimant`."""
        count = len(values)
        own = f" OR claimed_by = ${count + 1}" if mine else ""
        free = f"(claimed_by IS NULL OR lease_until <= ${count + 3}{own})"
        limited = f" LIMIT ${count + 4}" if limit is not None else ""
        parameters = [*values, claimant, now + lease_seconds, now]
        if limit is not None:
            parameters.append(limit)
        async with self._db.transaction() as conn:
            return await conn.fetch(
                f"UPDATE jobs SET claimed_by = ${count + 1}, lease_until = ${count + 2} "
                f"WHERE id IN (SELECT id FROM jobs {where} AND {free} {order}{limited}"
                f"{self._db.claim_lock}) RETURNING {_COLUMNS}",
                *parameters,
            )

    async def renew_claims(self, claimant: str, job_ids: Iterable[int], until: float) -> int:
        """Extend the claims `claimant` still holds on these jobs; how many it holds."""
        ids = list(job_ids)
        if not ids:
            return 0
        async with self._db.transaction() as conn:
            return await conn.execute(
                f"UPDATE jobs SET lease_until = $1 WHERE claimed_by = $2 "
                f"AND id IN ({_placeholders(ids, 3)})",
                until,
                claimant,
                *ids,
            )

    async def release_claim(self, claimant: str, job_id: int) -> None:
        """Let go of a job once its step ended (a claim another took over stays theirs)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET claimed_by = NULL, lease_until = NULL "
                "WHERE id = $1 AND claimed_by = $2",
                job_id,
                claimant,
            )

    async def forget_claims(self) -> None:
        """Drop every claim: at the start of the only process a database has (SQLite), all
        of them were left by a process that is gone."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET claimed_by = NULL, lease_until = NULL "
                "WHERE claimed_by IS NOT NULL"
            )

    @property
    def shared(self) -> bool:
        """Whether other processes may work on these jobs too (PostgreSQL)."""
        return self._db.shared

    async def listen(self, wake: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        """Call `wake` whenever another process makes a job due; the answer stops it."""
        return await self._db.listen(JOBS_CHANNEL, wake)

    async def next_action_at(self, *, exclude: Iterable[int] = ()) -> float | None:
        where, values = _waiting(exclude)
        row = await self._db.one(f"SELECT MIN(next_action_at) FROM jobs {where}", values)
        return float(row[0]) if row and row[0] is not None else None

    async def in_states(self, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        return await self._all(f"WHERE state IN ({_placeholders(wanted)}) ORDER BY id", wanted)

    async def overdue(self, now: float, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        return await self._all(
            f"WHERE state IN ({_placeholders(wanted)}) AND deadline_at <= ${len(wanted) + 1} "
            "ORDER BY id",
            (*wanted, now),
        )

    async def latest_for(
        self, chat_id: int, user_id: int, states: Iterable[JobState]
    ) -> Job | None:
        wanted = list(states)
        return await self._one(
            f"WHERE chat_id = $1 AND user_id = $2 AND state IN ({_placeholders(wanted, 3)}) "
            "ORDER BY id DESC LIMIT 1",
            (chat_id, user_id, *wanted),
        )

    async def poll_now(self, vendor: str, task_id: str, now: float) -> bool:
        """Make a running job with this vendor task due at once (a callback woke us)."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE jobs SET next_action_at = $1, updated_at = $1 "
                "WHERE vendor = $2 AND vendor_task_id = $3 AND state = 'running'",
                now,
                vendor,
                task_id,
            )
            if changed:
                await conn.notify(JOBS_CHANNEL)
            return changed > 0

    async def _one(self, where: str, values: Iterable[object]) -> Job | None:
        row = await self._db.one(f"SELECT {_COLUMNS} FROM jobs {where}", values)
        return _job(row) if row else None

    async def _all(self, where: str, values: Iterable[object]) -> list[Job]:
        rows = await self._db.all(f"SELECT {_COLUMNS} FROM jobs {where}", values)
        return [_job(row) for row in rows]

    async def transition(
        self,
        job_id: int,
        expected: JobState | Iterable[JobState],
        new_state: JobState,
        *,
        now: float,
        claimant: str | None = None,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """Move an unfinished job on; None when it was not in an expected state any more (or,
        with a `claimant`, when that process no longer holds the job's claim).

        An illegal move (see bot.domain.jobs.MOVES) raises; ending a job is `finish`.
        """
        _check(changes)
        if new_state in TERMINAL_STATES:
            raise ValueError(f"{new_state} ends a job: use finish()")
        async with self._db.transaction() as conn:
            row = await _move(conn, job_id, expected, new_state, now, changes, claimant)
        return _job(row) if row else None

    async def finish(
        self,
        job_id: int,
        expected: JobState | Iterable[JobState],
        end: JobState,
        *,
        now: float,
        claimant: str | None = None,
        **changes: Unpack[JobChanges],
    ) -> Job | None:
        """End a job and settle its credits in one transaction; None when it was elsewhere
        (or, with a `claimant`, when that process no longer holds the job's claim).

        Delivered captures the reservation; every other end releases it.
        """
        _check(changes)
        if end not in TERMINAL_STATES:
            raise ValueError(f"{end} does not end a job: use transition()")
        async with self._db.transaction() as conn:
            row = await _move(conn, job_id, expected, end, now, changes, claimant)
            if row is not None:
                capture = end is JobState.DELIVERED
                await settle(conn, job_id, row["user_id"], capture=capture, now=now)
        return _job(row) if row else None
