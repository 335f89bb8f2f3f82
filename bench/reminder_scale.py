"""Reminders at scale: wake-up cost with 1,000,000 rows, and 10,000 due in one minute.

Usage: python -m bench.reminder_scale [--reminders N] [--due N] [--wakeups N] [--quick]

What it does:

1. Builds a SQLite file through storage's own migrations, then bulk-inserts
   ``--reminders`` rows (default 1,000,000; daily reminders spread over the next week,
   four per member) plus ``--due`` rows (default 10,000) all due in the same minute, for
   members who exist in the fake Discord.
2. **Wake-up**: what the scheduler does each time it wakes and nothing is due yet,
   ``next_due_at()`` then ``claim_due()`` returning nothing, ``--wakeups`` times;
   p50 / p99 per wake-up.
3. **Dispatch**: the real ``CareerBot`` (logged in over HTTP, the reminders extension and
   its sender as in production) and its real :class:`ReminderScheduler` deliver the due
   reminders in one wake-up: per reminder, a progress summary and streak from storage,
   ``POST /users/@me/channels`` and ``POST /channels/{id}/messages`` to the fake
   Discord, and ``mark_sent``. Throughput, and the peak RSS of this process.

The fake Discord runs in a **child process** (``--serve-fake``), so the RSS and CPU
measured here are the bot side only, and the fake's request log does not count.
``--quick``: 100,000 rows, 1,000 due, for a smoke run (about half a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

#: The minute the ``--due`` reminders are due in (the bench's "now" is 30 s later).
DUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MEMBER_BASE = 900_000_000_000_000_000
PER_MEMBER = 4


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ----------------------------------------------------------------------- the fake ---


async def serve_fake(users: int) -> None:
    """Child process: a fake Discord with ``users`` members; prints its address and the
    user ids as one JSON line, serves until stdin closes."""
    from tests.fakediscord import FakeDiscord

    fake = FakeDiscord()
    await fake.start()
    ids = [fake.add_user(f"m{i}").id for i in range(users)]
    print(json.dumps({"rest": fake.rest_base, "token": fake.token, "ids": ids}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    print(json.dumps({"requests": len(fake.requests), "fake_cpu_s": time.process_time()}),
          file=sys.stderr, flush=True)  # fmt: skip
    await fake.stop()


# ----------------------------------------------------------------------- building ---


def build(path: Path, total: int, due_ids: list[int]) -> float:
    """Bulk-insert ``total`` future reminders and one due reminder per ``due_ids``."""
    started = time.perf_counter()
    now = int((DUE - timedelta(days=1)).timestamp())
    due = int(DUE.timestamp())
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    members = (total + PER_MEMBER - 1) // PER_MEMBER
    with conn:
        conn.executemany(
            "INSERT INTO members (member_id, tz, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
            ((MEMBER_BASE + m, "Europe/Berlin", now, now) for m in range(members)),
        )
        conn.executemany(
            "INSERT INTO members (member_id, tz, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
            ((member, "Europe/Berlin", now, now) for member in due_ids),
        )

    def row(member: int, next_due: int, hhmm: str) -> tuple[Any, ...]:
        return (member, "daily", "Europe/Berlin", hhmm, 127, "time to learn", "dm",
                next_due, now, now)  # fmt: skip

    sql = (
        "INSERT INTO reminders (member_id, kind, tz, times, weekdays, message, target_via, "
        "next_due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    with conn:
        # Future rows: due from two minutes after the due minute to a week later.
        conn.executemany(
            sql,
            (
                row(MEMBER_BASE + n // PER_MEMBER, due + 120 + rng.randrange(7 * 86400), "09:00")
                for n in range(total)
            ),
        )
        conn.executemany(sql, (row(member, due, "10:00") for member in due_ids))
    conn.execute("PRAGMA optimize")
    conn.close()
    return time.perf_counter() - started


# ------------------------------------------------------------------------ measure ---


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(args: argparse.Namespace, fake_info: dict[str, Any], folder: Path) -> dict:
    import discord

    from bot.client import CareerBot
    from careerbot.core.reminders.scheduler import DeliveryOutcome
    from careerbot.runtime.settings import Settings
    from knowledge import KnowledgeBase
    from storage import open_storage

    results: dict[str, Any] = {"reminders": args.reminders, "due": args.due}
    path = folder / "reminders.sqlite3"
    db = await open_storage(path)  # the schema, through storage's migrations
    await db.close()
    results["build_seconds"] = build(path, args.reminders, fake_info["ids"])
    results["file_mb"] = path.stat().st_size / 2**20

    kb = await asyncio.to_thread(KnowledgeBase.load)
    rss_before = current_rss_mb()
    db = await open_storage(path)
    try:
        # -- wake-ups with nothing due: next_due_at + an empty claim --------------------
        early = DUE - timedelta(seconds=30)
        timings = []
        for _ in range(args.wakeups):
            started = time.perf_counter()
            nxt = await db.next_due_at()
            claimed = await db.claim_due(early, "bench", limit=100)
            timings.append(time.perf_counter() - started)
            assert nxt == DUE and not claimed
        results["wakeup_ms_p50"] = percentile(timings, 0.5) * 1000
        results["wakeup_ms_p99"] = percentile(timings, 0.99) * 1000

        # -- dispatch through the real bot and scheduler ----------------------------------
        discord.http.Route.BASE = fake_info["rest"]
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=fake_info["token"],
            database_path=path,
        )
        bot = CareerBot(settings, kb, db)
        await bot.login(fake_info["token"])  # HTTP only: setup_hook loads the extensions
        try:
            cog: Any = bot.get_cog("Reminders")
            scheduler = cog.scheduler
            scheduler.clock = lambda: DUE + timedelta(seconds=30)
            scheduler.concurrency = args.concurrency
            cpu = time.process_time()
            started = time.perf_counter()
            sent = await scheduler.dispatch_due()
            elapsed = time.perf_counter() - started
            results["dispatch_cpu_seconds"] = time.process_time() - cpu
            results["dispatched"] = sent
            results["delivered"] = scheduler.counts[DeliveryOutcome.DELIVERED]
            results["dispatch_seconds"] = elapsed
            results["per_second"] = sent / elapsed if elapsed else 0.0
            results["after_next_due"] = str(await db.next_due_at())
        finally:
            await bot.close()
        timings = []
        for _ in range(args.wakeups):
            started = time.perf_counter()
            await db.next_due_at()
            await db.claim_due(DUE + timedelta(seconds=30), "bench", limit=100)
            timings.append(time.perf_counter() - started)
        results["wakeup_after_ms_p50"] = percentile(timings, 0.5) * 1000
    finally:
        await db.close()
    results["rss_before_mb"] = rss_before
    results["rss_peak_mb"] = rss_mb()
    return results


async def main(args: argparse.Namespace) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.reminder_scale", "--serve-fake", "--due", str(args.due),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**24,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 120)
    fake_info = json.loads(line)
    try:
        with tempfile.TemporaryDirectory(prefix="careerbot-reminders-") as name:
            return await measure(args, fake_info, Path(name))
    finally:
        proc.stdin.close()
        await proc.wait()


def report(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"careerbot reminders at scale: {r['reminders']:,} reminders + {r['due']:,} due "
            f"in one minute, {os.cpu_count()} CPU(s), python {sys.version.split()[0]}",
            f"build: {r['build_seconds']:.1f} s bulk insert, file {r['file_mb']:.0f} MB",
            f"wake-up (next_due_at + empty claim): p50 {r['wakeup_ms_p50']:.3f} ms, "
            f"p99 {r['wakeup_ms_p99']:.3f} ms; after dispatch p50 "
            f"{r['wakeup_after_ms_p50']:.3f} ms",
            f"dispatch: {r['dispatched']:,} claimed, {r['delivered']:,} delivered in "
            f"{r['dispatch_seconds']:.1f} s = {r['per_second']:.0f} reminders/s "
            f"(bot CPU {r['dispatch_cpu_seconds']:.1f} s; fake Discord in another process)",
            f"memory: RSS {r['rss_before_mb']:.0f} MB before opening the store, "
            f"peak {r['rss_peak_mb']:.0f} MB",
            f"next due afterwards: {r['after_next_due']}",
        ]
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--wakeups", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8, help="sends in flight")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.reminders, args.due, args.wakeups = 100_000, 1_000, 200
    return args


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.serve_fake:
        asyncio.run(serve_fake(arguments.due))
    else:
        figures = asyncio.run(main(arguments))
        print(json.dumps(figures, indent=2) if arguments.json else report(figures))
