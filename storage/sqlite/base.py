"""SQLite connections and transactions: how the backend stays correct under load.

* **One writer connection**, and every write is an explicit ``BEGIN IMMEDIATE ...
  COMMIT`` transaction taken under an ``asyncio.Lock``. Concurrent coroutines queue on
  the lock instead of racing for SQLite's lock, so there is no "database is locked"
  and no lost update (a read-modify-write happens inside one transaction). Other
  processes on the same file are serialised by ``BEGIN IMMEDIATE`` plus a busy timeout.
* **One reader connection** (``query_only``) for queries, so reads run in parallel
  with writes (WAL) and always see committed data only. Multi-query reads share one
  read transaction, i.e. one consistent snapshot.
* **WAL** journal, ``foreign_keys=ON``, ``busy_timeout``, ``synchronous=NORMAL``.

Durability: with WAL and ``synchronous=NORMAL`` a commit is durable against a crash or
``SIGKILL`` of the process (the WAL is written before COMMIT returns; the OS keeps it).
A power loss or kernel crash can lose the last transactions committed since the most
recent WAL sync (a checkpoint), but never corrupts the file: it reopens at an earlier,
consistent state. Pass ``synchronous="FULL"`` to ``open_sqlite`` to trade write speed
for surviving power loss too.

SQL is parameterised everywhere; the only interpolated fragments are constants of this
package (table and column lists), never input. Queries are written to be portable to
PostgreSQL (``ON CONFLICT ... DO UPDATE``, ``RETURNING``, ``CASE`` instead of
SQLite's two-argument ``MAX``); the ``?`` placeholders are the one thing a PostgreSQL
backend rewrites.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from storage import rows
from storage import validate as check
from storage.api import Storage
from storage.errors import ForgottenMemberError, StorageError
from storage.models import Member, ReminderLimits
from storage.rows import MEMBER_COLUMNS

_ENSURE_MEMBER_SQL = (
    "INSERT INTO members (member_id, created_at, last_seen_at) VALUES (?, ?, ?) "
    "ON CONFLICT (member_id) DO UPDATE SET last_seen_at = CASE "
    "WHEN excluded.last_seen_at > members.last_seen_at THEN excluded.last_seen_at "
    "ELSE members.last_seen_at END "
    f"RETURNING {MEMBER_COLUMNS}"
)

#: How long a forget is remembered for writes already in flight.
FORGET_GUARD = timedelta(hours=1)


async def connect(
    location: str, busy_timeout_ms: int, *, uri: bool = False
) -> aiosqlite.Connection:
    try:
        conn = await aiosqlite.connect(location, isolation_level=None, uri=uri)
    except sqlite3.Error as error:
        raise StorageError(f"{location}: cannot open the database ({error})") from error
    conn.row_factory = sqlite3.Row
    # Pragmas take no parameters; these are ints from our own code.
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    return conn


class SqliteBase(Storage):
    """Connections and transactions; the per-area mixins hold the queries.

    The mixins' SQL is shared with the PostgreSQL backend, which subclasses this base
    and overrides the plumbing. Where a server with concurrent writers needs row locks
    that SQLite's single writer makes unnecessary, the queries use the hooks below
    (``_FOR_UPDATE``, ``_CLAIM_LOCK``, ``_lock_member``, ``_lock_table``); all are no-ops here.
    """

    #: Appended to a SELECT whose rows the same transaction then updates.
    _FOR_UPDATE = ""
    #: Appended to the claim's inner SELECT, so concurrent claimers skip held rows.
    _CLAIM_LOCK = ""

    async def _lock_member(self, conn: Any, member_id: int) -> None:
        """Serialise this transaction with every other write about ``member_id``.

        Nothing to do on SQLite, where write transactions never overlap.
        """

    async def _lock_table(self, conn: Any, table: str) -> None:
        """Hold off every other write to ``table`` (a name from this package) until
        this transaction ends: for rare bulk changes that touch many members' rows.

        Nothing to do on SQLite, where write transactions never overlap.
        """

    def __init__(
        self,
        path: str,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        limits: ReminderLimits,
    ) -> None:
        self.path = path
        self.limits = limits
        self._writer: aiosqlite.Connection | None = writer
        self._reader: aiosqlite.Connection | None = reader
        self._write_lock = asyncio.Lock()
        self._unsettled: set[aiosqlite.Connection] = set()
        """Connections where a transaction was cancelled: statements of it may still be
        queued on the driver's thread (see _begin)."""
        self._read_lock = asyncio.Lock()
        self._forgotten: dict[int, datetime] = {}
        """Member id -> when they were forgotten (recently, in this process): what
        ``log_question`` checks so a question asked before the forget stays unlogged.
        Kept in memory on purpose: a forgotten member leaves nothing on disk."""

    # -- plumbing ------------------------------------------------------------------

    async def close(self) -> None:
        reader, writer = self._reader, self._writer
        self._reader = self._writer = None
        async with self._read_lock:
            if reader is not None:
                await reader.close()
        async with self._write_lock:
            if writer is not None:
                await writer.close()

    def _open(self, conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise StorageError(f"{self.path}: storage is closed")
        return conn

    async def _begin(self, conn: aiosqlite.Connection, statement: str) -> None:
        """Start a transaction, first settling what a cancelled one may have left.

        aiosqlite runs statements on its own thread, in order, and a cancelled ``await``
        does not stop one: a BEGIN or COMMIT of a cancelled transaction may still be
        queued when the next one starts. So after a cancellation on a connection, the
        next transaction first awaits a no-op statement (which runs after everything
        queued before it) and only then looks at the connection's state.
        """
        try:
            if conn in self._unsettled:
                await conn.execute("SELECT 1")
                self._unsettled.discard(conn)
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            await conn.execute(statement)
        except asyncio.CancelledError:
            self._unsettled.add(conn)
            raise

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; rolled back on any exception, driver errors wrapped."""
        async with self._write_lock:
            conn = self._open(self._writer)
            try:
                await self._begin(conn, "BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: cannot start a write ({error})") from error
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException as error:
                if isinstance(error, asyncio.CancelledError):
                    self._unsettled.add(conn)  # the COMMIT itself may still be queued
                try:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                except sqlite3.Error:
                    self._unsettled.add(conn)  # e.g. a queued COMMIT ran first
                if isinstance(error, sqlite3.Error):
                    raise StorageError(f"{self.path}: write failed ({error})") from error
                raise

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """One read transaction: every query inside sees the same committed snapshot."""
        async with self._read_lock:
            conn = self._open(self._reader)
            try:
                await self._begin(conn, "BEGIN")
                try:
                    yield conn
                finally:
                    await conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: read failed ({error})") from error
            except asyncio.CancelledError:
                self._unsettled.add(conn)
                raise

    async def _query(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        """A single read-only statement (no explicit transaction needed)."""
        async with self._read_lock:
            conn = self._open(self._reader)
            try:
                return list(await conn.execute_fetchall(sql, params))
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: read failed ({error})") from error

    async def _write_one(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """A write that is a single statement: its own transaction, rows it returns.

        A backend may send it without BEGIN/COMMIT (one round trip on a server)."""
        async with self._write() as conn:
            return await self._fetch(conn, sql, params)

    @staticmethod
    async def _fetch(
        conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()
    ) -> list[sqlite3.Row]:
        return list(await conn.execute_fetchall(sql, params))

    async def _ensure_member(
        self, conn: aiosqlite.Connection, member_id: int, now: datetime
    ) -> Member:
        stamp = check.to_db(now)
        found = await self._fetch(conn, _ENSURE_MEMBER_SQL, (member_id, stamp, stamp))
        return rows.member(found[0])

    def _remember_forgotten(self, member_id: int, at: datetime) -> None:
        """Note the forget for writes still in flight; old notes are dropped (a write
        in flight for an hour does not happen: answers are logged seconds after)."""
        for stale in [m for m, when in self._forgotten.items() if at - when > FORGET_GUARD]:
            del self._forgotten[stale]
        self._forgotten[member_id] = at

    def _check_not_forgotten(self, member_id: int, asked_at: datetime) -> None:
        """Refuse a write about something done at ``asked_at`` if the member asked to be
        forgotten since; call it inside the write transaction (after any forget)."""
        forgotten = self._forgotten.get(member_id)
        if forgotten is not None and asked_at <= forgotten:
            raise ForgottenMemberError(
                f"member {member_id} asked to be forgotten after this; nothing was written"
            )

    async def schema_version(self) -> int:
        found = await self._query("PRAGMA user_version", ())
        return int(found[0][0])
