"""Read-then-write races between processes: safe on both backends.

On SQLite, write transactions never overlap, so most pass by construction. On
PostgreSQL, several connections write at once at READ COMMITTED, and these tests fail
without the locking described in ``storage/postgres/base.py``: claims without
``SKIP LOCKED`` hand ids out twice; resumes without the member lock overshoot the
limit; migrations without the advisory lock fail in the second process; a rename
without the table lock collides with a member's new progress. ``mark_sent`` reads
outside a transaction on both backends, so without its compare-and-set a paused
reminder becomes due again on both. (Concurrent creates pass even without locks: the
member upsert they start with already locks the member's row; the test keeps it so.)

Every test uses several store objects, i.e. separate connections (separate pools), as
separate processes would.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from storage import LimitExceededError, ReminderLimits, Schedule, Storage, open_storage
from storage import migrate as migrations

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
DAILY = Schedule.daily(time(9), tz="UTC")
ROOT = Path(__file__).resolve().parents[2]


async def open_many(location: str, count: int, **options: object) -> list[Storage]:
    return [await open_storage(location, **options) for _ in range(count)]  # type: ignore[arg-type]


async def close_all(stores: list[Storage]) -> None:
    for store in stores:
        await store.close()


async def test_four_workers_racing_claims_never_take_an_id_twice(db_location: str) -> None:
    workers = await open_many(db_location, 4)
    try:
        for member in range(1, 201):
            for hour in range(0, 20, 2):  # 10 reminders per member: 2,000 due
                schedule = Schedule.daily(time(hour), tz="UTC")
                await workers[0].create_reminder(member, schedule, message="m", at=T0)
        now = T0 + timedelta(days=1)

        lost: list[int] = []  # claimed, but the claim was gone at mark_sent

        async def work(db: Storage, name: str) -> list[int]:
            taken: list[int] = []
            while batch := await db.claim_due(now, name, lease_seconds=300, limit=25):
                taken += [r.id for r in batch]
                for reminder in batch:
                    if await db.mark_sent(reminder.id, now, claimer_id=name) is None:
                        lost.append(reminder.id)
            return taken

        results = await asyncio.gather(*(work(db, f"w{n}") for n, db in enumerate(workers)))
        claims = Counter(i for taken in results for i in taken)
        twice = [i for i, times in claims.items() if times > 1]
        assert (len(twice), len(lost)) == (0, 0)
        assert len(claims) == 2_000
        assert await workers[1].due_reminders(now) == []
    finally:
        await close_all(workers)


@pytest.mark.parametrize("from_claim", [False, True], ids=["read-first", "from-claim"])
async def test_pause_racing_mark_sent_stays_paused(db_location: str, from_claim: bool) -> None:
    scheduler, member_side = await open_many(db_location, 2)
    try:
        reminders = [
            await scheduler.create_reminder(member, DAILY, message="m", at=T0)
            for member in range(1, 301)
        ]
        due = T0 + timedelta(days=1)
        claimed = await scheduler.claim_due(due, "w", limit=1_000)
        assert len(claimed) == len(reminders)
        await asyncio.gather(
            *(
                scheduler.mark_sent(r.id, due, claimer_id="w", claimed=r if from_claim else None)
                for r in claimed
            ),
            *(member_side.pause_reminder(r.id, member_id=r.member_id, at=due) for r in reminders),
        )
        after = [await scheduler.get_reminder(r.id) for r in reminders]
        wrong = [r for r in after if r is None or r.active or r.next_due_at is not None]
        assert wrong == []  # paused, and never due again
        assert await scheduler.next_due_at() is None
    finally:
        await close_all([scheduler, member_side])


async def test_twenty_concurrent_creates_against_a_limit_of_five(db_location: str) -> None:
    stores = await open_many(db_location, 4, limits=ReminderLimits(max_active_per_member=5))
    try:
        results = await asyncio.gather(
            *(stores[n % 4].create_reminder(7, DAILY, message=f"r{n}", at=T0) for n in range(20)),
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, LimitExceededError)]
        assert len(refused) == 15, results
        assert len(await stores[0].list_reminders(7)) == 5
    finally:
        await close_all(stores)


async def test_twenty_concurrent_resumes_against_a_limit_of_five(db_location: str) -> None:
    stores = await open_many(db_location, 4, limits=ReminderLimits(max_active_per_member=5))
    try:
        paused = []
        for n in range(20):
            reminder = await stores[0].create_reminder(7, DAILY, message=f"r{n}", at=T0)
            paused.append(await stores[0].pause_reminder(reminder.id, member_id=7, at=T0))
        results = await asyncio.gather(
            *(
                stores[n % 4].resume_reminder(r.id, member_id=7, at=T0)
                for n, r in enumerate(paused)
            ),
            return_exceptions=True,
        )
        assert len([r for r in results if isinstance(r, LimitExceededError)]) == 15, results
        active = [r for r in await stores[0].list_reminders(7) if r.active]
        assert len(active) == 5
    finally:
        await close_all(stores)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store that does not exist yet: no SQLite file, an empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "fresh.sqlite3")
    return request.getfixturevalue("pg_server").fresh(migrated=False)


async def spawn_migrator(location: str) -> asyncio.subprocess.Process:
    pipe = asyncio.subprocess.PIPE
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.storage.migrate_at_go", location,
        cwd=ROOT, stdin=pipe, stdout=pipe, stderr=pipe,
    )  # fmt: skip


async def test_two_processes_migrating_at_once_apply_each_step_once(empty_location: str) -> None:
    children = [await spawn_migrator(empty_location) for _ in range(2)]
    for child in children:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 60) == b"ready\n"
    for child in children:  # both start migrating now
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    outputs = [await asyncio.wait_for(child.communicate(), 60) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err.decode()
        assert out.decode().split() == [str(migrations.latest_version())]
    async with await open_storage(empty_location) as db:
        assert await db.schema_version() == migrations.latest_version()


async def test_rename_racing_progress_on_the_new_id_keeps_one_row_each(
    db_location: str,
) -> None:
    mover, members = await open_many(db_location, 2)
    try:
        for member in range(1, 201):
            await members.set_progress(member, "s", "s/old", "learning", at=T0)
        later = T0 + timedelta(hours=1)
        results = await asyncio.gather(
            mover.rename_progress_items({"s/old": ("s/new", "s")}),
            *(members.set_progress(m, "s", "s/new", "done", at=later) for m in range(1, 201)),
            return_exceptions=True,
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        for member in range(1, 201):
            items = [(p.item_id, p.status) for p in await members.get_progress(member)]
            assert items == [("s/new", "done")], member  # the newer progress wins
    finally:
        await close_all([mover, members])
