"""Progress writes, their history, and the summary with its "next item" rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import InvalidInputError, Storage

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
PATH = [
    ("python", ["python/syntax", "python/functions", "python/classes"]),
    ("maths", ["maths/linear-algebra", "maths/calculus"]),
    ("ml", ["ml/regression", "ml/evaluation", "ml/trees", "ml/ensembles"]),
]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def test_history_is_append_only_and_unchanged_writes_are_no_ops(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "learning", at=at(0))
    await db.set_progress(1, "python", "python/syntax", "learning", at=at(1))  # no change
    await db.set_progress(1, "python", "python/syntax", "done", at=at(2), note="quiz passed")
    await db.set_progress(1, "python", "python/syntax", "learning", at=at(3), note="relearn")
    history = await db.progress_history(1)
    assert [(e.old_status, e.new_status, e.changed_at, e.note) for e in history] == [
        ("done", "learning", at(3), "relearn"),
        ("learning", "done", at(2), "quiz passed"),
        (None, "learning", at(0), None),
    ]
    (item,) = await db.get_progress(1)
    assert (item.status, item.updated_at) == ("learning", at(3))
    assert [e.id for e in await db.progress_history(1, limit=2)] == [e.id for e in history[:2]]


async def test_progress_is_per_member_not_per_server(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.set_progress(2, "python", "python/syntax", "learning", at=at(0))
    assert [p.status for p in await db.get_progress(1)] == ["done"]
    assert [p.status for p in await db.get_progress(2)] == ["learning"]


async def test_summary_counts_and_percentages(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.set_progress(1, "python", "python/functions", "done", at=at(1))
    await db.set_progress(1, "python", "python/classes", "skipped", at=at(2))
    await db.set_progress(1, "maths", "maths/calculus", "learning", at=at(3))
    await db.set_progress(1, "old", "old/removed-from-corpus", "done", at=at(4))
    summary = await db.summary(1, PATH)
    assert [(s.skill_id, s.done, s.skipped, s.learning, s.total) for s in summary.skills] == [
        ("python", 2, 1, 0, 3),
        ("maths", 0, 0, 1, 2),
        ("ml", 0, 0, 0, 4),
    ]
    assert summary.skills[0].percent == pytest.approx(200 / 3)
    assert summary.skills[0].complete and not summary.skills[1].complete
    assert (summary.done, summary.total) == (2, 9)  # the removed item is ignored
    assert summary.percent == pytest.approx(200 / 9)


async def test_next_item_continues_the_skill_most_recently_worked_on(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.set_progress(1, "ml", "ml/regression", "done", at=at(1))
    await db.set_progress(1, "ml", "ml/evaluation", "skipped", at=at(2))
    summary = await db.summary(1, PATH)
    # ml was touched last and is incomplete: its first open item, not python's.
    assert (summary.next_skill_id, summary.next_item_id) == ("ml", "ml/trees")


async def test_next_item_prefers_an_item_in_progress_within_that_skill(db: Storage) -> None:
    await db.set_progress(1, "ml", "ml/trees", "learning", at=at(0))
    await db.set_progress(1, "ml", "ml/ensembles", "done", at=at(1))
    summary = await db.summary(1, PATH)
    assert (summary.next_skill_id, summary.next_item_id) == ("ml", "ml/regression")


async def test_next_item_falls_back_to_the_path_when_that_skill_is_complete(
    db: Storage,
) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    for minute, item in enumerate(["maths/linear-algebra", "maths/calculus"], start=1):
        await db.set_progress(1, "maths", item, "done", at=at(minute))
    summary = await db.summary(1, PATH)
    assert (summary.next_skill_id, summary.next_item_id) == ("python", "python/functions")


async def test_new_member_starts_at_the_beginning_and_a_finished_path_has_no_next(
    db: Storage,
) -> None:
    fresh = await db.summary(42, PATH)
    assert (fresh.next_skill_id, fresh.next_item_id, fresh.percent) == (
        "python",
        "python/syntax",
        0.0,
    )
    minute = 0
    for skill, items in PATH:
        for item in items:
            await db.set_progress(
                43, skill, item, "done" if minute % 3 else "skipped", at=at(minute)
            )
            minute += 1
    finished = await db.summary(43, PATH)
    assert (finished.next_skill_id, finished.next_item_id) == (None, None)
    assert all(s.complete for s in finished.skills)


async def test_summary_rejects_a_malformed_path(db: Storage) -> None:
    with pytest.raises(InvalidInputError, match="learning path"):
        await db.summary(1, [("python", "python/syntax")])  # items must be a list, not text
    with pytest.raises(InvalidInputError, match="learning path"):
        await db.summary(1, ["python"])  # type: ignore[list-item]
