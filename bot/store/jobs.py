"""SQL for jobs: the durable queue that the worker moves forward with guarded updates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from bot.domain.credits import Quotas
from bot.domain.jobs import TERMINAL_STATES, ChatPlace, Job, JobState
from bot.domain.request import GenerationRequest
from bot.domain.status import FailureKind
from bot.store.database import Database
from bot.store.ledger import check_and_reserve, settle

_COLUMNS = (
    "id, chat_id, thread_id, user_id, language, request_message_id, status_message_id, state, "
    "vendor, request_json, vendor_task_id, video_url, video_path, file_id, result_message_id, "
    "progress, price, upgradable, "
    "failure_kind, failure_detail, attempts, next_action_at, deadline_at, created_at, updated_at"
)

# Columns a state change may set besides the state itself.
_UPDATABLE = frozenset(
    {
        "vendor",
        "vendor_task_id",
        "video_url",
        "upgradable",
        "video_path",
        "file_id",
        "result_message_id",
        "progress",
        "failure_kind",
        "failure_detail",
        "attempts",
        "next_action_at",
        "status_message_id",
    }
)

ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.FETCHING, JobState.DELIVERING)


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        user_id=row["user_id"],
        place=ChatPlace(chat_id=row["chat_id"], thread_id=row["thread_id"]),
        language=row["language"],
        request_message_id=row["request_message_id"],
        status_message_id=row["status_message_id"],
        state=JobState(row["state"]),
        vendor=row["vendor"],
        request=GenerationRequest.model_validate_json(row["request_json"]),
        vendor_task_id=row["vendor_task_id"],
        video_url=row["video_url"],
        video_path=row["video_path"],
        file_id=row["file_id"],
        result_message_id=row["result_message_id"],
        progress=row["progress"],
        price=row["price"],
        upgradable=bool(row["upgradable"]),
        failure_kind=FailureKind(row["failure_kind"]) if row["failure_kind"] else None,
        failure_detail=row["failure_detail"],
        attempts=row["attempts"],
        next_action_at=row["next_action_at"],
        deadline_at=row["deadline_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _placeholders(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)


class JobStore:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, thread_id, language, card_message_id, request_message_id "
                "FROM drafts WHERE id = ? AND user_id = ?",
                (draft_id, user_id),
            )
            draft = await cursor.fetchone()
            if draft is None:
                return None
            cursor = await conn.execute(
                "INSERT INTO jobs (draft_id, chat_id, thread_id, user_id, language, "
                "request_message_id, status_message_id, state, vendor, request_json, price, "
                "next_action_at, deadline_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (draft_id) DO NOTHING RETURNING {_COLUMNS}",
                (
                    draft_id,
                    draft["chat_id"],
                    draft["thread_id"],
                    user_id,
                    draft["language"],
                    draft["request_message_id"],
                    draft["card_message_id"],
                    vendor,
                    request.model_dump_json(),
                    price,
                    now,
                    deadline_at,
                    now,
                    now,
                ),
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            await check_and_reserve(
                conn, user_id=user_id, job_id=row["id"], price=price, quotas=quotas, now=now
            )
            await conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
        return _job(row)

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
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO jobs (origin_key, chat_id, thread_id, user_id, language, "
                "request_message_id, status_message_id, state, vendor, request_json, price, "
                "next_action_at, deadline_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (origin_key) DO NOTHING RETURNING {_COLUMNS}",
                (
                    origin_key,
                    parent.place.chat_id,
                    parent.place.thread_id,
                    parent.user_id,
                    parent.language,
                    parent.result_message_id or parent.request_message_id,
                    status_message_id,
                    vendor,
                    request.model_dump_json(),
                    price,
                    now,
                    deadline_at,
                    now,
                    now,
                ),
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            await check_and_reserve(
                conn, user_id=parent.user_id, job_id=row["id"], price=price, quotas=quotas, now=now
            )
        return _job(row)

    async def recent(self, chat_id: int, user_id: int, limit: int) -> list[Job]:
        async with self._db.read() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE chat_id = ? AND user_id = ? "
                "ORDER BY id DESC LIMIT ?",
                (chat_id, user_id, limit),
            )
            rows = await cursor.fetchall()
        return [_job(row) for row in rows]

    async def by_result_message(self, chat_id: int, message_id: int) -> Job | None:
        async with self._db.read() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE chat_id = ? AND result_message_id = ?",
                (chat_id, message_id),
            )
            row = await cursor.fetchone()
        return _job(row) if row else None

    async def counts_since(self, since: float) -> tuple[dict[str, int], dict[str, int]]:
        """Jobs created since `since` by state, and failures by kind."""
        async with self._db.read() as conn:
            cursor = await conn.execute(
                "SELECT state, COUNT(*) FROM jobs WHERE created_at >= ? GROUP BY state", (since,)
            )
            states = {str(r[0]): int(r[1]) for r in await cursor.fetchall()}
            cursor = await conn.execute(
                "SELECT failure_kind, COUNT(*) FROM jobs WHERE created_at >= ? "
                "AND failure_kind IS NOT NULL GROUP BY failure_kind",
                (since,),
            )
            kinds = {str(r[0]): int(r[1]) for r in await cursor.fetchall()}
        return states, kinds

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET status_message_id = ? WHERE id = ? AND status_message_id IS NULL",
                (message_id, job_id),
            )

    async def get(self, job_id: int) -> Job | None:
        async with self._db.read() as conn:
            cursor = await conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
            row = await cursor.fetchone()
        return _job(row) if row else None

    async def due(self, now: float, *, limit: int, exclude: Iterable[int] = ()) -> list[Job]:
        """Active jobs whose next action is due, oldest first."""
        skip = list(exclude)
        query = (
            f"SELECT {_COLUMNS} FROM jobs WHERE state IN ({_placeholders(ACTIVE_STATES)}) "
            "AND next_action_at <= ?"
        )
        if skip:
            query += f" AND id NOT IN ({_placeholders(skip)})"
        query += " ORDER BY next_action_at LIMIT ?"
        async with self._db.read() as conn:
            cursor = await conn.execute(query, (*ACTIVE_STATES, now, *skip, limit))
            rows = await cursor.fetchall()
        return [_job(row) for row in rows]

    async def next_action_at(self, *, exclude: Iterable[int] = ()) -> float | None:
        skip = list(exclude)
        query = (
            f"SELECT MIN(next_action_at) FROM jobs WHERE state IN ({_placeholders(ACTIVE_STATES)})"
        )
        if skip:
            query += f" AND id NOT IN ({_placeholders(skip)})"
        async with self._db.read() as conn:
            cursor = await conn.execute(query, (*ACTIVE_STATES, *skip))
            row = await cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def in_states(self, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        async with self._db.read() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM jobs "
                f"WHERE state IN ({_placeholders(wanted)}) ORDER BY id",
                wanted,
            )
            rows = await cursor.fetchall()
        return [_job(row) for row in rows]

    async def overdue(self, now: float, states: Iterable[JobState]) -> list[Job]:
        wanted = list(states)
        async with self._db.read() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE state IN ({_placeholders(wanted)}) "
                "AND deadline_at <= ? ORDER BY id",
                (*wanted, now),
            )
            rows = await cursor.fetchall()
        return [_job(row) for row in rows]

    async def latest_for(
        self, chat_id: int, user_id: int, states: Iterable[JobState]
    ) -> Job | None:
        wanted = list(states)
        async with self._db.read() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE chat_id = ? AND user_id = ? "
                f"AND state IN ({_placeholders(wanted)}) ORDER BY id DESC LIMIT 1",
                (chat_id, user_id, *wanted),
            )
            row = await cursor.fetchone()
        return _job(row) if row else None

    async def poll_now(self, vendor: str, task_id: str, now: float) -> bool:
        """Make a running job with this vendor task due at once (a callback woke us)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET next_action_at = ?, updated_at = ? "
                "WHERE vendor = ? AND vendor_task_id = ? AND state = 'running'",
                (now, now, vendor, task_id),
            )
            return cursor.rowcount > 0

    async def transition(
        self,
        job_id: int,
        expected: JobState | Iterable[JobState],
        new_state: JobState,
        *,
        now: float,
        **fields: Any,
    ) -> Job | None:
        """Move a job from an expected state; None when it was not in that state any more."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(f"not an updatable job column: {sorted(unknown)}")
        expected_states = [expected] if isinstance(expected, JobState) else list(expected)
        assignments = ["state = ?", "updated_at = ?"]
        values: list[Any] = [new_state, now]
        if new_state in TERMINAL_STATES:
            assignments.append("finished_at = ?")
            values.append(now)
        for column, value in fields.items():
            assignments.append(f"{column} = ?")
            values.append(value)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE jobs SET {', '.join(assignments)} WHERE id = ? "
                f"AND state IN ({_placeholders(expected_states)}) RETURNING {_COLUMNS}",
                (*values, job_id, *expected_states),
            )
            row = await cursor.fetchone()
            if row is not None and new_state in TERMINAL_STATES:
                # Every way a job ends settles its credits in the same transaction.
                await settle(
                    conn,
                    job_id,
                    row["user_id"],
                    capture=new_state is JobState.DELIVERED,
                    now=now,
                )
        return _job(row) if row else None
