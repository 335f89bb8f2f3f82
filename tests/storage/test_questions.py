"""The question log: privacy default, feedback votes, gaps and stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import InvalidInputError, MemberPrefs, NotFoundError, Storage

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 500, 600


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def test_privacy_default_keeps_text_only_for_public_guild_questions(db: Storage) -> None:
    public = await db.log_question(
        1, "Do I need a PhD?", visibility="public", guild_id=GUILD, matched_id="faq/phd",
        match_kind="faq", confidence=0.9, at=T0,
    )  # fmt: skip
    ephemeral = await db.log_question(
        1, "my salary is too low", visibility="ephemeral", guild_id=GUILD, matched_id=None, at=T0
    )
    dm = await db.log_question(
        1, "I was fired, what now?", visibility="dm", guild_id=None, matched_id=None,
        confidence=0.1, at=T0,
    )  # fmt: skip
    assert public.text == "Do I need a PhD?"
    assert ephemeral.text is None and dm.text is None
    # Without text, the rest is still recorded for statistics.
    assert (dm.guild_id, dm.visibility, dm.matched_id, dm.confidence) == (None, "dm", None, 0.1)
    exported = await db.export_member(1)
    texts = [row["question_text"] for row in exported["tables"]["question_log"]]
    keys = [row["question_key"] for row in exported["tables"]["question_log"]]
    assert texts == ["Do I need a PhD?", None, None] and keys[1:] == [None, None]


async def test_members_can_opt_in_to_keeping_private_question_text(db: Storage) -> None:
    await db.set_preferences(1, MemberPrefs(store_question_text=True), at=T0)
    dm = await db.log_question(1, "private q", visibility="dm", guild_id=None, matched_id=None)
    assert dm.text == "private q"


async def test_where_must_be_consistent(db: Storage) -> None:
    with pytest.raises(InvalidInputError, match="DM question has no guild"):
        await db.log_question(1, "q", visibility="dm", guild_id=GUILD, matched_id=None)
    with pytest.raises(InvalidInputError, match="needs one"):
        await db.log_question(1, "q", visibility="public", guild_id=None, matched_id=None)
    with pytest.raises(InvalidInputError, match="visibility"):
        await db.log_question(1, "q", visibility="shouted", guild_id=GUILD, matched_id=None)  # type: ignore[arg-type]


async def test_a_question_can_be_logged_under_the_callers_id(db: Storage) -> None:
    """The bot logs under the Discord interaction's id, which its buttons already carry."""
    interaction_id = 1_234_567_890_123_456_789
    q = await db.log_question(
        1, "q", visibility="public", guild_id=GUILD, matched_id="faq/a", question_id=interaction_id
    )
    assert q.id == interaction_id
    await db.record_feedback(interaction_id, 2, True)
    with pytest.raises(InvalidInputError, match="logged already"):
        await db.log_question(
            3, "again", visibility="dm", guild_id=None, matched_id=None, question_id=interaction_id
        )
    # Ids the store picks never collide with the caller's.
    picked = await db.log_question(1, "q2", visibility="dm", guild_id=None, matched_id=None)
    assert picked.id != interaction_id
    [row] = [r for r in (await db.export_member(1))["tables"]["question_log"] if r["id"] == q.id]
    assert row["question_text"] == "q"
    assert (await db.export_member(3))["tables"]["question_log"] == []


async def test_one_vote_per_member_and_a_second_vote_replaces_the_first(db: Storage) -> None:
    q = await db.log_question(
        1, "q", visibility="public", guild_id=GUILD, matched_id="faq/a", at=T0
    )
    await db.record_feedback(q.id, 1, False, at=at(1))
    await db.record_feedback(q.id, 1, True, at=at(2))
    await db.record_feedback(q.id, 2, True, at=at(3))
    stats = await db.question_stats(at(-1), at(10))
    assert (stats.votes, stats.helpful, stats.helpful_rate) == (2, 2, 1.0)
    with pytest.raises(NotFoundError, match="no logged question #999"):
        await db.record_feedback(999, 1, True)


