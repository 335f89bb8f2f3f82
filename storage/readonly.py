"""Opening a store to read only: for moderators' reports run beside a live bot.

Opening a store migrates it, and a moderator's tool run against the live database of a
running (maybe older) bot must not change its schema under it: a newer schema would
make that bot refuse the database at its next start. So this opens the same store
classes on connections that cannot write (a ``mode=ro`` SQLite file, a PostgreSQL pool
whose transactions are read only) and migrates nothing: every read method works (on
the tables the database has), every write raises :class:`StorageError`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage import migrate
from storage.api import Storage
from storage.errors import StorageError
from storage.locations import is_postgres_url, redact
from storage.models import ReminderLimits


async def open_readonly(location: str | Path, *, busy_timeout_ms: int = 5_000) -> Storage:
    """The store at ``location`` (a SQLite file or a PostgreSQL URL), read only."""
    if is_postgres_url(str(location)):
        return await _open_postgres(str(location))
    return await _open_sqlite(Path(location), busy_timeout_ms)


async def _open_sqlite(path: Path, busy_timeout_ms: int) -> Storage:
    from storage.sqlite.backend import SqliteStorage
    from storage.sqlite.base import connect

    if not path.is_file():
        raise StorageError(f"{path}: no such database file")
    if not await asyncio.to_thread(migrate.read_version, path):
        raise StorageError(f"{path}: not a careerbot database (no schema)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    reader = await connect(uri, busy_timeout_ms, uri=True)
    try:
        writer = await connect(uri, busy_timeout_ms, uri=True)
    except BaseException:
        await reader.close()
        raise
    try:
        await reader.execute("PRAGMA query_only = ON")
        await writer.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        await reader.close()
        await writer.close()
        raise StorageError(f"{path}: cannot open the database ({error})") from error
    return SqliteStorage(str(path), writer, reader, ReminderLimits())


async def _open_postgres(url: str) -> Storage:
    import asyncpg

    from storage.postgres import migrate as pg_migrate
    from storage.postgres.backend import PostgresStorage, _keep_session
    from storage.postgres.base import DRIVER_ERRORS

    shown = redact(url)
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=2,
            reset=_keep_session,
            server_settings={"default_transaction_read_only": "on"},
        )
    except (*DRIVER_ERRORS, ValueError) as error:
        raise StorageError(f"{shown}: cannot connect ({error})") from error
    try:
        async with pool.acquire() as conn:
            version = await pg_migrate.current_version(conn)
    except DRIVER_ERRORS as error:
        await pool.close()
        raise StorageError(f"{shown}: cannot read it ({error})") from error
    if not version:
        await pool.close()
        raise StorageError(f"{shown}: not a careerbot database (no schema)")
    return PostgresStorage(shown, pool, ReminderLimits())
