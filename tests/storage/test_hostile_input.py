"""Hostile strings are stored and read back exactly, or refused clearly; never executed."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from storage import InvalidInputError, Schedule, Storage
from storage import validate as check
from storage.validate import storable

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

HOSTILE = [
    'it\'s "quoted" `back`',
    "'; DROP TABLE members; --",
    "Robert'); DELETE FROM progress WHERE ('1'='1",
    "1 OR 1=1; PRAGMA writable_schema = ON;",
    "%_ LIKE wildcards \\ backslash",
    "emoji 🎉👩🏽‍💻🇩🇪 and ZWJ",
    "\u200fright-to-left mark \u202eoverride\u202c אבג عربي",
    "line\nbreaks\r\nand\ttabs",
    "e\u0301 combining vs \u00e9 precomposed",
    "\U0001f600" * 50,
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_round_trips_exactly_everywhere(db: Storage, text: str) -> None:
    item = await db.set_progress(7, "skill", text, "done", at=T0, note=text)
    assert item.item_id == text
    assert [p.item_id for p in await db.get_progress(7)] == [text]
    assert (await db.progress_history(7))[0].note == text
    reminder = await db.create_reminder(7, Schedule.daily(time(9)), message=text, at=T0)
    assert (await db.get_reminder(reminder.id)).message == text  # type: ignore[union-attr]
    logged = await db.log_question(
        7, text, visibility="public", guild_id=1, matched_id=text, match_kind="faq", at=T0
    )
    assert (logged.text, logged.matched_id) == (text, text)
    gaps = await db.question_gaps(T0, T0 + timedelta(seconds=1))
    assert gaps == []  # it was answered (matched), so not a gap
    exported = json.loads(json.dumps(await db.export_member(7)))
    assert exported["tables"]["question_log"][0]["question_text"] == text
    assert exported["tables"]["reminders"][0]["message"] == text


async def test_unanswered_hostile_text_shows_up_verbatim_in_gaps(db: Storage) -> None:
    for text in HOSTILE:
        await db.log_question(1, text, visibility="public", guild_id=1, matched_id=None, at=T0)
    gaps = await db.question_gaps(T0, T0 + timedelta(seconds=1), limit=100)
    assert sorted(g.example for g in gaps) == sorted(HOSTILE)


async def test_the_schema_survives_injection_attempts(db: Storage, db_path: Path) -> None:
    for text in HOSTILE:
        await db.set_progress(8, text, text, "learning", at=T0, note=text)
        await db.log_question(8, text, visibility="public", guild_id=1, matched_id=None, at=T0)
    await db.close()
    with closing(sqlite3.connect(db_path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert {"members", "progress", "progress_history", "question_log"} <= tables
        assert conn.execute("SELECT COUNT(*) FROM progress").fetchone() == (len(HOSTILE),)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


async def test_long_text_is_refused_with_a_clear_message_and_limits_are_inclusive(
    db: Storage,
) -> None:
    huge = "A" * 100_000
    with pytest.raises(InvalidInputError, match=r"question is too long: 100,000 characters"):
        await db.log_question(1, huge, visibility="public", guild_id=1, matched_id=None)
    with pytest.raises(InvalidInputError, match="item id is too long"):
        await db.set_progress(1, "skill", huge, "done")
    with pytest.raises(InvalidInputError, match="reminder message is too long"):
        await db.create_reminder(1, Schedule.daily(time(9)), message=huge)
    limit = "🎉" * 4_000  # exactly at the limit (in characters, not bytes): accepted
    logged = await db.log_question(1, limit, visibility="public", guild_id=1, matched_id=None)
    assert logged.text == limit
    assert await db.get_progress(1) == []  # nothing half-written by the refusals


@pytest.mark.parametrize(
    ("value", "message"),
    [("nul\x00inside", "NUL"), ("lone \udc80 surrogate", "surrogate"), ("   ", "empty")],
)
async def test_nul_surrogates_and_blank_are_refused(db: Storage, value: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        await db.set_progress(1, "skill", value, "done")
    with pytest.raises(InvalidInputError, match=message):
        await db.log_question(1, value, visibility="public", guild_id=1, matched_id=None)
    with pytest.raises(InvalidInputError, match=message):
        await db.create_reminder(1, Schedule.daily(time(9)), message=value)
    assert await db.get_member(1) is None  # refused before anything was written


async def test_wrong_types_and_ranges_are_refused(db: Storage) -> None:
    with pytest.raises(InvalidInputError, match="member id"):
        await db.touch_member(True)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="out of range"):
        await db.touch_member(2**63)
    with pytest.raises(InvalidInputError, match="status"):
        await db.set_progress(1, "s", "s/a", "finished")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="timezone-aware"):
        await db.touch_member(1, at=datetime(2024, 1, 1))
    with pytest.raises(InvalidInputError, match="unknown time zone"):
        await db.set_timezone(1, "../../etc/passwd")
    with pytest.raises(InvalidInputError, match="confidence"):
        await db.log_question(
            1, "q", visibility="public", guild_id=1, matched_id=None, confidence=float("nan")
        )


@pytest.mark.parametrize("kept", HOSTILE)
def test_storable_leaves_acceptable_text_alone(kept: str) -> None:
    assert storable(kept) == kept


def test_storable_replaces_only_what_storage_refuses() -> None:
    odd = "a\x00b\ud800c\udfffd 🎉"
    with pytest.raises(InvalidInputError):
        check.text(odd, "question", 100)
    assert storable(odd) == "a\ufffdb\ufffdc\ufffdd 🎉"
    assert check.text(storable(odd), "question", 100) == storable(odd)