async def test_gaps_group_case_insensitively_and_rank_by_count(db: Storage) -> None:
    asks = [
        ("Do I need a PhD?", None),
        ("do i need a   phd", None),
        ("DO I NEED A PHD?!", None),
        ("Is Kaggle worth it?", None),
        ("is kaggle worth it", None),
        ("How do I learn SQL?", "faq/sql"),  # answered; becomes a gap by a bad vote
        ("What is MLOps?", "faq/mlops"),  # answered and nobody complained: not a gap
    ]
    ids = []
    for minute, (text, matched) in enumerate(asks):
        logged = await db.log_question(
            minute + 1, text, visibility="public", guild_id=GUILD, matched_id=matched,
            at=at(minute),
        )  # fmt: skip
        ids.append(logged.id)
    await db.record_feedback(ids[5], 9, False, at=at(20))
    gaps = await db.question_gaps(at(0), at(60))
    assert [(g.key, g.asked, g.unanswered, g.not_helpful) for g in gaps] == [
        ("do i need a phd", 3, 3, 0),
        ("is kaggle worth it", 2, 2, 0),
        ("how do i learn sql", 1, 0, 1),
    ]
    assert gaps[0].example in {"Do I need a PhD?", "do i need a   phd", "DO I NEED A PHD?!"}
    assert gaps[0].last_asked_at == at(2)
    assert [g.key for g in await db.question_gaps(at(0), at(60), limit=1)] == ["do i need a phd"]


async def test_gaps_and_stats_respect_the_window_and_the_guild(db: Storage) -> None:
    await db.log_question(
        1, "early", visibility="public", guild_id=GUILD, matched_id=None, at=at(0)
    )
    await db.log_question(
        1, "inside", visibility="public", guild_id=GUILD, matched_id=None, at=at(5)
    )
    await db.log_question(
        1, "answered", visibility="public", guild_id=GUILD, matched_id="x", at=at(6)
    )
    await db.log_question(
        1, "elsewhere", visibility="public", guild_id=OTHER_GUILD, matched_id=None, at=at(5)
    )
    await db.log_question(
        1, "late", visibility="public", guild_id=GUILD, matched_id=None, at=at(10)
    )
    await db.log_question(1, "secret", visibility="dm", guild_id=None, matched_id=None, at=at(5))
    window = (at(1), at(10))  # end is exclusive
    assert [g.key for g in await db.question_gaps(*window, guild_id=GUILD)] == ["inside"]
    assert {g.key for g in await db.question_gaps(*window)} == {"inside", "elsewhere"}
    stats = await db.question_stats(*window, guild_id=GUILD)
    assert (stats.asked, stats.answered) == (2, 1)
    assert stats.answer_rate == pytest.approx(0.5)
    everywhere = await db.question_stats(*window)
    assert (everywhere.asked, everywhere.answered) == (4, 1)  # the DM counts, without text
    empty = await db.question_stats(at(100), at(200))
    assert (empty.asked, empty.answer_rate, empty.helpful_rate) == (0, 0.0, 0.0)
    with pytest.raises(InvalidInputError, match="ends before it starts"):
        await db.question_stats(at(10), at(0))


async def test_opted_in_dm_questions_reach_the_gaps_of_guilds_the_member_asked_in(
    db: Storage,
) -> None:
    """A DM has no guild: its kept text shows in the gaps of guilds where the member
    has asked something (the one sign of membership storage has), nowhere else."""
    opted, shy = 1, 2
    for member in (opted, shy):
        await db.log_question(
            member, "hi", visibility="public", guild_id=GUILD, matched_id="x", at=at(0)
        )
    await db.set_preferences(opted, MemberPrefs(store_question_text=True), at=at(0))
    for member, text in ((opted, "shared dm"), (shy, "unshared dm")):
        await db.log_question(
            member, text, visibility="dm", guild_id=None, matched_id=None, at=at(1)
        )
    await db.log_question(
        opted, "private", visibility="ephemeral", guild_id=GUILD, matched_id=None, at=at(1)
    )
    window = (at(0), at(10))
    assert {g.key for g in await db.question_gaps(*window, guild_id=GUILD)} == {
        "shared dm",
        "private",
    }
    assert await db.question_gaps(*window, guild_id=OTHER_GUILD) == []
