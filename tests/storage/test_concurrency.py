"""Many coroutines writing progress at once: no "database is locked", no lost update."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from storage import STATUSES, Storage, open_storage

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
COROUTINES = 200
WRITES = 20
MEMBERS = 100


async def writer(db: Storage, number: int, writes: int = WRITES) -> None:
    """Half the writes are this coroutine's own items; half toggle an item it shares
    with the other coroutine of the same member (a read-modify-write race)."""
    member = 1 + number % MEMBERS
    for k in range(writes):
        at = T0 + timedelta(seconds=k)
        if k % 2 == 0:
            await db.set_progress(member, "own", f"own/{number}-{k}", "done", at=at)
        else:
            status = STATUSES[(number + k) % len(STATUSES)]
            await db.set_progress(member, "shared", "shared/x", status, at=at, note=str(number))


async def check_consistent(db: Storage, writes: int = WRITES) -> None:
    for member in range(1, MEMBERS + 1):
        progress = await db.get_progress(member)
        own = [p for p in progress if p.skill_id == "own"]
        assert len(own) == writes  # two coroutines, each writing half its writes here
        history = list(reversed(await db.progress_history(member, limit=1_000)))
        by_item: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
        for event in history:
            by_item[event.item_id].append((event.old_status, event.new_status))
        assert all(events == [(None, "done")] for item, events in by_item.items() if "own" in item)
        # The shared item's history is an unbroken chain ending in its current status:
        # every change saw the status the previous change wrote (no lost update).
        chain = by_item["shared/x"]
        assert chain[0][0] is None
        assert all(prev[1] == cur[0] for prev, cur in itertools.pairwise(chain))
        current = next(p for p in progress if p.item_id == "shared/x")
        assert chain[-1][1] == current.status


async def test_200_coroutines_20_writes_100_members(db: Storage) -> None:
    results = await asyncio.gather(
        *(writer(db, n) for n in range(COROUTINES)), return_exceptions=True
    )
    assert [r for r in results if r is not None] == []
    await check_consistent(db)


async def test_two_storage_objects_on_one_store_contend_without_errors(db_location: str) -> None:
    first, second = await open_storage(db_location), await open_storage(db_location)
    try:
        # Two connections racing for SQLite's write lock (the busy timeout's job), with
        # reads in between; fewer writes than above to keep the suite quick.
        tasks = [writer(first if n % 2 else second, n, writes=6) for n in range(COROUTINES)]
        tasks += [first.summary(1 + n, [("own", ["own/0-0"])]) for n in range(50)]
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert [r for r in results if not (r is None or hasattr(r, "skills"))] == []
        await check_consistent(second, writes=6)
    finally:
        await first.close()
        await second.close()
