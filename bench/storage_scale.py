"""Storage for several processes: claim + mark-sent and log_question, SQLite vs PostgreSQL.

Usage: python -m bench.storage_scale [--postgres URL|auto] [--reminders N] [--workers N]
                                     [--questions N] [--askers N] [--quick]

5. Claim + mark-sent: ``--reminders`` due reminders (default 20,000), ``--workers``
   processes (default 4) each looping ``claim_due(limit=100)`` then ``mark_sent`` per
   reminder, as reminder schedulers on several bot processes would. Reports reminders
   delivered per second (wall clock, all workers) and ids claimed twice (must be 0).
   ``--marks scheduler`` (the default) settles a batch as the scheduler does, up to
   ``SCHEDULER_CONCURRENCY`` at once, each from the claimed row; ``--marks one-by-one``
   awaits each in turn, and ``--read-first`` makes ``mark_sent`` read the row first
   (the code before the claimed-row path), to compare.
6. ``log_question``: ``--askers`` members asking at once in one process (default 50),
   ``--questions`` in total (default 10,000): questions logged per second, and latency
   per call (p50, p99).

Each runs on a fresh SQLite file, and on PostgreSQL when ``--postgres`` is given: a URL
of an empty database, or ``auto`` for a throw-away cluster from the machine's
``initdb``/``pg_ctl`` (tests/pgcluster.py). Seeding is bulk SQL; every measured call
goes through ``storage``'s public API. The machine's core count bounds both figures.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage import Reminder, is_postgres_url, open_storage

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def reminder_rows(count: int) -> list[tuple[Any, ...]]:
    """Daily reminders, all due before NOW, five per member."""
    due = int(NOW.timestamp()) - 3_600
    return [
        (1 + n // 5, "daily", "UTC", "09:00", 127, None, "study", "dm",
         None, None, True, due - n % 600, None, due - 86_400, due - 86_400)
        for n in range(count)
    ]  # fmt: skip


REMINDER_INSERT_COLUMNS = (
    "member_id", "kind", "tz", "times", "weekdays", "once_at", "message", "target_via",
    "target_guild_id", "target_channel_id", "active", "next_due_at", "last_sent_at",
    "created_at", "updated_at",
)  # fmt: skip


async def seed(location: str, count: int) -> None:
    """Create the schema through the API, then bulk-insert members and reminders."""
    async with await open_storage(location):
        pass
    members = [(m, 0, 0) for m in range(1, count // 5 + 2)]
    rows = reminder_rows(count)
    if is_postgres_url(location):
        import asyncpg

        conn = await asyncpg.connect(location)
        try:
            await conn.copy_records_to_table(
                "members", records=members, columns=["member_id", "created_at", "last_seen_at"]
            )
            await conn.copy_records_to_table(
                "reminders", records=rows, columns=list(REMINDER_INSERT_COLUMNS)
            )
            await conn.execute("ANALYZE")
        finally:
            await conn.close()
        return
    with closing(sqlite3.connect(location)) as conn, conn:
        conn.executemany(
            "INSERT INTO members (member_id, created_at, last_seen_at) VALUES (?, ?, ?)", members
        )
        marks = ", ".join("?" for _ in REMINDER_INSERT_COLUMNS)
        conn.executemany(
            f"INSERT INTO reminders ({', '.join(REMINDER_INSERT_COLUMNS)}) VALUES ({marks})", rows
        )


#: Deliveries a scheduler settles at once (``ReminderScheduler``'s ``concurrency``).
SCHEDULER_CONCURRENCY = 8


def claim_worker(
    location: str, name: str, start: Any, results: Any, marks: str, read_first: bool
) -> None:
    """One scheduler process: open, wait for the start signal, drain, report."""

    async def drain() -> tuple[list[int], int, float]:
        async with await open_storage(location) as db:
            slots = asyncio.Semaphore(SCHEDULER_CONCURRENCY if marks == "scheduler" else 1)

            async def settle(reminder: Reminder) -> bool:
                async with slots:
                    claimed = None if read_first else reminder
                    return (
                        await db.mark_sent(reminder.id, NOW, claimer_id=name, claimed=claimed)
                        is not None
                    )

            start.wait()
            began = time.perf_counter()
            taken: list[int] = []
            lost = 0
            while batch := await db.claim_due(NOW, name, lease_seconds=300, limit=100):
                taken.extend(reminder.id for reminder in batch)
                settled = await asyncio.gather(*(settle(reminder) for reminder in batch))
                lost += settled.count(False)
            return taken, lost, time.perf_counter() - began

    results.put(asyncio.run(drain()))


def bench_claims(
    label: str, location: str, count: int, workers: int, marks: str, read_first: bool
) -> None:
    asyncio.run(seed(location, count))
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(
            target=claim_worker, args=(location, f"w{n}", start, results, marks, read_first)
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    time.sleep(3)  # let every worker import and connect before the start signal
    began = time.perf_counter()
    start.set()
    reports = [results.get(timeout=600) for _ in processes]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    claims = Counter(i for taken, _, _ in reports for i in taken)
    twice = sum(1 for times in claims.values() if times > 1)
    lost = sum(lost for _, lost, _ in reports)
    print(
        f"5. {label}: claim + mark_sent ({marks}{', read first' if read_first else ''}), "
        f"{workers} worker processes, {count:,} due: "
        f"{len(claims):,} delivered in {elapsed:.2f} s = {len(claims) / elapsed:,.0f}/s; "
        f"claimed twice {twice}, claims lost {lost}"
    )


async def bench_log(label: str, location: str, total: int, askers: int) -> None:
    async with await open_storage(location) as db:
        latencies: list[float] = []
        per = total // askers
        texts = [f"how do I become an ML engineer, take {n}?" for n in range(50)]

        async def ask(member: int) -> None:
            rng = random.Random(member)
            for _ in range(per):
                began = time.perf_counter()
                await db.log_question(
                    10_000 + member, rng.choice(texts), visibility="public", guild_id=42,
                    matched_id=rng.choice([None, "faq/phd"]), match_kind="faq", confidence=0.5,
                )  # fmt: skip
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(ask(m) for m in range(askers)))
        elapsed = time.perf_counter() - began
    done = per * askers
    print(
        f"6. {label}: log_question, {askers} members at once: {done:,} in {elapsed:.2f} s = "
        f"{done / elapsed:,.0f}/s; latency p50 {statistics.median(latencies) * 1000:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms"
    )


def main(args: argparse.Namespace) -> None:
    print(f"storage scale benchmark ({os.cpu_count()} cores)")
    cluster = None
    postgres = args.postgres
    if postgres == "auto":
        from tests import pgcluster

        bindir = pgcluster.find_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl) found")
        cluster = pgcluster.Cluster(bindir)
        cluster.start()
        postgres = cluster.url()
        print(f"throw-away PostgreSQL {pgcluster.version(bindir)} (fsync off: compare shapes)")
    try:
        with tempfile.TemporaryDirectory(prefix="storage-scale-") as folder:
            targets = [("SQLite", str(Path(folder) / "claims.sqlite3"))]
            if postgres:
                targets.append(("PostgreSQL", fresh_database(postgres, "bench_claims")))
            for label, location in targets:
                bench_claims(
                    label, location, args.reminders, args.workers, args.marks, args.read_first
                )
            targets = [("SQLite", str(Path(folder) / "log.sqlite3"))]
            if postgres:
                targets.append(("PostgreSQL", fresh_database(postgres, "bench_log")))
            for label, location in targets:
                asyncio.run(bench_log(label, location, args.questions, args.askers))
    finally:
        if cluster is not None:
            cluster.stop()


def fresh_database(url: str, name: str) -> str:
    """``name`` on the server of ``url``: created if the URL's role may; else ``url``."""
    import asyncpg

    async def create() -> str:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        except asyncpg.PostgresError:
            return url
        finally:
            await conn.close()
        base, _, query = url.partition("?")
        return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")

    return asyncio.run(create())


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", help="a PostgreSQL URL, or 'auto' for a throw-away one")
    parser.add_argument("--reminders", type=int, default=20_000, help="due reminders to drain")
    parser.add_argument("--workers", type=int, default=4, help="claiming processes")
    parser.add_argument("--questions", type=int, default=10_000, help="questions to log")
    parser.add_argument("--askers", type=int, default=50, help="members asking at once")
    parser.add_argument(
        "--marks",
        choices=("scheduler", "one-by-one"),
        default="scheduler",
        help="settle a claimed batch as the scheduler does, or await each mark in turn",
    )
    parser.add_argument(
        "--read-first", action="store_true", help="mark_sent reads the row first (older code)"
    )
    parser.add_argument("--quick", action="store_true", help="small scale, for a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.reminders, args.questions = 2_000, 1_000
    return args


if __name__ == "__main__":
    main(parse())
