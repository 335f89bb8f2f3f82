"""Per-week and per-entry counts of the question log (``/kb stats``), on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import EntryStats, InvalidInputError, MemberPrefs, Storage, WeekStats

#: A Monday, 00:00 UTC: week boundaries fall on these.
MONDAY = datetime(2024, 3, 4, tzinfo=UTC)
GUILD, OTHER_GUILD = 9001, 9002
ALICE, BOB = 1001, 1002


async def ask(
    db: Storage, at: datetime, matched: str | None, *, guild: int | None = GUILD, who: int = ALICE
) -> int:
    visibility = "dm" if guild is None else "public"
    logged = await db.log_question(
        who, "a question", visibility=visibility, guild_id=guild, matched_id=matched, at=at
    )
    return logged.id


async def test_weeks_start_on_monday_utc_and_count_answers_and_abstentions(db: Storage) -> None:
    await ask(db, MONDAY - timedelta(seconds=1), "phd")  # Sunday 23:59:59: the week before
    await ask(db, MONDAY, "phd")
    await ask(db, MONDAY + timedelta(days=6, hours=23), None)
    await ask(db, MONDAY + timedelta(days=7), None)
    await ask(db, MONDAY + timedelta(days=8), "phd")
    await ask(db, MONDAY + timedelta(days=9), None)
    await ask(db, MONDAY + timedelta(days=9), "salary")

    weeks = await db.question_weeks(MONDAY - timedelta(days=30), MONDAY + timedelta(days=30))

    assert weeks == [
        WeekStats(date(2024, 2, 26), asked=1, answered=1),
        WeekStats(date(2024, 3, 4), asked=2, answered=1),
        WeekStats(date(2024, 3, 11), asked=4, answered=2),
    ]
    assert (weeks[2].abstained, weeks[2].answer_rate, weeks[2].abstention_rate) == (2, 0.5, 0.5)
    assert WeekStats(date(2024, 3, 18), 0, 0).answer_rate == 0.0


async def test_weeks_respect_the_window_and_the_guild(db: Storage) -> None:
    await ask(db, MONDAY, "phd")
    await ask(db, MONDAY + timedelta(hours=1), None, guild=OTHER_GUILD)
    await ask(db, MONDAY + timedelta(hours=2), None, guild=None)  # a DM
    await ask(db, MONDAY + timedelta(days=1), "phd")  # outside the window below

    inside = await db.question_weeks(MONDAY, MONDAY + timedelta(days=1), guild_id=GUILD)
    assert inside == [WeekStats(date(2024, 3, 4), asked=1, answered=1)]
    everywhere = await db.question_weeks(MONDAY, MONDAY + timedelta(days=1))
    assert everywhere == [WeekStats(date(2024, 3, 4), asked=3, answered=1)]
    assert await db.question_weeks(MONDAY, MONDAY, guild_id=OTHER_GUILD + 1) == []
    with pytest.raises(InvalidInputError):
        await db.question_weeks(MONDAY, MONDAY - timedelta(days=1))


async def test_entries_count_answers_and_votes_most_asked_first(db: Storage) -> None:
    first = await ask(db, MONDAY, "phd")
    second = await ask(db, MONDAY + timedelta(hours=1), "phd", who=BOB)
    await ask(db, MONDAY + timedelta(hours=2), "phd")
    salary = await ask(db, MONDAY + timedelta(hours=3), "salary")
    await ask(db, MONDAY + timedelta(hours=4), "salary")
    await ask(db, MONDAY + timedelta(hours=5), "degree")
    unanswered = await ask(db, MONDAY + timedelta(hours=6), None)
    await db.record_feedback(first, ALICE, helpful=True, at=MONDAY)
    await db.record_feedback(first, BOB, helpful=False, at=MONDAY)
    await db.record_feedback(second, BOB, helpful=False, at=MONDAY)
    await db.record_feedback(salary, ALICE, helpful=False, at=MONDAY)
    await db.record_feedback(salary, ALICE, helpful=True, at=MONDAY)  # changed their mind
    await db.record_feedback(unanswered, ALICE, helpful=False, at=MONDAY)  # no entry to blame

    entries = await db.entry_stats(MONDAY, MONDAY + timedelta(days=1), guild_id=GUILD)

    assert entries == [
        EntryStats("phd", asked=3, helpful=1, not_helpful=2),
        EntryStats("salary", asked=2, helpful=1, not_helpful=0),
        EntryStats("degree", asked=1, helpful=0, not_helpful=0),
    ]
    assert await db.entry_stats(MONDAY, MONDAY + timedelta(days=1), guild_id=OTHER_GUILD) == []


async def test_private_questions_count_without_keeping_their_text(db: Storage) -> None:
    """Counts need no text: a private question counts, and still keeps none."""
    await db.set_preferences(ALICE, MemberPrefs(store_question_text=False), at=MONDAY)
    logged = await db.log_question(
        ALICE, "my secret question", visibility="ephemeral", guild_id=GUILD,
        matched_id="phd", at=MONDAY,
    )  # fmt: skip
    assert logged.text is None
    window = (MONDAY, MONDAY + timedelta(days=1))
    assert await db.entry_stats(*window, guild_id=GUILD) == [EntryStats("phd", 1, 0, 0)]
    assert await db.question_weeks(*window, guild_id=GUILD) == [
        WeekStats(date(2024, 3, 4), asked=1, answered=1)
    ]
    assert await db.question_gaps(*window, guild_id=GUILD) == []
