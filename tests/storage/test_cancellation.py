"""A write cancelled at any point (a shutdown, a timeout) never wedges the store.

aiosqlite runs statements on its own thread in order, so a cancelled ``await`` does not
stop the statement: a BEGIN or COMMIT can still run after the coroutine has gone. The
next write must start cleanly whatever was left in flight.
"""

from __future__ import annotations

import asyncio

from storage import GuildSettings, Storage
from tests.storage.conftest import T0


async def test_writes_after_cancelled_writes_succeed(db: Storage) -> None:
    done = 0
    # Cancel after 0, 1, 2, ... event-loop turns: lands before, during and after
    # BEGIN, the statements and COMMIT of the cancelled write.
    for turns in range(40):
        task = asyncio.create_task(
            db.set_progress(1, "programming", f"programming/item-{turns}", "done", at=T0)
        )
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await db.set_progress(2, "programming", f"programming/ok-{turns}", "done", at=T0)
        done += 1
    items = await db.get_progress(2)
    assert len(items) == done == 40
    # Whatever the cancelled writes did, each is all or nothing: a row and its history.
    history = await db.progress_history(1, limit=1000)
    assert len(history) == len(await db.get_progress(1))


async def test_reads_after_cancelled_reads_succeed(db: Storage) -> None:
    # get_guild_settings reads in a transaction (two queries, one snapshot).
    await db.set_guild_settings(GuildSettings(guild_id=7, digest_channel_id=70), at=T0)
    for turns in range(40):
        task = asyncio.create_task(db.get_guild_settings(7))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert (await db.get_guild_settings(7)).digest_channel_id == 70
