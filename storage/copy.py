"""Moving a SQLite store to PostgreSQL: every table, in one transaction, counts checked.

For the move from one process to several (README, "Scaling out"). The SQLite file is
first opened as a store, which migrates it to this careerbot's schema exactly as a
start of the bot would; the PostgreSQL database is migrated the same way and must
hold no careerbot rows yet. Rows are copied with ``COPY`` in foreign-key order, the
identity sequences are moved past the copied ids, and each table's row count is
compared before the transaction commits: a copy is complete or absent.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg

from storage import open_storage
from storage.errors import StorageError
from storage.locations import is_postgres_url, redact

#: Every table, parents before children. A table missing here fails the copy.
COPY_ORDER: tuple[str, ...] = (
    "members",
    "progress",
    "progress_history",
    "activity_days",
    "streaks",
    "reminders",
    "member_notices",
    "guild_settings",
    "guild_moderator_roles",
    "question_log",
    "question_feedback",
    "ask_cooldowns",
    "digest_posts",
    "community_threads",
)

_CONVERT = {
    "boolean": lambda value: bool(value),
    "double precision": lambda value: float(value),
    "bigint": lambda value: int(value),
    "integer": lambda value: int(value),
}


async def copy_sqlite_to_postgres(sqlite_path: str | Path, url: str) -> dict[str, int]:
    """Copy every row of the store at ``sqlite_path`` into the empty store at ``url``.

    Returns the rows copied per table. Raises :class:`StorageError` (and copies
    nothing) when the target already has rows or a count differs after the copy.
    """
    source = Path(sqlite_path)
    if is_postgres_url(str(sqlite_path)) or not source.is_file():
        raise StorageError(f"{sqlite_path}: no such SQLite file")
    if not is_postgres_url(url):
        raise StorageError(f"{redact(url)}: not a postgresql:// URL")
    async with await open_storage(source):
        pass  # migrated to the current schema, as a start of the bot would
    async with await open_storage(url):
        pass
    tables = _read_sqlite(source)
    unknown = sorted(set(tables) - set(COPY_ORDER))
    if unknown:
        raise StorageError(f"the copy does not know the tables {', '.join(unknown)}")
    try:
        conn = await asyncpg.connect(url)
    except (asyncpg.PostgresError, OSError) as error:
        raise StorageError(f"{redact(url)}: cannot connect ({error})") from error
    try:
        async with conn.transaction():
            return await _copy(conn, tables, redact(url))
    except asyncpg.PostgresError as error:
        raise StorageError(f"{redact(url)}: copy failed, nothing copied ({error})") from error
    finally:
        await conn.close()


def _read_sqlite(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Table -> (columns, rows), read in one snapshot through a read-only connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    result: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        conn.execute("BEGIN")
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in names:
            cursor = conn.execute(f'SELECT * FROM "{table}"')  # names from the schema
            columns = [d[0] for d in cursor.description]
            result[table] = (columns, cursor.fetchall())
        conn.execute("COMMIT")
    return result


async def _copy(
    conn: asyncpg.Connection,
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]],
    shown: str,
) -> dict[str, int]:
    for table in COPY_ORDER:
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            raise StorageError(f"{shown}: already holds {table} rows; copy into an empty one")
    copied: dict[str, int] = {}
    for table in COPY_ORDER:
        columns, rows = tables.get(table, ([], []))
        types = dict(
            await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = $1",
                table,
            )
        )
        missing = [c for c in columns if c not in types]
        if missing:
            raise StorageError(f"{shown}: {table} has no columns {', '.join(missing)}")
        converters = [_CONVERT.get(types[c], lambda value: value) for c in columns]
        records = [
            tuple(None if v is None else f(v) for f, v in zip(converters, row, strict=True))
            for row in rows
        ]
        if records:
            await conn.copy_records_to_table(table, records=records, columns=columns)
        if "id" in columns:  # the next generated id follows the copied ones
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        count = int(await conn.fetchval(f"SELECT COUNT(*) FROM {table}"))
        if count != len(rows):
            raise StorageError(f"{table}: {len(rows)} rows read but {count} stored")
        copied[table] = count
    return copied
