"""The question cooldown in the database: several processes, one rule (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.client import CareerBot
from careerbot.core.cooldowns import Cooldown, Verdict
from careerbot.core.shared_cooldown import SharedCooldown
from careerbot.runtime.settings import Settings
from knowledge import KnowledgeBase
from storage import Storage, open_storage

T0 = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
ME = 1001


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def pg_stores(pg_server: object) -> AsyncIterator[list[Storage]]:
    """Two stores on one PostgreSQL database: two processes' connections."""
    url = pg_server.fresh()  # type: ignore[attr-defined]
    stores = [await open_storage(url), await open_storage(url)]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


async def test_two_processes_racing_give_a_member_one_question(pg_stores: list[Storage]) -> None:
    clock = Clock()
    processes = [SharedCooldown(store, 30, clock=clock) for store in pg_stores]
    for _ in range(3):
        verdicts = await asyncio.gather(*(p.verdict(ME) for p in processes for _ in range(4)))
        assert sum(v.allowed for v in verdicts) == 1
        assert sum(v.warn for v in verdicts) == 1  # one "slow down" for the burst
        clock.now += timedelta(seconds=29)
        assert not (await processes[1].verdict(ME)).allowed  # the wait did not restart
        clock.now += timedelta(seconds=1)


async def test_the_bot_shares_its_cooldown_when_the_store_is_postgres(
    pg_stores: list[Storage], knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    """Two bot processes on one PostgreSQL database: one allowed question between them
    (each kept its own memory before, and both allowed it)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "unused.sqlite3",
        ask_cooldown_seconds=30,
    )
    bots = [CareerBot(settings, knowledge_base, store) for store in pg_stores]
    try:
        verdicts = await asyncio.gather(*(bot.cooldown.verdict(ME) for bot in bots))
        assert [v.allowed for v in verdicts].count(True) == 1
    finally:
        for bot in bots:
            await bot.close()


async def test_sqlite_keeps_the_rule_in_memory(
    tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    settings = Settings(_env_file=None, database_path=tmp_path / "c.sqlite3")  # type: ignore[call-arg]
    async with await open_storage(settings.database_path) as store:
        bot = CareerBot(settings, knowledge_base, store)
        try:
            assert isinstance(bot.cooldown, Cooldown)
        finally:
            await bot.close()


async def test_an_unreachable_database_falls_back_to_this_process(
    pg_stores: list[Storage],
) -> None:
    ticks = [0.0]
    cooldown = SharedCooldown(pg_stores[0], 10, clock=Clock(), fallback_ticks=lambda: ticks[0])
    await pg_stores[0].close()
    assert await cooldown.verdict(ME) == Verdict(True, 0.0, False)
    ticks[0] = 4.0
    assert await cooldown.verdict(ME) == Verdict(False, 6.0, True)
    await cooldown.forget(ME)
    assert (await cooldown.verdict(ME)).allowed
    assert (await SharedCooldown(pg_stores[1], 0).verdict(ME)).allowed  # 0: off
