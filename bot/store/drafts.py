"""SQL for drafts: the wizard's state, one per person per chat."""

from __future__ import annotations

from bot.domain.drafts import Draft, DraftOptions, DraftStep
from bot.domain.jobs import ChatPlace
from bot.store.database import Database, Row, placed

_COLUMNS = (
    "id, chat_id, thread_id, user_id, language, step, prompt, options_json, card_message_id, "
    "request_message_id, updated_at"
)


def _draft(row: Row) -> Draft:
    options = DraftOptions.model_validate_json(row["options_json"])
    return Draft.model_validate({**placed(row), "options": options})


class DraftStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def replace(
        self,
        *,
        user_id: int,
        place: ChatPlace,
        language: str,
        step: DraftStep,
        prompt: str | None,
        options: DraftOptions,
        request_message_id: int | None,
        now: float,
    ) -> Draft:
        """Start a new draft for this person in this chat, dropping any earlier one."""
        async with self._db.transaction() as conn:
            await conn.serialize(f"draft:{place.chat_id}:{user_id}")
            await conn.execute(
                "DELETE FROM drafts WHERE chat_id = $1 AND user_id = $2", place.chat_id, user_id
            )
            row = await conn.fetchrow(
                "INSERT INTO drafts (chat_id, thread_id, user_id, language, step, prompt, "
                "options_json, request_message_id, created_at, updated_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING " + _COLUMNS,
                place.chat_id,
                place.thread_id,
                user_id,
                language,
                step,
                prompt,
                options.model_dump_json(),
                request_message_id,
                now,
            )
            assert row is not None
            return _draft(row)

    async def get(self, draft_id: int) -> Draft | None:
        return await self._one("WHERE id = $1", (draft_id,))

    async def find(self, chat_id: int, user_id: int) -> Draft | None:
        return await self._one("WHERE chat_id = $1 AND user_id = $2", (chat_id, user_id))

    async def _one(self, where: str, values: tuple[object, ...]) -> Draft | None:
        row = await self._db.one(f"SELECT {_COLUMNS} FROM drafts {where}", values)
        return _draft(row) if row else None

    async def update(
        self,
        draft_id: int,
        *,
        now: float,
        step: DraftStep | None = None,
        prompt: str | None = None,
        options: DraftOptions | None = None,
        card_message_id: int | None = None,
        request_message_id: int | None = None,
    ) -> Draft | None:
        """Change the given fields; None leaves a field as it is. None when the draft is gone."""
        rows = await self._db.write_rows(
            "UPDATE drafts SET step = COALESCE($1, step), prompt = COALESCE($2, prompt), "
            "options_json = COALESCE($3, options_json), "
            "card_message_id = COALESCE($4, card_message_id), "
            "request_message_id = COALESCE($5, request_message_id), updated_at = $6 "
            f"WHERE id = $7 RETURNING {_COLUMNS}",
            step,
            prompt,
            options.model_dump_json() if options else None,
            card_message_id,
            request_message_id,
            now,
            draft_id,
        )
        row = rows[0] if rows else None
        return _draft(row) if row else None

    async def delete(self, draft_id: int) -> bool:
        return await self._db.write("DELETE FROM drafts WHERE id = $1", draft_id) > 0
