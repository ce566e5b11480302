"""The jobs table's shape: its columns, typed changes, rows to jobs, and the SQL pieces the
stores share (queued inserts, guarded moves)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

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
from bot.store.database import Connection, Row, placed
from bot.store.ledger import LEDGER_LOCK, check_and_reserve

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


def _waiting(
    exclude: Iterable[int], states: Iterable[JobState] | None = None
) -> tuple[str, list[object]]:
    """A WHERE clause for the jobs waiting in `states` (any waiting state when None), but
    those in `exclude` (the steps under way)."""
    wanted: list[object] = list(_WAITING if states is None else sorted(states))
    skip = list(exclude)
    where = f"WHERE state IN ({_placeholders(wanted)})"
    if skip:
        where += f" AND id NOT IN ({_placeholders(skip, len(wanted) + 1)})"
    return where, [*wanted, *skip]


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


def _illegal_from(expected: JobState | Iterable[JobState], new: JobState) -> frozenset[JobState]:
    """The expected states the move table does not let go to `new` (the move skips them)."""
    wanted = {expected} if isinstance(expected, JobState) else set(expected)
    return frozenset(state for state in wanted if not can_move(state, new))


async def _refuse_illegal(
    conn: Connection, job_id: int, illegal: frozenset[JobState], new: JobState
) -> None:
    """After a move found nothing: raise if the job is in one of the `illegal` expected
    states (a bug), rather than report a lost race."""
    found = await conn.fetchval("SELECT state FROM jobs WHERE id = $1", job_id)
    if found is not None and JobState(found) in illegal:
        raise IllegalMoveError(JobState(found), new)


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


def _move(
    job_id: int,
    expected: JobState | Iterable[JobState],
    new_state: JobState,
    now: float,
    changes: JobChanges,
    claimant: str | None,
) -> tuple[str, list[object]]:
    """The one statement that moves a job from an expected state and returns its row; no row
    when it was not there. Only the expected states the move table allows are moved from: a
    job found in another one is an illegal move (see `_refuse_illegal`).

    With a `claimant`, only while that process still holds the job's claim (fencing: a process
    whose claim another took over cannot write).
    """
    wanted = [expected] if isinstance(expected, JobState) else sorted(set(expected))
    states = [state for state in wanted if can_move(state, new_state)]
    if not states:
        raise IllegalMoveError(wanted[0], new_state)
    columns: dict[str, object] = {"state": new_state, "updated_at": now, **changes}
    if new_state in TERMINAL_STATES:
        columns["finished_at"] = now
    # Flags are 0/1 integers on both engines.
    values = [int(value) if isinstance(value, bool) else value for value in columns.values()]
    assignments = ", ".join(f"{column} = ${number}" for number, column in enumerate(columns, 1))
    where = f"id = ${len(values) + 1} AND state IN ({_placeholders(states, len(values) + 2)})"
    values += [job_id, *states]
    if claimant is not None:
        where += f" AND claimed_by = ${len(values) + 1}"
        values.append(claimant)
    return f"UPDATE jobs SET {assignments} WHERE {where} RETURNING {_COLUMNS}", values
