"""Undoing a progress change, and carrying progress over when a checklist item is renamed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import InvalidInputError, Storage

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def statuses(db: Storage, member_id: int) -> dict[str, str]:
    return {p.item_id: p.status for p in await db.get_progress(member_id)}


async def test_undo_puts_back_the_status_before_the_last_change(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "learning", at=at(0))
    await db.set_progress(1, "python", "python/syntax", "done", at=at(1))
    undone = await db.undo_progress(1, at=at(2))
    assert undone is not None
    assert (undone.item_id, undone.old_status, undone.new_status) == (
        "python/syntax",
        "learning",
        "done",
    )
    assert undone.undone_at == at(2)
    assert await statuses(db, 1) == {"python/syntax": "learning"}
    # The history keeps what happened, marked undone; a second undo does not walk back.
    history = await db.progress_history(1)
    assert [(e.new_status, e.undone_at) for e in history] == [("done", at(2)), ("learning", None)]
    assert await db.undo_progress(1, at=at(3)) is None
    assert await statuses(db, 1) == {"python/syntax": "learning"}


async def test_undoing_a_first_mark_leaves_the_item_not_started(db: Storage) -> None:
    await db.set_progress(1, "python", "python/functions", "done", at=at(0))
    await db.set_progress(2, "python", "python/functions", "done", at=at(0))
    assert await db.undo_progress(1, "python/functions", at=at(1)) is not None
    assert await statuses(db, 1) == {}
    assert await statuses(db, 2) == {"python/functions": "done"}  # others untouched
    assert await db.undo_progress(1, "python/functions", at=at(2)) is None
    # Marking it again is a new change, which can be undone again.
    await db.set_progress(1, "python", "python/functions", "done", at=at(3))
    assert await db.undo_progress(1, "python/functions", at=at(4)) is not None
    assert await statuses(db, 1) == {}


async def test_undo_of_one_item_and_nothing_to_undo(db: Storage) -> None:
    assert await db.undo_progress(1) is None  # no member, no history
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.set_progress(1, "python", "python/functions", "done", at=at(1))
    # An Undo button on the first confirmation still undoes that item, not the newest.
    undone = await db.undo_progress(1, "python/syntax", at=at(2))
    assert undone is not None and undone.item_id == "python/syntax"
    assert await statuses(db, 1) == {"python/functions": "done"}
    assert await db.undo_progress(1, "maths/calculus", at=at(3)) is None


async def test_undo_follows_a_renamed_item_and_puts_back_skipped(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.rename_progress_items({"python/syntax": ("python/basics", "python")})
    # The history row now names the new id, and the status still matches: undoable.
    assert (await db.undo_progress(1, "python/basics", at=at(1))) is not None
    await db.set_progress(1, "python", "python/classes", "done", at=at(2))
    await db.set_progress(1, "python", "python/classes", "skipped", at=at(3))
    await db.set_progress(1, "python", "python/classes", "done", at=at(4))
    assert (await db.undo_progress(1, at=at(5))) is not None  # back to skipped
    assert await statuses(db, 1) == {"python/classes": "skipped"}


async def test_rename_moves_progress_and_history_and_is_idempotent(db: Storage) -> None:
    await db.set_progress(1, "python", "python/syntax", "done", at=at(0))
    await db.set_progress(2, "python", "python/syntax", "learning", at=at(0))
    await db.set_progress(3, "python", "python/basics", "learning", at=at(0))
    await db.set_progress(3, "python", "python/syntax", "done", at=at(1))
    renames = {"python/syntax": ("programming/python-basics", "programming")}
    assert await db.rename_progress_items(renames) == 3
    assert await statuses(db, 1) == {"programming/python-basics": "done"}
    assert await statuses(db, 2) == {"programming/python-basics": "learning"}
    assert (await db.get_progress(1))[0].skill_id == "programming"
    assert [e.item_id for e in await db.progress_history(1)] == ["programming/python-basics"]
    assert await db.rename_progress_items(renames) == 0  # again: nothing left to move
    assert await db.progress_item_counts() == {
        "programming/python-basics": 3,
        "python/basics": 1,
    }


async def test_rename_keeps_progress_already_under_the_new_id(db: Storage) -> None:
    await db.set_progress(1, "python", "python/basics", "learning", at=at(0))
    await db.set_progress(1, "python", "python/syntax", "done", at=at(1))
    assert await db.rename_progress_items({"python/syntax": ("python/basics", "python")}) == 0
    assert await statuses(db, 1) == {"python/basics": "learning"}
    # The newest history row (the old id's "done") no longer describes the item's
    # status, so undo refuses rather than undo something the member cannot see.
    assert await db.undo_progress(1, "python/basics", at=at(2)) is None
    assert await statuses(db, 1) == {"python/basics": "learning"}


async def test_rename_refuses_bad_input(db: Storage) -> None:
    with pytest.raises(InvalidInputError):
        await db.rename_progress_items({"python/a": ("python/a", "python")})
    with pytest.raises(InvalidInputError):
        await db.rename_progress_items({"python/a": ("x" * 300, "python")})
    assert await db.rename_progress_items({}) == 0
