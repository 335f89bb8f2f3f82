"""Turns taken across processes through PostgreSQL advisory locks, spaced in time.

What it is for: Discord allows one gateway IDENTIFY per 5 seconds per rate-limit bucket
(``shard_id % max_concurrency``), for the whole bot, whichever process the shards run
in. Processes sharing a database take turns here: :meth:`SpacedGate.turn` returns once
this process holds the bucket's lock; the caller says when what it did is known to
have arrived (:meth:`SpacedGate.arrived`: the shard's READY came back), and the lock is
let go ``spacing`` seconds after that, so the next holder (here or in another process)
acts no sooner. Counting from the answer rather than from the turn keeps the rule even
when the holder was slow to send (a busy event loop): Discord got the IDENTIFY before
it sent READY. A turn whose arrival is never reported ends ``arrival_timeout`` seconds
after it began, plus the spacing.

Why so: a session-level advisory lock is released by PostgreSQL itself when its
connection ends, so a process killed while holding a turn never blocks the others for
longer than its connection takes to drop; and no table or clock comparison between
machines is needed. The price: a process killed within 5 s of its IDENTIFY hands the
turn on early, and Discord may answer the next IDENTIFY with op 9 (Invalid Session),
after which discord.py takes a turn again; one retry, not a lost shard. Session locks
are re-entrant within one connection, so turns are
also serialised in this process (an ``asyncio.Lock`` per key), and each key gets its
own connection: one connection waiting for a key would otherwise hold up the release
of another (two processes could then wait on each other forever).

When PostgreSQL cannot be reached the turn falls back to waiting ``spacing`` seconds:
a late start is better than none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from storage.locations import redact
from storage.postgres.base import DRIVER_ERRORS

log = logging.getLogger(__name__)

#: The first half of every advisory lock key this gate takes (the second is the bucket):
#: "cb" + "id" in ASCII, so the locks are easy to tell apart in ``pg_locks``.
LOCK_NAMESPACE = 0x63626964


class SpacedGate:
    """One holder per key at a time across processes; each turn lasts ``spacing`` s."""

    def __init__(
        self,
        url: str,
        *,
        spacing: float,
        arrival_timeout: float = 30.0,
        namespace: int = LOCK_NAMESPACE,
    ) -> None:
        self._url = url
        self.spacing = spacing
        self.arrival_timeout = arrival_timeout
        self.namespace = namespace
        self._local: dict[int, asyncio.Lock] = {}
        self._arrivals: dict[int, asyncio.Event] = {}
        self._connections: dict[int, asyncpg.Connection] = {}
        self._releases: set[asyncio.Task[None]] = set()
        self.turns = 0
        """Turns taken (a probe for tests and logs)."""
        self.fallbacks = 0
        """Turns that waited without PostgreSQL because it could not be reached."""

    async def turn(self, key: int) -> None:
        """Wait for ``key``'s turn; the caller may act at once after this returns."""
        local = self._local.setdefault(key, asyncio.Lock())
        await local.acquire()
        try:
            conn = await self._lock(key)
        except BaseException:
            local.release()
            raise
        self.turns += 1
        arrival = self._arrivals[key] = asyncio.Event()
        task = asyncio.create_task(
            self._release_later(key, conn, local, arrival), name="careerbot-gate"
        )
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)

    def arrived(self, key: int) -> None:
        """What ``key``'s current turn was for has arrived: end it ``spacing`` from now."""
        arrival = self._arrivals.get(key)
        if arrival is not None:
            arrival.set()

    async def _lock(self, key: int) -> asyncpg.Connection | None:
        try:
            conn = self._connections.get(key)
            if conn is None or conn.is_closed():
                conn = await asyncpg.connect(self._url)
                self._connections[key] = conn
            await conn.execute("SELECT pg_advisory_lock($1, $2)", self.namespace, key)
            return conn
        except DRIVER_ERRORS as error:
            log.warning("no turn from %s (%s); waiting %.1f s instead",
                        redact(self._url), error, self.spacing)  # fmt: skip
            await self._drop(key)
            self.fallbacks += 1
            await asyncio.sleep(self.spacing)
            return None

    async def _release_later(
        self,
        key: int,
        conn: asyncpg.Connection | None,
        local: asyncio.Lock,
        arrival: asyncio.Event,
    ) -> None:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrival.wait(), self.arrival_timeout)
            await asyncio.sleep(self.spacing)
            if conn is not None and not conn.is_closed():
                try:
                    await conn.execute("SELECT pg_advisory_unlock($1, $2)", self.namespace, key)
                except DRIVER_ERRORS:
                    await self._drop(key)  # closing the connection lets go of the lock
        finally:
            local.release()

    async def _drop(self, key: int) -> None:
        conn = self._connections.pop(key, None)
        if conn is not None:
            with contextlib.suppress(*DRIVER_ERRORS):
                await conn.close(timeout=2)

    async def close(self) -> None:
        """Let go of every lock (turns in progress end early) and close the connections."""
        for task in list(self._releases):
            task.cancel()
        if self._releases:
            await asyncio.gather(*self._releases, return_exceptions=True)
        for key in list(self._connections):
            await self._drop(key)
