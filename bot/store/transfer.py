"""SQL for copying a whole database to another (SQLite to PostgreSQL), table by table."""

from __future__ import annotations

from bot.store.database import Database
from bot.store.migrations import MIGRATIONS, _tables_after

# Parents before the rows that refer to them; tables not named here follow, by name.
_FIRST = ("people", "drafts", "jobs", "hosted_media", "ledger", "payments")
# Which process runs is no history: a lease row would only hold the target's first start up.
_NOT_COPIED = frozenset({"instance_lease", "schema_version"})


def copied_tables() -> list[str]:
    """Every table of the schema a copy carries over, in an order the references allow."""
    tables = set(_tables_after(len(MIGRATIONS))) - _NOT_COPIED
    return [name for name in _FIRST if name in tables] + sorted(tables - set(_FIRST))


async def row_counts(db: Database) -> dict[str, int]:
    """How many rows each copied table holds."""
    counts: dict[str, int] = {}
    async with db.read() as conn:
        for table in copied_tables():
            counts[table] = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    return counts


async def copy_rows(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of every table from `source` into the empty `target`, in one transaction
    on the target; then move PostgreSQL's identity sequences past the copied ids."""
    copied: dict[str, int] = {}
    async with target.transaction() as conn:
        for table in copied_tables():
            rows = await source.all(f"SELECT * FROM {table}")
            copied[table] = len(rows)
            if not rows:
                continue
            columns = list(rows[0].keys())
            names = ", ".join(columns)
            values = ", ".join(f"${number}" for number in range(1, len(columns) + 1))
            insert = f"INSERT INTO {table} ({names}) VALUES ({values})"
            for row in rows:
                await conn.execute(insert, *(row[column] for column in columns))
        identities = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for identity in identities:
            table, column = str(identity["table_name"]), str(identity["column_name"])
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"max({column})) FROM {table} HAVING max({column}) IS NOT NULL"
            )
    return copied
