"""Reading a PostgreSQL store without opening it as one: for ``kb check --db URL``.

As for SQLite (:mod:`storage.sqlite.peek`): no migration, no write; the query runs
in a read-only transaction. Blocking (it runs its own event loop): call it from sync
code or a thread.
"""

from __future__ import annotations

import asyncio

import asyncpg

from storage.errors import StorageError
from storage.locations import redact


def read_progress_item_counts(url: str) -> dict[str, int]:
    """How many members have progress on each stored checklist item id."""
    return asyncio.run(_read(url))


async def _read(url: str) -> dict[str, int]:
    try:
        conn = await asyncpg.connect(url)
    except (asyncpg.PostgresError, OSError, ValueError) as error:
        raise StorageError(f"{redact(url)}: cannot connect ({error})") from error
    try:
        async with conn.transaction(readonly=True):
            found = await conn.fetch("SELECT item_id, COUNT(*) FROM progress GROUP BY item_id")
    except asyncpg.PostgresError as error:
        raise StorageError(f"{redact(url)}: cannot read progress from it ({error})") from error
    finally:
        await conn.close()
    return {str(row[0]): int(row[1]) for row in found}
