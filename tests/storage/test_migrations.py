"""Migrations keep every row, refuse newer files untouched, and apply all-or-nothing."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import aiosqlite
import pytest

from storage import MigrationError, SchemaTooNewError, open_storage
from storage import migrate as migrations
from storage.sqlite import open_sqlite

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
S = int(NOW.timestamp())
DAY = 86_400


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path)
    try:
        yield conn
    finally:
        conn.close()


async def make_v1(path: Path) -> None:
    db = await open_sqlite(path, up_to=1)
    assert await db.schema_version() == 1
    await db.close()


def fill_v1(path: Path) -> None:
    """Rows as the version-1 code would have written them."""
    with raw(path) as conn, conn:
        conn.executemany(
            "INSERT INTO members (member_id, tz, remind_via, remind_guild_id, "
            "remind_channel_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (1001, "Europe/Berlin", "dm", None, None, S - 9 * DAY, S - DAY),
                (1002, "America/New_York", "channel", 77, 78, S - 8 * DAY, S - 2 * DAY),
            ],
        )
        conn.executemany(
            "INSERT INTO progress (member_id, item_id, skill_id, status, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (1001, "python/a", "python", "done", S - 3 * DAY),
                (1001, "python/b", "python", "learning", S - 2 * DAY),
                (1002, "ml/a", "ml", "skipped", S - DAY),
            ],
        )
        conn.executemany(
            "INSERT INTO progress_history (member_id, item_id, skill_id, old_status, "
            "new_status, changed_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (1001, "python/a", "python", None, "learning", S - 4 * DAY, None),
                (1001, "python/a", "python", "learning", "done", S - 3 * DAY, "finally"),
                (1001, "python/b", "python", None, "learning", S - 2 * DAY, None),
                (1002, "ml/a", "ml", None, "skipped", S - DAY, None),
            ],
        )
        conn.executemany(
            "INSERT INTO activity_days (member_id, day) VALUES (?, ?)",
            [(1001, "2024-02-26"), (1001, "2024-02-27"), (1001, "2024-02-28")],
        )
        conn.execute("INSERT INTO streaks VALUES (1001, 3, 5, '2024-02-28')")
        reminder = (
            "INSERT INTO reminders (id, member_id, kind, tz, times, weekdays, once_at, message, "
            "target_via, target_guild_id, target_channel_id, active, next_due_at, last_sent_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        conn.executemany(
            reminder,
            [
                # Sent this morning; next one tomorrow 09:00 Berlin (08:00 UTC).
                (1, 1001, "daily", "Europe/Berlin", "09:00", 127, None, "study", "dm",
                 None, None, 1, S + DAY - 4 * 3600, S - 4 * 3600, S - 9 * DAY, S - 4 * 3600),
                # A one-off that was already sent: finished, must never be due again.
                (2, 1001, "once", "UTC", "", 0, S - DAY, "call mentor", "dm",
                 None, None, 1, None, S - DAY, S - 5 * DAY, S - DAY),
                # Overdue by ten minutes: the only reminder due at NOW.
                (3, 1002, "weekly", "America/New_York", "06:50", 1 << 4, None, "review",
                 "channel", 77, 78, 1, S - 600, S - 7 * DAY - 600, S - 30 * DAY, S - 7 * DAY),
                # Paused.
                (4, 1002, "daily", "UTC", "07:00", 127, None, "paused one", "dm",
                 None, None, 0, None, None, S - 3 * DAY, S - 3 * DAY),
            ],
        )  # fmt: skip
        conn.execute("INSERT INTO guild_settings VALUES (77, 78, 79, 0.55, ?)", (S,))
        conn.executemany("INSERT INTO guild_moderator_roles VALUES (?, ?)", [(77, 500), (77, 501)])
        conn.executemany(
            "INSERT INTO question_log (member_id, guild_id, visibility, question_text, "
            "question_key, matched_id, match_kind, confidence, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (1001, 77, "public", "Do I need a PhD?", "do i need a phd", None, None, 0.2,
                 S - 3600),
                (1002, None, "dm", None, None, "faq/salary", "faq", 0.9, S - 1800),
            ],
        )  # fmt: skip


def dump(path: Path, tables: dict[str, str]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in ``tables`` (name -> column list)."""
    with raw(path) as conn:
        return {
            table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()
            for table, columns in tables.items()
        }


