"""PostgreSQL connections and transactions: a pool, and row locks where SQLite needed none.

The SQLite backend is correct under concurrency because its writes never overlap (one
writer, ``BEGIN IMMEDIATE``). Here they do: several connections per process and several
processes write at once, at READ COMMITTED. So every read-then-write is made safe
explicitly:

* Writes that act for a member start with the member upsert (``_ensure_member``), which
  locks the member's row until commit: two writes about one member run one after the
  other (progress history stays a chain, reminder limits hold exactly).
* Writes that look a row up first (pause/resume/update/delete of a reminder, undo,
  forget, a guild's settings) lock the rows they read, a member's first
  (``FOR UPDATE``). ``mark_sent`` reads without a lock and writes with a
  compare-and-set: its single UPDATE only applies while the reminder is still active,
  held by the same claim and due at the same time (PostgreSQL re-checks that condition
  on the newest row version).
* Renaming checklist items (a moderator's reload) locks the progress table against
  writes for its transaction: it moves many members' rows, and a member's progress on
  the new id committed halfway would collide with the moved row.
* Claims select with ``FOR UPDATE SKIP LOCKED``: concurrent schedulers take disjoint
  sets of reminders without waiting for each other.
* Locks are always taken member first, then reminder rows, so lock waits never form a
  cycle.

Reads run in a read-only REPEATABLE READ transaction, so a read of several queries
sees one snapshot, as on SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from storage.errors import StorageError
from storage.models import ReminderLimits
from storage.postgres import dialect
from storage.postgres import migrate as pg_migrate
from storage.postgres.connection import PgConnection
from storage.sqlite.base import SqliteBase

#: What the driver raises for a failed statement, a lost connection or a refused one.
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)

#: How long ``close`` waits for queries in flight before cutting the connections.
CLOSE_TIMEOUT_SECONDS = 10.0


class PostgresBase(SqliteBase):
    """The SQLite backend's queries on an asyncpg pool; see the module docstring."""

    _FOR_UPDATE = " FOR UPDATE"
    shared_between_processes = True
    _CLAIM_LOCK = " FOR UPDATE SKIP LOCKED"

    def __init__(self, location: str, pool: asyncpg.Pool, limits: ReminderLimits) -> None:
        # Not SqliteBase.__init__: there are no aiosqlite connections here.
        self.path = location  # already free of any password (see backend.redact)
        self.limits = limits
        self._pool: asyncpg.Pool | None = pool
        self._forgotten: dict[int, datetime] = {}
        """As on SQLite: recent forgets of this process, for writes in flight (see
        ``SqliteBase._remember_forgotten``). Another process's forget is not seen."""

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), CLOSE_TIMEOUT_SECONDS)
        except TimeoutError:
            pool.terminate()

    def _live_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageError(f"{self.path}: storage is closed")
        return self._pool

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Any]:
        """One write transaction; rolled back on any exception, driver errors wrapped."""
        pool = self._live_pool()
        try:
            async with pool.acquire() as raw, raw.transaction():
                yield PgConnection(raw)
        except DRIVER_ERRORS as error:
            raise StorageError(f"{self.path}: write failed ({error})") from error

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[Any]:
        """One read-only transaction: every query inside sees the same snapshot."""
        pool = self._live_pool()
        try:
            async with (
                pool.acquire() as raw,
                raw.transaction(isolation="repeatable_read", readonly=True),
            ):
                yield PgConnection(raw)
        except DRIVER_ERRORS as error:
            raise StorageError(f"{self.path}: read failed ({error})") from error

    async def _query(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        pool = self._live_pool()
        try:
            return list(await pool.fetch(dialect.placeholders(sql), *params))
        except DRIVER_ERRORS as error:
            raise StorageError(f"{self.path}: read failed ({error})") from error

    async def _write_one(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """One statement in autocommit: atomic by itself, and one round trip instead
        of three (BEGIN, the statement, COMMIT)."""
        pool = self._live_pool()
        try:
            return list(await pool.fetch(dialect.placeholders(sql), *params))
        except DRIVER_ERRORS as error:
            raise StorageError(f"{self.path}: write failed ({error})") from error

    async def _lock_member(self, conn: Any, member_id: int) -> None:
        await conn.execute("SELECT 1 FROM members WHERE member_id = ? FOR UPDATE", (member_id,))

    async def _lock_table(self, conn: Any, table: str) -> None:
        # SHARE ROW EXCLUSIVE: readers go on; inserts, updates and deletes (and other
        # holders of this lock) wait until commit.
        await conn.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    async def schema_version(self) -> int:
        pool = self._live_pool()
        try:
            async with pool.acquire() as raw:
                return await pg_migrate.current_version(raw)
        except DRIVER_ERRORS as error:
            raise StorageError(f"{self.path}: read failed ({error})") from error
