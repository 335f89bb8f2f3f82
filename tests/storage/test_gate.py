"""Turns across processes through PostgreSQL advisory locks (IDENTIFY pacing).

Each gate has its own connections, as each bot process does, so two gates on one
database behave like two processes. Spacing is short here; the assertions are lower
bounds (a turn never starts sooner than the previous one plus the spacing), which
hold however slow the machine is.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import pytest

from storage import open_gate
from storage.postgres.gate import LOCK_NAMESPACE, SpacedGate

SPACING = 0.3


@pytest.fixture
def pg_url(pg_server: object) -> str:
    return pg_server.fresh(migrated=False)  # type: ignore[attr-defined]


async def test_two_processes_in_one_bucket_take_turns_spaced(pg_url: str) -> None:
    first, second = (SpacedGate(pg_url, spacing=SPACING) for _ in range(2))
    try:
        await first.turn(0)
        first.arrived(0)  # e.g. READY came back for the shard that identified
        started = time.monotonic()
        await second.turn(0)
        assert time.monotonic() - started >= SPACING
    finally:
        await first.close()
        await second.close()


async def test_a_turn_lasts_until_its_arrival_plus_the_spacing(pg_url: str) -> None:
    """A holder slow to act (its IDENTIFY left late) keeps the turn until it reports the
    arrival, however long past the spacing that is."""
    first, second = (SpacedGate(pg_url, spacing=SPACING) for _ in range(2))
    try:
        await first.turn(0)
        waiting = asyncio.create_task(second.turn(0))
        await asyncio.sleep(SPACING * 3)
        assert not waiting.done()
        first.arrived(0)
        arrived = time.monotonic()
        await asyncio.wait_for(waiting, 10)
        assert time.monotonic() - arrived >= SPACING
    finally:
        await first.close()
        await second.close()


async def test_a_turn_never_reported_ends_after_the_arrival_timeout(pg_url: str) -> None:
    gate = SpacedGate(pg_url, spacing=SPACING, arrival_timeout=0.2)
    try:
        started = time.monotonic()
        await gate.turn(0)
        await gate.turn(0)
        assert time.monotonic() - started >= 0.2 + SPACING
    finally:
        await gate.close()


async def test_buckets_are_independent_and_a_closed_gate_lets_go(pg_url: str) -> None:
    slow = SpacedGate(pg_url, spacing=600)  # holds bucket 0 until closed
    other = SpacedGate(pg_url, spacing=SPACING)
    try:
        await slow.turn(0)
        await asyncio.wait_for(other.turn(1), 10)  # bucket 1 does not queue behind 0
        waiting = asyncio.create_task(other.turn(0))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await slow.close()  # the process stops: its turn ends early
        await asyncio.wait_for(waiting, 10)
        assert other.turns == 2
    finally:
        await slow.close()
        await other.close()


async def test_one_process_takes_its_own_turns_spaced_too(pg_url: str) -> None:
    gate = SpacedGate(pg_url, spacing=SPACING)
    try:
        await gate.turn(0)
        gate.arrived(0)
        started = time.monotonic()
        await gate.turn(0)  # the advisory lock is re-entrant in one session: not enough
        assert time.monotonic() - started >= SPACING
    finally:
        await gate.close()


async def test_a_killed_holder_frees_the_bucket(pg_url: str) -> None:
    holder = await asyncpg.connect(pg_url)
    await holder.execute("SELECT pg_advisory_lock($1, 0)", LOCK_NAMESPACE)
    gate = SpacedGate(pg_url, spacing=SPACING)
    try:
        waiting = asyncio.create_task(gate.turn(0))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # the other process holds bucket 0
        holder.terminate()  # as if that process were killed: its session ends
        await asyncio.wait_for(waiting, 10)
        assert gate.fallbacks == 0
    finally:
        await gate.close()


async def test_an_unreachable_database_waits_the_spacing_instead(tmp_path: Path) -> None:
    gate = SpacedGate("postgresql://nobody@127.0.0.1:1/none", spacing=SPACING)
    started = time.monotonic()
    await gate.turn(0)
    assert time.monotonic() - started >= SPACING
    assert gate.fallbacks == 1
    await gate.close()


def test_sqlite_needs_no_gate(tmp_path: Path) -> None:
    assert open_gate(tmp_path / "careerbot.sqlite3", spacing=5.0) is None
    assert isinstance(open_gate("postgresql://u@h/db", spacing=5.0), SpacedGate)
