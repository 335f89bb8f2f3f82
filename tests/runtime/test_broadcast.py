"""Notices between processes: delivered to the others, never to the sender, and still
delivered after the listening connection was cut."""

from __future__ import annotations

import logging

import asyncpg
import pytest

from careerbot.runtime.broadcast import (
    GUILD_CHANNEL,
    LocalBroadcast,
    Notice,
    PostgresBroadcast,
    open_broadcast,
)
from careerbot.runtime.metrics import Metrics
from tests.conftest import PgServer
from tests.waiting import eventually

CHANNEL = GUILD_CHANNEL


async def terminate(url: str, pid: int) -> None:
    """Cut a connection from the server side, as a restart or a network drop does."""
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


class Inbox:
    def __init__(self) -> None:
        self.notices: list[Notice] = []
        self.gaps = 0

    async def take(self, notice: Notice) -> None:
        self.notices.append(notice)

    async def gap(self) -> None:
        self.gaps += 1


async def started(url: str, inbox: Inbox | None = None) -> PostgresBroadcast:
    broadcast = PostgresBroadcast(url, retry_min=0.05)
    if inbox is not None:
        broadcast.subscribe(CHANNEL, inbox.take)
        broadcast.on_gap(inbox.gap)
    await broadcast.start()
    return broadcast


