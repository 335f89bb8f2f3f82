"""Export everything about a member; forget everything about a member."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, time, timedelta

import asyncpg
import pytest

from storage import ForgottenMemberError, MemberPrefs, Schedule, Storage, is_postgres_url
from storage.postgres import dialect
from storage.sqlite.rights import MEMBER_TABLES

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
ME, OTHER = 1001, 2002


async def fill(db: Storage, member: int) -> int:
    """Give ``member`` a row in every table; return the id of one of their questions."""
    await db.set_timezone(member, "Europe/Berlin", at=T0)
    await db.set_preferences(member, MemberPrefs(store_question_text=True), at=T0)
    await db.set_progress(member, "python", "python/a", "learning", at=T0)
    await db.set_progress(member, "python", "python/a", "done", at=T0 + timedelta(days=1))
    await db.create_reminder(
        member, Schedule.daily(time(9), tz="Europe/Berlin"), message="go", at=T0
    )
    await db.add_notice(member, "a reminder was paused", at=T0)
    await db.take_cooldown(member, 5, now=T0)
    question = await db.log_question(
        member, f"question from {member}", visibility="dm", guild_id=None, matched_id=None, at=T0
    )
    return question.id


async def scalar(location: str, sql: str, *params: object) -> int:
    """One number from the database behind ``location``, read around the store."""
    if is_postgres_url(location):
        conn = await asyncpg.connect(location)
        try:
            return int(await conn.fetchval(dialect.placeholders(sql), *params))
        finally:
            await conn.close()
    with closing(sqlite3.connect(location)) as lite:
        return int(lite.execute(sql, params).fetchone()[0])


async def member_columns(location: str) -> dict[str, int]:
    """Every table with a member_id column, and how many rows it has in total."""
    if is_postgres_url(location):
        conn = await asyncpg.connect(location)
        try:
            found = await conn.fetch(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_name = 'member_id'"
            )
        finally:
            await conn.close()
        tables = [row[0] for row in found]
    else:
        with closing(sqlite3.connect(location)) as conn:
            names = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            tables = [
                t
                for t in names
                if any(col[1] == "member_id" for col in conn.execute(f"PRAGMA table_info({t})"))
            ]
    return {table: await scalar(location, f"SELECT COUNT(*) FROM {table}") for table in tables}


async def test_every_table_about_members_is_covered(db: Storage, db_location: str) -> None:
    """A new table with member rows must be added to export and forget (this fails)."""
    assert set(await member_columns(db_location)) == set(MEMBER_TABLES)


async def test_export_has_every_row_about_the_member_and_is_json(db: Storage) -> None:
    mine = await fill(db, ME)
    theirs = await fill(db, OTHER)
    await db.record_feedback(theirs, ME, helpful=False, at=T0)
    await db.record_feedback(mine, OTHER, helpful=True, at=T0)
    exported = json.loads(json.dumps(await db.export_member(ME)))
    tables = exported["tables"]
    assert set(tables) == set(MEMBER_TABLES)
    assert all(tables[name] for name in MEMBER_TABLES), "a table has no row about the member"
    assert all(row["member_id"] == ME for rows in tables.values() for row in rows)
    assert tables["members"][0]["tz"] == "Europe/Berlin"
    assert tables["members"][0]["store_question_text"] is True
    assert tables["members"][0]["created_at"] == "2024-03-01T12:00:00+00:00"
    assert [r["new_status"] for r in tables["progress_history"]] == ["learning", "done"]
    assert tables["question_log"][0]["question_text"] == f"question from {ME}"
    # Their own vote is theirs; another member's vote on their question is not exported.
    assert [(r["question_id"], r["helpful"]) for r in tables["question_feedback"]] == [
        (theirs, False)
    ]
    assert sorted(tables["activity_days"], key=lambda r: r["day"]) == [
        {"member_id": ME, "day": "2024-03-01"},
        {"member_id": ME, "day": "2024-03-02"},
    ]


async def test_forget_deletes_every_row_and_nothing_else(db: Storage, db_location: str) -> None:
    mine = await fill(db, ME)
    theirs = await fill(db, OTHER)
    await db.record_feedback(theirs, ME, helpful=False, at=T0)
    await db.record_feedback(mine, OTHER, helpful=True, at=T0)  # goes with my question
    before = await member_columns(db_location)
    other_before = await db.export_member(OTHER)

    deleted = await db.forget_member(ME)

    after = await member_columns(db_location)
    assert sum(deleted.values()) == sum(before.values()) - sum(after.values())
    for table in after:
        sql = f"SELECT COUNT(*) FROM {table} WHERE member_id = ?"
        assert await scalar(db_location, sql, ME) == 0, table
    sql = "SELECT COUNT(*) FROM question_feedback WHERE question_id = ?"
    assert await scalar(db_location, sql, mine) == 0
    assert await db.get_member(ME) is None
    assert await db.list_reminders(ME) == []
    other_after = await db.export_member(OTHER)
    other_before["tables"]["question_feedback"] = other_after["tables"]["question_feedback"]
    assert other_after["tables"] == other_before["tables"]  # only their vote on mine went
    assert other_after["tables"]["question_feedback"] == []
    assert await db.forget_member(ME) == dict.fromkeys(deleted, 0)  # idempotent


async def test_a_question_asked_before_a_forget_is_not_logged_after_it(db: Storage) -> None:
    """The bot logs a question after answering it; a forget in between wins."""
    asked = datetime.now(UTC)
    await fill(db, ME)
    await db.forget_member(ME)
    with pytest.raises(ForgottenMemberError):
        await db.log_question(
            ME, "in flight", visibility="public", guild_id=7, matched_id=None, at=asked
        )
    assert await db.get_member(ME) is None
    assert all(not rows for rows in (await db.export_member(ME))["tables"].values())
    # Other members, and this member's later questions, are logged as usual.
    await db.log_question(OTHER, "hi", visibility="public", guild_id=7, matched_id=None, at=asked)
    later = await db.log_question(ME, "again", visibility="public", guild_id=7, matched_id=None)
    assert later.text == "again"


async def test_a_vote_cast_before_a_forget_is_not_recorded_after_it(db: Storage) -> None:
    question = await fill(db, OTHER)
    clicked = datetime.now(UTC)
    await db.log_question(ME, "mine", visibility="public", guild_id=7, matched_id=None)
    await db.forget_member(ME)
    with pytest.raises(ForgottenMemberError):
        await db.record_feedback(question, ME, True, at=clicked)
    assert await db.get_member(ME) is None
    assert (await db.record_feedback(question, ME, True)).helpful  # a later vote counts


async def test_a_forget_racing_the_question_log_leaves_nothing(db: Storage) -> None:
    """Concurrent, as in the bot (on PostgreSQL really in parallel): whichever runs
    first, the member is gone afterwards and no question of theirs is left."""
    members = range(5_000, 5_040)
    asked = datetime.now(UTC)
    for member in members:
        await db.log_question(member, "q", visibility="public", guild_id=7, matched_id=None)

    async def in_flight(member: int) -> object:
        return await db.log_question(
            member, "in flight", visibility="public", guild_id=7, matched_id=None, at=asked
        )

    tasks = []
    for member in members:  # the log write starts first, the forget right behind it
        tasks += [in_flight(member), db.forget_member(member)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(e, ForgottenMemberError) for e in errors), errors
    assert [m for m in members if await db.get_member(m) is not None] == []
