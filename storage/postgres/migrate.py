"""Schema migrations on PostgreSQL: the same numbered files, a version table, a lock.

SQLite keeps the version in ``PRAGMA user_version``; here the table
``careerbot_schema_migrations`` holds one row per applied migration (number, name,
when). Several processes starting together against a fresh database must not apply a
step twice (the second ``CREATE TABLE`` would fail), so the whole run holds a
session-level advisory lock: the first process migrates, the others wait for it, then
find nothing left to do. Each step still runs in its own transaction together with its
version row, so a failure leaves the database at the previous version.
"""

from __future__ import annotations

import time

import asyncpg

from storage import migrate
from storage.errors import MigrationError, SchemaTooNewError
from storage.postgres import dialect

VERSION_TABLE = "careerbot_schema_migrations"
#: The advisory lock key of migrations ("careerbt" as a big-endian 64-bit integer).
LOCK_KEY = int.from_bytes(b"careerbt", "big", signed=True)


async def current_version(conn: asyncpg.Connection) -> int:
    """The newest applied migration, 0 for an empty database. Writes nothing."""
    exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE)
    if not exists:
        return 0
    return int(await conn.fetchval(f"SELECT COALESCE(MAX(version), 0) FROM {VERSION_TABLE}"))


async def apply(
    conn: asyncpg.Connection, location: str, *, up_to: int | None = None
) -> tuple[int, int]:
    """Bring the database up to ``up_to`` or the latest; ``(version before, after)``."""
    steps = migrate.bundled()
    known = len(steps)
    target = known if up_to is None else up_to
    if not 0 <= target <= known:
        raise MigrationError(f"cannot migrate to version {target}: known versions are 0..{known}")
    before = await current_version(conn)
    if before > known:
        raise SchemaTooNewError(location, before, known)  # checked before writing anything
    await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
    try:
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        )
        for step in steps[:target]:
            await _apply_step(conn, location, step, known)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
    return before, await current_version(conn)


async def _apply_step(
    conn: asyncpg.Connection, location: str, step: migrate.Migration, known: int
) -> None:
    found = await current_version(conn)
    if found > known:
        raise SchemaTooNewError(location, found, known)
    if found >= step.version:
        return
    try:
        async with conn.transaction():
            for statement in step.statements:
                await conn.execute(dialect.schema(statement))
            await conn.execute(
                f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)",
                step.version,
                step.name,
                int(time.time()),
            )
    except asyncpg.PostgresError as error:
        raise MigrationError(
            f"{location}: migration {step.version:04d}_{step.name} failed ({error}); "
            f"the database was left at version {step.version - 1}"
        ) from error