async def test_a_notice_reaches_the_other_process_and_not_the_sender(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh()
    mine, theirs = Inbox(), Inbox()
    a, b = await started(url, mine), await started(url, theirs)
    try:
        assert await a.publish(CHANNEL, {"guild": "1"})
        assert await a.publish(CHANNEL, {"guild": "2"})
        await eventually(lambda: len(theirs.notices) == 2, "both notices in b")
        assert [n.data for n in theirs.notices] == [{"guild": "1"}, {"guild": "2"}]
        assert {n.origin for n in theirs.notices} == {a.origin} != {b.origin}
        assert await b.publish(CHANNEL, {"guild": "3"})
        await eventually(lambda: mine.notices, "b's notice in a")
        assert [n.data for n in mine.notices] == [{"guild": "3"}]  # not its own two
        assert len(theirs.notices) == 2
    finally:
        await a.stop()
        await b.stop()


async def test_foreign_payloads_are_ignored_and_later_notices_still_arrive(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = pg_server.fresh()
    inbox = Inbox()
    b = await started(url, inbox)
    a = await started(url)
    admin = await asyncpg.connect(url)
    try:
        caplog.set_level(logging.WARNING)
        await admin.execute(f"NOTIFY {CHANNEL}, 'not json'")
        await admin.execute(f"""NOTIFY {CHANNEL}, '{{"origin": 5, "data": {{}}}}'""")
        assert await a.publish(CHANNEL, {"guild": "9"})
        await eventually(lambda: inbox.notices, "the good notice")
        assert [n.data for n in inbox.notices] == [{"guild": "9"}]
        assert caplog.text.count("that careerbot did not write") == 2
    finally:
        await admin.close()
        await a.stop()
        await b.stop()


async def test_a_failing_handler_does_not_stop_the_next_notice(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = pg_server.fresh()
    inbox = Inbox()

    async def broken(notice: Notice) -> None:
        raise RuntimeError(f"cannot handle {notice.data}")

    b = PostgresBroadcast(url)
    b.subscribe(CHANNEL, broken)
    b.subscribe(CHANNEL, inbox.take)
    await b.start()
    a = await started(url)
    try:
        caplog.set_level(logging.ERROR)
        assert await a.publish(CHANNEL, {"guild": "1"})
        assert await a.publish(CHANNEL, {"guild": "2"})
        await eventually(lambda: len(inbox.notices) == 2, "both notices")
        assert caplog.text.count("handling a notice on careerbot_guild failed") == 2
    finally:
        await a.stop()
        await b.stop()


async def test_the_listener_reconnects_after_a_drop_and_says_notices_may_be_lost(
    pg_server: PgServer,
) -> None:
    url = pg_server.fresh()
    inbox = Inbox()
    b = await started(url, inbox)
    a = await started(url)
    try:
        first = b.backend_pid
        assert first is not None and b.connects == 1
        await terminate(url, first)
        await eventually(lambda: b.connects == 2, "b to reconnect")
        assert b.backend_pid not in (None, first)
        await eventually(lambda: inbox.gaps == 1, "the gap to be reported")
        assert await a.publish(CHANNEL, {"guild": "after"})
        await eventually(lambda: inbox.notices, "a notice after the reconnect")
        assert [n.data for n in inbox.notices] == [{"guild": "after"}]
        # The sender's own connection can drop too: publishing waits for it to return.
        sender = a.backend_pid
        assert sender is not None
        await terminate(url, sender)
        assert await a.publish(CHANNEL, {"guild": "again"})
        await eventually(lambda: len(inbox.notices) == 2, "the second notice")
        assert (b.connects, a.connects) == (2, 2)  # no reconnecting in circles
    finally:
        await a.stop()
        await b.stop()


async def test_an_admin_sees_whether_notices_arrive_and_how_often_they_were_lost(
    pg_server: PgServer,
) -> None:
    """``listening`` (shown on /healthz) and the notice metrics (on /metrics)."""
    url = pg_server.fresh()
    metrics = Metrics()
    b = PostgresBroadcast(url, retry_min=0.05, metrics=metrics)
    inbox = Inbox()
    b.subscribe(CHANNEL, inbox.take)
    assert b.listening is False  # not started
    await b.start()
    a = await started(url)
    try:
        assert b.listening is True
        assert await a.publish(CHANNEL, {"guild": "1"})
        await eventually(lambda: inbox.notices, "the notice")
        pid = b.backend_pid
        assert pid is not None
        await terminate(url, pid)
        await eventually(lambda: b.connects == 2, "b to reconnect")
        assert b.listening is True
    finally:
        await a.stop()
        await b.stop()
    assert b.listening is False
    lines = metrics.render().splitlines()
    assert f'careerbot_notices_received_total{{channel="{CHANNEL}"}} 1' in lines
    assert "careerbot_notice_gaps_total 1" in lines
    assert LocalBroadcast().listening is None  # one process on SQLite: nothing to hear


async def test_a_channel_subscribed_while_running_is_listened_to(pg_server: PgServer) -> None:
    url = pg_server.fresh()
    a, b = await started(url), await started(url)
    inbox = Inbox()
    try:
        b.subscribe("careerbot_other", inbox.take)
        await eventually(lambda: b.connects == 2, "b to listen on it (by reconnecting)")
        assert await a.publish("careerbot_other", {"n": 1})
        await eventually(lambda: inbox.notices, "the notice")
    finally:
        await a.stop()
        await b.stop()


async def test_a_silent_dead_connection_is_found_by_the_ping(pg_server: PgServer) -> None:
    """A connection whose server went away without a word (here: closed under the
    broadcast's feet, so no termination message) is noticed by the next ping."""
    url = pg_server.fresh()
    inbox = Inbox()
    b = PostgresBroadcast(url, ping_interval=0.05, retry_min=0.05)
    b.subscribe(CHANNEL, inbox.take)
    await b.start()
    try:
        conn = b._conn
        assert conn is not None
        conn.terminate()
        await eventually(lambda: b.connects == 2, "b to reconnect")
    finally:
        await b.stop()


async def test_publishing_gives_up_with_a_warning_when_the_database_is_away(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broadcast = PostgresBroadcast(
        "postgresql://careerbot@127.0.0.1:9/none", timeout=0.2, retry_min=0.05
    )
    caplog.set_level(logging.WARNING)
    await broadcast.start()  # the bot still starts
    try:
        assert not await broadcast.publish(CHANNEL, {"guild": "1"})
        assert "could not tell the other processes" in caplog.text
    finally:
        await broadcast.stop()


async def test_a_listener_that_could_not_connect_at_start_catches_up_once_it_can(
    pg_server: PgServer,
) -> None:
    """Changes made before it first listened were never heard: like after a drop."""
    url = pg_server.cluster.url("created_later")
    inbox = Inbox()
    b = PostgresBroadcast(url, retry_min=0.05, retry_max=0.2)
    b.subscribe(CHANNEL, inbox.take)
    b.on_gap(inbox.gap)
    await b.start()  # the database does not exist yet: the bot starts anyway
    try:
        assert b.connects == 0 and b.backend_pid is None
        admin = await asyncpg.connect(pg_server.cluster.url())
        try:
            await admin.execute('CREATE DATABASE "created_later"')
        finally:
            await admin.close()
        await eventually(lambda: inbox.gaps == 1, "the first connection, reported as a gap")
        assert b.connects == 1
    finally:
        await b.stop()


async def test_publishing_when_not_running_says_so_at_once(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A change finished after the bot's shutdown stopped listening must not wait for a
    connection that is not coming back."""
    broadcast = PostgresBroadcast(pg_server.fresh(), timeout=60)
    caplog.set_level(logging.WARNING)
    assert not await broadcast.publish(CHANNEL, {"guild": "1"})  # not started yet
    await broadcast.start()
    assert await broadcast.publish(CHANNEL, {"guild": "1"})
    await broadcast.stop()
    assert not await broadcast.publish(CHANNEL, {"guild": "1"})
    assert caplog.text.count("not running: the other processes were not told") == 2


async def test_one_process_on_sqlite_has_nobody_to_tell() -> None:
    broadcast = open_broadcast("careerbot.sqlite3")
    assert isinstance(broadcast, LocalBroadcast)
    await broadcast.start()
    assert await broadcast.publish(CHANNEL, {"guild": "1"})
    with pytest.raises(ValueError, match="under 7999 bytes"):
        await broadcast.publish(CHANNEL, {"text": "x" * 8000})
    await broadcast.stop()
    assert isinstance(open_broadcast("postgresql://u@h/db"), PostgresBroadcast)
