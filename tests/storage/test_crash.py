"""A writer killed with SIGKILL mid-stream loses nothing it reported as committed."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from storage import open_storage

ROOT = Path(__file__).resolve().parents[2]


async def run_and_kill(db_path: Path, start: int, wanted: int) -> list[int]:
    """Start the writer, let it commit about ``wanted`` writes, SIGKILL it, return the
    ids it printed (each printed only after its transaction committed)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.storage.crash_writer", str(db_path), str(start),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    printed: list[int] = []
    try:
        first = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert first == b"ready\n"
        while len(printed) < wanted:
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            assert line.endswith(b"\n"), "writer died on its own"
            printed.append(int(line))
    finally:
        os.kill(process.pid, signal.SIGKILL)
        rest = await process.stdout.read()
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    # Lines that were completely written before the kill also count.
    printed += [int(line) for line in rest.split(b"\n")[:-1]]
    return printed


def integrity(db_path: Path) -> list[tuple[str]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


async def test_sigkill_mid_writes_keeps_every_committed_write(db_path: Path) -> None:
    printed: list[int] = []
    for start in (0, 100_000):  # kill twice: the second run starts on a recovered file
        printed += await run_and_kill(db_path, start, wanted=150)
        assert integrity(db_path) == [("ok",)]
    async with await open_storage(db_path) as db:
        stored: set[int] = set()
        for member in range(1, 51):
            stored |= {int(p.item_id.split("/")[1]) for p in await db.get_progress(member)}
        assert set(printed) <= stored
        # At most the one in-flight write per run may have committed unprinted.
        assert len(stored - set(printed)) <= 2
        history = [len(await db.progress_history(m, limit=10_000)) for m in range(1, 51)]
        assert sum(history) == len(stored)
