"""The question cooldown and the digest claims several processes share, on both backends.

The races use several store objects, i.e. separate connections (separate pools on
PostgreSQL), as separate processes would.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage import CooldownTurn, InvalidInputError, Storage, open_storage

T0 = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
ME, YOU = 1001, 1002
GUILD = 9001


async def open_many(location: str, count: int) -> list[Storage]:
    return [await open_storage(location) for _ in range(count)]


async def close_all(stores: list[Storage]) -> None:
    for store in stores:
        await store.close()


async def test_cooldown_allows_once_per_wait_and_warns_once(db: Storage) -> None:
    def at(seconds: float) -> datetime:
        return T0 + timedelta(seconds=seconds)

    assert await db.take_cooldown(ME, 5, now=at(0)) == CooldownTurn(True, 0.0, False)
    assert await db.take_cooldown(YOU, 5, now=at(0.5)) == CooldownTurn(True, 0.0, False)
    assert await db.take_cooldown(ME, 5, now=at(1.25)) == CooldownTurn(False, 3.75, True)
    # Refused again: not told again, and the wait is not restarted by the attempts.
    assert await db.take_cooldown(ME, 5, now=at(4.5)) == CooldownTurn(False, 0.5, False)
    assert await db.take_cooldown(ME, 5, now=at(5)) == CooldownTurn(True, 0.0, False)
    # A new wait: the first refusal in it is told again.
    assert (await db.take_cooldown(ME, 5, now=at(6))).first_refusal
    assert await db.take_cooldown(ME, 0, now=at(6.5)) == CooldownTurn(True, 0.0, False)


async def test_cooldown_refuses_nonsense(db: Storage) -> None:
    for seconds in (-1, float("nan"), 10**9, True):
        with pytest.raises(InvalidInputError):
            await db.take_cooldown(ME, seconds, now=T0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        await db.take_cooldown(ME, 5, now=T0.replace(tzinfo=None))


async def test_a_forgotten_member_leaves_no_cooldown_behind(db: Storage) -> None:
    await db.take_cooldown(ME, 60, now=T0)
    deleted = await db.forget_member(ME)
    assert deleted["ask_cooldowns"] == 1
    assert (await db.take_cooldown(ME, 60, now=T0 + timedelta(seconds=1))).allowed


async def test_processes_racing_one_member_get_exactly_one_question(db_location: str) -> None:
    stores = await open_many(db_location, 6)
    try:
        for round_ in range(5):  # five waits in a row, each raced by all six
            now = T0 + timedelta(seconds=10 * round_)
            turns = await asyncio.gather(
                *(store.take_cooldown(ME, 10, now=now) for store in stores for _ in range(3))
            )
            assert sum(turn.allowed for turn in turns) == 1, round_
            assert sum(turn.first_refusal for turn in turns) == 1, round_  # warned once
            assert all(turn.retry_after == 10.0 for turn in turns if not turn.allowed)
    finally:
        await close_all(stores)


async def test_digest_claim_goes_to_exactly_one_process(db_location: str) -> None:
    stores = await open_many(db_location, 6)
    try:
        won = await asyncio.gather(
            *(store.claim_digest(GUILD, "2024-W10", at=T0) for store in stores for _ in range(3))
        )
        assert sum(won) == 1
        # Another week, another guild: claims of their own.
        assert await stores[1].claim_digest(GUILD, "2024-W11", at=T0)
        assert await stores[2].claim_digest(GUILD + 1, "2024-W10", at=T0)
        # A failed post gives the claim back, for one other taker.
        await stores[3].release_digest(GUILD, "2024-W10")
        again = await asyncio.gather(*(s.claim_digest(GUILD, "2024-W10") for s in stores))
        assert sum(again) == 1
    finally:
        await close_all(stores)


async def test_digest_claims_refuse_nonsense(db: Storage) -> None:
    with pytest.raises(InvalidInputError):
        await db.claim_digest(0, "2024-W10")
    with pytest.raises(InvalidInputError):
        await db.claim_digest(GUILD, "x" * 100)
