"""Questions handed to the community: threads recorded, found, answered, counted;
a forgotten member's question loses its link, not the count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import InvalidInputError, Storage
from tests.storage.conftest import T0

GUILD = 900
MEMBER = 31


async def test_record_find_answer_and_count(db: Storage) -> None:
    asked = await db.log_question(
        MEMBER, "is a bootcamp enough", visibility="public", guild_id=GUILD, matched_id=None,
        at=T0, question_id=555,
    )  # fmt: skip
    thread = await db.record_community_thread(GUILD, 7001, asked.id, message_id=7100, at=T0)
    assert (thread.thread_id, thread.guild_id, thread.question_id) == (7001, GUILD, 555)
    assert thread.message_id == 7100
    assert thread.answered_at is None
    assert await db.record_community_thread(GUILD, 7001, asked.id) == thread  # idempotent
    assert await db.community_thread_for_question(555) == thread
    assert await db.community_thread(7001) == thread
    # A question that was never logged still gets its thread, without a link.
    other = await db.record_community_thread(GUILD, 7002, 999, at=T0 + timedelta(minutes=1))
    assert other.question_id is None
    assert await db.community_thread(1234) is None
    window = (T0, T0 + timedelta(days=1))
    assert await db.community_thread_counts(*window, guild_id=GUILD) == (2, 0)
    assert await db.mark_community_thread_answered(7001, at=T0 + timedelta(hours=1))
    assert not await db.mark_community_thread_answered(7001)  # once
    assert not await db.mark_community_thread_answered(4242)
    found = await db.community_thread(7001)
    assert found is not None and found.answered_at == T0 + timedelta(hours=1)
    assert await db.community_thread_counts(*window, guild_id=GUILD) == (2, 1)
    assert await db.community_thread_counts(*window, guild_id=GUILD + 1) == (0, 0)
    assert await db.community_thread_counts(*window) == (2, 1)


async def test_forgetting_the_asker_unlinks_the_thread_and_keeps_the_count(db: Storage) -> None:
    asked = await db.log_question(
        MEMBER, "q", visibility="public", guild_id=GUILD, matched_id=None, at=T0, question_id=77
    )
    await db.record_community_thread(GUILD, 8001, asked.id, at=T0)
    await db.forget_member(MEMBER)
    thread = await db.community_thread(8001)
    assert thread is not None and thread.question_id is None
    assert await db.community_thread_counts(T0, T0 + timedelta(days=1)) == (1, 0)


@pytest.mark.parametrize("bad", [0, -1])
async def test_bad_ids_are_refused(db: Storage, bad: int) -> None:
    with pytest.raises(InvalidInputError):
        await db.record_community_thread(GUILD, bad, None)
    with pytest.raises(InvalidInputError):
        await db.community_thread(bad)
