"""Guild settings as the bot uses them: percent <-> fraction, and the write-through cache."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from bot.guilds import GuildConfig, to_fraction, to_percent
from careerbot.runtime.broadcast import GUILD_CHANNEL, PostgresBroadcast
from storage import GuildSettings, Storage, open_storage
from tests.conftest import PgServer
from tests.waiting import eventually

GUILD = 123456789012345678


def test_conversions() -> None:
    assert to_fraction(45.0) == 0.45 and to_percent(0.45) == 45.0
    assert to_fraction(None) is None and to_percent(None) is None
    assert to_percent(to_fraction(99.5)) == 99.5


async def test_updates_are_saved_and_reads_are_cached(db: Storage) -> None:
    config = GuildConfig(db)
    assert await config.threshold(GUILD) is None
    assert await config.threshold(None) is None  # DMs have no guild settings
    saved = await config.update(GUILD, confidence_threshold=0.6, reminder_channel_id=42)
    assert saved.confidence_threshold == 0.6 and saved.reminder_channel_id == 42
    assert (await db.get_guild_settings(GUILD)).reminder_channel_id == 42
    assert await config.threshold(GUILD) == 60.0
    # Another writer behind the cache's back is not seen (the bot is the only writer)...
    await db.set_guild_settings(GuildSettings(GUILD, confidence_threshold=0.9))
    assert await config.threshold(GUILD) == 60.0
    config.forget(GUILD)  # ...until the entry is dropped.
    assert await config.threshold(GUILD) == 90.0
    # An update starts from what is stored, not from the cache.
    saved = await config.update(GUILD, digest_channel_id=7)
    assert (saved.confidence_threshold, saved.digest_channel_id) == (0.9, 7)


# ------------------------------------------------------- several processes (PostgreSQL) ---


@dataclass
class Process:
    """What one bot process holds: its own pool, its own listener, its own cache."""

    url: str
    db: Storage
    broadcast: PostgresBroadcast
    config: GuildConfig


@pytest.fixture
async def processes(pg_server: PgServer) -> AsyncIterator[tuple[Process, Process]]:
    url = pg_server.fresh()
    made: list[Process] = []
    try:
        for _ in range(2):
            db = await open_storage(url)
            broadcast = PostgresBroadcast(url, retry_min=0.05)
            made.append(Process(url, db, broadcast, GuildConfig(db, broadcast)))
            await broadcast.start()
        yield made[0], made[1]
    finally:
        for process in made:
            await process.broadcast.stop()
            await process.db.close()


async def test_a_change_in_one_process_is_used_by_the_other(
    processes: tuple[Process, Process],
) -> None:
    a, b = processes
    assert await b.config.threshold(GUILD) is None  # cached in b
    assert await b.config.threshold(GUILD + 1) is None
    await a.config.update(GUILD, confidence_threshold=0.8)
    await eventually(lambda: GUILD not in b.config._cache, "b to drop its copy")
    assert await b.config.threshold(GUILD) == 80.0
    assert GUILD + 1 in b.config._cache  # other guilds stay cached
    await b.config.update(GUILD, moderator_role_ids=frozenset({5}))
    await eventually(lambda: GUILD not in a.config._cache, "a to drop its copy")
    assert (await a.config.get(GUILD)).moderator_role_ids == {5}
    assert await a.config.threshold(GUILD) == 80.0


async def test_a_read_in_flight_when_the_notice_comes_is_not_cached(
    processes: tuple[Process, Process],
) -> None:
    """b is reading a guild's settings when a's notice about that guild comes: what b
    read may be from before the change, so it is returned but not cached. (The read is
    held in flight by a lock on the table, from another connection.)"""
    a, b = processes
    admin = await asyncpg.connect(b.url)
    try:
        lock = admin.transaction()
        await lock.start()
        await admin.execute("LOCK TABLE guild_settings IN ACCESS EXCLUSIVE MODE")
        reading = asyncio.create_task(b.config.get(GUILD))
        for _ in range(2000):  # until b's read waits for the lock
            waiting = await admin.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                "'guild_settings'::regclass"
            )
            if waiting:
                break
            await asyncio.sleep(0.01)
        assert waiting and not reading.done()
        assert await a.broadcast.publish(GUILD_CHANNEL, {"guild": str(GUILD)})
        await eventually(lambda: b.config._changes, "b to get the notice")
        await lock.rollback()
        assert (await reading).guild_id == GUILD
        assert GUILD not in b.config._cache  # read again next time
        await b.config.get(GUILD)
        assert GUILD in b.config._cache  # a read with no notice meanwhile is cached
    finally:
        await admin.close()


async def test_after_a_lost_connection_the_cache_is_dropped(
    processes: tuple[Process, Process], pg_server: PgServer
) -> None:
    """A notice sent while b was not listening is lost; b then drops every cached guild."""
    a, b = processes
    assert await b.config.threshold(GUILD) is None
    await a.db.set_guild_settings(GuildSettings(GUILD, confidence_threshold=0.9))  # no notice
    assert await b.config.threshold(GUILD) is None
    pid = b.broadcast.backend_pid
    assert pid is not None
    admin = await asyncpg.connect(pg_server.cluster.url())
    try:
        await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await eventually(lambda: b.broadcast.connects == 2 and not b.config._cache, "b to catch up")
    assert await b.config.threshold(GUILD) == 90.0


async def test_two_processes_changing_different_settings_at_once_both_keep_theirs(
    processes: tuple[Process, Process],
) -> None:
    """a sets the digest channel while b sets the threshold of the same guild. Both
    updates are held at the table until both have started; neither may write back what
    it read before the other's change (a lost update: read, then replace the row)."""
    a, b = processes
    await a.config.update(GUILD, log_channel_id=3)
    admin = await asyncpg.connect(a.url)
    try:
        lock = admin.transaction()
        await lock.start()
        await admin.execute("LOCK TABLE guild_settings IN EXCLUSIVE MODE")  # reads go on
        updates = [
            asyncio.create_task(a.config.update(GUILD, digest_channel_id=7)),
            asyncio.create_task(b.config.update(GUILD, confidence_threshold=0.8)),
        ]
        for _ in range(2000):  # until both wait for the table
            waiting = await admin.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                "'guild_settings'::regclass"
            )
            if waiting >= 2:
                break
            await asyncio.sleep(0.005)
        assert waiting >= 2
        await lock.commit()
        await asyncio.gather(*updates)
    finally:
        await admin.close()
    stored = await a.db.get_guild_settings(GUILD)
    assert (stored.log_channel_id, stored.digest_channel_id, stored.confidence_threshold) == (
        3,
        7,
        0.8,
    )
