"""Telling the other bot processes that something changed: corpus reloads, guild settings.

Several processes can share one PostgreSQL database, each holding some shards. Each
keeps things in memory that another process can change: the corpus it serves, the
guild settings it caches. So a process that changes one of them says so on a
channel, and every process listens:

* :class:`PostgresBroadcast` uses PostgreSQL's ``LISTEN``/``NOTIFY`` on one dedicated
  connection (the pool's connections are shared and reset, so they cannot hold a
  ``LISTEN``). When that connection drops it reconnects, with growing pauses, and then
  calls the ``on_gap`` callbacks: notices sent while it was away are lost for good,
  so subscribers catch up from what is stored (the corpus is re-checked, the guild
  cache is dropped).
* :class:`LocalBroadcast` is for a SQLite file, which only one process uses: there is
  nobody else to tell, so publishing does nothing.

A notice is a small JSON object (``NOTIFY`` payloads are limited to 8000 bytes). Every
notice carries the sender's :attr:`origin`, and a process ignores its own, which
PostgreSQL delivers back to it like any other: a change is acted on once where it
happened and once in every other process, and a receiver never publishes, so notices
cannot loop.

Handlers run one at a time in the order notices arrive, so a slow one (a reload takes
a second) delays later notices, never the event loop; a failing handler is logged and
the next notice is still delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from careerbot.runtime.metrics import METRICS, Metrics
from careerbot.runtime.services import stop_loop
from storage import is_postgres_url, redact

log = logging.getLogger(__name__)

#: The channels, one per kind of change. PostgreSQL folds unquoted names to lower case.
CORPUS_CHANNEL = "careerbot_corpus"
GUILD_CHANNEL = "careerbot_guild"

#: PostgreSQL refuses longer ``NOTIFY`` payloads.
MAX_PAYLOAD_BYTES = 7999


@dataclass(frozen=True)
class Notice:
    channel: str
    origin: str
    """The sending process's :attr:`Broadcast.origin`."""
    data: dict[str, Any]


NoticeHandler = Callable[[Notice], Awaitable[None]]
GapHandler = Callable[[], Awaitable[None]]


