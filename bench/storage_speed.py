"""How fast is storage at the scale the issue names? Prints the figures for the notes.

Usage: python -m bench.storage_speed [--quick] [--members N] [--items N]
                                     [--reminders N] [--writers N] [--writes N] [--dir PATH]
                                     [--postgres URL|auto]

Four measurements, each on its own database file in a temporary directory:

1. Progress writes through the public API with ``--writers`` members writing at once
   (default 1,000): writes per second, and latency percentiles per call. With one
   writer connection, a call's latency under that load is mostly time spent queued
   behind the others, so the uncontended latency of a single writer is shown too.
2. "Due reminders" query time with ``--reminders`` rows (default 1,000,000): the
   scheduler's ``due_reminders``, ``next_due_at`` and ``claim_due`` calls.
3. Member summary time with ``--members`` x ``--items`` progress rows (default
   100,000 x 100 = 10 million rows).
4. Database size per member, for both the summary database (progress only) and the
   write-test database (progress, history, activity days, streaks written by the API).

With ``--postgres`` (a URL of a database it may create databases beside, or ``auto``
for a throw-away cluster from the machine's binaries), two more measurements follow,
on SQLite and on PostgreSQL, from :mod:`bench.storage_scale`: claim + mark-sent with 4
worker processes (and ids claimed twice), and ``log_question`` throughput and latency.

Bulk data for 2 and 3 is inserted with plain ``sqlite3`` (seeding is not what is
measured); every measured call goes through ``storage``'s public API. Peak memory is
the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import open_storage
from storage.sqlite.reminders import DUE_SQL

NOW = datetime.now(UTC).replace(microsecond=0)
STATUSES = ("learning", "done", "skipped")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f} ms"


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def path_for(items: int) -> list[tuple[str, list[str]]]:
    """A learning path shaped like the corpus: skills of ten items, realistic id lengths."""
    skills = max(1, items // 10)
    path: list[tuple[str, list[str]]] = []
    for s in range(skills):
        skill = f"skill-{s:02d}-statistics"
        count = items - 10 * (skills - 1) if s == skills - 1 else 10
        path.append((skill, [f"{skill}/item-{i:02d}-hypothesis" for i in range(count)]))
    return path


async def timed(call: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


def describe(samples: list[float]) -> str:
    return (
        f"median {ms(statistics.median(samples))}, p99 {ms(percentile(samples, 0.99))}, "
        f"max {ms(max(samples))} over {len(samples)} runs"
    )


# -- 1. progress writes ----------------------------------------------------------------


async def bench_writes(folder: Path, writers: int, writes: int, items: int) -> Path:
    db_path = folder / "writes.sqlite3"
    path = path_for(items)
    flat = [(skill, item) for skill, ids in path for item in ids]
    async with await open_storage(db_path) as db:
        # Uncontended: one member writing alone.
        alone: list[float] = []
        for k in range(min(500, writes * 25)):
            skill, item = flat[k % len(flat)]
            start = time.perf_counter()
            await db.set_progress(999_999_999, skill, item, STATUSES[k % 3], at=NOW)
            alone.append(time.perf_counter() - start)

        latencies: list[float] = []

        async def member(number: int) -> None:
            rng = random.Random(number)
            for k in range(writes):
                skill, item = flat[rng.randrange(len(flat))]
                status = STATUSES[(number + k) % 3]
                start = time.perf_counter()
                await db.set_progress(1 + number, skill, item, status, at=NOW)
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(member(n) for n in range(writers)))
        elapsed = time.perf_counter() - start
    total = writers * writes
    print(f"1. progress writes ({writers:,} members writing at once, {writes} writes each)")
    print(f"   {total:,} writes in {elapsed:.1f} s = {total / elapsed:,.0f} writes/s")
    print(
        f"   latency per call under that load: p50 {ms(percentile(latencies, 0.5))}, "
        f"p99 {ms(percentile(latencies, 0.99))} (mostly queueing behind one writer)"
    )
    print(
        f"   uncontended (one member alone): p50 {ms(percentile(alone, 0.5))}, "
        f"p99 {ms(percentile(alone, 0.99))}"
    )
    return db_path


# -- 2. due reminders -----------------------------------------------------------------


def sql_only(db_path: Path, sql: str, params: tuple[object, ...], runs: int) -> list[float]:
    """The query alone, to separate index work from building result objects."""
    samples = []
    with closing(sqlite3.connect(db_path)) as conn:
        for _ in range(runs):
            start = time.perf_counter()
            conn.execute(sql, params).fetchall()
            samples.append(time.perf_counter() - start)
    return samples


def seed_reminders(db_path: Path, count: int) -> None:
    """Reminders spread evenly over the next week; 5% paused; ~1 in 10,000 due now."""
    rng = random.Random(2)
    now = int(NOW.timestamp())
    week = 7 * 86_400

    def rows() -> Iterator[tuple[object, ...]]:
        for n in range(count):
            paused = rng.random() < 0.05
            due = None if paused else now - 60 + rng.randrange(week)
            yield (
                1 + n // 5, "daily", "Europe/Berlin", "09:00", 127, None, "study", "dm",
                None, None, not paused, due, None, now - week, now - week,
            )  # fmt: skip

    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")  # members are not needed for this query
        with conn:
            conn.executemany(
                "INSERT INTO reminders (member_id, kind, tz, times, weekdays, once_at, message, "
                "target_via, target_guild_id, target_channel_id, active, next_due_at, "
                "last_sent_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows(),
            )
        conn.execute("PRAGMA journal_mode = WAL")


async def bench_reminders(folder: Path, count: int) -> None:
    db_path = folder / "reminders.sqlite3"
    async with await open_storage(db_path):
        pass
    start = time.perf_counter()
    seed_reminders(db_path, count)
    seeded = time.perf_counter() - start
    async with await open_storage(db_path) as db:
        due_now = await db.due_reminders(NOW, limit=100_000)
        later = NOW + timedelta(hours=1)
        due_hour = await db.due_reminders(later, limit=100_000)
        first = await timed(lambda: db.due_reminders(NOW, limit=100), 200)
        hour = await timed(lambda: db.due_reminders(later, limit=100), 200)
        raw = sql_only(db_path, DUE_SQL, (int(later.timestamp()), 100), 200)
        wake = await timed(db.next_due_at, 200)
        claims: list[float] = []
        claimed = 0
        for n in range(50):  # each call a minute later, so each one finds rows to claim
            moment = NOW + timedelta(hours=2, minutes=n)
            start = time.perf_counter()
            claimed += len(await db.claim_due(moment, f"bench-{n}", lease_seconds=60, limit=100))
            claims.append(time.perf_counter() - start)
    print(f"2. due reminders ({count:,} reminders; seeded in {seeded:.1f} s)")
    print(f"   due_reminders(now, limit=100), {len(due_now):,} due: {describe(first)}")
    print(f"   due_reminders(now + 1 h, limit=100), {len(due_hour):,} due: {describe(hour)}")
    print(f"   the same query in plain sqlite3, rows not converted: {describe(raw)}")
    print(f"   next_due_at(): {describe(wake)}")
    print(
        f"   claim_due(limit=100), a write transaction, {claimed / len(claims):.0f} claimed "
        f"per call: {describe(claims)}"
    )
    print(
        f"   file size {size(db_path) / 2**20:,.0f} MiB = {size(db_path) / count:,.0f} B/reminder"
    )


# -- 3. member summary ----------------------------------------------------------------


def seed_progress(db_path: Path, members: int, items: int) -> None:
    """Every member has a row for every item (the worst case for the summary)."""
    path = path_for(items)
    now = int(NOW.timestamp())

    def member_rows() -> Iterator[tuple[object, ...]]:
        for member in range(1, members + 1):
            yield (member, now - 86_400, now)

    def progress_rows() -> Iterator[tuple[object, ...]]:
        for member in range(1, members + 1):
            for s, (skill, ids) in enumerate(path):
                for i, item in enumerate(ids):
                    yield (member, item, skill, STATUSES[(member + s + i) % 3], now)

    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        with conn:
            conn.executemany(
                "INSERT INTO members (member_id, created_at, last_seen_at) VALUES (?, ?, ?)",
                member_rows(),
            )
            conn.executemany(
                "INSERT INTO progress (member_id, item_id, skill_id, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                progress_rows(),
            )
        conn.execute("PRAGMA journal_mode = WAL")


async def bench_summary(folder: Path, members: int, items: int) -> Path:
    db_path = folder / "summary.sqlite3"
    async with await open_storage(db_path):
        pass
    start = time.perf_counter()
    seed_progress(db_path, members, items)
    seeded = time.perf_counter() - start
    path = path_for(items)
    rng = random.Random(3)
    async with await open_storage(db_path) as db:
        samples = await timed(lambda: db.summary(rng.randrange(1, members + 1), path), 300)
        summary = await db.summary(1, path)
    print(f"3. member summary ({members:,} members x {items} items = {members * items:,} rows;")
    print(f"   seeded in {seeded:.1f} s): summary(member, path): {describe(samples)}")
    print(f"   (sample: {summary.done}/{summary.total} done, next {summary.next_item_id})")
    return db_path


# -- main ----------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="storage-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"storage benchmark in {folder} (python {sys.version.split()[0]}, "
          f"SQLite {sqlite3.sqlite_version})")  # fmt: skip
    started = time.perf_counter()
    writes_db = await bench_writes(folder, args.writers, args.writes, args.items)
    await bench_reminders(folder, args.reminders)
    summary_db = await bench_summary(folder, args.members, args.items)
    print("4. database size per member")
    print(
        f"   summary database: {size(summary_db) / 2**20:,.0f} MiB / {args.members:,} members "
        f"= {size(summary_db) / args.members / 1024:,.1f} KiB per member "
        f"({args.items} progress rows each)"
    )
    written = args.writers + 1
    print(
        f"   write-test database: {size(writes_db) / 2**20:,.1f} MiB / {written:,} members = "
        f"{size(writes_db) / written / 1024:,.1f} KiB per member "
        "(progress + history + activity days + streak via the API)"
    )
    total = time.perf_counter() - started
    print(f"peak memory (max RSS): {peak_rss_mb():,.0f} MiB; total {total:.0f} s")
    if not args.dir:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=100_000, help="members for the summary")
    parser.add_argument("--items", type=int, default=100, help="checklist items per member")
    parser.add_argument("--reminders", type=int, default=1_000_000, help="reminder rows")
    parser.add_argument("--writers", type=int, default=1_000, help="members writing at once")
    parser.add_argument("--writes", type=int, default=20, help="writes per writing member")
    parser.add_argument("--dir", help="keep the databases in this folder (default: temp, removed)")
    parser.add_argument(
        "--postgres", help="also claims and log_question on PostgreSQL: a URL, or 'auto'"
    )
    parser.add_argument("--quick", action="store_true", help="small scale, for a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.items, args.reminders = 2_000, 20, 20_000
        args.writers, args.writes = 100, 5
    return args


def run_scale(args: argparse.Namespace) -> None:
    """Measurements 5 and 6 (they start worker processes and loops of their own)."""
    from bench import storage_scale

    scale = ["--postgres", args.postgres] + (["--quick"] if args.quick else [])
    storage_scale.main(storage_scale.parse(scale))


if __name__ == "__main__":
    arguments = parse()
    asyncio.run(main(arguments))
    if arguments.postgres:
        run_scale(arguments)