def v1_columns(path: Path) -> dict[str, str]:
    with raw(path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: ", ".join(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
            for table in tables
        }


async def test_version_1_file_migrates_to_latest_keeping_every_row(db_path: Path) -> None:
    await make_v1(db_path)
    fill_v1(db_path)
    columns = v1_columns(db_path)
    before = dump(db_path, columns)
    assert sum(len(rows) for rows in before.values()) == 22

    async with await open_storage(db_path) as db:
        assert await db.schema_version() == migrations.latest_version() >= 2
        assert dump(db_path, columns) == before

        # New columns got their documented defaults.
        member = await db.get_member(1001)
        assert member is not None
        assert member.tz == "Europe/Berlin"
        assert (member.prefs.quiet_start, member.prefs.store_question_text) == (None, False)

        # Reminders: nothing already sent becomes due again, the overdue one is due.
        due = await db.due_reminders(NOW)
        assert [r.id for r in due] == [3]
        assert await db.next_due_at() == NOW - timedelta(seconds=600)
        daily = await db.get_reminder(1)
        assert daily is not None
        assert daily.last_sent_at == NOW - timedelta(hours=4)
        assert daily.next_due_at == NOW + timedelta(hours=20)
        assert daily.schedule.times == (time(9),)
        finished = await db.list_reminders(1001, include_finished=True)
        assert [(r.id, r.finished) for r in finished] == [(1, False), (2, True)]
        paused = await db.get_reminder(4)
        assert paused is not None and not paused.active

        # The migrated reminder keeps working: sending it schedules the next week.
        sent = await db.mark_sent(3, NOW)
        assert sent is not None and sent.next_due_at == NOW + timedelta(days=7, seconds=-600)
        assert await db.due_reminders(NOW) == []

        history = await db.progress_history(1001)
        assert [e.note for e in history] == [None, "finally", None]
        streak = await db.get_streak(1001, at=NOW - timedelta(days=2))
        assert (streak.current, streak.longest, streak.last_active_day) == (
            3,
            5,
            date(2024, 2, 28),
        )
        settings = await db.get_guild_settings(77)
        assert settings.moderator_role_ids == {500, 501}
        assert settings.confidence_threshold == 0.55
        stats = await db.question_stats(NOW - timedelta(days=1), NOW)
        assert (stats.asked, stats.answered) == (2, 1)
        gaps = await db.question_gaps(NOW - timedelta(days=1), NOW)
        assert [(g.example, g.asked) for g in gaps] == [("Do I need a PhD?", 1)]

    # Opening again is a no-op.
    latest = v1_columns(db_path)
    final = dump(db_path, latest)
    async with await open_storage(db_path) as db:
        assert await db.schema_version() == migrations.latest_version()
    assert dump(db_path, latest) == final


def file_state(path: Path) -> tuple[str, list[str]]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest, sorted(p.name for p in path.parent.iterdir())


async def test_newer_schema_is_refused_and_the_file_left_byte_for_byte(db_path: Path) -> None:
    async with await open_storage(db_path) as db:
        await db.set_progress(1, "python", "python/a", "done", at=NOW)
    newer = migrations.latest_version() + 7
    with raw(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
        conn.commit()
    before = file_state(db_path)

    with pytest.raises(SchemaTooNewError) as caught:
        await open_storage(db_path)
    message = str(caught.value)
    assert f"version {newer}" in message and "newer" in message
    assert f"latest known: {migrations.latest_version()}" in message
    assert "not modified" in message
    assert file_state(db_path) == before


async def test_newer_schema_with_a_live_wal_is_refused_too(db_path: Path) -> None:
    async with await open_storage(db_path):
        pass
    holder = sqlite3.connect(db_path)  # keeps the WAL from being checkpointed away
    try:
        holder.execute("PRAGMA user_version = 99")
        holder.commit()
        digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
        with pytest.raises(SchemaTooNewError, match="version 99"):
            await open_storage(db_path)
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    finally:
        holder.close()


async def test_a_failing_migration_leaves_the_previous_version(db_path: Path) -> None:
    steps = migrations.parse(
        {
            "0001_one.sql": "CREATE TABLE a (x INTEGER);",
            "0002_two.sql": "CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);",
        }
    )
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        with pytest.raises(MigrationError, match=r"0002_two failed.*left at version 1"):
            await migrations.apply(conn, str(db_path), migrations=steps)
        assert await migrations.current_version(conn) == 1
        tables = await conn.execute_fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        assert [t[0] for t in tables] == ["a"]  # b was rolled back with the failed step


async def test_concurrent_openers_apply_each_migration_once(db_path: Path) -> None:
    await make_v1(db_path)
    fill_v1(db_path)
    opened = await asyncio.gather(*(open_storage(db_path) for _ in range(4)))
    try:
        for db in opened:
            assert await db.schema_version() == migrations.latest_version()
        assert (await opened[0].get_member(1002)) is not None
    finally:
        for db in opened:
            await db.close()


def test_migration_files_are_validated() -> None:
    with pytest.raises(MigrationError, match="without gaps"):
        migrations.parse({"0001_a.sql": "SELECT 1;", "0003_c.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match="managed by the runner"):
        migrations.parse({"0001_a.sql": "BEGIN;\nCREATE TABLE a (x INTEGER);\nCOMMIT;"})
    with pytest.raises(MigrationError, match="NNNN_name"):
        migrations.parse({"1_a.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match="unterminated"):
        migrations.parse({"0001_a.sql": "CREATE TABLE a (x INTEGER)"})
    statements = migrations.split_statements("-- a; comment\nCREATE TABLE t (x TEXT DEFAULT ';');")
    assert len(statements) == 1 and "DEFAULT ';'" in statements[0]


SQLITE_ONLY = ("AUTOINCREMENT", "WITHOUT ROWID", "STRICT", "INSERT OR", "REPLACE INTO",
               "DATETIME(", "STRFTIME", "GLOB", "COLLATE NOCASE")  # fmt: skip


def test_migration_sql_stays_portable() -> None:
    """Only the documented surrogate-key spelling is SQLite-specific (see 0001)."""
    for step in migrations.bundled():
        for statement in step.statements:
            code = migrations._strip_comments(statement).upper()
            assert not [word for word in SQLITE_ONLY if word in code], statement
            # Discord ids and times must be 64-bit: INTEGER only for counters and the
            # rowid-alias surrogate keys.
            for line in code.splitlines():
                if " INTEGER" in line and "_ID " in line:
                    pytest.fail(f"snowflake column declared INTEGER, use BIGINT: {line}")