class Broadcast(Protocol):
    """What the rest of the bot needs; started and stopped around it (:func:`running`)."""

    origin: str

    def subscribe(self, channel: str, handler: NoticeHandler) -> None:
        """Call ``handler`` with every notice on ``channel`` from another process."""

    def on_gap(self, handler: GapHandler) -> None:
        """Call ``handler`` after notices may have been missed (a reconnect)."""

    @property
    def listening(self) -> bool | None:
        """Whether notices from other processes can arrive now; ``None`` when there is
        nobody to hear from (one process on SQLite)."""
        ...

    async def publish(self, channel: str, data: dict[str, Any]) -> bool:
        """Tell the other processes; ``False`` (and a logged warning) if that failed."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def encode(origin: str, data: dict[str, Any]) -> str:
    payload = json.dumps({"origin": origin, "data": data}, separators=(",", ":"))
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a notice must stay under {MAX_PAYLOAD_BYTES} bytes")
    return payload


def decode(channel: str, payload: str) -> Notice | None:
    """The notice in ``payload``, or ``None`` for anything careerbot did not send (a
    hand-typed ``NOTIFY``, another version's format): logged and ignored."""
    try:
        parsed = json.loads(payload)
        origin, data = parsed["origin"], parsed["data"]
        if not isinstance(origin, str) or not isinstance(data, dict):
            raise TypeError("origin must be text and data an object")
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignored a notice on %s that careerbot did not write: %s", channel, exc)
        return None
    return Notice(channel, origin, data)


class _Subscribers:
    """The handlers, and the queue that runs them one at a time (module docstring)."""

    def __init__(self, origin: str, metrics: Metrics) -> None:
        self.origin = origin
        self.metrics = metrics
        self.handlers: dict[str, list[NoticeHandler]] = {}
        self.gap_handlers: list[GapHandler] = []
        self.queue: asyncio.Queue[Notice | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._deliver(), name="careerbot: notices")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_loop(task)

    def received(self, channel: str, payload: str) -> None:
        notice = decode(channel, payload)
        if notice is not None and notice.origin != self.origin:
            self.metrics.notices_received.inc(channel=channel)
            self.queue.put_nowait(notice)

    def gap(self) -> None:
        self.metrics.notice_gaps.inc()
        self.queue.put_nowait(None)

    async def _deliver(self) -> None:
        while True:
            notice = await self.queue.get()
            if notice is None:
                for on_gap in list(self.gap_handlers):
                    await self._call(on_gap(), "catching up after a reconnect")
                continue
            for handler in list(self.handlers.get(notice.channel, ())):
                await self._call(handler(notice), f"a notice on {notice.channel}")

    @staticmethod
    async def _call(work: Awaitable[None], what: str) -> None:
        try:
            await work
        except Exception:  # one bad handler must not stop the notices
            log.exception("handling %s failed", what)


class LocalBroadcast:
    """One process on a SQLite file: nobody else to tell (module docstring)."""

    def __init__(self) -> None:
        self.origin = uuid.uuid4().hex

    @property
    def listening(self) -> bool | None:
        return None

    def subscribe(self, channel: str, handler: NoticeHandler) -> None:
        """Nothing from other processes ever arrives."""

    def on_gap(self, handler: GapHandler) -> None:
        """Nothing is ever missed."""

    async def publish(self, channel: str, data: dict[str, Any]) -> bool:
        encode(self.origin, data)  # the same limits as on PostgreSQL
        return True

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


class PostgresBroadcast:
    """``LISTEN``/``NOTIFY`` on one connection that comes back after a drop."""

    def __init__(
        self,
        url: str,
        *,
        ping_interval: float = 15.0,
        retry_min: float = 0.2,
        retry_max: float = 10.0,
        timeout: float = 10.0,
        metrics: Metrics = METRICS,
    ) -> None:
        self._url = url
        self.label = redact(url)
        self.origin = uuid.uuid4().hex
        self.ping_interval = ping_interval
        """How often a quiet connection is checked: a dead TCP connection is noticed
        only when something is sent on it."""
        self.retry_min, self.retry_max, self.timeout = retry_min, retry_max, timeout
        self.connects = 0
        """How many times the connection was made (more than one: it dropped)."""
        self._subscribers = _Subscribers(self.origin, metrics)
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # one query at a time on the connection
        self._connected = asyncio.Event()
        self._lost = asyncio.Event()
        self._resubscribe = False
        self._task: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        return self._connected.is_set()

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection, while connected."""
        conn = self._conn
        return conn.get_server_pid() if conn is not None and not conn.is_closed() else None

    def subscribe(self, channel: str, handler: NoticeHandler) -> None:
        new = channel not in self._subscribers.handlers
        self._subscribers.handlers.setdefault(channel, []).append(handler)
        if new and self._conn is not None and self._task is not None:
            # Already listening on others: listen on this one from the next connection
            # on, and now through a reconnect (which also tells subscribers to catch up).
            self._resubscribe = True
            self._lost.set()

    def on_gap(self, handler: GapHandler) -> None:
        self._subscribers.gap_handlers.append(handler)

    async def start(self) -> None:
        """Connect and listen, or keep trying in the background: a database that is
        briefly away must not stop the bot from serving (it reads and writes through
        its own pool, which retries too)."""
        self._subscribers.start()
        try:
            await self._connect(gap=False)
        except Exception as exc:
            log.warning(
                "cannot listen for other processes' changes on %s yet (%s); retrying",
                self.label,
                exc,
            )
        self._task = asyncio.create_task(self._keep_listening(), name="careerbot: listen")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await stop_loop(task)
        await self._close()
        await self._subscribers.stop()

    async def publish(self, channel: str, data: dict[str, Any]) -> bool:
        """Send on the listening connection. If it turns out to be dead (a drop not
        noticed yet), wait for the reconnect and send once more."""
        payload = encode(self.origin, data)
        if self._task is None:
            log.warning("not running: the other processes were not told of a change on %s", channel)
            return False
        error: Exception | None = None
        for attempt in range(2):
            conn: asyncpg.Connection | None = None
            try:
                await asyncio.wait_for(self._connected.wait(), self.timeout)
                async with self._lock:
                    conn = self._conn
                    if conn is None or conn.is_closed():
                        raise ConnectionError("not connected")
                    await conn.execute(
                        "SELECT pg_notify($1, $2)", channel, payload, timeout=self.timeout
                    )
                return True
            except TimeoutError as exc:
                error = exc
                break
            except Exception as exc:  # asyncpg raises several kinds on a dead connection
                error = exc
                alive = conn is not None and not conn.is_closed()
                if isinstance(exc, asyncpg.PostgresError) and alive:
                    break  # the server refused the statement itself: no use repeating it
                if attempt == 0 and conn is not None and conn is self._conn:
                    self._connected.clear()  # wait above for the reconnect
                    self._lost.set()
        log.warning(
            "could not tell the other processes on %s (%s); they catch up when their "
            "connection comes back or on the next change",
            channel,
            error,
        )
        return False

    async def _connect(self, *, gap: bool) -> None:
        """Connect and listen; with ``gap``, tell subscribers that notices may have
        been missed (every connection but the first one made at start)."""
        conn = await asyncio.wait_for(
            asyncpg.connect(self._url, server_settings={"application_name": "careerbot listener"}),
            self.timeout,
        )
        try:
            conn.add_termination_listener(self._terminated)
            for channel in self._subscribers.handlers:
                await conn.add_listener(channel, self._on_notify)
        except BaseException:
            await conn.close(timeout=self.timeout)
            raise
        self._conn = conn
        self._lost.clear()
        self._connected.set()
        self.connects += 1
        if gap:
            log.info("listening for other processes' changes on %s", self.label)
            self._subscribers.gap()

    def _terminated(self, conn: Any) -> None:
        if conn is self._conn:  # not an old connection's late goodbye
            self._lost.set()

    def _on_notify(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        self._subscribers.received(channel, payload)

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        self._connected.clear()
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), self.timeout)
            except Exception:
                conn.terminate()

    async def _keep_listening(self) -> None:
        delay = self.retry_min
        while True:
            if self._conn is not None:
                await self._watch()
                if self._resubscribe:
                    self._resubscribe = False
                else:
                    log.warning("lost the connection that listens for other processes' changes")
                await self._close()
            try:
                await self._connect(gap=True)
            except Exception as exc:
                log.warning(
                    "cannot listen for other processes' changes on %s (%s); retrying",
                    self.label,
                    exc,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
            else:
                delay = self.retry_min

    async def _watch(self) -> None:
        """Return once the connection is lost: closed by the server, or silent to a ping."""
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.ping_interval)
                return
            try:
                async with self._lock:
                    conn = self._conn
                    if conn is None:
                        return
                    await conn.execute("SELECT 1", timeout=self.timeout)
            except Exception:
                return


@contextlib.asynccontextmanager
async def running(broadcast: Broadcast) -> AsyncIterator[Broadcast]:
    """Started for the block, stopped after it; the bot keeps it as long as its store."""
    await broadcast.start()
    try:
        yield broadcast
    finally:
        await broadcast.stop()


def open_broadcast(database: str | Path) -> Broadcast:
    """The broadcast for the configured database: PostgreSQL's, or this process only."""
    location = str(database)
    if is_postgres_url(location):
        return PostgresBroadcast(location)
    return LocalBroadcast()
