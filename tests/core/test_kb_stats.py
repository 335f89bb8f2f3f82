"""The one assembler behind ``/kb stats`` and ``careerbot kb stats``, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from careerbot.core.kb_stats import every_week, kb_stats, stats_window
from storage import EntryStats, MemberPrefs, Storage, WeekStats

#: Wednesday 2024-03-20, noon UTC: "now" for every test.
NOW = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)
GUILD, OTHER = 9001, 9002
ALICE, BOB = 1001, 1002


async def ask(
    db: Storage,
    days_ago: float,
    matched: str | None,
    text: str = "a question",
    *,
    guild: int = GUILD,
    visibility: str = "public",
    who: int = ALICE,
) -> int:
    logged = await db.log_question(
        who,
        text,
        visibility=visibility,  # type: ignore[arg-type]
        guild_id=guild,
        matched_id=matched,
        at=NOW - timedelta(days=days_ago),
    )
    return logged.id


async def test_the_report_has_weeks_entries_votes_and_gaps(store: Storage) -> None:
    # This week (from Monday 18th): 3 asked, 1 answered.
    phd = await ask(store, 0, "phd")
    await ask(store, 1, None, "How do I become a nurse?")
    await ask(store, 1, None, "how do i become a NURSE")
    # Last week: nothing. The week before (4th-10th): 4 asked, 3 answered.
    salary = await ask(store, 14, "salary")
    await ask(store, 14, "salary", who=BOB)
    await ask(store, 15, "phd")
    await ask(store, 15, None, "secret private thing", visibility="ephemeral")
    await ask(store, 1, "degree", guild=OTHER)  # another server: not in this one's report
    await ask(store, 40, "degree")  # before the window
    await store.record_feedback(phd, BOB, helpful=False, at=NOW)
    await store.record_feedback(salary, ALICE, helpful=False, at=NOW)
    await store.record_feedback(salary, BOB, helpful=True, at=NOW)

    report = await kb_stats(store, days=21, guild_id=GUILD, now=NOW)

    assert (report.totals.asked, report.totals.answered, report.totals.votes) == (7, 4, 3)
    assert report.abstention_rate == pytest.approx(3 / 7)
    assert report.weeks == [
        WeekStats(date(2024, 2, 26), 0, 0),  # the window starts on Wednesday 28th
        WeekStats(date(2024, 3, 4), 4, 3),
        WeekStats(date(2024, 3, 11), 0, 0),
        WeekStats(date(2024, 3, 18), 3, 1),
    ]
    assert report.weeks[1].abstention_rate == 0.25
    assert report.most_asked == [
        EntryStats("phd", 2, 0, 1),
        EntryStats("salary", 2, 1, 1),
    ]
    # Equal votes: the more asked first, then by id.
    assert [e.entry_id for e in report.most_unhelpful] == ["phd", "salary"]
    assert [(g.example.casefold(), g.asked) for g in report.gaps] == [
        ("a question", 2),  # phd and salary, voted not helpful; asked last
        ("how do i become a nurse?", 2),
    ]
    assert all("secret" not in g.example for g in report.gaps)  # private: no text kept

    everywhere = await kb_stats(store, days=21, guild_id=None, now=NOW)
    assert everywhere.totals.asked == 8
    assert [e.entry_id for e in everywhere.most_asked] == ["phd", "salary", "degree"]


async def test_top_cuts_the_lists(store: Storage) -> None:
    for number in range(5):
        for _ in range(number + 1):
            await ask(store, 0, f"entry-{number}", f"gap {number}")
            await ask(store, 0, None, f"gap {number}")
    report = await kb_stats(store, days=1, guild_id=GUILD, now=NOW, top=3)
    assert [e.entry_id for e in report.most_asked] == ["entry-4", "entry-3", "entry-2"]
    assert [g.example for g in report.gaps] == ["gap 4", "gap 3", "gap 2"]
    assert report.most_unhelpful == []


async def test_an_empty_database_reports_zeros(store: Storage) -> None:
    report = await kb_stats(store, days=1, guild_id=GUILD, now=NOW)
    assert report.totals.asked == 0 and report.abstention_rate == 0.0
    assert report.weeks == [WeekStats(date(2024, 3, 18), 0, 0)]
    assert (report.most_asked, report.most_unhelpful, report.gaps) == ([], [], [])


async def test_private_text_needs_the_opt_in_even_here(store: Storage) -> None:
    await ask(store, 0, None, "private but opted in", visibility="ephemeral", who=BOB)
    await store.set_preferences(ALICE, MemberPrefs(store_question_text=True), at=NOW)
    await ask(store, 0, None, "private and opted in", visibility="ephemeral")
    report = await kb_stats(store, days=1, guild_id=GUILD, now=NOW)
    assert report.totals.asked == 2
    assert [g.example for g in report.gaps] == ["private and opted in"]


async def test_questions_handed_to_the_community_and_answered_there(store: Storage) -> None:
    unanswered = await ask(store, 0, None, "how do i become a nurse")
    await store.record_community_thread(GUILD, 501, unanswered, at=NOW - timedelta(hours=2))
    await store.record_community_thread(GUILD, 502, None, at=NOW - timedelta(hours=1))
    await store.record_community_thread(OTHER, 503, None, at=NOW - timedelta(hours=1))
    await store.record_community_thread(GUILD, 504, None, at=NOW - timedelta(days=3))
    assert await store.mark_community_thread_answered(501, at=NOW)
    report = await kb_stats(store, days=1, guild_id=GUILD, now=NOW)
    assert report.community == (2, 1)  # 503 is another server's, 504 older than a day
    everywhere = await kb_stats(store, days=7, guild_id=None, now=NOW)
    assert everywhere.community == (4, 1)


def test_the_window_and_its_weeks() -> None:
    since, until = stats_window(7, NOW.replace(microsecond=500))
    assert (since, until) == (NOW - timedelta(days=7, seconds=-1), NOW + timedelta(seconds=1))
    with pytest.raises(ValueError):
        stats_window(0, NOW)
    monday = datetime(2024, 3, 18, tzinfo=UTC)
    # A window ending exactly at Monday 00:00 does not reach into that week.
    assert [w.week_start for w in every_week([], monday - timedelta(days=1), monday)] == [
        date(2024, 3, 11)
    ]
