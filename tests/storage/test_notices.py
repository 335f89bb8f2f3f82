"""Notices left for a member until they next use the bot."""

from __future__ import annotations

import pytest

from storage import InvalidInputError, Storage
from storage.sqlite.notices import MAX_NOTICES_PER_MEMBER
from tests.storage.conftest import T0

ME = 111111111111111111
OTHER = 222222222222222222


async def test_taken_once_oldest_first_and_per_member(db: Storage) -> None:
    assert not await db.has_notices(ME)
    assert await db.add_notice(ME, "first", at=T0)
    assert await db.add_notice(ME, "second", at=T0)
    assert await db.add_notice(OTHER, "theirs", at=T0)
    assert await db.has_notices(ME)
    assert await db.take_notices(ME) == ["first", "second"]
    assert await db.take_notices(ME) == []
    assert not await db.has_notices(ME)
    assert await db.take_notices(OTHER) == ["theirs"]


async def test_capped_and_checked(db: Storage) -> None:
    for n in range(MAX_NOTICES_PER_MEMBER):
        assert await db.add_notice(ME, f"n{n}", at=T0)
    assert not await db.add_notice(ME, "one too many", at=T0)
    assert len(await db.take_notices(ME)) == MAX_NOTICES_PER_MEMBER
    with pytest.raises(InvalidInputError):
        await db.add_notice(ME, "x" * 5000, at=T0)


async def test_forgotten_with_the_member(db: Storage) -> None:
    await db.add_notice(ME, "bye", at=T0)
    deleted = await db.forget_member(ME)
    assert deleted["member_notices"] == 1
    assert not await db.has_notices(ME)
